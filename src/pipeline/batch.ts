import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { lockPendingMany, markDead, recordAttempt } from '../intake/intake.repository.ts';
import { ParseError } from '../listening/canonical.ts';
import { enrichPending } from './enrich.ts';
import { pipelineEvent } from '../events/outbox.ts';
import { insertEvents } from '../events/outbox.repository.ts';
import { emptyOutcome, newWorkspaceBatch, parseStage, runStages, type Outcome, type Payload, type PipelineDeps } from './stages.ts';

/** Attempts before a payload that keeps failing for reasons other than parsing goes to dead-letter. */
export const MAX_ATTEMPTS = 5;

export type ItemResult = { status: 'processed'; outcome: Outcome } | { status: 'dead'; reason: string } | { status: 'retry'; reason: string } | { status: 'skipped' };

/**
 * Processes stored payloads through the stages (src/pipeline/stages.ts), as few transactions as the item cap
 * allows. When a transaction fails, the payloads are cut in halves and each half tried on its own, down to
 * the payload that fails alone: that one is dead-lettered when the failure is its own (it does not parse,
 * the store refuses its data), or retried later up to MAX_ATTEMPTS; the others commit. A store that is
 * unreachable fails everything the same way: nothing is cut or counted, all is retried later.
 */
export async function processBatch(db: Kysely<Database>, deps: PipelineDeps, ids: number[]): Promise<Map<number, ItemResult>> {
  const results = new Map<number, ItemResult>();
  let todo = ids;
  if (deps.enrich) {
    const enriched = await enrichPending(db, deps.enrich, ids, deps.now, (error, rawId) => deps.log?.warn({ err: error, intakeId: rawId }, 'enrichment failed; the delivery is processed as received'));
    for (const original of enriched.replaced.keys()) results.set(original, { status: 'processed', outcome: emptyOutcome() });
    todo = enriched.ids;
  }
  if (todo.length === 0) return results;
  const maxItems = (await isEmbedded(db)) ? MAX_ITEMS_EMBEDDED : MAX_ITEMS_SERVER;
  const queue: number[][] = [todo];
  for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
    const ids = part;
    try {
      const done = await db.transaction().execute((trx) => processLocked(trx, deps, ids, maxItems));
      await refreshStatisticsIfDue(db, done.results);
      for (const [id, result] of done.results) results.set(id, result);
      deps.relay?.wake();
      if (done.deferred.length > 0) queue.unshift(done.deferred);
    } catch (error) {
      if (isStoreUnavailable(error)) {
        const reason = messageOf(error);
        for (const id of [...ids, ...queue.flat()]) results.set(id, { status: 'retry', reason });
        return results;
      }
      if (ids.length > 1) {
        const half = Math.ceil(ids.length / 2);
        queue.unshift(ids.slice(0, half), ids.slice(half));
        continue;
      }
      const [id] = ids;
      if (id !== undefined) results.set(id, await failAlone(db, deps, id, error));
      deps.relay?.wake();
    }
  }
  return results;
}

/** A payload failed in a transaction of its own: its own fault is final, anything else is tried again later. */
async function failAlone(db: Kysely<Database>, deps: PipelineDeps, id: number, error: unknown): Promise<ItemResult> {
  const reason = messageOf(error);
  if (isPayloadFault(error)) {
    await deadLetter(db, id, error instanceof ParseError ? `parse: ${reason}` : reason, deps.now());
    return { status: 'dead', reason };
  }
  const attempts = await recordAttempt(db, id, reason);
  if (attempts >= MAX_ATTEMPTS) {
    await deadLetter(db, id, `gave up after ${attempts} attempts: ${reason}`, deps.now());
    return { status: 'dead', reason };
  }
  return { status: 'retry', reason };
}

/** Dead-letters a payload and writes its intake.dead event in one transaction. */
async function deadLetter(db: Kysely<Database>, id: number, reason: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const workspaceId = await markDead(trx, id, reason, now);
    if (workspaceId) await insertEvents(trx, [pipelineEvent.intakeDead(workspaceId, now, { rawIntakeId: id })]);
  });
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown): string => (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '');

/**
 * The store refused the payload's data whatever the moment: it does not parse, or SQLSTATE class 22 (data
 * exception: an invalid date, a NUL byte), 23 (integrity; but not 23505, which a race between workers can
 * raise) or 54 (a value beyond a limit).
 */
