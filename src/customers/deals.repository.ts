import type { Kysely } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { containsPattern } from '../platform/db/like.ts';
import type { Database, DealRow, DealStatus, DealsTable, Insertable, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function findDeal(db: Kysely<Database>, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<DealRow | undefined> {
  const query = db.selectFrom('deals').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export interface DealFilter {
  q?: string | undefined;
  status?: DealStatus | undefined;
  stage?: string | undefined;
  pipeline?: string | undefined;
  contactId?: string | undefined;
  accountId?: string | undefined;
  ownerId?: string | undefined;
}

export async function listDeals(db: Kysely<Database>, workspaceId: string, filter: DealFilter, cursor: Cursor | undefined, limit: number): Promise<(DealRow & { cursor_at: string })[]> {
  let query = db.selectFrom('deals').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.q) query = query.where('title', 'ilike', containsPattern(filter.q));
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.stage) query = query.where('stage', '=', filter.stage);
  if (filter.pipeline) query = query.where('pipeline', '=', filter.pipeline);
  if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function insertDeal(db: Kysely<Database>, values: Insertable<DealsTable>): Promise<DealRow> {
  return db.insertInto('deals').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateDeal(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<DealsTable>): Promise<DealRow | undefined> {
  return db.updateTable('deals').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteDeal(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('deals').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
