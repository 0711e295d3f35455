import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database, WebhookDeliveryRow, WebhookSubscriptionRow } from '../platform/db/schema.ts';
import type { Response } from 'undici';
import { safeFetch } from '../platform/net/safe-fetch.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { describeOutcome, disableReason, judgeAttempt, type AttemptOutcome } from './delivery-policy.ts';
import { claimDueDeliveries, clearFailures, findSubscriptionsByIds, lockSubscriptionById, pruneDeliveries, recordAttempt, updateSubscription } from './webhooks.repository.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signing.ts';

export interface DeliveryDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'allowPrivateNetwork'>;
  secrets: SecretBox;
  log: FastifyBaseLogger;
  now: () => Date;
  /** Jitter source; tests pass a fixed one. */
  random?: () => number;
}

export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claim outlives the request's timeout by far: only a dead worker lets it run out. */
const LEASE_MS = 60_000;
const BATCH = 10;
const EXCERPT_BYTES = 1024;
/** Finished deliveries stay in the log this long. */
export const DELIVERY_LOG_RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** The JSON integrators receive, keys in the documented order (jsonb does not keep key order). */
export function deliveryBody(row: Pick<WebhookDeliveryRow, 'event_id' | 'event_type' | 'workspace_id' | 'payload'>): string {
  return JSON.stringify({ id: row.event_id, type: row.event_type, workspaceId: row.workspace_id, at: row.payload['at'], data: row.payload['data'] ?? {} });
}

/** The first bytes of a response body as text, for the delivery log; the rest is not read. */
async function excerptOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value as Uint8Array);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
}

/** POSTs one claimed delivery and records its answer; failures count against the subscription and may disable it. */
export async function attemptDelivery(deps: DeliveryDeps, row: WebhookDeliveryRow, subscription: WebhookSubscriptionRow, signal: AbortSignal): Promise<'succeeded' | 'retry' | 'failed' | 'lost'> {
  const body = deliveryBody(row);
  const sentAt = deps.now();
  const started = performance.now();
  let outcome: AttemptOutcome;
  let excerpt: string | null = null;
  try {
    const secret = deps.secrets.decrypt(subscription.secret_sealed);
    const response = await safeFetch(
      subscription.url,
      {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Townhall-Webhooks/1',
          'townhall-event': row.event_type,
          'townhall-delivery': row.id,
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, body, sentAt),
        },
        body,
      },
      deps.config,
    );
    excerpt = await excerptOf(response).catch(() => '');
    outcome = { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    // The worker is stopping: this attempt says nothing about the receiver. The row stays claimed and
    // is taken up again when its lease runs out.
    if (signal.aborted) return 'lost';
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const message = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : `${error instanceof Error ? error.message : String(error)}${cause}`;
    outcome = { kind: 'error', message };
  }
  const durationMs = Math.round(performance.now() - started);
  const now = deps.now();
  const verdict = judgeAttempt(outcome, row.attempts, now, deps.random ?? Math.random);
  return deps.db.transaction().execute(async (trx) => {
    const recorded = await recordAttempt(trx, row, {
      status: verdict.kind === 'retry' ? 'pending' : verdict.kind,
      nextAttemptAt: verdict.kind === 'retry' ? verdict.at : null,
      httpStatus: outcome.kind === 'response' ? outcome.status : null,
      error: verdict.kind === 'succeeded' ? null : verdict.reason,
      excerpt,
      durationMs,
      completedAt: verdict.kind === 'retry' ? null : now,
    });
    if (!recorded) return 'lost';
    if (verdict.kind === 'succeeded') {
      await clearFailures(trx, subscription.id, now);
      return verdict.kind;
    }
    const current = await lockSubscriptionById(trx, subscription.id);
    if (!current) return verdict.kind;
    const failures = current.consecutive_failures + 1;
    const failingSince = current.failing_since ?? now;
    const reason = current.status === 'active' ? disableReason(failures, failingSince, now, `${describeOutcome(outcome)}${excerpt ? ` (${excerpt.slice(0, 200)})` : ''}`) : null;
    await updateSubscription(trx, current.id, { consecutive_failures: failures, failing_since: failingSince, ...(reason ? { status: 'disabled', disabled_reason: reason, disabled_at: now } : {}) }, now);
    if (reason) deps.log.warn({ subscriptionId: current.id, workspaceId: current.workspace_id }, 'outbound webhook subscription disabled after repeated failure');
    return verdict.kind;
  });
}

/** Delivers everything due until nothing is; used by the worker loop and by tests (with their own clock). */
export async function drainDeliveries(deps: DeliveryDeps, signal: AbortSignal = new AbortController().signal): Promise<Record<'succeeded' | 'retry' | 'failed' | 'lost', number>> {
  const counts = { succeeded: 0, retry: 0, failed: 0, lost: 0 };
  while (!signal.aborted) {
    const now = deps.now();
    const claimed = await claimDueDeliveries(deps.db, now, new Date(now.getTime() + LEASE_MS), BATCH);
    if (claimed.length === 0) break;
    const subscriptions = new Map((await findSubscriptionsByIds(deps.db, [...new Set(claimed.map((row) => row.subscription_id))])).map((sub) => [sub.id, sub]));
    const results = await Promise.all(
      claimed.map((row) => {
        const subscription = subscriptions.get(row.subscription_id);
        return subscription ? attemptDelivery(deps, row, subscription, signal) : Promise.resolve('lost' as const);
      }),
    );
    for (const result of results) counts[result]++;
  }
  return counts;
}

/** Removes finished deliveries older than the retention, in bounded batches so no statement holds the table long. */
export async function pruneDeliveryLog(deps: Pick<DeliveryDeps, 'db' | 'now'>): Promise<number> {
  const olderThan = new Date(deps.now().getTime() - DELIVERY_LOG_RETENTION_MS);
  let total = 0;
  for (;;) {
    const deleted = await pruneDeliveries(deps.db, olderThan, 1000);
    total += deleted;
    if (deleted < 1000) return total;
  }
}

export interface DeliveryWorker {
  /** Looks for due deliveries now instead of at the next poll. */
  notify(): void;
  stop(): Promise<void>;
}

/** The delivery loop of a process that runs workers; any number of them share the table through row claims. */
export function startDeliveryWorker(deps: DeliveryDeps, pollMs = 1000): DeliveryWorker {
  const controller = new AbortController();
  let wake: (() => void) | undefined;
  let woken = false;
  let prunedAt = 0;
  const loop = (async () => {
    while (!controller.signal.aborted) {
      woken = false;
      try {
        if (deps.now().getTime() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = deps.now().getTime();
          await pruneDeliveryLog(deps);
        }
        await drainDeliveries(deps, controller.signal);
      } catch (error) {
        deps.log.error({ err: error }, 'outbound webhook delivery error');
      }
      if (woken || controller.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  })();
  return {
    notify() {
      woken = true;
      wake?.();
    },
    async stop() {
      controller.abort();
      wake?.();
      await loop;
    },
  };
}
