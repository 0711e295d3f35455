import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { pendingIds } from '../intake/intake.repository.ts';
import type { Database } from '../platform/db/schema.ts';
import { processBatch } from './batch.ts';
import type { ItemResult } from './batch.ts';
import type { PipelineDeps } from './stages.ts';

export interface IntakeWorker {
  /** Wakes the worker now (a payload was just stored) instead of at the next poll. */
  notify(): void;
  /** Finishes the payload in hand, then stops. */
  stop(): Promise<void>;
}

/** Drains pending payloads of one workspace (or all) until none is left; returns each result. Used by import and tests. */
export async function drainIntake(db: Kysely<Database>, deps: PipelineDeps, options: { workspaceId?: string; onResult?: (id: number, result: ItemResult) => void } = {}): Promise<number> {
  let processed = 0;
  for (;;) {
    const ids = await pendingIds(db, 200, options.workspaceId);
    if (ids.length === 0) return processed;
    let progressed = false;
    for (const [id, result] of await processBatch(db, deps, ids)) {
      options.onResult?.(id, result);
      if (result.status !== 'retry') progressed = true;
      processed++;
    }
    // Only retries left: they wait for the background worker rather than spinning here.
    if (!progressed) return processed;
  }
}

/** The in-process intake worker of `townhall start`: processes pending payloads as they arrive. */
/**
 * A wake-up waits this long before the worker takes what is pending, so that deliveries arriving together
 * (a webhook burst) share one transaction instead of each paying a whole pipeline transaction, during which
 * the embedded store's single backend is busy and the next delivery's insert waits.
 */
const GATHER_MS = 20;

export function startIntakeWorker(db: Kysely<Database>, deps: PipelineDeps, log: FastifyBaseLogger, pollMs = 1000): IntakeWorker {
  let stopped = false;
  let wake: (() => void) | undefined;
  let gathering: NodeJS.Timeout | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    let backoffMs = pollMs;
    while (!stopped) {
      try {
        const ids = await pendingIds(db, 200);
        let retries = 0;
        for (const [id, result] of await processBatch(db, deps, ids)) {
          if (result.status === 'dead') log.warn({ intakeId: id, reason: result.reason }, 'payload moved to dead-letter');
          if (result.status === 'retry') retries++;
        }
        // Everything left is being retried: back off (with jitter) instead of hammering a failing store.
        backoffMs = ids.length > 0 && retries === ids.length ? Math.min(backoffMs * 2, 60_000) : pollMs;
        if (ids.length === 0 || retries === ids.length) await sleep(backoffMs * (0.75 + Math.random() * 0.5));
      } catch (error) {
        log.error({ err: error }, 'intake worker error');
        await sleep(pollMs * 5);
      }
    }
  })();

  return {
    notify: () => {
      gathering ??= setTimeout(() => {
        gathering = undefined;
        wake?.();
      }, GATHER_MS);
    },
    async stop() {
      stopped = true;
      if (gathering) clearTimeout(gathering);
      wake?.();
      await loop;
    },
  };
}
