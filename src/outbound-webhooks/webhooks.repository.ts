import { sql, type Kysely } from 'kysely';
import type { Database, WebhookDeliveryRow, WebhookSubscriptionRow } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';

/** The only writer of webhook_subscriptions and webhook_deliveries: queries, no rules. */

export async function insertSubscription(
  db: Kysely<Database>,
  values: { workspaceId: string; url: string; eventTypes: string[]; description: string; secretSealed: string; createdBy: string | null },
): Promise<WebhookSubscriptionRow> {
  return db
    .insertInto('webhook_subscriptions')
    .values({ workspace_id: values.workspaceId, url: values.url, event_types: values.eventTypes, description: values.description, secret_sealed: values.secretSealed, created_by: values.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSubscription(db: Kysely<Database>, workspaceId: string, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Locks the row for a read-modify-write in the caller's transaction. */
export async function lockSubscription(db: Kysely<Database>, workspaceId: string, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export type SubscriptionChanges = Partial<Pick<WebhookSubscriptionRow, 'url' | 'event_types' | 'description' | 'secret_sealed' | 'status' | 'disabled_reason' | 'disabled_at' | 'consecutive_failures' | 'failing_since'>>;

export async function updateSubscription(db: Kysely<Database>, id: string, changes: SubscriptionChanges, now: Date): Promise<WebhookSubscriptionRow> {
  return db
    .updateTable('webhook_subscriptions')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteSubscription(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('webhook_subscriptions').where('id', '=', id).execute();
}

/** A subscription with its latest delivery, for the list. */
export type SubscriptionWithLast = WebhookSubscriptionRow & { cursor_at: string; last_delivery_status: WebhookDeliveryRow['status'] | null; last_delivery_at: Date | null; last_delivery_http_status: number | null };

export async function listSubscriptions(db: Kysely<Database>, workspaceId: string, cursor: Cursor | undefined, limit: number): Promise<SubscriptionWithLast[]> {
  let query = db
    .selectFrom('webhook_subscriptions as s')
    .leftJoinLateral(
      (eb) => eb.selectFrom('webhook_deliveries as d').select(['d.status', 'd.created_at', 'd.last_status']).whereRef('d.subscription_id', '=', 's.id').orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(1).as('last'),
      (join) => join.onTrue(),
    )
    .selectAll('s')
    .select([exactTimestamp('s.created_at').as('cursor_at'), 'last.status as last_delivery_status', 'last.created_at as last_delivery_at', 'last.last_status as last_delivery_http_status'])
    .where('s.workspace_id', '=', workspaceId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('s.created_at', 's.id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('s.created_at', 'desc').orderBy('s.id', 'desc').limit(limit + 1).execute();
}

/** Active subscriptions of a workspace that want this event type (an empty list wants every type). */
export async function matchingSubscriptions(db: Kysely<Database>, workspaceId: string, eventType: string): Promise<Pick<WebhookSubscriptionRow, 'id'>[]> {
  return db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb(sql`cardinality(event_types)`, '=', 0), eb(sql.val(eventType), '=', sql<string>`any(event_types)`)]))
    .execute();
}

/** One delivery per (subscription, event): an event seen again inserts nothing. Returns the rows created now. */
export async function insertDeliveries(
  db: Kysely<Database>,
  rows: { workspaceId: string; subscriptionId: string; eventId: string; eventType: string; payload: Record<string, unknown>; nextAttemptAt: Date }[],
): Promise<WebhookDeliveryRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('webhook_deliveries')
    .values(rows.map((row) => ({ workspace_id: row.workspaceId, subscription_id: row.subscriptionId, event_id: row.eventId, event_type: row.eventType, payload: JSON.stringify(row.payload), next_attempt_at: row.nextAttemptAt })))
    .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
    .returningAll()
    .execute();
}

/**
 * Claims up to `limit` due deliveries of active subscriptions: pending ones whose time has come, and
 * sending ones whose lease ran out (their worker died). The claim sets status 'sending', counts the
 * attempt and moves next_attempt_at to the lease's end; rows another worker holds are skipped.
 */
export async function claimDueDeliveries(db: Kysely<Database>, now: Date, leaseUntil: Date, limit: number): Promise<WebhookDeliveryRow[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', 'in', ['pending', 'sending'])
      .where('next_attempt_at', '<=', now)
      .where('subscription_id', 'in', (eb) => eb.selectFrom('webhook_subscriptions').select('id').where('status', '=', 'active'))
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil, last_attempt_at: now }))
      .where('id', 'in', due.map((row) => row.id))
      .returningAll()
      .execute();
  });
}

export interface AttemptRecord {
  status: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
  httpStatus: number | null;
  error: string | null;
  excerpt: string | null;
  durationMs: number;
  completedAt: Date | null;
}

/**
 * Records the answer of the attempt a claim made; false when the claim was lost meanwhile (the lease
 * ran out and another worker took the row), so a late answer does not overwrite a newer one.
 */
export async function recordAttempt(db: Kysely<Database>, claimed: Pick<WebhookDeliveryRow, 'id' | 'attempts'>, record: AttemptRecord): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: record.status,
      ...(record.nextAttemptAt ? { next_attempt_at: record.nextAttemptAt } : {}),
      last_status: record.httpStatus,
      last_error: record.error?.slice(0, 2000) ?? null,
      last_response_excerpt: record.excerpt,
      last_duration_ms: record.durationMs,
      completed_at: record.completedAt,
    })
    .where('id', '=', claimed.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', claimed.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Puts a delivery back in the queue now (redeliver by hand). */
export async function requeueDelivery(db: Kysely<Database>, id: string, now: Date): Promise<WebhookDeliveryRow> {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, completed_at: null })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDelivery(db: Kysely<Database>, workspaceId: string, subscriptionId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('workspace_id', '=', workspaceId).where('subscription_id', '=', subscriptionId).where('id', '=', id).executeTakeFirst();
}

export async function listDeliveries(db: Kysely<Database>, workspaceId: string, subscriptionId: string, cursor: Cursor | undefined, limit: number): Promise<(WebhookDeliveryRow & { cursor_at: string })[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .select(exactTimestamp('created_at').as('cursor_at'))
    .where('workspace_id', '=', workspaceId)
    .where('subscription_id', '=', subscriptionId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** The subscriptions (url, sealed secret) of a batch of claimed deliveries, in one query. */
export async function findSubscriptionsByIds(db: Kysely<Database>, ids: string[]): Promise<WebhookSubscriptionRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', 'in', ids).execute();
}

/** After a success: clears the failure streak, writing (and locking) only when there is one. */
export async function clearFailures(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ consecutive_failures: 0, failing_since: null, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('consecutive_failures', '>', 0), eb('failing_since', 'is not', null)]))
    .execute();
}

/** Locks a subscription by id alone (the worker acts for every workspace). */
export async function lockSubscriptionById(db: Kysely<Database>, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Deletes up to `limit` finished deliveries completed before `olderThan`; returns how many. */
export async function pruneDeliveries(db: Kysely<Database>, olderThan: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) => eb.selectFrom('webhook_deliveries').select('id').where('status', 'in', ['succeeded', 'failed']).where('completed_at', '<', olderThan).limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
