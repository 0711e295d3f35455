import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { MAX_ATTEMPTS, processBatch, type ItemResult } from './batch.ts';
import type { PipelineDeps } from './stages.ts';

export { MAX_ATTEMPTS, type ItemResult };

/** Processes one stored payload: a batch of one, through the same stages as any batch. */
export async function processIntakeItem(db: Kysely<Database>, deps: PipelineDeps, id: number): Promise<ItemResult> {
  return (await processBatch(db, deps, [id])).get(id) ?? { status: 'skipped' };
}
