import type { Kysely } from 'kysely';
import type { Database, Insertable, ListeningQueriesTable, ListeningQueryRow, Updateable } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function listQueries(db: Kysely<Database>, workspaceId: string, cursor: Cursor | undefined, limit: number): Promise<(ListeningQueryRow & { cursor_at: string })[]> {
  let query = db.selectFrom('listening_queries').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function findQuery(db: Kysely<Database>, workspaceId: string, id: string): Promise<ListeningQueryRow | undefined> {
  return db.selectFrom('listening_queries').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function insertQuery(db: Kysely<Database>, values: Insertable<ListeningQueriesTable>): Promise<ListeningQueryRow> {
  return db.insertInto('listening_queries').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateQuery(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<ListeningQueriesTable>): Promise<ListeningQueryRow | undefined> {
  return db.updateTable('listening_queries').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteQuery(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('listening_queries').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
