import type { Kysely } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { ConversationRow, ConversationStatus, ConversationsTable, Database, Insertable, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function findConversation(db: Kysely<Database>, workspaceId: string, id: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export interface ConversationFilter {
  status?: ConversationStatus | undefined;
  teamId?: string | undefined;
  assigneeId?: string | undefined;
  contactId?: string | undefined;
  channel?: string | undefined;
}

export async function listConversations(
  db: Kysely<Database>,
  workspaceId: string,
  filter: ConversationFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<(ConversationRow & { cursor_at: string })[]> {
  let query = db.selectFrom('conversations').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
  if (filter.assigneeId) query = query.where('assignee_id', '=', filter.assigneeId);
  if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function insertConversation(db: Kysely<Database>, values: Insertable<ConversationsTable>): Promise<ConversationRow> {
  return db.insertInto('conversations').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateConversation(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<ConversationsTable>): Promise<ConversationRow | undefined> {
  return db.updateTable('conversations').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteConversation(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('conversations').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
