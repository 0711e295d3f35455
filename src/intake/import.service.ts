import { stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { driverFor } from '../channels/registry.ts';
import type { Database } from '../platform/db/schema.ts';
import { processIntakeItem } from '../pipeline/process.ts';
import type { PipelineDeps } from '../pipeline/stages.ts';
import { findIntake, insertRaw } from './intake.repository.ts';
import { readImportUnits } from './import-reader.ts';

export interface ImportSummary {
  imported: number;
  duplicates: number;
  rejected: number;
  /** Reasons of the first rejected payloads, to show the user what to fix. */
  rejections: { unit: number; reason: string }[];
}

export interface ImportProgress {
  units: number;
  bytesRead: number;
  totalBytes: number;
  summary: ImportSummary;
}

/**
 * Imports a file in a channel's native format: each unit is stored in raw intake first (so a crash
 * loses nothing and a re-run skips what is done), then processed through the pipeline.
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
  const summary: ImportSummary = { imported: 0, duplicates: 0, rejected: 0, rejections: [] };
  let units = 0;
  const reject = (reason: string) => {
    summary.rejected++;
    if (summary.rejections.length < 20) summary.rejections.push({ unit: units, reason });
  };
  for await (const unit of readImportUnits(input.path, driver.importFraming, driver.decode?.bind(driver))) {
    units++;
    const stored = await insertRaw(db, {
      workspaceId: input.workspaceId,
      connectionId: input.connectionId ?? null,
      channel: driver.type,
      source: 'import',
      contentType: null,
      headers: {},
      body: unit.body,
      dedupeKey: unit.dedupeKey,
    });
    const existing = stored.duplicate ? await findIntake(db, input.workspaceId, stored.id) : undefined;
    if (existing && existing.status === 'processed') {
      // Imported before: everything it holds is a duplicate now.
      try {
        const items = driver.parse({ body: unit.body });
        summary.duplicates += items.items.filter((i) => i.type === 'post').length;
      } catch {
        summary.duplicates++;
      }
    } else if (existing && existing.status === 'dead') {
      reject(existing.error ?? 'rejected before');
    } else {
      const result = await processIntakeItem(db, deps, stored.id);
      if (result.status === 'processed') {
        summary.imported += result.outcome.created;
        summary.duplicates += result.outcome.duplicates + result.outcome.updated;
      } else if (result.status === 'dead' || result.status === 'retry') {
        reject(result.reason);
      }
    }
    if (onProgress && units % 200 === 0) onProgress({ units, bytesRead: unit.bytesRead, totalBytes, summary });
  }
  onProgress?.({ units, bytesRead: totalBytes, totalBytes, summary });
  return summary;
}
