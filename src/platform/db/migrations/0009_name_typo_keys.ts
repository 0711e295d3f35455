/**
 * Blocking keys for names one typo apart: townhall_contact_keys (migration 0006) also yields `d:` keys,
 * every name token of four letters or more with one letter dropped (Berg → d:erg, d:brg, d:beg, d:ber).
 * An identity asks for its family name and its own deletions as `n:` and `d:` keys, so two names one
 * insertion, deletion, replacement or swap apart share a key (symmetric delete; src/identity-resolution/blocking.ts
 * nameVariants). The index is rebuilt, which also refreshes keys of databases made before migration
 * 0006's accent table was corrected.
 * The rebuilt index has `fastupdate = off`: with about ten times more keys per contact, GIN's pending
 * list (unsorted new entries every lookup must read in full, merged only by vacuum, which PGlite never
 * runs by itself) made each lookup after an import read megabytes: resolution ran at 8 identities/s.
 * Writing entries straight into the index costs imports nothing measurable (bench:contacts-import).
 */
import { NAME_TOKENS_SPLIT, OTHER_KEYS } from './0006_identity_blocking.ts';

// As in 0006: self-contained (PostgreSQL 17 evaluates index expressions with search_path pg_catalog) and `jit = off`.
export const nameTypoKeys: string[] = [
  `create or replace function townhall_contact_keys(name text, emails text[], phones text[], custom jsonb) returns text[] language sql immutable parallel safe set jit = off as $$
    with tokens as (
      select t from regexp_split_to_table(${NAME_TOKENS_SPLIT}) as t
      where length(t) >= 3
    )
    select coalesce(array_agg(distinct k), '{}'::text[]) from (
      select 'n:' || t as k from tokens
      union all select 'd:' || left(t, i - 1) || substr(t, i + 1) from tokens, generate_series(1, length(t)) as i where length(t) >= 4
${OTHER_KEYS}
    ) as keys
  $$`,
  `drop index contacts_blocking_keys_idx`,
  `create index contacts_blocking_keys_idx on contacts using gin (townhall_contact_keys(name, emails, phones, custom)) with (fastupdate = off)`,
];
