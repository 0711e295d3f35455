import { sql, type Kysely } from 'kysely';
import type { Database, OutboxRow } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function insertOutbox(
  db: Kysely<Database>,
  values: { workspaceId: string; connectionId: string; kind: OutboxRow['kind']; inReplyToPostId: string | null; body: Record<string, unknown>; createdBy: string | null; maxAttempts?: number },
): Promise<OutboxRow> {
  return db
    .insertInto('outbox')
    .values({
      workspace_id: values.workspaceId,
      channel_connection_id: values.connectionId,
      kind: values.kind,
      in_reply_to_post_id: values.inReplyToPostId,
      body: JSON.stringify(values.body),
      created_by: values.createdBy,
      max_attempts: values.maxAttempts,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Takes one due message for sending (status → sending), skipping ones another worker holds. */
export async function claimDue(db: Kysely<Database>, now: Date): Promise<OutboxRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!due) return undefined;
    return trx
      .updateTable('outbox')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', '=', due.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function markSent(db: Kysely<Database>, id: string, externalId: string, now: Date): Promise<void> {
  await db.updateTable('outbox').set({ status: 'sent', external_id: externalId, sent_at: now, last_error: null, updated_at: now }).where('id', '=', id).execute();
}

/** Puts a message back for a later attempt; `refundAttempt` when the platform only asked us to wait (a rate limit). */
export async function markRetry(db: Kysely<Database>, id: string, error: string, nextAttemptAt: Date, now: Date, options: { refundAttempt?: boolean } = {}): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'pending',
      last_error: error.slice(0, 2000),
      next_attempt_at: nextAttemptAt,
      updated_at: now,
      ...(options.refundAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/** Makes a connection's waiting messages due now: its credentials were just replaced, so what they held back may go. */
export async function releaseHeldForConnection(db: Kysely<Database>, connectionId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ next_attempt_at: now, updated_at: now })
    .where('channel_connection_id', '=', connectionId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function markFailed(db: Kysely<Database>, id: string, error: string, now: Date): Promise<void> {
  await db.updateTable('outbox').set({ status: 'failed', last_error: error.slice(0, 2000), updated_at: now }).where('id', '=', id).execute();
}

/**
 * After a crash, messages left in 'sending' may or may not have reached the platform. They go back to
 * pending (drivers pass the outbox id as an idempotency key where the platform supports one).
 */
export async function releaseStuck(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', last_error: sql`coalesce(last_error, 'interrupted while sending; retried')` })
    .where('status', '=', 'sending')
    .where('updated_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findOutbox(db: Kysely<Database>, workspaceId: string, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listOutbox(db: Kysely<Database>, workspaceId: string, filter: { status?: OutboxRow['status'] | undefined }, cursor: Cursor | undefined, limit: number): Promise<(OutboxRow & { cursor_at: string })[]> {
  let query = db.selectFrom('outbox').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function findPostForReply(db: Kysely<Database>, workspaceId: string, postId: string) {
  return db
    .selectFrom('posts')
    .leftJoin('social_identities', 'social_identities.id', 'posts.author_identity_id')
    .select([
      'posts.id',
      'posts.channel',
      'posts.external_id',
      'posts.thread_external_id',
      'posts.url',
      'posts.channel_connection_id',
      'posts.conversation_id',
      'posts.deleted_at',
      'social_identities.external_id as author_external_id',
    ])
    .where('posts.workspace_id', '=', workspaceId)
    .where('posts.id', '=', postId)
    .executeTakeFirst();
}
