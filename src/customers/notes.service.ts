import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import type { Cursor } from '../platform/pagination.ts';
import { findContact } from './contacts.repository.ts';
import { insertNote, listContactNotes, type NoteRow } from './notes.repository.ts';

/** Adds a note by the actor to a contact of its workspace. */
export async function addContactNote(db: Kysely<Database>, actor: Actor, contactId: string, body: string): Promise<NoteRow> {
  if (!(await findContact(db, actor.workspaceId, contactId))) throw errors.notFound('contact');
  const text = body.trim();
  if (text === '') throw errors.validation('a note needs a body');
  return insertNote(db, { workspace_id: actor.workspaceId, contact_id: contactId, author_id: actor.userId, body: text });
}

export async function contactNotes(db: Kysely<Database>, workspaceId: string, contactId: string, cursor: Cursor | undefined, limit: number): Promise<(NoteRow & { cursor_at: string })[]> {
  if (!(await findContact(db, workspaceId, contactId))) throw errors.notFound('contact');
  return listContactNotes(db, workspaceId, contactId, cursor, limit);
}