export function isPayloadFault(error: unknown): boolean {
  if (error instanceof ParseError) return true;
  const code = codeOf(error);
  return /^(22|23|54)/.test(code) && code !== '23505';
}

/** The store cannot be reached or is shutting down (SQLSTATE 08, 53, 57P; socket errors): nobody's payload is at fault. */
export function isStoreUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (/^(08|53|57P)/.test(code) || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code)) return true;
  return /connection terminated|connection error|client was closed|cannot use a pool after calling end|timeout exceeded when trying to connect/i.test(messageOf(error));
}

/**
 * Parsed items (posts, engagements, deletes) per transaction; payloads beyond it wait for the next
 * transaction of the same call. An X search page holds 100 posts, so 200 pending payloads can be
 * 20,000 posts. PGlite 0.5 was seen to corrupt its state (a PANIC, ERRORDATA_STACK_SIZE exceeded, on
 * the next statement) after a transaction of 1,000 new posts; 250 never did (1M-post imports).
 */
const MAX_ITEMS_EMBEDDED = 250;
const MAX_ITEMS_SERVER = 5000;

/** New posts since the planner statistics were last refreshed, per store. */
const postsSinceAnalyze = new WeakMap<Kysely<Database>, number>();
const ANALYZE_EVERY_POSTS = 5000;

/**
 * The embedded store has no autovacuum, so its planner would keep the empty-table statistics of the
 * first start and turn the linking joins into full scans as posts grow (measured: 3× slower at 5k
 * posts, worse beyond). Refreshing statistics every few thousand new posts keeps plans on the indexes.
 */
async function refreshStatisticsIfDue(db: Kysely<Database>, results: Map<number, ItemResult>): Promise<void> {
  let created = 0;
  for (const result of results.values()) if (result.status === 'processed') created += result.outcome.created;
  const total = (postsSinceAnalyze.get(db) ?? ANALYZE_EVERY_POSTS - 500) + created;
  if (total < ANALYZE_EVERY_POSTS) {
    postsSinceAnalyze.set(db, total);
    return;
  }
  postsSinceAnalyze.set(db, 0);
  await sql`analyze posts, social_identities, raw_intake, engagements`.execute(db);
  // PGlite (single-user PostgreSQL) was seen to let pg_wal grow past 3 GB during a long import and then
  // PANIC; an explicit checkpoint recycles the WAL. Real servers have their own checkpointer.
  if (await isEmbedded(db)) await sql`checkpoint`.execute(db);
}

const embedded = new WeakMap<Kysely<Database>, Promise<boolean>>();
function isEmbedded(db: Kysely<Database>): Promise<boolean> {
  let known = embedded.get(db);
  if (!known) {
    known = sql<{ version: string }>`select version() as version`.execute(db).then((r) => /PGlite/i.test(r.rows[0]?.version ?? ''));
    embedded.set(db, known);
  }
  return known;
}

/** One transaction: lock the pending payloads among ids, parse up to the item cap, run the stages per workspace. */
async function processLocked(trx: Kysely<Database>, deps: PipelineDeps, ids: number[], maxItems: number): Promise<{ results: Map<number, ItemResult>; deferred: number[] }> {
  const results = new Map<number, ItemResult>();
  const now = deps.now();
  const locked = await lockPendingMany(trx, ids);
  const lockedIds = new Set(locked.map((r) => r.id));
  for (const id of ids) if (!lockedIds.has(id)) results.set(id, { status: 'skipped' });
  const { parsed, dead, events, deferred } = await parseStage(trx, locked, maxItems, now);
  for (const { id, reason } of dead) results.set(id, { status: 'dead', reason });
  await insertEvents(trx, events);
  // Payloads of several workspaces can share a batch: the stages run per workspace, in arrival order.
  const byWorkspace = new Map<string, Payload[]>();
  for (const payload of parsed) byWorkspace.set(payload.raw.workspace_id, [...(byWorkspace.get(payload.raw.workspace_id) ?? []), payload]);
  for (const [workspaceId, payloads] of byWorkspace) {
    const batch = newWorkspaceBatch(workspaceId, payloads, now);
    await runStages(trx, deps, batch);
    for (const [id, outcome] of batch.outcomes) results.set(id, { status: 'processed', outcome });
  }
  return { results, deferred };
}
