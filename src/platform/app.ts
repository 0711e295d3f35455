import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { startDemo, type DemoRunner, type DemoSetup } from '../demo/runner.ts';
import type { EventBus } from '../events/events.ts';
import { InProcessEventBus } from '../events/in-process.ts';
// The JetStream modules (and the NATS client) load only when NATS_URL is set: `townhall start` without it does not pay for them.
import type { IntakeConsumerOptions } from '../intake/jetstream-consumer.ts';
import type { JetStreamIntakeSignal } from '../intake/jetstream-signal.ts';
import { startOutboxWorker } from '../outbox/outbox.worker.ts';
import { startOutboundWebhooks } from '../outbound-webhooks/outbound-webhooks.ts';
import { startConnectors } from '../pipeline/connectors.ts';
import { startIntakeWorker } from '../pipeline/worker.ts';
import { defaultAnalyzer } from '../pipeline/analyzer.ts';
import { createEnricher } from '../pipeline/enrich.ts';
import type { PipelineDeps } from '../pipeline/stages.ts';
import { ensureWorkspace, type BootstrapResult } from '../workspaces/bootstrap.ts';
import { firstWorkspace } from '../workspaces/workspaces.repository.ts';
import { requireSharedServices, type Config } from './config.ts';
import { createAppContext, type AppContext } from './context.ts';
import { createOutboxRelay, type OutboxRelay } from '../events/outbox-relay.ts';
import { createIntake, type IntakeSignal } from '../intake/intake.ts';
import { startBlueskyProfileRefresher } from '../channels/bluesky/profiles.service.ts';
import { createDriverRuntime } from '../channels/runtime.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database } from './db/schema.ts';
import { openStore, type Store } from './db/store.ts';
import { buildServer, type ServerOptions } from './http/server.ts';
import type { NatsLink } from './nats.ts';
import { loadSecretBox } from './secrets.ts';

/**
 * The parts a Townhall process is made of. `townhall start` runs all of them in one process; `townhall api`
 * runs the HTTP server, `townhall worker` the pipeline consumers, connector loops, outbox and demo stream.
 * Each part is started on a shared Runtime and stopped in the reverse order.
 */

/** Something running that finishes its work in hand when stopped. */
export interface Part {
  stop(): Promise<void>;
}

/** Opens the configured store and brings its schema up to date. */
export async function openMigratedStore(config: Config): Promise<Store> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

// One key for every process sharing the database: migrations and the first-start bootstrap run one at a time.
const BOOT_LOCK = sql`hashtextextended('townhall:boot', 0)`;

/**
 * Migrates and, when `bootstrap` is set, creates the first workspace and its admin. On PostgreSQL several
 * processes may start at once on an empty database: a session advisory lock makes the first do the work
 * and the others find it done.
 */
