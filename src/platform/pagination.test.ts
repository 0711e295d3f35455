import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { toExactPage } from './db/keyset.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

describe('cursor pagination', () => {
  it('round-trips a cursor', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(decodeCursor(encodeCursor(at, 'abc'))).toEqual({ at: at.toISOString(), id: 'abc' });
  });

  it('treats a missing cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each(['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["not a date","x"]').toString('base64url')])(
    'rejects a tampered cursor %s with a validation error',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(AppError);
    },
  );

  it('returns a next cursor only when there is one more row than the limit', () => {
    const rows = [1, 2, 3].map((n) => ({ id: String(n), cursor_at: `2026-01-0${n}T00:00:00.000001Z` }));
    const page = toExactPage(rows, 2, (r) => r.id);
    expect(page.items).toEqual(['1', '2']);
    expect(decodeCursor(page.nextCursor ?? undefined)?.id).toBe('2');
    expect(toExactPage(rows, 3, (r) => r.id).nextCursor).toBeNull();
  });
});
