import { isDeepStrictEqual } from 'node:util';

/**
 * The names (as the API spells them) of the fields whose stored value differs between two versions
 * of a row, in the order of `fields` (API name → column). For the `*.updated` audit entries, which
 * name the fields only: their values may be personal data.
 */
export function changedFields<Row extends object>(before: Row, after: Row, fields: Readonly<Record<string, keyof Row>>): string[] {
  return Object.entries(fields).flatMap(([name, column]) => (isDeepStrictEqual(before[column], after[column]) ? [] : [name]));
}
