import type { Kysely } from 'kysely';
import type { Database, Insertable, Role, UserRow, UsersTable, Updateable } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';
import { containsPattern } from '../platform/db/like.ts';

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
}

export async function findUser(db: Kysely<Database>, workspaceId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export interface UserFilter {
  role?: Role | undefined;
  status?: 'active' | 'disabled' | undefined;
  q?: string | undefined;
}

export async function listUsers(db: Kysely<Database>, workspaceId: string, filter: UserFilter, cursor: Cursor | undefined, limit: number): Promise<(UserRow & { cursor_at: string })[]> {
  let query = db.selectFrom('users').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern)]));
  }
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function insertUser(db: Kysely<Database>, values: Insertable<UsersTable>): Promise<UserRow> {
  return db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<UsersTable>): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ ...values, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteUser(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function countActiveAdmins(db: Kysely<Database>, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

