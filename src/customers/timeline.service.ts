import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { findContact } from './contacts.repository.ts';
import { listTimeline, type TimelineCursor, type TimelineKind, type TimelineRow } from './timeline.repository.ts';

export const TIMELINE_KINDS: readonly TimelineKind[] = ['post', 'outbox', 'conversation', 'deal_change', 'note', 'lifecycle'];

/** Encodes the keyset of a timeline item as an opaque cursor. */
export function encodeTimelineCursor(row: { cursor_at: string; kind: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.cursor_at, row.kind, row.id])).toString('base64url');
}

/** Decodes a timeline cursor; anything but a cursor this API issued is a 400. */
export function decodeTimelineCursor(cursor: string | undefined): TimelineCursor | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const invalid = () => errors.validation('cursor is not valid: pass the nextCursor of a previous page unchanged');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [at, kind, id] = parsed;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof kind !== 'string' || !(TIMELINE_KINDS as readonly string[]).includes(kind)) throw invalid();
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) throw invalid();
  return { at, kind, id };
}

export interface TimelinePage {
  rows: TimelineRow[];
  nextCursor: string | null;
}

/** One page of a contact's timeline, newest first. */
export async function contactTimeline(db: Kysely<Database>, workspaceId: string, contactId: string, cursor: string | undefined, limit: number): Promise<TimelinePage> {
  const after = decodeTimelineCursor(cursor);
  if (!(await findContact(db, workspaceId, contactId))) throw errors.notFound('contact');
  const rows = await listTimeline(db, workspaceId, contactId, after, limit);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, nextCursor: hasMore && last ? encodeTimelineCursor(last) : null };
}
