import { sql, type Expression, type Kysely, type SqlBool, type ExpressionBuilder } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { containsPattern } from '../platform/db/like.ts';
import type { AccountRow, ContactRow, Database, IdentityRow } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';
import type { ContactFilter } from './contacts.repository.ts';

/** Queries of contacts import and export; no rules here. Merged contacts (folded into another) are left out. */

const textArrayOf = (values: string[]) => sql<string[]>`array[${sql.join(values.map((v) => sql.val(v)))}]::text[]`;

/** The live contact holding one of these emails, else one of these phones; oldest first for stable matches. */
export async function findContactByEmailOrPhone(db: Kysely<Database>, workspaceId: string, emails: string[], phones: string[]): Promise<ContactRow | undefined> {
  const base = db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('merged_into_id', 'is', null).orderBy('created_at').orderBy('id').limit(1);
  if (emails.length > 0) {
    const byEmail = await base.where('emails', '&&', textArrayOf(emails)).executeTakeFirst();
    if (byEmail) return byEmail;
  }
  if (phones.length > 0) return base.where('phones', '&&', textArrayOf(phones)).executeTakeFirst();
  return undefined;
}

export async function findAccountByName(db: Kysely<Database>, workspaceId: string, name: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

/** An identity on a channel by handle (case-insensitive) or by external id. */
export async function findIdentityByHandle(db: Kysely<Database>, workspaceId: string, channel: string, handle: string): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('social_identities')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where((eb) => eb.or([eb(eb.fn('lower', ['handle']), '=', handle.toLowerCase()), eb('external_id', '=', handle.toLowerCase())]))
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
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
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) =>
      eb.or([eb('name', 'ilike', pattern), eb('first_name', 'ilike', pattern), eb('last_name', 'ilike', pattern), eb(eb.fn('array_to_string', ['emails', eb.val(' ')]), 'ilike', pattern)]),
    );
  }
  if (filter.lifecycleStage) query = query.where('lifecycle_stage', '=', filter.lifecycleStage);
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.email) query = query.where('emails', '@>', textArrayOf([filter.email]));
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
