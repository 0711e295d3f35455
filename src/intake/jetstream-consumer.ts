import { AckPolicy, DeliverPolicy, jetstream, type JsMsg } from '@nats-io/jetstream';
import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { processBatch } from '../pipeline/batch.ts';
import type { PipelineDeps } from '../pipeline/stages.ts';
import type { Database } from '../platform/db/schema.ts';
import { nanos, type NatsLink } from '../platform/nats.ts';
import { claimStalePending, markDeadIfPending } from './intake.repository.ts';
import { ensureIntakeStream, INTAKE_CONSUMER, INTAKE_STREAM, INTAKE_SUBJECT_PREFIX, type JetStreamIntakeSignal } from './jetstream-signal.ts';

export interface IntakeConsumerOptions {
  /** Payload ids per processBatch call, and how many more are held ready for the next one (default 100). */
  batchSize?: number;
  /** A batch not acked within this is delivered again, to any worker (default 120 s). */
  ackWaitMs?: number;
  /**
   * Deliveries of one id before it is dead-lettered (default 10). The pipeline itself dead-letters a payload
   * after MAX_ATTEMPTS failed attempts; this catches what it cannot count: a worker that dies on the payload.
   */
  maxDeliver?: number;
  /** How often the sweeper looks for payloads left pending (default 30 s). */
  sweepEveryMs?: number;
  /** A payload pending this long after its last announcement is announced again (default 5 min). */
  staleAfterMs?: number;
}

export interface IntakeConsumer {
  /** Finishes and acks the batch in hand, then stops. */
  stop(): Promise<void>;
}

// A fixed key: one sweeper at a time across every worker sharing the database.
const SWEEPER_LOCK = sql`hashtextextended('townhall:intake-sweeper', 0)`;

/**
 * The pipeline side of `townhall worker`: a durable pull consumer shared by all workers. It takes a batch of
 * payload ids, runs processBatch (one transaction; idempotent, so a redelivery is harmless) and acks each id
 * after the commit. A payload the pipeline keeps failing on is dead in raw_intake (visible in
 * GET /api/v1/intake?status=dead); one whose deliveries ran out without an answer is marked dead here.
 */
export async function startIntakeConsumer(
  db: Kysely<Database>,
  deps: PipelineDeps,
  link: NatsLink,
  signal: JetStreamIntakeSignal,
  log: FastifyBaseLogger,
  options: IntakeConsumerOptions = {},
): Promise<IntakeConsumer> {
  const batchSize = options.batchSize ?? 100;
  const maxDeliver = options.maxDeliver ?? 10;
  await ensureIntakeStream(link);
  const tunable = { ack_wait: nanos(options.ackWaitMs ?? 120_000), max_deliver: maxDeliver, max_ack_pending: 20_000 };
  // The first worker creates the shared consumer; a later one with other settings updates it (the last start wins).
  await link.jsm.consumers
    .add(INTAKE_STREAM, { durable_name: INTAKE_CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: `${INTAKE_SUBJECT_PREFIX}>`, ...tunable })
    .catch(async () => link.jsm.consumers.update(INTAKE_STREAM, INTAKE_CONSUMER, tunable));
  const js = jetstream(link.nc);
  let stopped = false;
  const buffer: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let freed: (() => void) | undefined;
  let stopMessages: (() => void) | undefined;

  // Receiving runs apart from processing so the next batch is on its way while the current one commits.
  // One bounded fetch at a time, and only while less than a batch waits: the rest stays in the stream for
  // other workers (a consume() would keep pulling however far behind this worker is).
  const receiving = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        while (buffer.length >= batchSize && !stopped) await new Promise<void>((resolve) => (freed = resolve));
        if (stopped) break;
        const consumer = await js.consumers.get(INTAKE_STREAM, INTAKE_CONSUMER);
        const messages = await consumer.fetch({ max_messages: batchSize, expires: 5000 });
        stopMessages = () => void messages.stop();
        if (stopped) messages.stop();
        for await (const message of messages) {
          buffer.push(message);
          wake?.();
        }
        failures = 0;
      } catch (error) {
        if (stopped) break;
        failures++;
        log.warn({ err: error }, 'intake consumer interrupted; resuming');
        await sleep(Math.min(250 * 2 ** failures, 10_000));
      }
    }
    wake?.();
  })();

  const processing = (async () => {
    let failures = 0;
    while (!stopped || buffer.length > 0) {
      if (buffer.length === 0) {
        if (stopped) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (stopped) {
        // Not started: another worker gets them once the ack wait passes, sooner with a nak.
        for (const message of buffer.splice(0)) message.nak();
        break;
      }
      const batch = buffer.splice(0, batchSize);
      freed?.();
      try {
        await handleBatch(db, deps, batch, maxDeliver, log);
        failures = 0;
      } catch (error) {
        // The store failed outside the per-payload handling (connection dropped, server restarting): try again later.
        failures++;
        log.warn({ err: error, failures }, 'intake batch failed; it will be delivered again');
        for (const message of batch) message.nak(Math.min(500 * 2 ** failures, 30_000));
        await sleep(Math.min(250 * 2 ** failures, 10_000));
      }
    }
  })();

  const deadLetters = watchExhausted(db, link, deps, log);
  const sweeper = startSweeper(db, signal, log, options);

  return {
    async stop() {
      stopped = true;
      stopMessages?.();
      wake?.();
      freed?.();
      await processing;
      await receiving;
      deadLetters.unsubscribe();
      await sweeper.stop();
    },
  };
}

