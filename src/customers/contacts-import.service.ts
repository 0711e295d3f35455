import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { csvRecords } from './contacts-csv.ts';
import {
  accountsByLowerNames,
  contactsByEmailsOrPhones,
  identitiesByHandleKeys,
  insertAccounts,
  insertContacts,
  insertLifecycleStarts,
  insertLinkedIdentities,
  linkIdentities,
  transactionNow,
  updateContactFields,
} from './contacts-io.repository.ts';
import { mapRow, planColumns, type ColumnPlan, type ImportedContact, type MappingTarget } from './contacts-import.mapping.ts';
import { orderedIds, planChunk, type RowOutcome } from './contacts-import.plan.ts';

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
/** Rows per chunk: read in a few set-based queries, written in a few statements, one transaction when applying (a failure loses at most one chunk). */
export const CHUNK_ROWS = 500;

class DryRunRollback extends Error {}

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
  const newId = orderedIds();

  async function runBatch(trx: Kysely<Database>, batch: { row: number; cells: string[] }[]): Promise<void> {
    const rows = batch.map((item) => ({ row: item.row, mapped: mapRow(item.cells, plan, { defaultCountry: options.defaultCountry }) }));
    const valid = rows.flatMap((r) => (r.mapped.ok ? [r.mapped.contact] : []));
    const outcomes = await applyChunk(trx, actor, valid, accounts, newId);
    let next = 0;
    for (const item of rows) {
      if (!item.mapped.ok) {
        report.rejected++;
        issue('rejected', item.row, item.mapped.reason);
        continue;
      }
      const outcome = outcomes[next++];
      if (!outcome) throw new Error('the import plan lost a row');
      report[outcome.kind]++;
      for (const warning of outcome.warnings) issue('warning', item.row, warning);
    }
  }

  async function* batches(): AsyncGenerator<{ row: number; cells: string[] }[]> {
    let batch: { row: number; cells: string[] }[] = [];
    for await (const cells of records) {
      row++;
      batch.push({ row, cells });
      if (batch.length >= CHUNK_ROWS) {
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

/**
 * Applies one chunk of valid rows: loads everything its rows can match (contacts by email or phone,
 * identities by handle, accounts by name) in three queries, plans the rows in file order in memory
 * (planChunk), then writes accounts, new contacts, filled contacts, lifecycle starts and identity
 * links in one statement each.
 */
async function applyChunk(trx: Kysely<Database>, actor: Actor, rows: ImportedContact[], accountCache: Map<string, string>, newId: () => string): Promise<RowOutcome[]> {
  if (rows.length === 0) return [];
  const workspaceId = actor.workspaceId;
  const unique = (values: string[]) => [...new Set(values)];
  const handles = rows.flatMap((r) => r.handles);
  const companies = unique(rows.flatMap((r) => (r.company ? [r.company.toLowerCase()] : []))).filter((name) => !accountCache.has(name));
  const [now, contacts, identities, accounts] = [
    await transactionNow(trx),
    await contactsByEmailsOrPhones(trx, workspaceId, unique(rows.flatMap((r) => r.emails)), unique(rows.flatMap((r) => r.phones))),
    await identitiesByHandleKeys(trx, workspaceId, unique(handles.map((h) => h.channel)), unique(handles.map((h) => h.handle.toLowerCase()))),
    await accountsByLowerNames(trx, workspaceId, companies),
  ];
  const plan = planChunk(rows, { contacts, identities, accounts }, { now, newId, accountCache });
  const evidence = [{ type: 'manual', source: 'import', by: actor.userId }];
  const written = new Date();
  await insertAccounts(trx, workspaceId, plan.newAccounts);
  await insertContacts(trx, workspaceId, plan.newContacts);
  await updateContactFields(trx, workspaceId, plan.updatedContacts, written);
  await insertLifecycleStarts(trx, workspaceId, plan.newContacts, actor.userId);
  await insertLinkedIdentities(trx, workspaceId, plan.newIdentities, evidence);
  await linkIdentities(trx, workspaceId, plan.linkedIdentities, evidence, written);
  return plan.outcomes;
}
