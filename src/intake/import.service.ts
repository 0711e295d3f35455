import { stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { driverFor } from '../channels/registry.ts';
import type { Database } from '../platform/db/schema.ts';
import { processBatch } from '../pipeline/batch.ts';
import type { PipelineDeps } from '../pipeline/stages.ts';
import { createIntake, NO_SIGNAL } from './intake.ts';
import { readImportUnits, type ImportUnit } from './import-reader.ts';

export interface ImportSummary {
  imported: number;
  duplicates: number;
  rejected: number;
  /** Reasons of the first rejected payloads, to show the user what to fix. */
  rejections: { unit: number; reason: string }[];
  /** Likes, reactions and other engagements stored (they are not posts). */
  engagements: number;
  /** Posts updated by an edit (the old text kept as a revision). */
  edits: number;
  /** What the parser understood but could not store, counted by reason (ParseResult.skipped). */
  skipped: { reason: string; count: number }[];
}

export interface ImportProgress {
  units: number;
  bytesRead: number;
  totalBytes: number;
  summary: ImportSummary;
}

/**
 * Payloads stored together and handed to the pipeline together; big enough to amortise a statement,
 * small enough for constant memory. The pipeline splits them into transactions by item count
 * (`processBatch`), so a batch of 250 X search pages (25,000 posts) is fine on either store.
 */
const BATCH_UNITS = 250;

/**
 * Imports a file in a channel's native format: each batch of units is stored in raw intake first
 * (so a crash loses nothing and a re-run skips what is done), then processed through the pipeline.
 */
export async function importFile(
  db: Kysely<Database>,
  deps: PipelineDeps,
  input: { workspaceId: string; channel: string; path: string; connectionId?: string | null },
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportSummary> {
  const driver = driverFor(input.channel);
  if (!driver) throw new Error(`unknown channel "${input.channel}"`);
  const totalBytes = (await stat(input.path)).size;
  const summary: ImportSummary = { imported: 0, duplicates: 0, rejected: 0, rejections: [], engagements: 0, edits: 0, skipped: [] };
  const skippedByReason = new Map<string, { reason: string; count: number }>();
  const noteSkipped = (unit: ImportUnit | undefined) => {
    for (const reason of skippedReasons(driver.parse, unit)) {
      const entry = skippedByReason.get(reason) ?? { reason, count: 0 };
      if (entry.count === 0) summary.skipped.push(entry);
      entry.count++;
      skippedByReason.set(reason, entry);
    }
  };
  let units = 0;
  const reject = (unit: number, reason: string) => {
    summary.rejected++;
    if (summary.rejections.length < 20) summary.rejections.push({ unit, reason });
  };

  // The import processes what it stores itself, at its own pace: no worker needs waking.
  const intake = createIntake(db, NO_SIGNAL);
  const flush = async (batch: ImportUnit[], firstUnit: number) => {
    const stored = await intake.submit(
      batch.map((unit) => ({
        workspaceId: input.workspaceId,
        connectionId: input.connectionId ?? null,
        channel: driver.type,
        source: 'import' as const,
        contentType: unit.contentType ?? null,
        headers: {},
        body: unit.body,
        dedupeKey: unit.dedupeKey,
      })),
    );
    const toProcess = [...new Set(stored.filter((s) => s.status === 'pending').map((s) => s.id))];
    const results = await processBatch(db, deps, toProcess);
    const counted = new Set<number>();
    stored.forEach((entry, index) => {
      const unitNumber = firstUnit + index;
      const result = results.get(entry.id);
      if (result && !counted.has(entry.id)) {
        counted.add(entry.id);
        if (result.status === 'processed') {
          const { created, duplicates, updated, deleted, engagements } = result.outcome;
          summary.imported += created;
          summary.duplicates += duplicates + updated;
          summary.edits += updated;
          summary.engagements += engagements;
          // Parsing again costs a payload's parse; only payloads that stored nothing (or whole documents) are asked why.
          if (driver.importFraming === 'document' || created + duplicates + updated + deleted + engagements === 0) noteSkipped(batch[index]);
        } else if (result.status === 'dead' || result.status === 'retry') reject(unitNumber, result.reason);
        return;
      }
      // Stored before (this run or an earlier one).
      if (entry.status === 'dead') reject(unitNumber, entry.error ?? 'rejected before');
      else summary.duplicates += countPosts(driver.parse, batch[index]);
    });
  };

  let batch: ImportUnit[] = [];
  let batchStart = 1;
  let lastBytes = 0;
  for await (const unit of readImportUnits(input.path, driver.importFraming, { decode: driver.decode?.bind(driver), store: driver.storeBytes?.bind(driver), units: driver.importUnits?.bind(driver) })) {
    units++;
    batch.push(unit);
    lastBytes = unit.bytesRead;
    if (batch.length >= BATCH_UNITS) {
      await flush(batch, batchStart);
      batch = [];
      batchStart = units + 1;
      onProgress?.({ units, bytesRead: lastBytes, totalBytes, summary });
    }
  }
  if (batch.length > 0) await flush(batch, batchStart);
  onProgress?.({ units, bytesRead: totalBytes, totalBytes, summary });
  return summary;
}

/** Why parts of a payload were not stored, as the driver's parser says (empty when it cannot be parsed). */
function skippedReasons(parse: NonNullable<ReturnType<typeof driverFor>>['parse'], unit: ImportUnit | undefined): string[] {
  if (!unit) return [];
  try {
    return parse({ body: unit.body, contentType: unit.contentType ?? null }).skipped ?? [];
  } catch {
    return [];
  }
}

/** Posts in a payload that was imported before: all of them are duplicates now. */
function countPosts(parse: NonNullable<ReturnType<typeof driverFor>>['parse'], unit: ImportUnit | undefined): number {
  if (!unit) return 0;
  try {
    return parse({ body: unit.body, contentType: unit.contentType ?? null }).items.filter((item) => item.type === 'post').length;
  } catch {
    return 1;
  }
}
