import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

/** Queries of the Bluesky profile lookups: the DID cache (its only writer) and the identities still without a handle. */

export interface CachedProfile {
  did: string;
  handle: string | null;
  display_name: string | null;
  avatar_url: string | null;
  description: string | null;
  error: string | null;
}

/** DIDs of a workspace's Bluesky identities that have no handle yet. */
export async function didsWithoutHandle(db: Kysely<Database>, workspaceId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('social_identities')
    .select('external_id')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', 'bluesky')
    .where('handle', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.external_id);
}

/** Active Bluesky connections (whose settings may name an AppView). */
export async function blueskyConnections(db: Kysely<Database>): Promise<{ id: string; workspace_id: string; settings: Record<string, unknown> }[]> {
  return db.selectFrom('channel_connections').select(['id', 'workspace_id', 'settings']).where('type', '=', 'bluesky').where('status', '=', 'active').execute();
}

/** Cache entries of these DIDs that have not expired (found profiles and remembered failures alike). */
export async function freshProfiles(db: Kysely<Database>, dids: string[], now: Date): Promise<CachedProfile[]> {
  if (dids.length === 0) return [];
  return db
    .selectFrom('bluesky_profiles')
    .select(['did', 'handle', 'display_name', 'avatar_url', 'description', 'error'])
    .where('did', 'in', dids)
    .where('expires_at', '>', now)
    .execute();
}

/** Writes lookup results, replacing older entries of the same DIDs. */
export async function saveProfiles(db: Kysely<Database>, rows: (CachedProfile & { fetched_at: Date; expires_at: Date })[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('bluesky_profiles')
    .values(rows)
    .onConflict((oc) =>
      oc.column('did').doUpdateSet((eb) => ({
        handle: eb.ref('excluded.handle'),
        display_name: eb.ref('excluded.display_name'),
        avatar_url: eb.ref('excluded.avatar_url'),
        description: eb.ref('excluded.description'),
        error: eb.ref('excluded.error'),
        fetched_at: eb.ref('excluded.fetched_at'),
        expires_at: eb.ref('excluded.expires_at'),
      })),
    )
    .execute();
}