function parseId(message: JsMsg): number | undefined {
  const id = Number(message.string());
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

async function handleBatch(db: Kysely<Database>, deps: PipelineDeps, batch: JsMsg[], maxDeliver: number, log: FastifyBaseLogger): Promise<void> {
  const byId = new Map<number, JsMsg[]>();
  for (const message of batch) {
    const id = parseId(message);
    if (id === undefined) {
      log.error({ subject: message.subject }, 'intake message is not a payload id; dropped');
      message.term('not a payload id');
      continue;
    }
    byId.set(id, [...(byId.get(id) ?? []), message]);
  }
  if (byId.size === 0) return;
  const results = await processBatch(db, deps, [...byId.keys()]);
  for (const [id, messages] of byId) {
    const result = results.get(id);
    for (const message of messages) {
      if (result?.status !== 'retry') {
        // Processed, dead-lettered by the pipeline, or no longer pending (done by another delivery): finished.
        message.ack();
      } else if (message.info.deliveryCount >= maxDeliver) {
        await markDeadIfPending(db, id, `gave up after ${message.info.deliveryCount} deliveries: ${result.reason}`, deps.now());
        message.ack();
      } else {
        message.nak(Math.min(1000 * 2 ** message.info.deliveryCount, 60_000));
      }
    }
  }
  for (const [id, result] of results) if (result.status === 'dead') log.warn({ intakeId: id, reason: result.reason }, 'payload moved to dead-letter');
}

/**
 * JetStream stops delivering a message after max deliver without an ack (a worker that dies on the payload
 * every time): it says so in an advisory. One worker (queue group) marks the payload dead in raw_intake and
 * removes the message, so the sweeper does not start the crash loop again.
 */
function watchExhausted(db: Kysely<Database>, link: NatsLink, deps: PipelineDeps, log: FastifyBaseLogger): { unsubscribe(): void } {
  const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${INTAKE_STREAM}.${INTAKE_CONSUMER}`;
  const subscription = link.nc.subscribe(subject, { queue: 'townhall-intake-dead-letters' });
  void (async () => {
    for await (const advisory of subscription) {
      try {
        const body: unknown = advisory.json();
        const seq = typeof body === 'object' && body !== null && 'stream_seq' in body ? Number(body.stream_seq) : NaN;
        const deliveries = typeof body === 'object' && body !== null && 'deliveries' in body ? Number(body.deliveries) : NaN;
        if (!Number.isSafeInteger(seq)) continue;
        const stored = await link.jsm.streams.getMessage(INTAKE_STREAM, { seq });
        const id = stored ? Number(stored.string()) : NaN;
        if (Number.isSafeInteger(id) && (await markDeadIfPending(db, id, `delivered ${deliveries} times without being processed (a worker stopped while processing it)`, deps.now()))) {
          log.warn({ intakeId: id, deliveries }, 'payload moved to dead-letter: its deliveries ran out');
        }
        await link.jsm.streams.deleteMessage(INTAKE_STREAM, seq).catch(() => false);
      } catch (error) {
        log.warn({ err: error }, 'could not dead-letter an exhausted payload; the sweeper announces it again');
      }
    }
  })();
  return { unsubscribe: () => subscription.unsubscribe() };
}

/**
 * Re-announces payloads left pending long after their last announcement: a process that died between
 * the commit and the publish, a publish while NATS was down. One sweeper at a time (advisory lock).
 */
function startSweeper(db: Kysely<Database>, signal: JetStreamIntakeSignal, log: FastifyBaseLogger, options: IntakeConsumerOptions): { stop(): Promise<void> } {
  const everyMs = options.sweepEveryMs ?? 30_000;
  const staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const sweep = async () => {
    const claimed = await db.transaction().execute(async (trx) => {
      const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${SWEEPER_LOCK}) as locked`.execute(trx);
      if (!lock.rows[0]?.locked) return [];
      const now = new Date();
      return claimStalePending(trx, new Date(now.getTime() - staleAfterMs), now, 5000);
    });
    if (claimed.length > 0) {
      log.info({ payloads: claimed.length }, 'announcing payloads left pending again');
      await signal.again(claimed, Date.now());
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => log.warn({ err: error }, 'intake sweep failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, everyMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
