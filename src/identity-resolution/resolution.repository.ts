import { sql, type Kysely, type SqlBool } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { containsPattern } from '../platform/db/like.ts';
import type { ContactRow, Database, IdentityRow, Updateable, SocialIdentitiesTable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

const ACCENTS_FROM = 'áàâäãåāăąçćčďéèêëēėęěíìîïīįłñńňóòôöõøōőŕřśšşťúùûüūůűųýÿźżž';
const ACCENTS_TO = 'aaaaaaaaacccdeeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz';

/** A contact's name folded in SQL the way nameTokens folds it in TypeScript (accents, ae/oe/ue, ß). */
const foldedName = sql<string>`replace(replace(replace(replace(translate(lower(contacts.name), ${ACCENTS_FROM}, ${ACCENTS_TO}), 'ß', 'ss'), 'ae', 'a'), 'oe', 'o'), 'ue', 'u')`;

/** Blocking keys of a batch of identities, merged: any contact matching one of them is a candidate. */
export interface CandidateKeys {
  emails: string[];
  phones: string[];
  /** Handles and normalised profile URLs, looked up in the contact's custom fields. */
  listed: string[];
  names: string[];
  /** Contacts named directly (linked on another network, met in the same threads). */
  ids: string[];
}

export type CandidateContactRow = ContactRow & { account_name: string | null; account_domains: string[] | null };

/** Contacts (not merged away) matching any blocking key, with their account's name and domains. */
export async function findCandidateContacts(db: Kysely<Database>, workspaceId: string, keys: CandidateKeys, limit: number): Promise<CandidateContactRow[]> {
  const conditions: ReturnType<typeof sql<SqlBool>>[] = [];
  if (keys.emails.length > 0) conditions.push(sql<SqlBool>`exists (select 1 from unnest(contacts.emails) as e(v) where lower(e.v) = any(${keys.emails}::text[]))`);
  if (keys.phones.length > 0) conditions.push(sql<SqlBool>`exists (select 1 from unnest(contacts.phones) as p(v) where right(regexp_replace(p.v, '[^0-9]', '', 'g'), 9) = any(${keys.phones}::text[]))`);
  for (const value of keys.listed) conditions.push(sql<SqlBool>`contacts.custom::text ilike ${containsPattern(value)}`);
  for (const name of keys.names) conditions.push(sql<SqlBool>`${foldedName} like ${containsPattern(name)}`);
  if (keys.ids.length > 0) conditions.push(sql<SqlBool>`contacts.id = any(${keys.ids}::uuid[])`);
  if (conditions.length === 0) return [];
  return db
    .selectFrom('contacts')
    .leftJoin('accounts', (join) => join.onRef('accounts.id', '=', 'contacts.account_id').on('accounts.workspace_id', '=', workspaceId))
    .selectAll('contacts')
    .select(['accounts.name as account_name', 'accounts.domains as account_domains'])
    .where('contacts.workspace_id', '=', workspaceId)
    .where('contacts.merged_into_id', 'is', null)
    .where(sql<SqlBool>`(${sql.join(conditions, sql` or `)})`)
    .orderBy('contacts.created_at')
    .limit(limit)
    .execute();
}

/** How many live contacts hold each of the given (lowercased) addresses. */
export async function countContactsByEmail(db: Kysely<Database>, workspaceId: string, emails: string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await sql<{ email: string; n: number }>`
    select lower(e.v) as email, count(distinct c.id)::int as n
    from contacts c, unnest(c.emails) as e(v)
    where c.workspace_id = ${workspaceId} and c.merged_into_id is null and lower(e.v) = any(${emails}::text[])
    group by lower(e.v)`.execute(db);
  return new Map(rows.rows.map((r) => [r.email, Number(r.n)]));
}

/** How many live contacts hold each phone key (last nine digits). */
export async function countContactsByPhone(db: Kysely<Database>, workspaceId: string, phoneKeys: string[]): Promise<Map<string, number>> {
  if (phoneKeys.length === 0) return new Map();
  const rows = await sql<{ key: string; n: number }>`
    select right(regexp_replace(p.v, '[^0-9]', '', 'g'), 9) as key, count(distinct c.id)::int as n
    from contacts c, unnest(c.phones) as p(v)
    where c.workspace_id = ${workspaceId} and c.merged_into_id is null and right(regexp_replace(p.v, '[^0-9]', '', 'g'), 9) = any(${phoneKeys}::text[])
    group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [r.key, Number(r.n)]));
}

/** Identities with one of these handles (without @, lowercased) linked automatically or manually: handle, channel, contact. */
export async function linkedIdentitiesByHandle(db: Kysely<Database>, workspaceId: string, handles: string[]): Promise<{ handle: string; channel: string; contact_id: string; id: string }[]> {
  if (handles.length === 0) return [];
  const rows = await sql<{ handle: string; channel: string; contact_id: string; id: string }>`
    select lower(regexp_replace(handle, '^@', '')) as handle, channel, contact_id, id
    from social_identities
    where workspace_id = ${workspaceId} and contact_id is not null and link_status in ('auto', 'manual')
      and lower(regexp_replace(handle, '^@', '')) = any(${handles}::text[])`.execute(db);
  return rows.rows;
}

/** For each identity, the contacts linked to other authors in the same threads, with the number of shared threads. */
export async function coOccurringContacts(db: Kysely<Database>, workspaceId: string, identityIds: string[]): Promise<{ identity_id: string; contact_id: string; threads: number }[]> {
  if (identityIds.length === 0) return [];
  const rows = await sql<{ identity_id: string; contact_id: string; threads: number }>`
    select mine.author_identity_id as identity_id, si.contact_id, count(distinct coalesce(mine.thread_id, mine.id))::int as threads
    from posts mine
    join posts theirs on theirs.workspace_id = mine.workspace_id and coalesce(theirs.thread_id, theirs.id) = coalesce(mine.thread_id, mine.id) and theirs.author_identity_id <> mine.author_identity_id
    join social_identities si on si.id = theirs.author_identity_id and si.contact_id is not null and si.link_status in ('auto', 'manual')
    where mine.workspace_id = ${workspaceId} and mine.author_identity_id = any(${identityIds}::uuid[])
    group by 1, 2`.execute(db);
  return rows.rows.map((r) => ({ ...r, threads: Number(r.threads) }));
}

/** Writes resolution columns unless a person linked the identity meanwhile; undefined when it is manual or gone. */
export async function writeResolution(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<SocialIdentitiesTable>): Promise<IdentityRow | undefined> {
  return db
    .updateTable('social_identities')
    .set({ ...values, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('link_status', 'is', null), eb('link_status', '!=', 'manual')]))
    .returningAll()
    .executeTakeFirst();
}

/** Identities by id within a workspace. */
export async function findIdentitiesByIds(db: Kysely<Database>, workspaceId: string, ids: string[]): Promise<IdentityRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('social_identities').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

/** Of these identities, the ones never evaluated by resolution: not linked, no suggestion, no evidence yet. */
export async function findUnresolved(db: Kysely<Database>, workspaceId: string, ids: string[]): Promise<IdentityRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('social_identities')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .where('contact_id', 'is', null)
    .where('link_status', 'is', null)
    .where('link_evidence', 'is', null)
    .execute();
}

/** The next batch of identities a person has not linked, in id order after `afterId`. */
export async function nextIdentitiesToResolve(db: Kysely<Database>, workspaceId: string, afterId: string | null, limit: number): Promise<IdentityRow[]> {
  let query = db
    .selectFrom('social_identities')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('link_status', 'is', null), eb('link_status', '!=', 'manual')]));
  if (afterId) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).execute();
}

/** The review queue: identities with a suggested link, newest first, keyset paged. */
export async function listSuggestedIdentities(db: Kysely<Database>, workspaceId: string, cursor: Cursor | undefined, limit: number): Promise<(IdentityRow & { cursor_at: string })[]> {
  let query = db.selectFrom('social_identities').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId).where('link_status', '=', 'suggested');
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** Names of contacts by id, for presenting suggestions. */
export async function contactNames(db: Kysely<Database>, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('contacts').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Contacts a person unlinked these identities from (from the audit log): resolution treats them as rejected. */
export async function unlinkedContacts(db: Kysely<Database>, workspaceId: string, identityIds: string[]): Promise<{ identity_id: string; contact_id: string }[]> {
  if (identityIds.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log')
    .select(['target_id', sql<string | null>`detail->>'contactId'`.as('contact_id')])
    .where('workspace_id', '=', workspaceId)
    .where('target_type', '=', 'identity')
    .where('action', '=', 'identity.unlinked')
    .where('target_id', 'in', identityIds)
    .execute();
  return rows.flatMap((r) => (r.target_id && r.contact_id ? [{ identity_id: r.target_id, contact_id: r.contact_id }] : []));
}
