import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { insertIdentity, updateIdentity } from '../identities/identities.repository.ts';
import type { ContactRow, Database, Updateable, ContactsTable } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { insertAccount } from './accounts.repository.ts';
import { csvRecords } from './contacts-csv.ts';
import { findAccountByName, findContactByEmailOrPhone, findIdentityByHandle } from './contacts-io.repository.ts';
import { mapRow, planColumns, type ColumnPlan, type ImportedContact, type MappingTarget } from './contacts-import.mapping.ts';
import { insertContact, insertLifecycleChange, updateContact } from './contacts.repository.ts';
import { displayName } from './contacts.service.ts';

/** A row the import refused (rejected) or imported with a remark (warning); row 1 is the header. */
export interface ImportIssue {
  row: number;
  reason: string;
}

export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  matched: number;
  rejected: number;
  /** The first MAX_LISTED rejected rows with their reasons (the count above is complete). */
  rejections: ImportIssue[];
  /** Remarks on imported rows, e.g. a handle already linked to another contact. */
  warnings: ImportIssue[];
  /** CSV column → contact field, and the columns left out. */
  columns: { mapped: Record<string, string>; ignored: string[] };
}

export interface ImportOptions {
  dryRun?: boolean | undefined;
  mapping?: Record<string, MappingTarget> | undefined;
  defaultCountry?: CountryCode | undefined;
  /** Called for every rejection and warning as it happens (the CLI prints them; the report keeps the first MAX_LISTED). */
  onIssue?: ((kind: 'rejected' | 'warning', issue: ImportIssue) => void) | undefined;
}

export const MAX_LISTED = 1000;
/** Rows per transaction when applying: a failure loses at most one batch, and locks stay short. */
const BATCH = 200;

class DryRunRollback extends Error {}

type Outcome = { kind: 'created' | 'updated' | 'matched'; warnings: string[] };

/**
 * Imports contacts from CSV text (a string or a stream of chunks). Each row is matched to a live
 * contact by email, then phone: a match gets its empty fields filled and new emails, phones, account
 * and handles merged (updated), or nothing changes (matched); otherwise a contact is created.
 *
 * A dry run performs exactly the same reads and writes inside one transaction and rolls it back, so
 * its counts equal the counts of a real run (including rows matching contacts created earlier in the
 * same file) and nothing is written.
 */
export async function importContacts(db: Kysely<Database>, actor: Actor, source: AsyncIterable<Buffer | string> | string, options: ImportOptions = {}): Promise<ImportReport> {
  const records = csvRecords(source);
  const first = await records.next();
  if (first.done) throw errors.validation('the CSV is empty: it needs a header line naming its columns');
  let plan: ColumnPlan;
  try {
    plan = planColumns(first.value, options.mapping ?? {});
  } catch (error) {
    throw errors.validation(error instanceof Error ? error.message : String(error));
  }
  const report: ImportReport = { dryRun: options.dryRun === true, created: 0, updated: 0, matched: 0, rejected: 0, rejections: [], warnings: [], columns: { mapped: plan.mapped, ignored: plan.ignored } };
  const issue = (kind: 'rejected' | 'warning', row: number, reason: string) => {
    const list = kind === 'rejected' ? report.rejections : report.warnings;
    if (list.length < MAX_LISTED) list.push({ row, reason });
    options.onIssue?.(kind, { row, reason });
  };
  let row = 1;
  /** Account ids by lower-case name, for this import only (a dry run's rolled-back accounts never leak out). */
  const accounts = new Map<string, string>();

  async function runBatch(trx: Kysely<Database>, batch: { row: number; cells: string[] }[]): Promise<void> {
    for (const item of batch) {
      const mapped = mapRow(item.cells, plan, { defaultCountry: options.defaultCountry });
      if (!mapped.ok) {
        report.rejected++;
        issue('rejected', item.row, mapped.reason);
        continue;
      }
      const outcome = await applyRow(trx, actor, mapped.contact, accounts);
      report[outcome.kind]++;
      for (const warning of outcome.warnings) issue('warning', item.row, warning);
    }
  }

  async function* batches(): AsyncGenerator<{ row: number; cells: string[] }[]> {
    let batch: { row: number; cells: string[] }[] = [];
    for await (const cells of records) {
      row++;
      batch.push({ row, cells });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  if (report.dryRun) {
    await db
      .transaction()
      .execute(async (trx) => {
        for await (const batch of batches()) await runBatch(trx, batch);
        throw new DryRunRollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof DryRunRollback)) throw error;
      });
    return report;
  }
  for await (const batch of batches()) await db.transaction().execute((trx) => runBatch(trx, batch));
  await recordAudit(db, actor, {
    action: 'contacts.imported',
    targetType: 'contact',
    targetId: null,
    detail: { created: report.created, updated: report.updated, matched: report.matched, rejected: report.rejected },
  });
  return report;
}

