import type { Static } from 'typebox';
import type { NoteRow } from './notes.repository.ts';
import type { Note } from './notes.schema.ts';

export function presentNote(row: NoteRow): Static<typeof Note> {
  return { id: row.id, contactId: row.contact_id, authorId: row.author_id, body: row.body, createdAt: row.created_at.toISOString() };
}
