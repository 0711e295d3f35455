import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { EVENT_TYPES, type EventType, type PipelineEvent } from './events.ts';

/** Queries of the pipeline's event outbox (table pipeline_events, migration 0013). */

const ROWS_PER_STATEMENT = 500;

/** Writes events in the caller's transaction; an event id written before is kept as it was. */
export async function insertEvents(db: Kysely<Database>, events: PipelineEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto('pipeline_events')
      .values(events.slice(i, i + ROWS_PER_STATEMENT).map((e) => ({ event_id: e.id, workspace_id: e.workspaceId, type: e.type, data: JSON.stringify(e.data), at: new Date(e.at) })))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }
}

const isEventType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);

/** Locks the oldest unpublished events (skipping rows another relay holds), in id order. */
export async function lockUnpublished(db: Kysely<Database>, limit: number): Promise<{ rowIds: string[]; events: PipelineEvent[] }> {
  const rows = await db
    .selectFrom('pipeline_events')
    .select(['id', 'event_id', 'workspace_id', 'type', 'data', 'at'])
    .where('published_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  const events: PipelineEvent[] = [];
  for (const row of rows) {
    if (isEventType(row.type)) events.push({ id: row.event_id, type: row.type, workspaceId: row.workspace_id, at: row.at.toISOString(), data: row.data });
  }
  return { rowIds: rows.map((r) => r.id), events };
}

export async function markPublished(db: Kysely<Database>, rowIds: string[], now: Date): Promise<void> {
  if (rowIds.length === 0) return;
  await db.updateTable('pipeline_events').set({ published_at: now }).where('id', 'in', rowIds).execute();
}

/** Deletes events published before `before`; returns how many. */
export async function prunePublished(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('pipeline_events').where('published_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether any event waits to be published (cheap: the partial index). */
export async function hasUnpublished(db: Kysely<Database>): Promise<boolean> {
  const row = await sql<{ waiting: boolean }>`select exists (select 1 from pipeline_events where published_at is null) as waiting`.execute(db);
  return row.rows[0]?.waiting === true;
}
