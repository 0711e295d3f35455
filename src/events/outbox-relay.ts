import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { EventBus } from './events.ts';
import { lockUnpublished, markPublished, prunePublished } from './outbox.repository.ts';

/**
 * Publishes what the pipeline committed to pipeline_events: unpublished rows in id order, to the EventBus,
 * then marks them published, in one transaction per chunk (rows another relay holds are skipped). A crash
 * after publishing and before marking publishes those events again with the same ids (consumers dedupe);
 * a crash before publishing leaves them for the next start, which begins with them. Published rows are
 * pruned after the retention window.
 */
export interface OutboxRelay {
  /** Starts publishing (once); events committed before wait for it. */
  start(): void;
  /** Publishes now instead of at the next poll (the pipeline just committed events); nothing before `start`. */
  wake(): void;
  /** Publishes everything unpublished, then returns how many events went out. */
  drain(): Promise<number>;
  /** Finishes the chunk in hand, then stops. */
  stop(): Promise<void>;
}

export interface OutboxRelayOptions {
  now?: () => Date;
  log?: { error(detail: Record<string, unknown>, message: string): void };
  /** How often the table is checked without a wake-up (events written by another process). */
  pollMs?: number;
  /** How long published events stay for inspection and late replays (default 7 days). */
  retentionMs?: number;
  chunk?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Publishes every unpublished event now; returns how many. Throws (leaving the rest unpublished) when the bus refuses. */
export async function relayOutbox(db: Kysely<Database>, bus: EventBus, options: Pick<OutboxRelayOptions, 'now' | 'chunk'> = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  let published = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      const { rowIds, events } = await lockUnpublished(trx, options.chunk ?? 500);
      if (rowIds.length === 0) return 0;
      if (events.length > 0) await bus.publish(events);
      await markPublished(trx, rowIds, now());
      return events.length;
    });
    if (count === 0) return published;
    published += count;
  }
}

/** A started relay (see createOutboxRelay). */
export function startOutboxRelay(db: Kysely<Database>, bus: EventBus, options: OutboxRelayOptions = {}): OutboxRelay {
  const relay = createOutboxRelay(db, bus, options);
  relay.start();
  return relay;
}

/**
 * The relay of a process that runs the pipeline: once started, publishes what a crash left, then on wake-up
 * and on a poll. Created before the worker (which wakes it) and started once the process's subscribers are
 * registered, so they get what was left unpublished.
 */
export function createOutboxRelay(db: Kysely<Database>, bus: EventBus, options: OutboxRelayOptions = {}): OutboxRelay {
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 1000;
  const retentionMs = options.retentionMs ?? 7 * DAY_MS;
  let stopped = false;
  let woken = false;
  let wake: (() => void) | undefined;
  let lastPrune = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  let loop: Promise<void> | undefined;
  const run = async () => {
    let backoffMs = pollMs;
    while (!stopped) {
      woken = false;
      try {
        await relayOutbox(db, bus, { now });
        if (now().getTime() - lastPrune > Math.min(retentionMs, DAY_MS) / 24) {
          await prunePublished(db, new Date(now().getTime() - retentionMs));
          lastPrune = now().getTime();
        }
        backoffMs = pollMs;
      } catch (error) {
        options.log?.error({ err: error }, 'event relay failed; retrying');
        backoffMs = Math.min(backoffMs * 2, 60_000);
      }
      if (!stopped) await sleep(backoffMs);
    }
  };

  return {
    start() {
      if (!stopped) loop ??= run();
    },
    wake() {
      woken = true;
      wake?.();
    },
    drain: () => relayOutbox(db, bus, { now }),
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
