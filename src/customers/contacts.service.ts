import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { ContactRow, Database, LifecycleStage } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { changedFields } from './changes.ts';
import {
  deleteContact,
  findContact,
  insertContact,
  insertLifecycleChange,
  listLifecycleChanges,
  liveContactsWithEmails,
  lockContactEmails,
  updateContact,
  type LifecycleChangeRow,
} from './contacts.repository.ts';
import { checkAccount, checkOwner } from './references.ts';

export interface ContactInput {
  name?: string | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  emails?: string[] | undefined;
  phones?: string[] | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
  languages?: string[] | undefined;
  lifecycleStage?: LifecycleStage | undefined;
  accountId?: string | null | undefined;
  ownerId?: string | null | undefined;
  custom?: Record<string, unknown> | undefined;
  /** Create or add an email another live contact already holds (a family sharing one address). */
  allowDuplicateEmail?: boolean | undefined;
}

/** Emails are kept trimmed, lower-case and once each, so the exact email filter and matching are reliable. */
export function normalizeEmails(emails: string[]): string[] {
  return [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];
}

const unique = (values: string[]) => [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
const blankToNull = (value: string | null | undefined) => (value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim());

/** The display name of a contact: the given name, else first and last name, else the first email. */
export function displayName(name: string | undefined, firstName: string | null | undefined, lastName: string | null | undefined, emails: string[]): string {
  const given = name?.trim();
  if (given) return given;
  const joined = [firstName?.trim(), lastName?.trim()].filter((part) => part).join(' ');
  return joined || emails[0] || '';
}

/**
 * Refuses (409) emails another live contact of the workspace already holds, unless the request
 * allows it explicitly. Locks the addresses first, so a concurrent create cannot slip in between.
 */
async function checkEmailsFree(trx: Kysely<Database>, workspaceId: string, emails: string[], input: ContactInput, exceptId?: string): Promise<void> {
  if (emails.length === 0 || input.allowDuplicateEmail === true) return;
  await lockContactEmails(trx, workspaceId, emails);
  const holders = await liveContactsWithEmails(trx, workspaceId, emails, exceptId);
  const duplicates = emails.flatMap((email) => {
    const contactIds = holders.filter((holder) => holder.emails.includes(email)).map((holder) => holder.id);
    return contactIds.length > 0 ? [{ email, contactIds }] : [];
  });
  if (duplicates.length > 0) throw errors.duplicateEmail(duplicates);
}

/** Contact fields by API name, for the `contact.updated` audit entry; the lifecycle stage has its own entry. */
const AUDITED_FIELDS = {
  name: 'name',
  firstName: 'first_name',
  lastName: 'last_name',
  emails: 'emails',
  phones: 'phones',
  city: 'city',
  country: 'country',
  languages: 'languages',
  accountId: 'account_id',
  ownerId: 'owner_id',
  custom: 'custom',
} as const satisfies Record<string, keyof ContactRow>;

async function checkReferences(db: Kysely<Database>, workspaceId: string, input: ContactInput): Promise<void> {
  await checkAccount(db, workspaceId, input.accountId);
  await checkOwner(db, workspaceId, input.ownerId);
}

/** Creates a contact; its first lifecycle stage starts the lifecycle history. */
export async function createContact(db: Kysely<Database>, actor: Actor, input: ContactInput): Promise<ContactRow> {
  const emails = normalizeEmails(input.emails ?? []);
  const name = displayName(input.name, input.firstName, input.lastName, emails);
  if (name === '' && (input.phones ?? []).length === 0) throw errors.validation('a contact needs at least a name, first or last name, email or phone');
  await checkReferences(db, actor.workspaceId, input);
  const stage = input.lifecycleStage ?? 'prospect';
  return db.transaction().execute(async (trx) => {
    await checkEmailsFree(trx, actor.workspaceId, emails, input);
    const contact = await insertContact(trx, {
      workspace_id: actor.workspaceId,
      name,
      first_name: blankToNull(input.firstName) ?? null,
      last_name: blankToNull(input.lastName) ?? null,
      emails,
      phones: unique(input.phones ?? []),
      city: blankToNull(input.city) ?? null,
      country: blankToNull(input.country) ?? null,
      languages: unique(input.languages ?? []),
      lifecycle_stage: stage,
      account_id: input.accountId ?? null,
      owner_id: input.ownerId ?? null,
      custom: JSON.stringify(input.custom ?? {}),
    });
    await insertLifecycleChange(trx, { workspace_id: actor.workspaceId, contact_id: contact.id, from_stage: null, to_stage: stage, changed_by: actor.userId });
    await recordAudit(trx, actor, { action: 'contact.created', targetType: 'contact', targetId: contact.id, detail: { lifecycleStage: stage } });
    return contact;
  });
}

/**
 * Updates a contact; a lifecycle stage change is recorded in the history and the audit log, any other
 * change as `contact.updated` naming the changed fields (no values: they are personal data). An added
 * email another live contact holds is refused unless allowed.
 */
export async function changeContact(db: Kysely<Database>, actor: Actor, id: string, input: ContactInput): Promise<ContactRow> {
  await checkReferences(db, actor.workspaceId, input);
  return db.transaction().execute(async (trx) => {
    // Locked: the `contact.updated` entry compares this version with the one written.
    const before = await findContact(trx, actor.workspaceId, id, { forUpdate: true });
    if (!before) throw errors.notFound('contact');
    const emails = input.emails !== undefined ? normalizeEmails(input.emails) : undefined;
    // As on create: an emptied name falls back to first and last name or the first email, and a
    // contact keeps at least one of name, email or phone.
    const firstName = input.firstName !== undefined ? blankToNull(input.firstName) ?? null : before.first_name;
    const lastName = input.lastName !== undefined ? blankToNull(input.lastName) ?? null : before.last_name;
    const name = input.name !== undefined ? displayName(input.name, firstName, lastName, emails ?? before.emails) : undefined;
    const phones = input.phones !== undefined ? unique(input.phones) : before.phones;
    if ((name ?? before.name) === '' && (emails ?? before.emails).length === 0 && phones.length === 0) {
      throw errors.validation('a contact needs at least a name, first or last name, email or phone');
    }
    if (emails !== undefined) await checkEmailsFree(trx, actor.workspaceId, emails.filter((email) => !before.emails.includes(email)), input, id);
    const after = await updateContact(trx, actor.workspaceId, id, {
      ...(name !== undefined ? { name } : {}),
      ...(input.firstName !== undefined ? { first_name: blankToNull(input.firstName) ?? null } : {}),
      ...(input.lastName !== undefined ? { last_name: blankToNull(input.lastName) ?? null } : {}),
      ...(emails !== undefined ? { emails } : {}),
      ...(input.phones !== undefined ? { phones: unique(input.phones) } : {}),
      ...(input.city !== undefined ? { city: blankToNull(input.city) ?? null } : {}),
      ...(input.country !== undefined ? { country: blankToNull(input.country) ?? null } : {}),
      ...(input.languages !== undefined ? { languages: unique(input.languages) } : {}),
      ...(input.lifecycleStage !== undefined ? { lifecycle_stage: input.lifecycleStage } : {}),
      ...(input.accountId !== undefined ? { account_id: input.accountId } : {}),
      ...(input.ownerId !== undefined ? { owner_id: input.ownerId } : {}),
      ...(input.custom !== undefined ? { custom: JSON.stringify(input.custom) } : {}),
    });
    if (!after) throw errors.notFound('contact');
    if (input.lifecycleStage !== undefined && input.lifecycleStage !== before.lifecycle_stage) {
      await insertLifecycleChange(trx, { workspace_id: actor.workspaceId, contact_id: id, from_stage: before.lifecycle_stage, to_stage: input.lifecycleStage, changed_by: actor.userId });
      await recordAudit(trx, actor, { action: 'contact.lifecycle_changed', targetType: 'contact', targetId: id, detail: { from: before.lifecycle_stage, to: input.lifecycleStage } });
    }
    const fields = changedFields(before, after, AUDITED_FIELDS);
    if (fields.length > 0) await recordAudit(trx, actor, { action: 'contact.updated', targetType: 'contact', targetId: id, detail: { fields } });
    return after;
  });
}

export async function removeContact(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const contact = await findContact(trx, actor.workspaceId, id);
    if (!contact) throw errors.notFound('contact');
    await deleteContact(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'contact.deleted', targetType: 'contact', targetId: id, detail: {} });
  });
}

/** The lifecycle history of a contact of the actor's workspace, oldest first. */
export async function lifecycleHistory(db: Kysely<Database>, workspaceId: string, id: string): Promise<LifecycleChangeRow[]> {
  if (!(await findContact(db, workspaceId, id))) throw errors.notFound('contact');
  return listLifecycleChanges(db, workspaceId, id);
}
