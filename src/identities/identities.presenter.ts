import type { Static } from 'typebox';
import type { IdentityRow } from '../platform/db/schema.ts';
import type { Identity } from './identities.schema.ts';

/** The fields of a social identity a client sees; link is null until resolution or a user links it. */
export function presentIdentity(row: IdentityRow): Static<typeof Identity> {
  return {
    id: row.id,
    channel: row.channel,
    externalId: row.external_id,
    handle: row.handle,
    displayName: row.display_name,
    profileUrl: row.profile_url,
    avatarUrl: row.avatar_url,
    bio: row.bio,
    location: row.location,
    language: row.language,
    followers: row.followers,
    following: row.following,
    verified: row.verified,
    contactId: row.contact_id,
    link: row.link_status === null ? null : { score: row.link_score ?? 0, status: row.link_status, evidence: Array.isArray(row.link_evidence) ? row.link_evidence : [] },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
