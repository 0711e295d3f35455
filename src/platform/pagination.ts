import { errors } from './errors.ts';

/** Opaque keyset cursor: the sort value and id of the last item of a page. */
export interface Cursor {
  at: string;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function encodeCursor(at: Date | string, id: string): string {
  const value = at instanceof Date ? at.toISOString() : at;
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** Decodes a cursor from a query string; a tampered or foreign cursor is a 400, not a 500. */
export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      if (!Number.isNaN(Date.parse(parsed[0]))) return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the validation error
  }
  throw errors.validation('cursor is not valid: pass the nextCursor of a previous page unchanged');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
