import { sql, type Expression, type Kysely, type SqlBool, type ExpressionBuilder } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { ContactRow, Database, LifecycleStage } from '../platform/db/schema.ts';
import type { KnownContact, KnownIdentity, NewContact } from './contacts-import.plan.ts';
import type { Cursor } from '../platform/pagination.ts';
import { contactFilterWhere, type ContactFilter } from './contacts.repository.ts';
import { textArrayOf } from './sql.ts';

/** Queries of contacts import and export; no rules here. Merged contacts (folded into another) are left out. */

/** The transaction's `now()` (the `created_at` of rows it inserts) as exact UTC text. */
export async function transactionNow(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ now: string }>`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`.execute(db);
  const now = result.rows[0]?.now;
  if (!now) throw new Error('now() returned nothing');
  return now;
}

/** Live contacts holding any of these emails or any of these phones, with the exact creation time. */
export async function contactsByEmailsOrPhones(db: Kysely<Database>, workspaceId: string, emails: string[], phones: string[]): Promise<KnownContact[]> {
  if (emails.length === 0 && phones.length === 0) return [];
  return db
    .selectFrom('contacts')
    .select(['id', exactTimestamp('created_at').as('created_at'), 'name', 'first_name', 'last_name', 'emails', 'phones', 'city', 'country', 'account_id'])
    .where('workspace_id', '=', workspaceId)
    .where('merged_into_id', 'is', null)
    .where((eb) => eb.or([...(emails.length > 0 ? [eb('emails', '&&', textArrayOf(emails))] : []), ...(phones.length > 0 ? [eb('phones', '&&', textArrayOf(phones))] : [])]))
    .execute();
}

/** The oldest account per lower-case name among these lower-case names. */
export async function accountsByLowerNames(db: Kysely<Database>, workspaceId: string, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const result = await sql<{ key: string; id: string }>`select distinct on (lower(name)) lower(name) as key, id from accounts
    where workspace_id = ${workspaceId} and lower(name) in (${sql.join(names)})
    order by lower(name), created_at, id`.execute(db);
  return new Map(result.rows.map((r) => [r.key, r.id]));
}

/** Identities on these channels whose lower-case handle or external id is one of these lower-case keys. */
export async function identitiesByHandleKeys(db: Kysely<Database>, workspaceId: string, channels: string[], keys: string[]): Promise<KnownIdentity[]> {
  if (channels.length === 0 || keys.length === 0) return [];
  return db
    .selectFrom('social_identities')
    .select(['id', 'channel', 'handle', 'external_id', 'contact_id', exactTimestamp('created_at').as('created_at')])
    .where('workspace_id', '=', workspaceId)
    .where('channel', 'in', channels)
    .where((eb) => eb.or([eb(eb.fn('lower', ['handle']), 'in', keys), eb('external_id', 'in', keys)]))
    .execute();
}

export async function insertAccounts(db: Kysely<Database>, workspaceId: string, accounts: { id: string; name: string }[]): Promise<void> {
  if (accounts.length === 0) return;
  await db.insertInto('accounts').values(accounts.map((a) => ({ id: a.id, workspace_id: workspaceId, name: a.name, custom: '{}' }))).execute();
}

export async function insertContacts(db: Kysely<Database>, workspaceId: string, contacts: NewContact[]): Promise<void> {
  if (contacts.length === 0) return;
  await db
    .insertInto('contacts')
    .values(
      contacts.map((c) => ({
        id: c.id,
        workspace_id: workspaceId,
        name: c.name,
        first_name: c.first_name,
        last_name: c.last_name,
        emails: c.emails,
        phones: c.phones,
        city: c.city,
        country: c.country,
        account_id: c.account_id,
        lifecycle_stage: c.lifecycle_stage,
        custom: '{}',
      })),
    )
    .execute();
}

