import { sql, type ColumnType, type Generated, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

/** The rows that belong to a contact and move with it on a merge; each table has `id` and `contact_id`. */
export const MOVABLE_TABLES = ['social_identities', 'deals', 'conversations', 'notes', 'lifecycle_changes'] as const;
export type MovableTable = (typeof MOVABLE_TABLES)[number];
/** Ids (as text) of the rows a merge moved, per table. */
export type MovedRows = Record<MovableTable, string[]>;

type JsonObject = Record<string, unknown>;

export interface ContactMergesTable {
  id: Generated<string>;
  workspace_id: string;
  target_id: string;
  source_id: string;
  target_before: ColumnType<JsonObject, string, string>;
  source_before: ColumnType<JsonObject, string, string>;
  target_after: ColumnType<JsonObject, string, string>;
  source_after: ColumnType<JsonObject, string, string>;
  moved: ColumnType<MovedRows, string, string>;
  merged_by: string | null;
  merged_at: ColumnType<Date, Date | string | undefined, never>;
  undone_by: string | null;
  undone_at: Date | null;
}
export type ContactMergeRow = Selectable<ContactMergesTable>;

// The table comes from migration 0004; it is typed here, beside its only queries.
const merges = (db: Kysely<Database>) => db.withTables<{ contact_merges: ContactMergesTable }>();

/** Locks both contacts for the rest of the transaction, in id order so two merges cannot deadlock. */
export async function lockContacts(db: Kysely<Database>, workspaceId: string, ids: string[]): Promise<void> {
  await db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

/** The full contact row as jsonb: microsecond timestamps and every column, so it can be written back exactly. */
export async function contactSnapshot(db: Kysely<Database>, workspaceId: string, id: string): Promise<JsonObject | undefined> {
  const result = await sql<{ row: JsonObject }>`select to_jsonb(c) as row from contacts c where c.workspace_id = ${workspaceId} and c.id = ${id}`.execute(db);
  return result.rows[0]?.row;
}

/** Points every row of `fromId` at `toId` (leaving the rows otherwise untouched) and returns their ids. */
export async function moveContactRows(db: Kysely<Database>, workspaceId: string, fromId: string, toId: string): Promise<MovedRows> {
  const moved = {} as MovedRows;
  for (const table of MOVABLE_TABLES) {
    const result = await sql<{ id: string }>`update ${sql.table(table)} set contact_id = ${toId}
      where workspace_id = ${workspaceId} and contact_id = ${fromId} returning id::text as id`.execute(db);
    moved[table] = result.rows.map((row) => row.id).sort();
  }
  return moved;
}

/** Points the listed rows back from `fromId` to `toId`; rows that since left `fromId` stay where they are. Returns counts. */
export async function returnContactRows(db: Kysely<Database>, workspaceId: string, rows: MovedRows, fromId: string, toId: string): Promise<Record<MovableTable, number>> {
  const counts = {} as Record<MovableTable, number>;
  for (const table of MOVABLE_TABLES) {
    const ids = rows[table] ?? [];
    if (ids.length === 0) {
      counts[table] = 0;
      continue;
    }
    const result = await sql<{ id: string }>`update ${sql.table(table)} set contact_id = ${toId}
      where workspace_id = ${workspaceId} and contact_id = ${fromId} and id::text = any(${sql.val(ids)}::text[]) returning id::text as id`.execute(db);
    counts[table] = result.rows.length;
  }
  return counts;
}

/** Contact columns a merge may change and an undo writes back. */
const RESTORED_COLUMNS = ['name', 'first_name', 'last_name', 'emails', 'phones', 'city', 'country', 'languages', 'lifecycle_stage', 'account_id', 'owner_id', 'custom', 'consent', 'merged_into_id'];

/**
 * Writes `before` back into a contact, column by column, where the column still holds its `after`
 * value (what the merge left); a column changed since keeps its newer value. updated_at goes back
 * too when nothing changed since, so an undisturbed merge and undo leave the row exactly as it was.
 */
export async function restoreContact(db: Kysely<Database>, workspaceId: string, id: string, before: JsonObject, after: JsonObject): Promise<void> {
  const beforeJson = JSON.stringify(before);
  const afterJson = JSON.stringify(after);
  const sets = RESTORED_COLUMNS.map(
    (column) => sql`${sql.ref(column)} = case when to_jsonb(c)->${sql.lit(column)} = ${afterJson}::jsonb->${sql.lit(column)} then b.${sql.ref(column)} else c.${sql.ref(column)} end`,
  );
  const untouched = sql`(to_jsonb(c) - 'updated_at') = (${afterJson}::jsonb - 'updated_at')`;
  await sql`update contacts c set ${sql.join(sets)}, updated_at = case when ${untouched} then b.updated_at else c.updated_at end
    from jsonb_populate_record(null::contacts, ${beforeJson}::jsonb) b
    where c.workspace_id = ${workspaceId} and c.id = ${id}`.execute(db);
}

export interface NewMerge {
  workspaceId: string;
  targetId: string;
  sourceId: string;
  targetBefore: JsonObject;
  sourceBefore: JsonObject;
  targetAfter: JsonObject;
  sourceAfter: JsonObject;
  moved: MovedRows;
  mergedBy: string | null;
}

export async function insertMerge(db: Kysely<Database>, merge: NewMerge): Promise<ContactMergeRow> {
  return merges(db)
    .insertInto('contact_merges')
    .values({
      workspace_id: merge.workspaceId,
      target_id: merge.targetId,
      source_id: merge.sourceId,
      target_before: JSON.stringify(merge.targetBefore),
      source_before: JSON.stringify(merge.sourceBefore),
      target_after: JSON.stringify(merge.targetAfter),
      source_after: JSON.stringify(merge.sourceAfter),
      moved: JSON.stringify(merge.moved),
      merged_by: merge.mergedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One merge of the workspace by its id, undone or not. */
export async function findMerge(db: Kysely<Database>, workspaceId: string, id: string): Promise<ContactMergeRow | undefined> {
  return merges(db).selectFrom('contact_merges').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** The merge that currently keeps `sourceId` merged away, if any. */
export async function findActiveMergeOfSource(db: Kysely<Database>, workspaceId: string, sourceId: string): Promise<ContactMergeRow | undefined> {
  return merges(db).selectFrom('contact_merges').selectAll().where('workspace_id', '=', workspaceId).where('source_id', '=', sourceId).where('undone_at', 'is', null).executeTakeFirst();
}

export async function markMergeUndone(db: Kysely<Database>, workspaceId: string, id: string, undoneBy: string | null): Promise<ContactMergeRow> {
  return merges(db)
    .updateTable('contact_merges')
    .set({ undone_at: new Date(), undone_by: undoneBy })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every merge a contact took part in (as target or source), newest first. */
export async function listMergesOfContact(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<ContactMergeRow[]> {
  return merges(db)
    .selectFrom('contact_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('target_id', '=', contactId), eb('source_id', '=', contactId)]))
    .orderBy('merged_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
