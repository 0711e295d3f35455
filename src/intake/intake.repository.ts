import type { Kysely } from 'kysely';
import type { Database, IntakeSource, IntakeStatus, RawIntakeRow } from '../platform/db/schema.ts';

export interface RawPayloadInput {
  workspaceId: string;
  connectionId: string | null;
  channel: string;
  source: IntakeSource;
  contentType: string | null;
  headers: Record<string, string>;
  body: string;
  /** Identifies the same delivery twice (e.g. hash of the import line); null when every delivery is new. */
  dedupeKey: string | null;
}

/** Stores a payload as received (callers: the intake, src/intake/intake.ts). Returns its id and whether the same dedupe key was already stored. */
export async function insertRaw(db: Kysely<Database>, input: RawPayloadInput): Promise<{ id: number; duplicate: boolean }> {
  const [stored] = await insertRawMany(db, [input]);
  if (!stored) throw new Error('the payload was not stored');
  return { id: stored.id, duplicate: stored.duplicate };
}

/** Ids of pending payloads, oldest first. */
export async function pendingIds(db: Kysely<Database>, limit: number, workspaceId?: string): Promise<number[]> {
  let query = db.selectFrom('raw_intake').select('id').where('status', '=', 'pending');
  if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Locks one pending payload for processing; undefined when another worker has it or it is done. */
export async function lockPending(db: Kysely<Database>, id: number): Promise<RawIntakeRow | undefined> {
  return db.selectFrom('raw_intake').selectAll().where('id', '=', id).where('status', '=', 'pending').forUpdate().skipLocked().executeTakeFirst();
}

export async function markProcessed(db: Kysely<Database>, id: number, now: Date): Promise<void> {
  await db.updateTable('raw_intake').set({ status: 'processed', processed_at: now, error: null }).where('id', '=', id).execute();
}

/** Moves a payload to dead-letter with the reason; returns its workspace (undefined when the id is unknown). */
export async function markDead(db: Kysely<Database>, id: number, reason: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('raw_intake')
    .set((eb) => ({ status: 'dead', error: reason.slice(0, 2000), processed_at: now, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('workspace_id')
    .executeTakeFirst();
  return row?.workspace_id;
}

/** Counts a failed attempt; the payload stays pending for a retry. Returns the attempts so far. */
export async function recordAttempt(db: Kysely<Database>, id: number, reason: string): Promise<number> {
  const row = await db
    .updateTable('raw_intake')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), error: reason.slice(0, 2000) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

export async function listIntake(
  db: Kysely<Database>,
  workspaceId: string,
  filter: { status?: 'pending' | 'processed' | 'dead' | undefined; channel?: string | undefined },
  beforeId: number | undefined,
  limit: number,
): Promise<RawIntakeRow[]> {
  let query = db.selectFrom('raw_intake').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  if (beforeId !== undefined) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function findIntake(db: Kysely<Database>, workspaceId: string, id: number): Promise<RawIntakeRow | undefined> {
  return db.selectFrom('raw_intake').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Puts dead payloads back in the queue (after a fix); returns their ids. */
export async function requeueDead(db: Kysely<Database>, workspaceId: string, ids: number[] | 'all'): Promise<number[]> {
  let query = db.updateTable('raw_intake').set({ status: 'pending', error: null, processed_at: null, attempts: 0 }).where('workspace_id', '=', workspaceId).where('status', '=', 'dead');
  if (ids !== 'all') {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', ids);
  }
  return (await query.returning('id').execute()).map((row) => row.id);
}

/** Locks the pending payloads among ids (oldest first), skipping ones another worker holds. */
export async function lockPendingMany(db: Kysely<Database>, ids: number[]): Promise<RawIntakeRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('raw_intake').selectAll().where('id', 'in', ids).where('status', '=', 'pending').orderBy('id').forUpdate().skipLocked().execute();
}

export async function markProcessedMany(db: Kysely<Database>, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('raw_intake').set({ status: 'processed', processed_at: now, error: null }).where('id', 'in', ids).execute();
}

/**
 * Stores many payloads of one workspace and channel in one statement (callers: the intake, src/intake/intake.ts). Returns, per input in order, its id, whether it was stored
 * before (same dedupe key), and its status.
 */
export async function insertRawMany(db: Kysely<Database>, inputs: RawPayloadInput[]): Promise<{ id: number; duplicate: boolean; status: IntakeStatus; error: string | null }[]> {
  if (inputs.length === 0) return [];
  const inserted = await db
    .insertInto('raw_intake')
    .values(
      inputs.map((input) => ({
        workspace_id: input.workspaceId,
        channel_connection_id: input.connectionId,
        channel: input.channel,
        source: input.source,
        content_type: input.contentType,
        headers: JSON.stringify(input.headers),
        body: input.body,
        dedupe_key: input.dedupeKey,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .returning(['id', 'dedupe_key'])
    .execute();
  const fresh = new Map(inserted.map((row) => [row.dedupe_key, row.id]));
  const missing = inputs.filter((input) => input.dedupeKey !== null && !fresh.has(input.dedupeKey));
  const existing = new Map<string, { id: number; status: IntakeStatus; error: string | null }>();
  const first = inputs[0];
  if (missing.length > 0 && first) {
    const rows = await db
      .selectFrom('raw_intake')
      .select(['id', 'dedupe_key', 'status', 'error'])
      .where('workspace_id', '=', first.workspaceId)
      .where('channel', '=', first.channel)
      .where('dedupe_key', 'in', missing.map((m) => m.dedupeKey ?? ''))
      .execute();
    for (const row of rows) if (row.dedupe_key) existing.set(row.dedupe_key, { id: row.id, status: row.status, error: row.error });
  }
  // Inputs without a dedupe key are always new; they come back in insertion order.
  const unkeyed = inserted.filter((row) => row.dedupe_key === null).map((row) => row.id);
  const seenInCall = new Set<string>();
  return inputs.map((input) => {
    if (input.dedupeKey === null) return { id: unkeyed.shift() ?? 0, duplicate: false, status: 'pending' as const, error: null };
    const freshId = fresh.get(input.dedupeKey);
    if (freshId !== undefined && !seenInCall.has(input.dedupeKey)) {
      seenInCall.add(input.dedupeKey);
      return { id: freshId, duplicate: false, status: 'pending' as const, error: null };
    }
    const old = existing.get(input.dedupeKey);
    // The same unit twice in one call: the second is a duplicate of the first.
    if (!old && freshId !== undefined) return { id: freshId, duplicate: true, status: 'pending' as const, error: null };
    if (!old) throw new Error(`payload with dedupe key ${input.dedupeKey} was neither stored nor found`);
    return { id: old.id, duplicate: true, status: old.status, error: old.error };
  });
}

/**
 * Pending payloads last announced to the workers (or received, when never re-announced) before `olderThan`,
 * marked as announced now. Only one sweeper at a time runs this (`townhall worker`, advisory lock).
 */
export async function claimStalePending(db: Kysely<Database>, olderThan: Date, now: Date, limit: number): Promise<{ id: number; workspaceId: string }[]> {
  const rows = await db
    .updateTable('raw_intake')
    .set({ signalled_at: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('raw_intake')
        .select('id')
        .where('status', '=', 'pending')
        .where((w) => w(w.fn.coalesce('signalled_at', 'received_at'), '<', olderThan))
        .orderBy('id')
        .limit(limit),
    )
    .returning(['id', 'workspace_id'])
    .execute();
  return rows.map((row) => ({ id: row.id, workspaceId: row.workspace_id }));
}

/** Dead-letters a payload that is still pending (another worker may have processed it meanwhile); true when it did. */
export async function markDeadIfPending(db: Kysely<Database>, id: number, reason: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('raw_intake')
    .set({ status: 'dead', error: reason.slice(0, 2000), processed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