export async function prepareStore(store: Store, config: Config, bootstrap: boolean): Promise<BootstrapResult | null> {
  const admin = { email: config.adminEmail, password: config.adminPassword };
  if (store.kind !== 'postgres') {
    await migrateToLatest(store.db);
    return bootstrap ? ensureWorkspace(store.db, admin) : null;
  }
  return store.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${BOOT_LOCK})`.execute(conn);
    try {
      await migrateToLatest(conn);
      return bootstrap ? await ensureWorkspace(conn, admin) : null;
    } finally {
      await sql`select pg_advisory_unlock(${BOOT_LOCK})`.execute(conn);
    }
  });
}

/** What every part of a process shares: the store, secrets, clock, logger and, with NATS_URL, the queue. */
export interface Runtime {
  config: Config;
  ctx: AppContext;
  log: FastifyBaseLogger;
  /** Null without NATS_URL: the pipeline and events stay in this process. */
  nats: NatsLink | null;
  intakeSignal: JetStreamIntakeSignal | null;
  events: EventBus;
  /** Publishes the pipeline's committed events (the outbox) to `events`; started once the process's subscribers are registered. */
  relay: OutboxRelay;
  /** Without NATS, a stored payload wakes this process's worker (set by startPipeline). */
  wakeLocalWorker: () => void;
  close(): Promise<void>;
}

/** The context handed to routes and parts; openRuntime gives it the intake and the event bus of the process. */
export async function createContext(config: Config, store: Store): Promise<AppContext> {
  const { box } = await loadSecretBox(config.secretKey, config.dataDir);
  return createAppContext({ config, store, secrets: box, now: () => new Date() });
}

/**
 * Connects what the parts share; NATS is connected when NATS_URL is set. Sets ctx.intake (the only writer of
 * raw_intake: it commits, then announces on JetStream or wakes the local worker) and ctx.events.
 */
export async function openRuntime(ctx: AppContext, log: FastifyBaseLogger, name: string): Promise<Runtime> {
  const { config } = ctx;
  const nats = config.natsUrl ? await (await import('./nats.ts')).connectNats(config.natsUrl, name, log) : null;
  try {
    let events: EventBus = new InProcessEventBus();
    let intakeSignal: JetStreamIntakeSignal | null = null;
    if (nats) {
      const { JetStreamEventBus } = await import('../events/jetstream.ts');
      const { ensureIntakeStream, JetStreamIntakeSignal } = await import('../intake/jetstream-signal.ts');
      events = await JetStreamEventBus.open(nats, log);
      await ensureIntakeStream(nats);
      intakeSignal = new JetStreamIntakeSignal(nats, log);
    }
    const relay = createOutboxRelay(ctx.store.db, events, { now: ctx.now, log });
    const rt: Runtime = {
      config,
      ctx,
      log,
      nats,
      intakeSignal,
      events,
      relay,
      wakeLocalWorker: () => {},
      async close() {
        await relay.stop();
        await events.close();
        await nats?.close();
      },
    };
    const signal: IntakeSignal = intakeSignal ?? { stored: async () => rt.wakeLocalWorker() };
    // Intake writes take the store's priority lane: a webhook's insert does not wait behind a pipeline batch.
    ctx.intake = createIntake(ctx.store.priorityDb, signal, (error) => log.warn({ err: error }, 'stored payloads could not be announced; the sweeper announces them later'), { groupCommit: true });
    ctx.events = events;
    return rt;
  } catch (error) {
    await nats?.close();
    throw error;
  }
}

/** A pino logger for processes without an HTTP server (the worker); the API uses Fastify's. */
export function processLogger(config: Config): FastifyBaseLogger {
  return pino({ level: config.logLevel });
}

function pipelineDeps(rt: Runtime): PipelineDeps {
  const enrich = createEnricher({ config: rt.config, secrets: rt.ctx.secrets, log: rt.log, now: rt.ctx.now });
  return { analyze: defaultAnalyzer(), now: rt.ctx.now, log: rt.log, enrich, relay: rt.relay };
}

/** The pipeline consumer: the JetStream intake consumer with NATS, the in-process polling worker without. */
export async function startPipeline(rt: Runtime, options: IntakeConsumerOptions = {}): Promise<Part> {
  const deps = pipelineDeps(rt);
  if (rt.nats && rt.intakeSignal) {
    const staleAfterMs = rt.config.intakeStaleSeconds * 1000;
    const defaults: IntakeConsumerOptions = { batchSize: rt.config.intakeBatch, ackWaitMs: rt.config.intakeAckWaitSeconds * 1000, staleAfterMs, sweepEveryMs: Math.min(30_000, staleAfterMs / 2) };
    const { startIntakeConsumer } = await import('../intake/jetstream-consumer.ts');
    return startIntakeConsumer(rt.ctx.store.db, deps, rt.nats, rt.intakeSignal, rt.log, { ...defaults, ...options });
  }
  const worker = startIntakeWorker(rt.ctx.store.db, deps, rt.log);
  rt.wakeLocalWorker = worker.notify;
  return worker;
}

/** Publishes the pipeline's events from the outbox; call once this process's subscribers are registered. */
export function startEventRelay(rt: Runtime): Part {
  rt.relay.start();
  return { stop: () => rt.relay.stop() };
}

/** Connector loops (poll and stream connections), each run by one process at a time through its lease. */
export function startConnectorLoops(rt: Runtime): Part {
  return startConnectors({ db: rt.ctx.store.db, config: rt.config, secrets: rt.ctx.secrets, log: rt.log, now: rt.ctx.now, intake: rt.ctx.intake });
}

/** Delivers queued replies and messages to the platforms. */
export function startOutbox(rt: Runtime): Part {
  return startOutboxWorker({ db: rt.ctx.store.db, config: rt.config, secrets: rt.ctx.secrets, log: rt.log, now: rt.ctx.now });
}

/** Integrators' webhooks: turns the pipeline's events into signed deliveries and sends them. */
export function startIntegratorWebhooks(rt: Runtime): Part {
  return startOutboundWebhooks({ db: rt.ctx.store.db, config: rt.config, secrets: rt.ctx.secrets, log: rt.log, now: rt.ctx.now }, rt.events);
}

/** Looks up Bluesky authors known only by their DID (handles, names); the answers enter through the intake. */
export function startProfileLookups(rt: Runtime): Part {
  return startBlueskyProfileRefresher({ db: rt.ctx.store.db, runtime: (signal) => createDriverRuntime(rt.config, signal, rt.log, rt.ctx.now), now: rt.ctx.now, log: rt.log, intake: rt.ctx.intake });
}

/** The demo workspace's simulated stream; null when off or when it could not start (the rest runs anyway). */
export async function startDemoStream(rt: Runtime): Promise<DemoRunner | null> {
  return startDemo({ enabled: rt.config.demo, seed: rt.config.demoSeed }, { db: rt.ctx.store.db, now: rt.ctx.now, intake: rt.ctx.intake, log: rt.log }).catch((error: unknown) => {
    rt.log.error({ err: error }, 'the demo workspace could not start');
    return null;
  });
}

// Held for as long as one worker runs the schedulers (the demo stream): the others wait their turn.
const SCHEDULER_LOCK = sql`hashtextextended('townhall:schedulers', 0)`;

/**
 * Runs `start` in at most one process among all that share the database: the holder of a session advisory
 * lock on a connection kept for it. The others retry every `retryMs`, so a crashed holder is replaced.
 * Waits for the first workspace (made by the first `api`) so a worker never creates the demo workspace first.
 */
export function runAsLeader(db: Kysely<Database>, log: FastifyBaseLogger, start: () => Promise<Part | null>, retryMs = 15_000): Part {
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const loop = (async () => {
    while (!stopped) {
      try {
        await db.connection().execute(async (conn) => {
          const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${SCHEDULER_LOCK}) as locked`.execute(conn);
          if (!got.rows[0]?.locked) return;
          let part: Part | null = null;
          try {
            while (!stopped && !(await firstWorkspace(conn))) await pause(2000);
            if (!stopped) part = await start();
            // Hold the lock (and check the connection) until stopped; a dropped connection frees the lock for another worker.
            while (!stopped) {
              await pause(retryMs);
              await sql`select 1`.execute(conn);
            }
          } finally {
            await part?.stop();
            await sql`select pg_advisory_unlock(${SCHEDULER_LOCK})`.execute(conn).catch(() => undefined);
          }
        });
      } catch (error) {
        if (!stopped) log.warn({ err: error }, 'scheduler lock lost; trying again');
      }
      if (!stopped) await pause(retryMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

/** Stops parts in reverse start order; every part is stopped even when one fails. */
async function stopAll(parts: Part[]): Promise<void> {
  let failure: unknown;
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
}

export interface RunningApp {
  app: FastifyInstance;
  ctx: AppContext;
  bootstrap: BootstrapResult;
  /** The demo workspace when TOWNHALL_DEMO is on and it could start; null otherwise. */
  demo: DemoSetup | null;
  events: EventBus;
  /** Stops accepting requests, finishes in-flight ones, then closes the store cleanly. */
  stop(): Promise<void>;
}

function stopper(app: FastifyInstance | null, parts: Part[], rt: Runtime | null, store: Store): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      try {
        await app?.close();
        await stopAll(parts);
      } finally {
        await rt?.close();
        await store.close();
      }
    })());
}