async function accountFor(trx: Kysely<Database>, workspaceId: string, company: string | null, cache: Map<string, string>): Promise<string | null> {
  if (!company) return null;
  const key = company.toLowerCase();
  const cached = cache.get(key);
  if (cached) return cached;
  const id = (await findAccountByName(trx, workspaceId, company))?.id ?? (await insertAccount(trx, { workspace_id: workspaceId, name: company, custom: '{}' })).id;
  cache.set(key, id);
  return id;
}

/** Fill-only update: a field the contact already has is never overwritten; lists gain new values. */
function mergeInto(existing: ContactRow, input: ImportedContact, accountId: string | null): Updateable<ContactsTable> {
  const change: Updateable<ContactsTable> = {};
  const newEmails = input.emails.filter((e) => !existing.emails.includes(e));
  const newPhones = input.phones.filter((p) => !existing.phones.includes(p));
  if (newEmails.length > 0) change.emails = [...existing.emails, ...newEmails].slice(0, 20);
  if (newPhones.length > 0) change.phones = [...existing.phones, ...newPhones].slice(0, 20);
  if (!existing.first_name && input.firstName) change.first_name = input.firstName;
  if (!existing.last_name && input.lastName) change.last_name = input.lastName;
  if (!existing.city && input.city) change.city = input.city;
  if (!existing.country && input.country) change.country = input.country;
  if (!existing.account_id && accountId) change.account_id = accountId;
  if (existing.name === '' || (existing.emails.includes(existing.name) && (input.name || input.firstName || input.lastName))) {
    const name = displayName(input.name ?? undefined, input.firstName, input.lastName, []);
    if (name && name !== existing.name) change.name = name;
  }
  return change;
}

async function applyRow(trx: Kysely<Database>, actor: Actor, input: ImportedContact, accounts: Map<string, string>): Promise<Outcome> {
  const workspaceId = actor.workspaceId;
  const existing = await findContactByEmailOrPhone(trx, workspaceId, input.emails, input.phones);
  let contactId: string;
  let kind: Outcome['kind'];
  if (existing) {
    // Only look the account up (or create it) when the contact has none, so a match stays a pure read.
    const accountId = existing.account_id ? null : await accountFor(trx, workspaceId, input.company, accounts);
    const change = mergeInto(existing, input, accountId);
    if (Object.keys(change).length > 0) {
      await updateContact(trx, workspaceId, existing.id, change);
      kind = 'updated';
    } else kind = 'matched';
    contactId = existing.id;
  } else {
    const stage = input.lifecycleStage ?? 'prospect';
    const created = await insertContact(trx, {
      workspace_id: workspaceId,
      name: displayName(input.name ?? undefined, input.firstName, input.lastName, input.emails) || (input.phones[0] ?? ''),
      first_name: input.firstName,
      last_name: input.lastName,
      emails: input.emails,
      phones: input.phones,
      city: input.city,
      country: input.country,
      account_id: await accountFor(trx, workspaceId, input.company, accounts),
      lifecycle_stage: stage,
      custom: '{}',
    });
    await insertLifecycleChange(trx, { workspace_id: workspaceId, contact_id: created.id, from_stage: null, to_stage: stage, changed_by: actor.userId });
    contactId = created.id;
    kind = 'created';
  }
  const warnings: string[] = [];
  let linked = false;
  for (const { channel, handle } of input.handles) {
    const link = { contact_id: contactId, link_score: 1, link_status: 'manual' as const, link_evidence: JSON.stringify([{ type: 'manual', source: 'import', by: actor.userId }]) };
    const identity = await findIdentityByHandle(trx, workspaceId, channel, handle);
    if (!identity) {
      // A handle alone has no platform id; the lower-case handle stands in until the channel reports the real one.
      await insertIdentity(trx, { workspace_id: workspaceId, channel, external_id: handle.toLowerCase(), handle, ...link });
      linked = true;
    } else if (identity.contact_id === null) {
      await updateIdentity(trx, workspaceId, identity.id, link);
      linked = true;
    } else if (identity.contact_id !== contactId) {
      warnings.push(`${channel}:${handle} is already linked to contact ${identity.contact_id}; left unchanged`);
    }
  }
  if (linked && kind === 'matched') kind = 'updated';
  return { kind, warnings };
}
