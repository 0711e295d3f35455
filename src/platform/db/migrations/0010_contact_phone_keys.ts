/**
 * The exact phone filter of the contact list without a sequential scan: every contact's phone keys
 * (src/customers/phone-keys.ts phoneKeys: `n:<national>`, plus `e:<code><national>` for a number
 * written with + or 00, or `l:<national>` for one written without a country code) computed by an
 * immutable SQL function and indexed with GIN, so the index follows every contact write (create,
 * update, merge, import). The filter asks `townhall_phone_keys(phones) && <the query's keys>`.
 */
const TWO_DIGIT_CALLING_CODES = [
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53', '54',
  '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
];

// Self-contained and built-ins only: PostgreSQL 17 evaluates index expressions with a search_path of
// pg_catalog only. `jit = off` as for townhall_contact_keys (0006): JIT compiling a per-row function
// costs far more than evaluating it.
export const contactPhoneKeys: string[] = [
  `create function townhall_phone_keys(phones text[]) returns text[] language sql immutable parallel safe set jit = off as $$
    select coalesce(array_agg(distinct k), '{}'::text[]) from (
      select unnest(case when parts.international
        then array['n:' || parts.national, 'e:' || parts.code || parts.national]
        else array['n:' || parts.national, 'l:' || parts.national] end) as k
      from (
        select coded.international, left(coded.digits, coded.code_length) as code,
          case when coded.international then ltrim(substr(coded.digits, coded.code_length + 1), '0') else coded.digits end as national
        from (
          select written.international, written.digits,
            case when not written.international then 0
              when left(written.digits, 1) in ('1', '7') then 1
              when left(written.digits, 2) in (${TWO_DIGIT_CALLING_CODES.map((code) => `'${code}'`).join(', ')}) then 2
              else 3 end as code_length
          from (
            select p ~ '^[[:space:](]*[+]' or regexp_replace(p, '[^0-9]', '', 'g') like '00%' as international,
              ltrim(regexp_replace(p, '[^0-9]', '', 'g'), '0') as digits
            from unnest(phones) as p
          ) as written
        ) as coded
      ) as parts
      where parts.national <> ''
    ) as keys
  $$`,
  `create index contacts_phone_keys_idx on contacts using gin (townhall_phone_keys(phones))`,
];