/** Writes the import's columns of existing contacts in one statement. */
export async function updateContactFields(db: Kysely<Database>, workspaceId: string, contacts: KnownContact[], now: Date): Promise<void> {
  if (contacts.length === 0) return;
  const rows = contacts.map(
    (c) =>
      sql`(${c.id}::uuid, ${c.name}::text, ${c.first_name}::text, ${c.last_name}::text, ${textArrayOf(c.emails)}, ${textArrayOf(c.phones)}, ${c.city}::text, ${c.country}::text, ${c.account_id}::uuid)`,
  );
  await sql`update contacts as c set name = v.name, first_name = v.first_name, last_name = v.last_name, emails = v.emails, phones = v.phones,
      city = v.city, country = v.country, account_id = v.account_id, updated_at = ${now}
    from (values ${sql.join(rows)}) as v(id, name, first_name, last_name, emails, phones, city, country, account_id)
    where c.workspace_id = ${workspaceId} and c.id = v.id`.execute(db);
}

export async function insertLifecycleStarts(db: Kysely<Database>, workspaceId: string, contacts: { id: string; lifecycle_stage: LifecycleStage }[], changedBy: string | null): Promise<void> {
  if (contacts.length === 0) return;
  await db
    .insertInto('lifecycle_changes')
    .values(contacts.map((c) => ({ workspace_id: workspaceId, contact_id: c.id, from_stage: null, to_stage: c.lifecycle_stage, changed_by: changedBy })))
    .execute();
}

/** Creates identities linked to a contact (an identity that appeared meanwhile is left alone). */
export async function insertLinkedIdentities(db: Kysely<Database>, workspaceId: string, identities: { channel: string; handle: string; external_id: string; contact_id: string }[], evidence: unknown[]): Promise<void> {
  if (identities.length === 0) return;
  await db
    .insertInto('social_identities')
    .values(identities.map((i) => ({ workspace_id: workspaceId, channel: i.channel, external_id: i.external_id, handle: i.handle, contact_id: i.contact_id, link_score: 1, link_status: 'manual' as const, link_evidence: JSON.stringify(evidence) })))
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'external_id']).doNothing())
    .execute();
}

/** Links existing identities to contacts, manually, in one statement. */
export async function linkIdentities(db: Kysely<Database>, workspaceId: string, links: { id: string; contact_id: string }[], evidence: unknown[], now: Date): Promise<void> {
  if (links.length === 0) return;
  const rows = links.map((l) => sql`(${l.id}::uuid, ${l.contact_id}::uuid)`);
  await sql`update social_identities as i set contact_id = v.contact_id, link_score = 1, link_status = 'manual', link_evidence = ${JSON.stringify(evidence)}::jsonb, updated_at = ${now}
    from (values ${sql.join(rows)}) as v(id, contact_id)
    where i.workspace_id = ${workspaceId} and i.id = v.id`.execute(db);
}

export interface ExportFilter extends ContactFilter {
  /** A compiled segment condition over `contacts`. */
  where?: ((eb: ExpressionBuilder<Database, 'contacts'>) => Expression<SqlBool>) | undefined;
}

/** One keyset page of live contacts for export, newest first, with the same filters as the contact list. */
export async function exportPage(db: Kysely<Database>, workspaceId: string, filter: ExportFilter, cursor: Cursor | undefined, limit: number): Promise<(ContactRow & { cursor_at: string })[]> {
  let query = db
    .selectFrom('contacts')
    .selectAll('contacts')
    .select(exactTimestamp('contacts.created_at').as('cursor_at'))
    .where('contacts.workspace_id', '=', workspaceId)
    .where('contacts.merged_into_id', 'is', null);
  query = query.where((eb) => contactFilterWhere(eb, filter));
  if (filter.where) query = query.where(filter.where);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('contacts.created_at', 'contacts.id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('contacts.created_at', 'desc').orderBy('contacts.id', 'desc').limit(limit).execute();
}

export async function accountNames(db: Kysely<Database>, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('accounts').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface LinkedHandle {
  contact_id: string;
  channel: string;
  handle: string | null;
  external_id: string;
  profile_url: string | null;
}

export async function linkedHandles(db: Kysely<Database>, workspaceId: string, contactIds: string[]): Promise<LinkedHandle[]> {
  if (contactIds.length === 0) return [];
  const rows = await db
    .selectFrom('social_identities')
    .select(['contact_id', 'channel', 'handle', 'external_id', 'profile_url'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', contactIds)
    .orderBy('channel')
    .orderBy('created_at')
    .execute();
  return rows.flatMap((r) => (r.contact_id ? [{ ...r, contact_id: r.contact_id }] : []));
}
