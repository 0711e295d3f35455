import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { findUser } from '../users/users.repository.ts';
import { findAccount } from './accounts.repository.ts';
import { findContact } from './contacts.repository.ts';

/**
 * Checks of ids a request body refers to. A reference must name a record of the caller's own
 * workspace: an id from another workspace is refused exactly like an unknown one, so nothing can
 * be linked across workspaces and nothing leaks whether a foreign id exists.
 */
function missing(field: string, what: string, id: string) {
  return errors.validation(`${field}: ${what} ${id} does not exist in this workspace`);
}

export async function checkOwner(db: Kysely<Database>, workspaceId: string, ownerId: string | null | undefined, field = 'ownerId'): Promise<void> {
  if (ownerId && !(await findUser(db, workspaceId, ownerId))) throw missing(field, 'user', ownerId);
}

export async function checkAccount(db: Kysely<Database>, workspaceId: string, accountId: string | null | undefined): Promise<void> {
  if (accountId && !(await findAccount(db, workspaceId, accountId))) throw missing('accountId', 'account', accountId);
}

/**
 * A contact merged into another is refused too: a deal, conversation or identity linked to it would
 * be missing from the 360 view of the contact it now lives in (and would not return on an undo).
 */
export async function checkContact(db: Kysely<Database>, workspaceId: string, contactId: string | null | undefined): Promise<void> {
  if (!contactId) return;
  const contact = await findContact(db, workspaceId, contactId);
  if (!contact) throw missing('contactId', 'contact', contactId);
  if (contact.merged_into_id) throw errors.conflict(`contactId: contact ${contactId} was merged into contact ${contact.merged_into_id}; link that one instead`);
}
