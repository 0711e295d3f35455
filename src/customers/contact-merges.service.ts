import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { ContactRow, ContactsTable, Database, Updateable } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import {
  contactSnapshot,
  findActiveMergeOfSource,
  findMerge,
  insertMerge,
  listMergesOfContact,
  lockContacts,
  markMergeUndone,
  moveContactRows,
  restoreContact,
  returnContactRows,
  type ContactMergeRow,
} from './contact-merges.repository.ts';
import { findContact, updateContact } from './contacts.repository.ts';

const union = (first: string[], second: string[]) => [...new Set([...first, ...second])];

/**
 * The target's fields after absorbing the source: emails, phones and languages are united (target's
 * first), empty fields and missing custom fields are filled from the source; the target wins elsewhere.
 */
export function mergedFields(target: ContactRow, source: ContactRow): Updateable<ContactsTable> {
  return {
    name: target.name !== '' ? target.name : source.name,
    first_name: target.first_name ?? source.first_name,
    last_name: target.last_name ?? source.last_name,
    emails: union(target.emails, source.emails),
    phones: union(target.phones, source.phones),
    city: target.city ?? source.city,
    country: target.country ?? source.country,
    languages: union(target.languages, source.languages),
    account_id: target.account_id ?? source.account_id,
    owner_id: target.owner_id ?? source.owner_id,
    custom: JSON.stringify({ ...source.custom, ...target.custom }),
  };
}

export interface MergeResult {
  merge: ContactMergeRow;
  contact: ContactRow;
}

/** Merges `sourceId` into `targetId`: moves its rows, fills the target's fields, marks the source merged, records how to undo it. */
export async function mergeContacts(db: Kysely<Database>, actor: Actor, targetId: string, sourceId: string): Promise<MergeResult> {
  if (targetId === sourceId) throw errors.validation('a contact cannot be merged into itself');
  const ws = actor.workspaceId;
  return db.transaction().execute(async (trx) => {
    await lockContacts(trx, ws, [targetId, sourceId]);
    const target = await findContact(trx, ws, targetId);
    if (!target) throw errors.notFound('contact');
    const source = await findContact(trx, ws, sourceId);
    if (!source) throw errors.notFound('source contact');
    if (target.merged_into_id) throw errors.conflict(`contact ${targetId} is itself merged into ${target.merged_into_id}; merge into that contact instead`);
    if (source.merged_into_id) throw errors.conflict(`contact ${sourceId} is already merged into ${source.merged_into_id}`);
    const targetBefore = await contactSnapshot(trx, ws, targetId);
    const sourceBefore = await contactSnapshot(trx, ws, sourceId);
    const moved = await moveContactRows(trx, ws, sourceId, targetId);
    const contact = await updateContact(trx, ws, targetId, mergedFields(target, source));
    await updateContact(trx, ws, sourceId, { merged_into_id: targetId });
    const targetAfter = await contactSnapshot(trx, ws, targetId);
    const sourceAfter = await contactSnapshot(trx, ws, sourceId);
    if (!contact || !targetBefore || !sourceBefore || !targetAfter || !sourceAfter) throw errors.notFound('contact');
    const merge = await insertMerge(trx, { workspaceId: ws, targetId, sourceId, targetBefore, sourceBefore, targetAfter, sourceAfter, moved, mergedBy: actor.userId });
    const counts = Object.fromEntries(Object.entries(moved).map(([table, ids]) => [table, ids.length]));
    await recordAudit(trx, actor, { action: 'contact.merged', targetType: 'contact', targetId, detail: { mergeId: merge.id, sourceId, moved: counts } });
    return { merge, contact };
  });
}

/**
 * Undoes the merge that keeps `sourceId` merged away: the moved rows still on the target go back to
 * the source, rows added to the target since stay there, and both contacts get their previous fields
 * back except fields edited since the merge, which keep the newer value.
 */
export async function unmergeContact(db: Kysely<Database>, actor: Actor, sourceId: string, onlyMergeId?: string): Promise<MergeResult> {
  const ws = actor.workspaceId;
  // With `onlyMergeId`, only that merge may be undone: not a later merge of the same source.
  const notMerged = () => errors.conflict(onlyMergeId ? `merge ${onlyMergeId} is already undone` : `contact ${sourceId} is not merged into another contact`);
  return db.transaction().execute(async (trx) => {
    const found = await findActiveMergeOfSource(trx, ws, sourceId);
    if (!found || (onlyMergeId !== undefined && found.id !== onlyMergeId)) {
      if (!(await findContact(trx, ws, sourceId))) throw errors.notFound('contact');
      throw notMerged();
    }
    await lockContacts(trx, ws, [found.target_id, sourceId]);
    // Re-read under the lock: a concurrent undo may have finished first.
    const merge = await findActiveMergeOfSource(trx, ws, sourceId);
    if (!merge || (onlyMergeId !== undefined && merge.id !== onlyMergeId)) throw notMerged();
    const target = await findContact(trx, ws, merge.target_id);
    if (!target) throw errors.notFound('contact');
    if (target.merged_into_id) throw errors.conflict(`contact ${target.id} was merged into ${target.merged_into_id} later; undo that merge first`);
    const returned = await returnContactRows(trx, ws, merge.moved, merge.target_id, sourceId);
    await restoreContact(trx, ws, merge.target_id, merge.target_before, merge.target_after);
    await restoreContact(trx, ws, sourceId, merge.source_before, merge.source_after);
    const undone = await markMergeUndone(trx, ws, merge.id, actor.userId);
    await recordAudit(trx, actor, { action: 'contact.unmerged', targetType: 'contact', targetId: merge.target_id, detail: { mergeId: merge.id, sourceId, returned } });
    const contact = await findContact(trx, ws, sourceId);
    if (!contact) throw errors.notFound('contact');
    return { merge: undone, contact };
  });
}

/** Undoes one merge named by its id (the CLI's way; the API names the merged-away contact), as `unmergeContact` does. */
export async function undoMerge(db: Kysely<Database>, actor: Actor, mergeId: string): Promise<MergeResult> {
  const merge = await findMerge(db, actor.workspaceId, mergeId);
  if (!merge) throw errors.notFound('merge');
  if (merge.undone_at) throw errors.conflict(`merge ${mergeId} is already undone`);
  return unmergeContact(db, actor, merge.source_id, mergeId);
}

/** The merges a contact of the actor's workspace took part in, newest first. */
export async function mergesOfContact(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<ContactMergeRow[]> {
  if (!(await findContact(db, workspaceId, contactId))) throw errors.notFound('contact');
  return listMergesOfContact(db, workspaceId, contactId);
}
