/**
 * Identity resolution blocking without sequential scans: every contact's blocking keys (folded name
 * tokens, emails, phone keys, handles, URLs and order numbers listed in its custom fields) computed by
 * an immutable SQL function and indexed with GIN, so the index is maintained on every contact write and
 * backfilled by its creation; an index on identity handles as resolution compares them; and the
 * accounts an identity names as its own (bio, email signature), for the reverse lookup.
 * The folding mirrors src/identity-resolution/text.ts (nameTokens, phoneKey, normalizeHandle, normalizeUrl, orderKey).
 */
export const ACCENTS_FROM = 'áàâäãåāăąçćčďéèêëēėęěíìîïīįıłñńňóòôöõøōőŕřśšşťúùûüūůűųýÿźżžæœ';
// One letter each, position by position (translate); æ and œ become a and o, as ae/oe fold to a/o below.
export const ACCENTS_TO = 'aaaaaaaaacccdeeeeeeeeiiiiiiilnnnoooooooorrssstuuuuuuuuyyzzzao';

/** regexp_split_to_table arguments that cut a contact name into folded tokens, as nameTokens does (also used by 0009). */
export const NAME_TOKENS_SPLIT = `replace(replace(replace(replace(translate(lower(coalesce(name, '')), '${ACCENTS_FROM}', '${ACCENTS_TO}'), 'ß', 'ss'), 'ae', 'a'), 'oe', 'o'), 'ue', 'u'), '[[:space:]0-9!-/:-@\\[-\`{-~]+'`;
/** The union arms after the name keys: `e:` emails, `p:` phone keys, `l:` handles, URLs and order numbers of the custom fields (also used by 0009). */
export const OTHER_KEYS = `      union all select 'e:' || lower(e) from unnest(emails) as e
      union all select 'p:' || right(d, 9) from (select regexp_replace(p, '[^0-9]', '', 'g') as d from unnest(phones) as p) as digits where length(d) >= 7
      union all select 'l:' || form from (
        select lower(part) as part
        from jsonb_path_query(coalesce(custom, '{}'::jsonb), 'strict $.**') as v(j),
             regexp_split_to_table(case when jsonb_typeof(j) in ('string', 'number') then j #>> '{}' else '' end, '[;,[:space:]]+') as part
      ) as parts, lateral (values
        (part),
        (regexp_replace(regexp_replace(part, '^[a-z][a-z0-9_-]*:(?!//)', ''), '^(@|u/)', '')),
        (regexp_replace(part, '[^a-z0-9]', '', 'g')),
        (regexp_replace(regexp_replace(regexp_replace(regexp_replace(part, '^https?://(www\\.)?', ''), '^twitter\\.com/', 'x.com/'), '[?#].*$', ''), '/+$', ''))
      ) as forms(form)
      where form <> ''`;

// Self-contained (no call to another of our functions): PostgreSQL 17 evaluates index expressions with a
// search_path of pg_catalog only. `jit = off`: the planner's estimates for the set-returning steps exceed
// jit_above_cost, so a server with JIT on compiled the function at every row: a 500-contact insert
// took 5.5 s instead of 0.12 s on PostgreSQL 15.
export const identityBlocking: string[] = [
  `create function townhall_contact_keys(name text, emails text[], phones text[], custom jsonb) returns text[] language sql immutable parallel safe set jit = off as $$
    select coalesce(array_agg(distinct k), '{}'::text[]) from (
      select 'n:' || t as k from regexp_split_to_table(${NAME_TOKENS_SPLIT}) as t where length(t) >= 3
${OTHER_KEYS}
    ) as keys
  $$`,
  `create index contacts_blocking_keys_idx on contacts using gin (townhall_contact_keys(name, emails, phones, custom))`,
  `create index social_identities_bare_handle_idx on social_identities (workspace_id, lower(regexp_replace(handle, '^@', '')))`,
  `create table identity_account_claims (
    workspace_id uuid not null references workspaces(id) on delete cascade,
    identity_id uuid not null references social_identities(id) on delete cascade,
    channel text not null,
    handle text not null,
    source text not null,
    stated_at timestamptz,
    primary key (identity_id, channel, handle)
  )`,
  `create index identity_account_claims_account_idx on identity_account_claims (workspace_id, channel, handle)`,
];
