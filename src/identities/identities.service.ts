import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { checkContact } from '../customers/references.ts';
import type { Database, IdentityRow, Insertable, SocialIdentitiesTable, Updateable } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { deleteIdentity, findIdentity, insertIdentity, updateIdentity } from './identities.repository.ts';

export interface IdentityProfileInput {
  handle?: string | null | undefined;
  displayName?: string | null | undefined;
  profileUrl?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  bio?: string | null | undefined;
  location?: string | null | undefined;
  language?: string | null | undefined;
  followers?: number | null | undefined;
  following?: number | null | undefined;
  verified?: boolean | undefined;
  contactId?: string | null | undefined;
}

type LinkColumns = Pick<Insertable<SocialIdentitiesTable>, 'contact_id' | 'link_score' | 'link_status' | 'link_evidence'>;

/** A link made by a person is certain: score 1, status manual, and the evidence names who made it. */
export function manualLink(contactId: string, userId: string | null): LinkColumns {
  return { contact_id: contactId, link_score: 1, link_status: 'manual', link_evidence: JSON.stringify([{ type: 'manual', by: userId }]) };
}

export const NO_LINK: LinkColumns = { contact_id: null, link_score: null, link_status: null, link_evidence: null };

function profileColumns(input: IdentityProfileInput): Updateable<SocialIdentitiesTable> {
  return {
    ...(input.handle !== undefined ? { handle: input.handle?.trim() ?? null } : {}),
    ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
    ...(input.profileUrl !== undefined ? { profile_url: input.profileUrl } : {}),
    ...(input.avatarUrl !== undefined ? { avatar_url: input.avatarUrl } : {}),
    ...(input.bio !== undefined ? { bio: input.bio } : {}),
    ...(input.location !== undefined ? { location: input.location } : {}),
    ...(input.language !== undefined ? { language: input.language } : {}),
    ...(input.followers !== undefined ? { followers: input.followers } : {}),
    ...(input.following !== undefined ? { following: input.following } : {}),
    ...(input.verified !== undefined ? { verified: input.verified } : {}),
  };
}

/** Creates an identity; a contactId given by a user is a manual link. Duplicates of (channel, externalId) are a conflict. */
export async function createIdentity(db: Kysely<Database>, actor: Actor, input: IdentityProfileInput & { channel: string; externalId: string }): Promise<IdentityRow> {
  await checkContact(db, actor.workspaceId, input.contactId);
  return db.transaction().execute(async (trx) => {
    const identity = await insertIdentity(trx, {
      workspace_id: actor.workspaceId,
      channel: input.channel,
      external_id: input.externalId,
      ...profileColumns(input),
      ...(input.contactId ? manualLink(input.contactId, actor.userId) : {}),
    });
    if (!identity) throw errors.conflict(`an identity ${input.channel}:${input.externalId} already exists`);
    await recordAudit(trx, actor, { action: 'identity.created', targetType: 'identity', targetId: identity.id, detail: { channel: input.channel, externalId: input.externalId } });
    if (input.contactId) await recordAudit(trx, actor, { action: 'identity.linked', targetType: 'identity', targetId: identity.id, detail: { contactId: input.contactId, status: 'manual' } });
    return identity;
  });
}

/** Updates an identity's profile; setting contactId links it manually, null unlinks it; both are audited. */
export async function changeIdentity(db: Kysely<Database>, actor: Actor, id: string, input: IdentityProfileInput): Promise<IdentityRow> {
  await checkContact(db, actor.workspaceId, input.contactId);
  return db.transaction().execute(async (trx) => {
    const before = await findIdentity(trx, actor.workspaceId, id);
    if (!before) throw errors.notFound('identity');
    const link = input.contactId === undefined ? {} : input.contactId === null ? NO_LINK : manualLink(input.contactId, actor.userId);
    const after = await updateIdentity(trx, actor.workspaceId, id, { ...profileColumns(input), ...link });
    if (!after) throw errors.notFound('identity');
    if (input.contactId === null && before.contact_id !== null) {
      await recordAudit(trx, actor, { action: 'identity.unlinked', targetType: 'identity', targetId: id, detail: { contactId: before.contact_id, previousStatus: before.link_status } });
    } else if (input.contactId) {
      await recordAudit(trx, actor, {
        action: 'identity.linked',
        targetType: 'identity',
        targetId: id,
        detail: { contactId: input.contactId, previousContactId: before.contact_id, previousStatus: before.link_status, status: 'manual' },
      });
    }
    return after;
  });
}

export async function removeIdentity(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const identity = await findIdentity(trx, actor.workspaceId, id);
    if (!identity) throw errors.notFound('identity');
    await deleteIdentity(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'identity.deleted', targetType: 'identity', targetId: id, detail: { channel: identity.channel, externalId: identity.external_id } });
  });
}
