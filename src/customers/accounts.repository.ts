import type { Kysely } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { textArray } from './sql.ts';
import { containsPattern } from '../platform/db/like.ts';
import type { AccountRow, AccountsTable, Database, Insertable, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function findAccount(db: Kysely<Database>, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<AccountRow | undefined> {
  const query = db.selectFrom('accounts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export interface AccountFilter {
  q?: string | undefined;
  domain?: string | undefined;
  ownerId?: string | undefined;
}

export async function listAccounts(
  db: Kysely<Database>,
  workspaceId: string,
  filter: AccountFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<(AccountRow & { cursor_at: string })[]> {
  let query = db.selectFrom('accounts').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb(eb.fn('array_to_string', ['domains', eb.val(' ')]), 'ilike', pattern)]));
  }
  if (filter.domain) query = query.where('domains', '@>', textArray(filter.domain));
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function insertAccount(db: Kysely<Database>, values: Insertable<AccountsTable>): Promise<AccountRow> {
  return db.insertInto('accounts').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateAccount(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<AccountsTable>): Promise<AccountRow | undefined> {
  return db.updateTable('accounts').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteAccount(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('accounts').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