/** A start that failed halfway: stops what had started, closes the store; the start's error is the one reported. */
async function abandonStart(parts: Part[], rt: Runtime | null, store: Store): Promise<void> {
  await stopAll(parts).catch(() => undefined);
  await rt?.close().catch(() => undefined);
  await store.close();
}

/** Everything `townhall start` runs in one process: store, migrations, first-start bootstrap, pipeline, loops, HTTP server. */
export async function startApp(config: Config, options: ServerOptions = {}): Promise<RunningApp> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  const parts: Part[] = [];
  let rt: Runtime | null = null;
  try {
    const bootstrap = (await prepareStore(store, config, true))!;
    const ctx = await createContext(config, store);
    // The server is built first so that every part logs through its logger, as before the split.
    const app = await buildServer(ctx, options);
    rt = await openRuntime(ctx, app.log, `townhall start ${process.pid}`);
    parts.push(await startPipeline(rt));
    parts.push(startConnectorLoops(rt));
    parts.push(startOutbox(rt));
    parts.push(startIntegratorWebhooks(rt));
    parts.push(startProfileLookups(rt));
    const demo = await startDemoStream(rt);
    if (demo) parts.push(demo);
    // Every subscriber of this process is registered: publish what the pipeline committed (and what a crash left).
    parts.push(startEventRelay(rt));
    await app.listen({ port: config.port, host: config.host });
    return { app, ctx: rt.ctx, bootstrap, demo: demo?.setup ?? null, events: rt.events, stop: stopper(app, parts, rt, store) };
  } catch (error) {
    await abandonStart(parts, rt, store);
    throw error;
  }
}

