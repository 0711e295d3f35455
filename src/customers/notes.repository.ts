import type { Kysely, Selectable } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Database, NotesTable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export type NoteRow = Selectable<NotesTable>;

export async function insertNote(db: Kysely<Database>, values: { workspace_id: string; contact_id: string; author_id: string | null; body: string }): Promise<NoteRow> {
  return db.insertInto('notes').values(values).returningAll().executeTakeFirstOrThrow();
}

/** A contact's notes, newest first. */
export async function listContactNotes(db: Kysely<Database>, workspaceId: string, contactId: string, cursor: Cursor | undefined, limit: number): Promise<(NoteRow & { cursor_at: string })[]> {
  let query = db.selectFrom('notes').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}
