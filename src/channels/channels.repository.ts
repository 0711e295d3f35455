import { sql, type Kysely } from 'kysely';
import type { ChannelConnectionRow, Database } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function findConnection(db: Kysely<Database>, workspaceId: string, id: string): Promise<ChannelConnectionRow | undefined> {
  return db.selectFrom('channel_connections').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** The connection behind a webhook URL; the key is unguessable, so it also identifies the workspace. */
export async function findConnectionByWebhookKey(db: Kysely<Database>, key: string): Promise<ChannelConnectionRow | undefined> {
  return db.selectFrom('channel_connections').selectAll().where('webhook_key', '=', key).executeTakeFirst();
}

export async function listConnections(db: Kysely<Database>, workspaceId: string, filter: { type?: string | undefined }, cursor: Cursor | undefined, limit: number): Promise<(ChannelConnectionRow & { cursor_at: string })[]> {
  let query = db.selectFrom('channel_connections').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** Connections of every workspace that a poller or streamer should run. */
export async function activeConnections(db: Kysely<Database>, types: string[]): Promise<ChannelConnectionRow[]> {
  if (types.length === 0) return [];
  return db.selectFrom('channel_connections').selectAll().where('status', '=', 'active').where('type', 'in', types).execute();
}

export async function insertConnection(
  db: Kysely<Database>,
  values: { workspaceId: string; type: string; name: string; settings: Record<string, unknown>; credentialsEncrypted: string | null; webhookKey: string | null },
): Promise<ChannelConnectionRow> {
  return db
    .insertInto('channel_connections')
    .values({
      workspace_id: values.workspaceId,
      type: values.type,
      name: values.name,
      settings: JSON.stringify(values.settings),
      credentials_encrypted: values.credentialsEncrypted,
      webhook_key: values.webhookKey,
      state: '{}',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateConnection(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  values: { name?: string; settings?: Record<string, unknown>; credentialsEncrypted?: string | null; status?: 'active' | 'paused' | 'error'; statusDetail?: string | null },
): Promise<ChannelConnectionRow | undefined> {
  return db
    .updateTable('channel_connections')
    .set({
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.settings !== undefined ? { settings: JSON.stringify(values.settings) } : {}),
      // New credentials answer a refusal of the old ones.
      ...(values.credentialsEncrypted !== undefined ? { credentials_encrypted: values.credentialsEncrypted, attention_reason: null, attention_at: null } : {}),
      ...(values.status !== undefined ? { status: values.status } : {}),
      ...(values.statusDetail !== undefined ? { status_detail: values.statusDetail } : {}),
      // Only configuration changes move updated_at (and so restart the connection's loop).
      ...(values.name !== undefined || values.settings !== undefined || values.credentialsEncrypted !== undefined || values.status !== undefined ? { updated_at: new Date() } : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Persists a transport cursor (since_id, time_us, ETag...) after the payloads it covers are stored.
 * updated_at stays: it marks configuration changes, which restart a connection's loop.
 */
/**
 * Saves a connection's cursor. With a lease owner, only while that owner holds the lease: a process
 * that lost its lease (paused too long, partitioned) never moves the cursor of the one that took over.
 * Returns false when the lease is held by another owner.
 */
export async function saveConnectionState(db: Kysely<Database>, id: string, state: Record<string, unknown>, leaseOwner?: string): Promise<boolean> {
  let query = db.updateTable('channel_connections').set({ state: JSON.stringify(state) }).where('id', '=', id);
  if (leaseOwner !== undefined) query = query.where('lease_owner', '=', leaseOwner);
  const result = await query.executeTakeFirst();
  return leaseOwner === undefined || result.numUpdatedRows > 0n;
}

/**
 * Takes or renews the lease on a connection's poll/stream loop until now + ttl (database clock, so
 * machines with skewed clocks agree). Succeeds when the lease is free, expired or already ours.
 */
export async function claimConnectionLease(db: Kysely<Database>, id: string, owner: string, ttlMs: number): Promise<boolean> {
  const row = await db
    .updateTable('channel_connections')
    .set({ lease_owner: owner, lease_expires_at: sql<Date>`now() + ${`${Math.ceil(ttlMs)} milliseconds`}::interval` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_expires_at', '<', sql<Date>`now()`)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives a lease back (on stop, pause or delete), so another process can take the connection at once. */
export async function releaseConnectionLease(db: Kysely<Database>, id: string, owner: string): Promise<void> {
  await db.updateTable('channel_connections').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/**
 * Marks a connection as needing attention: the platform refused its credentials. Keeps the time of the
 * first refusal; leaves updated_at alone, so the connection's loop keeps running (and can clear it).
 */
export async function markConnectionNeedsAttention(db: Kysely<Database>, id: string, reason: string, at: Date): Promise<void> {
  await db
    .updateTable('channel_connections')
    .set((eb) => ({ attention_reason: reason.slice(0, 500), attention_at: eb.fn.coalesce('attention_at', eb.val(at)) }))
    .where('id', '=', id)
    .execute();
}

/** Clears the mark once a call with the connection's credentials succeeds again. */
export async function clearConnectionAttention(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('channel_connections').set({ attention_reason: null, attention_at: null }).where('id', '=', id).where('attention_reason', 'is not', null).execute();
}

export async function deleteConnection(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('channel_connections').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
