import { sql, type RawBuilder } from 'kysely';
import { errors } from '../errors.ts';
import { decodeCursor, encodeCursor, type Cursor, type Page } from '../pagination.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The exact (microsecond) UTC text of a timestamptz column. A JavaScript Date keeps only
 * milliseconds, so a cursor built from one could fall between two rows of the same millisecond
 * and skip rows; the exact text makes the keyset lossless.
 */
export function exactTimestamp(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Decodes a cursor over (timestamp, uuid); a foreign id is a 400, never a database error. */
export function decodeUuidCursor(cursor: string | undefined): Cursor | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded && !UUID.test(decoded.id)) throw errors.validation('cursor is not valid: pass the nextCursor of a previous page unchanged');
  return decoded;
}

/** Turns limit+1 rows that carry their exact sort key (cursor_at) into a page. */
export function toExactPage<R extends { id: string; cursor_at: string }, T>(rows: R[], limit: number, present: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(present), nextCursor: hasMore && last ? encodeCursor(last.cursor_at, last.id) : null };
}
