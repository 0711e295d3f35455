import { sql, type Kysely, type SqlBool } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { ContactRow, Database, IdentityRow, Updateable, SocialIdentitiesTable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

/**
 * Blocking keys of a batch of identities, merged, prefixed by kind as townhall_contact_keys indexes them
 * (migration 0006): `n:` folded name token, `e:` email, `p:` phone key, `l:` a handle, URL or order number
 * listed in the contact's custom fields. Any contact holding one of them is a candidate.
 */
export interface CandidateKeys {
  keys: string[];
  /** Contacts named directly (linked on another network, met in the same threads, cross-listed). */
  ids: string[];
}

export type CandidateContactRow = ContactRow & { account_name: string | null; account_domains: string[] | null };

/** The indexed blocking keys of a contact row (GIN index contacts_blocking_keys_idx). */
const contactKeys = sql<string[]>`townhall_contact_keys(contacts.name, contacts.emails, contacts.phones, contacts.custom)`;

/** Contacts (not merged away) matching any blocking key, with their account's name and domains. */
export async function findCandidateContacts(db: Kysely<Database>, workspaceId: string, keys: CandidateKeys, limit: number): Promise<CandidateContactRow[]> {
  const conditions: ReturnType<typeof sql<SqlBool>>[] = [];
  if (keys.keys.length > 0) conditions.push(sql<SqlBool>`${contactKeys} && ${keys.keys}::text[]`);
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

/** One identity's name search: its `n:`/`d:` keys, and the `n:` key of its family name, whose holders come first. */
export interface NameQuery {
  keys: string[];
  family: string | null;
}

/**
 * Contacts (not merged away) holding one of each identity's name keys, at most `limit` per identity:
 * those with the exact family name first, then by age. One lateral lookup per identity on the GIN index.
 * `complete` tells, per identity, whether that was all of them: a cut search cannot say a name is rare.
 */
export async function findNameCandidates(db: Kysely<Database>, workspaceId: string, queries: NameQuery[], limit: number): Promise<{ rows: CandidateContactRow[][]; complete: boolean[] }> {
  const asked = queries.map((q, i) => ({ i, keys: q.keys.join('|'), family: q.family ?? '' })).filter((q) => q.keys !== '');
  const rows: CandidateContactRow[][] = queries.map(() => []);
  if (asked.length > 0) {
    const found = await sql<CandidateContactRow & { query: number }>`
      select q.i as query, c.*, accounts.name as account_name, accounts.domains as account_domains
      from unnest(${asked.map((q) => q.i)}::int[], ${asked.map((q) => q.keys)}::text[], ${asked.map((q) => q.family)}::text[]) as q(i, keys, family)
      cross join lateral (
        select contacts.*, ${contactKeys} @> array[q.family] as same_family from contacts
        where contacts.workspace_id = ${workspaceId} and contacts.merged_into_id is null
          and ${contactKeys} && string_to_array(q.keys, '|')
        order by same_family desc, contacts.created_at, contacts.id
        limit ${limit + 1}
      ) as c
      left join accounts on accounts.id = c.account_id and accounts.workspace_id = ${workspaceId}
      order by q.i, c.same_family desc, c.created_at, c.id`.execute(db);
    for (const row of found.rows) rows[Number(row.query)]?.push(row);
  }
  return { rows: rows.map((r) => r.slice(0, limit)), complete: rows.map((r) => r.length <= limit) };
}

/** How many live contacts hold each of the given (lowercased) addresses. */
export async function countContactsByEmail(db: Kysely<Database>, workspaceId: string, emails: string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await sql<{ email: string; n: number }>`
    select lower(e.v) as email, count(distinct contacts.id)::int as n
    from contacts, unnest(contacts.emails) as e(v)
    where contacts.workspace_id = ${workspaceId} and contacts.merged_into_id is null
      and ${contactKeys} && ${emails.map((e) => `e:${e}`)}::text[]
      and lower(e.v) = any(${emails}::text[])
    group by lower(e.v)`.execute(db);
  return new Map(rows.rows.map((r) => [r.email, Number(r.n)]));
}

/**
 * Name term frequencies for a batch: for each full-name key (model.fullNameKey: `n:` tokens joined by '|'),
 * how many live contacts hold all its tokens (the GIN index on townhall_contact_keys, one grouped query),
 * and how many live contacts the workspace has.
 */
export async function countContactsByName(db: Kysely<Database>, workspaceId: string, nameKeys: string[]): Promise<{ names: Map<string, number>; contacts: number }> {
  const total = await sql<{ n: number }>`
    select count(*)::int as n from contacts where workspace_id = ${workspaceId} and merged_into_id is null`.execute(db);
  const contacts = Number(total.rows[0]?.n ?? 0);
  if (nameKeys.length === 0) return { names: new Map(), contacts };
  const rows = await sql<{ key: string; n: number }>`
    select q.key, count(c.id)::int as n
    from unnest(${nameKeys}::text[]) as q(key)
    join contacts c on c.workspace_id = ${workspaceId} and c.merged_into_id is null
      and townhall_contact_keys(c.name, c.emails, c.phones, c.custom) @> string_to_array(q.key, '|')
    group by q.key`.execute(db);
  return { names: new Map(rows.rows.map((r) => [r.key, Number(r.n)])), contacts };
}

/** How many live contacts hold each phone key (last nine digits). */
export async function countContactsByPhone(db: Kysely<Database>, workspaceId: string, phoneKeys: string[]): Promise<Map<string, number>> {
  if (phoneKeys.length === 0) return new Map();
  const rows = await sql<{ key: string; n: number }>`
    select right(regexp_replace(p.v, '[^0-9]', '', 'g'), 9) as key, count(distinct c.id)::int as n
    from contacts c, unnest(c.phones) as p(v)
    where c.workspace_id = ${workspaceId} and c.merged_into_id is null
      and townhall_contact_keys(c.name, c.emails, c.phones, c.custom) && ${phoneKeys.map((k) => `p:${k}`)}::text[]
      and right(regexp_replace(p.v, '[^0-9]', '', 'g'), 9) = any(${phoneKeys}::text[])
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

/** One identity's resolution columns, for writeResolutions. */
export interface ResolutionWrite {
  id: string;
  contact_id: string | null;
  link_score: number | null;
  link_status: IdentityRow['link_status'];
  /** JSON text of the evidence. */
  link_evidence: string;
}

/**
 * writeResolution for many identities in one statement (a manual link is never overwritten). A batch of
 * new arrivals used to cost one round trip each, most of an import's time on the embedded store.
 * Returns the written rows by id.
 */
export async function writeResolutions(db: Kysely<Database>, workspaceId: string, writes: ResolutionWrite[]): Promise<Map<string, IdentityRow>> {
  if (writes.length === 0) return new Map();
  const rows = await sql<IdentityRow>`
    update social_identities as s
    set contact_id = v.contact_id, link_score = v.link_score, link_status = v.link_status, link_evidence = v.link_evidence, updated_at = ${new Date()}
    from unnest(${writes.map((w) => w.id)}::uuid[], ${writes.map((w) => w.contact_id)}::uuid[], ${writes.map((w) => w.link_score)}::float8[],
                ${writes.map((w) => w.link_status)}::text[], ${writes.map((w) => w.link_evidence)}::jsonb[]) as v(id, contact_id, link_score, link_status, link_evidence)
    where s.workspace_id = ${workspaceId} and s.id = v.id and (s.link_status is null or s.link_status <> 'manual')
    returning s.*`.execute(db);
  return new Map(rows.rows.map((row) => [row.id, row]));
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

/** An identity's recent inbound messages that may state a detail (an @, a run of digits, a network name): 20 newest per identity. */
export async function identityMessages(db: Kysely<Database>, workspaceId: string, identityIds: string[]): Promise<{ identity_id: string; text: string; private: boolean; posted_at: Date }[]> {
  if (identityIds.length === 0) return [];
  const rows = await sql<{ identity_id: string; text: string; private: boolean; posted_at: Date }>`
    select identity_id, text, private, posted_at from (
      select p.author_identity_id as identity_id, p.text, p.visibility = 'private' as private, p.posted_at,
        row_number() over (partition by p.author_identity_id order by p.posted_at desc, p.id desc) as n
      from posts p
      where p.workspace_id = ${workspaceId} and p.author_identity_id = any(${identityIds}::uuid[]) and p.direction = 'in' and p.deleted_at is null
        and (strpos(p.text, '@') > 0 or p.text ~ '[0-9]{4}' or p.text ~* '(insta|twitter|x\.com|ig:|mastodon|tiktok|bsky)')
    ) recent
    where n <= 20`.execute(db);
  return rows.rows;
}

/** An account an identity names as its own (bio, email signature, message). */
export interface AccountClaim {
  channel: string;
  handle: string;
  source: string;
  statedAt: string | null;
}

/** Replaces the accounts these identities claim as their own. */
export async function replaceAccountClaims(db: Kysely<Database>, workspaceId: string, claims: Map<string, AccountClaim[]>): Promise<void> {
  const ids = [...claims.keys()];
  if (ids.length === 0) return;
  await sql`delete from identity_account_claims where workspace_id = ${workspaceId} and identity_id = any(${ids}::uuid[])`.execute(db);
  const rows = [...claims].flatMap(([identityId, list]) => list.map((c) => ({ identityId, ...c })));
  if (rows.length === 0) return;
  await sql`
    insert into identity_account_claims (workspace_id, identity_id, channel, handle, source, stated_at)
    select ${workspaceId}::uuid, r.identity_id, r.channel, r.handle, r.source, r.stated_at
    from unnest(${rows.map((r) => r.identityId)}::uuid[], ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.handle)}::text[], ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.statedAt)}::timestamptz[])
      as r(identity_id, channel, handle, source, stated_at)
    on conflict do nothing`.execute(db);
}

/** Linked identities (auto or manual) that claim one of these accounts as their own, with their contact. */
export async function linkedClaimsOf(db: Kysely<Database>, workspaceId: string, accounts: { channel: string; handle: string }[]): Promise<{ channel: string; handle: string; identity_id: string; contact_id: string; lister_channel: string; lister_handle: string | null; source: string }[]> {
  if (accounts.length === 0) return [];
  const rows = await sql<{ channel: string; handle: string; identity_id: string; contact_id: string; lister_channel: string; lister_handle: string | null; source: string }>`
    select c.channel, c.handle, c.identity_id, si.contact_id, si.channel as lister_channel, si.handle as lister_handle, c.source
    from identity_account_claims c
    join social_identities si on si.id = c.identity_id and si.contact_id is not null and si.link_status in ('auto', 'manual')
    where c.workspace_id = ${workspaceId}
      and (c.channel, c.handle) in (select * from unnest(${accounts.map((a) => a.channel)}::text[], ${accounts.map((a) => a.handle)}::text[]))`.execute(db);
  return rows.rows;
}

/** Identities not linked by anyone yet (no link or a suggestion) that hold one of these handles or claim one of these accounts. */
export async function unlinkedRelatedTo(db: Kysely<Database>, workspaceId: string, handles: string[], accounts: { channel: string; handle: string }[], excludeIds: string[]): Promise<IdentityRow[]> {
  if (handles.length === 0 && accounts.length === 0) return [];
  return db
    .selectFrom('social_identities')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('link_status', 'is', null), eb('link_status', '=', 'suggested')]))
    .where(
      sql<SqlBool>`(lower(regexp_replace(handle, '^@', '')) = any(${handles}::text[])
        or id in (select identity_id from identity_account_claims where workspace_id = ${workspaceId}
          and (channel, handle) in (select * from unnest(${accounts.map((a) => a.channel)}::text[], ${accounts.map((a) => a.handle)}::text[]))))`,
    )
    .where(sql<SqlBool>`not (id = any(${excludeIds}::uuid[]))`)
    .limit(500)
    .execute();
}
