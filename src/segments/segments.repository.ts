import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { ContactRow, Database } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';
import type { ContactWhere } from './segments.compile.ts';

/** The segments table (migration 0005); kept beside its queries so the shared schema file stays untouched. */
export interface SegmentsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  definition: ColumnType<unknown, string, string>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type SegmentRow = Selectable<SegmentsTable>;
type SegmentsDb = Kysely<Database & { segments: SegmentsTable }>;

const withSegments = (db: Kysely<Database>): SegmentsDb => db.withTables<{ segments: SegmentsTable }>();

export async function findSegment(db: Kysely<Database>, workspaceId: string, id: string): Promise<SegmentRow | undefined> {
  return withSegments(db).selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listSegments(db: Kysely<Database>, workspaceId: string, cursor: Cursor | undefined, limit: number): Promise<(SegmentRow & { cursor_at: string })[]> {
  let query = withSegments(db).selectFrom('segments').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** Inserts a segment; undefined when the name is taken in the workspace. */
export async function insertSegment(db: Kysely<Database>, values: Insertable<SegmentsTable>): Promise<SegmentRow | undefined> {
  return withSegments(db)
    .insertInto('segments')
    .values(values)
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateSegment(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<SegmentsTable>): Promise<SegmentRow | undefined> {
  return withSegments(db).updateTable('segments').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteSegment(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await withSegments(db).deleteFrom('segments').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Live contacts matching a compiled segment, newest first, keyset-paged. */
export async function segmentMembers(db: Kysely<Database>, workspaceId: string, where: ContactWhere, cursor: Cursor | undefined, limit: number): Promise<(ContactRow & { cursor_at: string })[]> {
  let query = db
    .selectFrom('contacts')
    .selectAll('contacts')
    .select(exactTimestamp('contacts.created_at').as('cursor_at'))
    .where('contacts.workspace_id', '=', workspaceId)
    .where('contacts.merged_into_id', 'is', null)
    .where(where);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('contacts.created_at', 'contacts.id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('contacts.created_at', 'desc').orderBy('contacts.id', 'desc').limit(limit + 1).execute();
}

export async function countSegmentMembers(db: Kysely<Database>, workspaceId: string, where: ContactWhere): Promise<number> {
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('contacts.workspace_id', '=', workspaceId)
    .where('contacts.merged_into_id', 'is', null)
    .where(where)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
