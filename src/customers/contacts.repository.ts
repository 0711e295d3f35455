import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { textArray } from './sql.ts';
import { containsPattern } from '../platform/db/like.ts';
import type { ContactRow, ContactsTable, Database, Insertable, LifecycleChangesTable, LifecycleStage, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export type LifecycleChangeRow = Selectable<LifecycleChangesTable>;

export async function findContact(db: Kysely<Database>, workspaceId: string, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export interface ContactFilter {
  q?: string | undefined;
  lifecycleStage?: LifecycleStage | undefined;
  accountId?: string | undefined;
  ownerId?: string | undefined;
  email?: string | undefined;
}

/**
 * The contact search of `q`: name, first or last name, or an email containing it; or, when it looks
 * like a phone number (at least 4 digits, phone punctuation only), a phone containing its digits
 * without leading zeros, so `030 1234567` and `+49 30 1234567` both find `+49301234567` (digits
 * compared only, whatever punctuation the stored number has).
 */
export function contactSearch(eb: ExpressionBuilder<Database, 'contacts'>, q: string): Expression<SqlBool> {
  const pattern = containsPattern(q);
  const digits = q.replace(/[^0-9]/g, '').replace(/^0+/, '');
  const phoneLike = /^[+0-9 ()./-]+$/.test(q.trim()) && digits.length >= 4;
  return eb.or([
    eb('contacts.name', 'ilike', pattern),
    eb('contacts.first_name', 'ilike', pattern),
    eb('contacts.last_name', 'ilike', pattern),
    eb(eb.fn('array_to_string', ['contacts.emails', eb.val(' ')]), 'ilike', pattern),
    // phones may be stored as written (`+49 30 …`) or E.164: compare digits only, numbers separated by commas
    ...(phoneLike ? [eb(eb.fn('regexp_replace', [eb.fn('array_to_string', ['contacts.phones', eb.val(',')]), eb.val('[^0-9,]'), eb.val(''), eb.val('g')]), 'like', containsPattern(digits))] : []),
  ]);
}

export async function listContacts(
  db: Kysely<Database>,
  workspaceId: string,
  filter: ContactFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<(ContactRow & { cursor_at: string })[]> {
  let query = db.selectFrom('contacts').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId).where('merged_into_id', 'is', null);
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) => contactSearch(eb, q));
  }
  if (filter.lifecycleStage) query = query.where('lifecycle_stage', '=', filter.lifecycleStage);
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.email) query = query.where('emails', '@>', textArray(filter.email));
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function insertContact(db: Kysely<Database>, values: Insertable<ContactsTable>): Promise<ContactRow> {
  return db.insertInto('contacts').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateContact(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<ContactsTable>): Promise<ContactRow | undefined> {
  return db.updateTable('contacts').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteContact(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('contacts').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function insertLifecycleChange(db: Kysely<Database>, values: Insertable<LifecycleChangesTable>): Promise<void> {
  await db.insertInto('lifecycle_changes').values(values).execute();
}

/** A contact's lifecycle history, oldest first. */
export async function listLifecycleChanges(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<LifecycleChangeRow[]> {
  return db
    .selectFrom('lifecycle_changes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('changed_at')
    .orderBy('id')
    .execute();
}