export interface RunningRole {
  /** The HTTP server (api role only). */
  app: FastifyInstance | null;
  ctx: AppContext;
  /** Set when this process created the first workspace (api role on an empty database). */
  bootstrap: BootstrapResult | null;
  events: EventBus;
  stop(): Promise<void>;
}

/** `townhall api`: the HTTP API, web app and webhooks; stored payloads are announced on JetStream for the workers. */
export async function startApiRole(config: Config, options: ServerOptions = {}): Promise<RunningRole> {
  requireSharedServices(config, 'api');
  const store = await openStore({ databaseUrl: config.databaseUrl });
  const parts: Part[] = [];
  let rt: Runtime | null = null;
  try {
    const bootstrap = await prepareStore(store, config, true);
    const ctx = await createContext(config, store);
    const app = await buildServer(ctx, options);
    rt = await openRuntime(ctx, app.log, `townhall api ${process.pid}`);
    await app.listen({ port: config.port, host: config.host });
    return { app, ctx, bootstrap, events: rt.events, stop: stopper(app, parts, rt, store) };
  } catch (error) {
    await abandonStart(parts, rt, store);
    throw error;
  }
}

/** `townhall worker`: pipeline consumer, connector loops, outbox, and (in one worker at a time) the demo stream. */
export async function startWorkerRole(config: Config, options: { log?: FastifyBaseLogger; intake?: IntakeConsumerOptions } = {}): Promise<RunningRole> {
  requireSharedServices(config, 'worker');
  const log = options.log ?? processLogger(config);
  const store = await openStore({ databaseUrl: config.databaseUrl });
  const parts: Part[] = [];
  let rt: Runtime | null = null;
  try {
    await prepareStore(store, config, false);
    const ctx = await createContext(config, store);
    rt = await openRuntime(ctx, log, `townhall worker ${process.pid}`);
    const runtime = rt;
    parts.push(await startPipeline(runtime, options.intake));
    parts.push(startConnectorLoops(runtime));
    parts.push(startOutbox(runtime));
    parts.push(startIntegratorWebhooks(runtime));
    // Schedulers run in one worker at a time: the Bluesky profile lookups and the demo stream.
    parts.push(runAsLeader(store.db, log, async () => {
      const profiles = startProfileLookups(runtime);
      const demo = config.demo ? await startDemoStream(runtime) : null;
      return { stop: async () => { await demo?.stop(); await profiles.stop(); } };
    }));
    parts.push(startEventRelay(runtime));
    return { app: null, ctx, bootstrap: null, events: rt.events, stop: stopper(null, parts, rt, store) };
  } catch (error) {
    await abandonStart(parts, rt, store);
    throw error;
  }
}
