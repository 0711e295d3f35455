import { sql, type RawBuilder } from 'kysely';

/** A one-element text[] parameter, for `column @> array[value]` tests that use the GIN index. */
export function textArray(value: string): RawBuilder<string[]> {
  return sql<string[]>`array[${value}]::text[]`;
}
