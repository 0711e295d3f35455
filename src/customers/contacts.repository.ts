import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { textArray, textArrayOf } from './sql.ts';
import { containsPattern } from '../platform/db/like.ts';
import { looksLikePhone, phoneDigits, phoneQueryKeys } from './phone-keys.ts';
import type { ContactRow, ContactsTable, Database, Insertable, LifecycleChangesTable, LifecycleStage, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export type LifecycleChangeRow = Selectable<LifecycleChangesTable>;

export async function findContact(db: Kysely<Database>, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ContactRow | undefined> {
  const query = db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export interface ContactFilter {
  q?: string | undefined;
  lifecycleStage?: LifecycleStage | undefined;
  accountId?: string | undefined;
  ownerId?: string | undefined;
  /** Exact address, compared trimmed and case-insensitively. */
  email?: string | undefined;
  /** Exact number, however written (src/customers/phone-keys.ts). */
  phone?: string | undefined;
}

/**
 * The contact search of `q`: name, first or last name, or an email containing it; or, when it looks
 * like a phone number (at least 4 digits, phone punctuation only), a phone containing its digits
 * without leading zeros, so `030 1234567` and `+49 30 1234567` both find `+49301234567` (digits
 * compared only, whatever punctuation the stored number has).
 */
export function contactSearch(eb: ExpressionBuilder<Database, 'contacts'>, q: string): Expression<SqlBool> {
  const pattern = containsPattern(q);
  const digits = phoneDigits(q);
  const phoneLike = looksLikePhone(q) && digits.length >= 4;
  return eb.or([
    eb('contacts.name', 'ilike', pattern),
    eb('contacts.first_name', 'ilike', pattern),
    eb('contacts.last_name', 'ilike', pattern),
    eb(eb.fn('array_to_string', ['contacts.emails', eb.val(' ')]), 'ilike', pattern),
    // phones may be stored as written (`+49 30 …`) or E.164: compare digits only, numbers separated by commas
    ...(phoneLike ? [eb(eb.fn('regexp_replace', [eb.fn('array_to_string', ['contacts.phones', eb.val(',')]), eb.val('[^0-9,]'), eb.val(''), eb.val('g')]), 'like', containsPattern(digits))] : []),
  ]);
}

/**
 * The conditions of a contact filter, shared by the contact list and the exports. `email` and
 * `phone` each ask a GIN index: `emails @> array[…]` (emails are stored trimmed and lower-case) and
 * the phone keys of migration 0010.
 */
export function contactFilterWhere(eb: ExpressionBuilder<Database, 'contacts'>, filter: ContactFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.q) conditions.push(contactSearch(eb, filter.q));
  if (filter.lifecycleStage) conditions.push(eb('contacts.lifecycle_stage', '=', filter.lifecycleStage));
  if (filter.accountId) conditions.push(eb('contacts.account_id', '=', filter.accountId));
  if (filter.ownerId) conditions.push(eb('contacts.owner_id', '=', filter.ownerId));
  if (filter.email !== undefined) conditions.push(eb('contacts.emails', '@>', textArray(filter.email.trim().toLowerCase())));
  if (filter.phone !== undefined) {
    const keys = phoneQueryKeys(filter.phone);
    // A value without a digit is no number: it matches nothing (rather than being ignored).
    conditions.push(keys.length > 0 ? sql<SqlBool>`townhall_phone_keys(contacts.phones) && ${textArrayOf(keys)}` : eb.val(false));
  }
  return eb.and(conditions);
}

export async function listContacts(
  db: Kysely<Database>,
  workspaceId: string,
  filter: ContactFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<(ContactRow & { cursor_at: string })[]> {
  let query = db
    .selectFrom('contacts')
    .selectAll()
    .select(exactTimestamp('created_at').as('cursor_at'))
    .where('workspace_id', '=', workspaceId)
    .where('merged_into_id', 'is', null)
    .where((eb) => contactFilterWhere(eb, filter));
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/**
 * Live contacts (not merged into another) of the workspace holding any of these emails (stored
 * lower-case), oldest first, without `exceptId`; at most 100.
 */
export async function liveContactsWithEmails(db: Kysely<Database>, workspaceId: string, emails: readonly string[], exceptId?: string): Promise<{ id: string; emails: string[] }[]> {
  if (emails.length === 0) return [];
  let query = db
    .selectFrom('contacts')
    .select(['id', 'emails'])
    .where('workspace_id', '=', workspaceId)
    .where('merged_into_id', 'is', null)
    .where('emails', '&&', textArrayOf(emails));
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return query.orderBy('created_at').orderBy('id').limit(100).execute();
}

/**
 * Serialises writers of the same addresses in a workspace until the transaction ends, so two
 * concurrent creates cannot both find an address free. Locks in sorted order (no deadlock).
 */
export async function lockContactEmails(db: Kysely<Database>, workspaceId: string, emails: readonly string[]): Promise<void> {
  for (const email of [...emails].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`contact-email:${workspaceId}:${email}`}, 0))`.execute(db);
  }
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
