import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import {
  activeConnections,
  claimConnectionLease,
  clearConnectionAttention,
  markConnectionNeedsAttention,
  releaseConnectionLease,
  saveConnectionState,
  updateConnection,
} from '../channels/channels.repository.ts';
import { connectionView } from '../channels/channels.service.ts';
import { backoffDelayMs, retryPlan, sleep } from '../channels/backoff.ts';
import { asChannelError, type ChannelDriver, type ChannelError, type NativePayload } from '../channels/driver.ts';
import { channelTypes, driverFor } from '../channels/registry.ts';
import { createDriverRuntime } from '../channels/runtime.ts';
import type { Intake } from '../intake/intake.ts';
import type { Config } from '../platform/config.ts';
import type { ChannelConnectionRow, Database } from '../platform/db/schema.ts';
import type { SecretBox } from '../platform/secrets.ts';

/**
 * Runs the pull side of listening: every active connection whose driver can poll or stream gets
 * one loop. A payload is stored in raw intake before the connection's cursor moves past it, so a
 * crash re-fetches at most what was not yet stored (and intake is idempotent).
 *
 * Several processes may share one PostgreSQL: each connection's loop runs in one of them at a time,
 * the holder of the connection's lease. The lease is renewed at every rescan and expires after
 * `leaseMs` without renewal (a crashed process); the cursor is only saved while the lease is held.
 */

export interface ConnectorDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'allowPrivateNetwork'>;
  secrets: SecretBox;
  log: FastifyBaseLogger;
  now: () => Date;
  /** Stores what the loops fetch and signals the workers. */
  intake: Intake;
  /** How often the set of connections is re-read (new, paused, deleted ones) and leases renewed. */
  rescanMs?: number;
  /** This process in connection leases; defaults to host:pid:random. */
  owner?: string;
  /** How long a lease lasts without renewal; defaults to three rescans. */
  leaseMs?: number;
}

/** The lease moved to another process: this loop stops without touching the cursor. */
class LeaseLostError extends Error {}

export interface ConnectorRunner {
  /** Connection ids with a running loop. */
  running(): string[];
  stop(): Promise<void>;
}

const DEFAULT_POLL_SECONDS = 60;

function pollSeconds(row: ChannelConnectionRow): number {
  const value = Number(row.settings['pollIntervalSeconds']);
  return Number.isFinite(value) && value >= 1 ? value : DEFAULT_POLL_SECONDS;
}

async function storePayload(deps: ConnectorDeps, row: ChannelConnectionRow, source: 'poll' | 'stream', payload: NativePayload): Promise<void> {
  await deps.intake.submit([{
    workspaceId: row.workspace_id,
    connectionId: row.id,
    channel: row.type,
    source,
    contentType: payload.contentType ?? null,
    headers: payload.headers ?? {},
    body: payload.body,
    dedupeKey: null,
  }]);
}

async function saveState(deps: ConnectorDeps, owner: string, id: string, state: Record<string, unknown>): Promise<void> {
  if (!(await saveConnectionState(deps.db, id, state, owner))) throw new LeaseLostError(`the lease on connection ${id} is held by another process`);
}

async function pollLoop(deps: ConnectorDeps, owner: string, driver: ChannelDriver, initial: ChannelConnectionRow, signal: AbortSignal): Promise<void> {
  const poll = driver.poll?.bind(driver);
  if (!poll) return;
  let state = initial.state;
  let failures = 0;
  let attention = initial.attention_reason !== null;
  while (!signal.aborted) {
    const runtime = createDriverRuntime(deps.config, signal, deps.log.child({ channelId: initial.id, channel: initial.type }), deps.now);
    let waitMs = pollSeconds(initial) * 1000;
    try {
      const result = await poll({ ...connectionView(deps.secrets, initial), state }, runtime);
      for (const payload of result.payloads) await storePayload(deps, initial, 'poll', payload);
      await saveState(deps, owner, initial.id, result.state);
      state = result.state;
      if (failures > 0) await updateConnection(deps.db, initial.workspace_id, initial.id, { statusDetail: null });
      if (attention) await clearConnectionAttention(deps.db, initial.id);
      attention = false;
      failures = 0;
      if (result.retryAfterSeconds !== undefined) waitMs = Math.max(waitMs, result.retryAfterSeconds * 1000);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof LeaseLostError) return leaseLost(deps, initial, error);
      failures++;
      const failure = asChannelError(error);
      deps.log.warn({ channelId: initial.id, err: error, kind: failure.kind, failures }, 'poll failed; backing off');
      await updateConnection(deps.db, initial.workspace_id, initial.id, { statusDetail: `poll failed (${failures}×, ${failure.kind}): ${failure.message}`.slice(0, 500) }).catch(() => undefined);
      attention ||= failure.kind === 'auth';
      waitMs = Math.max(waitMs, await onFailure(deps, initial, failure, failures + 1, { baseMs: 2000, capMs: 15 * 60_000 }));
    }
    await sleep(waitMs, signal);
  }
}

/**
 * Acts on a failed platform call by its ChannelError kind (src/channels/backoff.ts retryPlan): marks
 * the connection as needing attention on an auth error and returns how long to wait.
 */
