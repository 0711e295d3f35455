import type { FastifyInstance } from 'fastify';
import { startDemo, type DemoRunner, type DemoSetup } from '../demo/runner.ts';
import { startOutboxWorker } from '../outbox/outbox.worker.ts';
import { startOutboundWebhooks } from '../outbound-webhooks/outbound-webhooks.ts';
import { startConnectors } from '../pipeline/connectors.ts';
import { startIntakeWorker } from '../pipeline/worker.ts';
import { defaultAnalyzer } from '../pipeline/analyzer.ts';
import { ensureWorkspace, type BootstrapResult } from '../workspaces/bootstrap.ts';
import type { Config } from './config.ts';
import { createAppContext, type AppContext } from './context.ts';
import { InProcessEventBus } from '../events/in-process.ts';
import { createOutboxRelay } from '../events/outbox-relay.ts';
import { createIntake } from '../intake/intake.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openStore, type Store } from './db/store.ts';
import { buildServer, type ServerOptions } from './http/server.ts';
import { loadSecretBox } from './secrets.ts';
import { createEnricher } from '../pipeline/enrich.ts';
import { startBlueskyProfileRefresher } from '../channels/bluesky/profiles.service.ts';
import { createDriverRuntime } from '../channels/runtime.ts';

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

export interface RunningApp {
  app: FastifyInstance;
  ctx: AppContext;
  bootstrap: BootstrapResult;
  /** The demo workspace when TOWNHALL_DEMO is on and it could start; null otherwise. */
  demo: DemoSetup | null;
  /** Stops accepting requests, finishes in-flight ones, then closes the store cleanly. */
  stop(): Promise<void>;
}

/** Everything `townhall start` runs in one process: store, migrations, first-start bootstrap, intake worker, HTTP server. */
export async function startApp(config: Config, options: ServerOptions = {}): Promise<RunningApp> {
  const store = await openMigratedStore(config);
  try {
    const { box } = await loadSecretBox(config.secretKey, config.dataDir);
    // In process, a stored payload wakes the local intake worker (started below, once the server's logger exists).
    let wakeWorker = () => {};
    const intake = createIntake(store.db, { stored: async () => wakeWorker() });
    const events = new InProcessEventBus();
    const ctx: AppContext = createAppContext({ config, store, secrets: box, now: () => new Date(), intake, events });
    const bootstrap = await ensureWorkspace(store.db, { email: config.adminEmail, password: config.adminPassword });
    const app = await buildServer(ctx, options);
    const enrich = createEnricher({ config, secrets: box, log: app.log, now: ctx.now });
    // Publishes what the pipeline commits; started below, once this process's subscribers are registered.
    const relay = createOutboxRelay(store.db, events, { now: ctx.now, log: app.log });
    const worker = startIntakeWorker(store.db, { analyze: defaultAnalyzer(), now: ctx.now, log: app.log, enrich, relay }, app.log);
    wakeWorker = worker.notify;
    const connectors = startConnectors({ db: store.db, config, secrets: box, log: app.log, now: ctx.now, intake });
    const outbox = startOutboxWorker({ db: store.db, config, secrets: box, log: app.log, now: ctx.now });
    const webhooksOut = startOutboundWebhooks({ db: store.db, config, secrets: box, log: app.log, now: ctx.now }, ctx.events);
    const profiles = startBlueskyProfileRefresher({ db: store.db, runtime: (signal) => createDriverRuntime(config, signal, app.log, ctx.now), now: ctx.now, log: app.log, intake });
    // The demo is a nicety: if it cannot start, the server still does.
    const demo: DemoRunner | null = await startDemo({ enabled: config.demo, seed: config.demoSeed }, { db: store.db, now: ctx.now, intake, log: app.log }).catch((error: unknown) => {
      app.log.error({ err: error }, 'the demo workspace could not start');
      return null;
    });
    relay.start();
    await app.listen({ port: config.port, host: config.host });
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await app.close();
        await demo?.stop();
        await connectors.stop();
        await profiles.stop();
        await outbox.stop();
        await webhooksOut.stop();
        await worker.stop();
        await relay.stop();
        await events.close();
        await store.close();
      })());
    return { app, ctx, bootstrap, demo: demo?.setup ?? null, stop };
  } catch (error) {
    await store.close();
    throw error;
  }
}