async function onFailure(deps: ConnectorDeps, row: ChannelConnectionRow, failure: ChannelError, failures: number, backoff: { baseMs: number; capMs: number }): Promise<number> {
  const plan = retryPlan(failure, failures, backoff);
  if (plan.needsAttention) await markConnectionNeedsAttention(deps.db, row.id, failure.message, deps.now()).catch(() => undefined);
  return plan.delayMs;
}

function leaseLost(deps: ConnectorDeps, row: ChannelConnectionRow, error: LeaseLostError): void {
  deps.log.warn({ channelId: row.id, reason: error.message }, 'connection lease lost; another process runs this connection now');
}

async function streamLoop(deps: ConnectorDeps, owner: string, driver: ChannelDriver, row: ChannelConnectionRow, signal: AbortSignal): Promise<void> {
  const stream = driver.stream?.bind(driver);
  if (!stream) return;
  let failures = 0;
  let state = row.state;
  let attention = row.attention_reason !== null;
  while (!signal.aborted) {
    let waitMs: number | undefined;
    const runtime = createDriverRuntime(deps.config, signal, deps.log.child({ channelId: row.id, channel: row.type }), deps.now);
    try {
      // The driver reconnects by itself; returning means it gave up or was stopped.
      await stream({ ...connectionView(deps.secrets, row), state }, runtime, async (payload, next) => {
        await storePayload(deps, row, 'stream', payload);
        await saveState(deps, owner, row.id, next);
        state = next;
        failures = 0;
        if (attention) await clearConnectionAttention(deps.db, row.id);
        attention = false;
      });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof LeaseLostError) return leaseLost(deps, row, error);
      failures++;
      const failure = asChannelError(error);
      deps.log.warn({ channelId: row.id, err: error, kind: failure.kind, failures }, 'stream ended with an error; reconnecting');
      attention ||= failure.kind === 'auth';
      waitMs = await onFailure(deps, row, failure, failures + 1, { baseMs: 1000, capMs: 5 * 60_000 });
    }
    await sleep(waitMs ?? backoffDelayMs(failures, 1000, 5 * 60_000), signal);
  }
}

/** Starts loops for active pull connections and keeps the set in step with the database. */
export function startConnectors(deps: ConnectorDeps): ConnectorRunner {
  interface Loop {
    controller: AbortController;
    done: Promise<void>;
    ended: boolean;
    updatedAt: number;
  }
  const loops = new Map<string, Loop>();
  const stopAll = new AbortController();
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const rescanMs = deps.rescanMs ?? 30_000;
  const leaseMs = deps.leaseMs ?? rescanMs * 3;
  const pullTypes = channelTypes().filter((type) => {
    const driver = driverFor(type);
    return Boolean(driver?.poll || driver?.stream);
  });

  const stopLoop = async (id: string, loop: Loop) => {
    loop.controller.abort();
    await loop.done;
    loops.delete(id);
    await releaseConnectionLease(deps.db, id, owner);
  };

  const rescan = async () => {
    const rows = await activeConnections(deps.db, pullTypes);
    const wanted = new Map(rows.map((r) => [r.id, r]));
    for (const [id, loop] of loops) {
      const row = wanted.get(id);
      // Stop loops of removed or paused connections, loops that ended (lease lost), and restart those whose settings changed.
      if (!row || loop.ended || row.updated_at.getTime() !== loop.updatedAt) await stopLoop(id, loop);
      // Renewing can fail only when the lease expired and another process took it.
      else if (!(await claimConnectionLease(deps.db, id, owner, leaseMs))) {
        deps.log.warn({ channelId: id }, 'connection lease taken over by another process; stopping here');
        await stopLoop(id, loop);
      }
    }
    for (const row of rows) {
      if (loops.has(row.id) || stopAll.signal.aborted) continue;
      const driver = driverFor(row.type);
      if (!driver) continue;
      if (!(await claimConnectionLease(deps.db, row.id, owner, leaseMs))) continue;
      const controller = new AbortController();
      const signal = AbortSignal.any([controller.signal, stopAll.signal]);
      const run = driver.stream ? streamLoop(deps, owner, driver, row, signal) : pollLoop(deps, owner, driver, row, signal);
      const loop: Loop = { controller, done: Promise.resolve(), ended: false, updatedAt: row.updated_at.getTime() };
      loop.done = run
        .catch((error: unknown) => deps.log.error({ err: error, channelId: row.id }, 'connector loop crashed'))
        .finally(() => {
          loop.ended = true;
        });
      loops.set(row.id, loop);
    }
  };

  const scanner = (async () => {
    while (!stopAll.signal.aborted) {
      await rescan().catch((error: unknown) => deps.log.error({ err: error }, 'connector rescan failed'));
      await sleep(rescanMs, stopAll.signal);
    }
  })();

  return {
    running: () => [...loops.entries()].filter(([, loop]) => !loop.ended).map(([id]) => id),
    async stop() {
      stopAll.abort();
      await scanner;
      // Leases are given back so another process takes the connections over without waiting for expiry.
      for (const [id, loop] of [...loops]) await stopLoop(id, loop).catch((error: unknown) => deps.log.warn({ err: error, channelId: id }, 'could not release a connection lease'));
    },
  };
}
