import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { clearConnectionAttention, findConnection, markConnectionNeedsAttention } from '../channels/channels.repository.ts';
import { connectionView } from '../channels/channels.service.ts';
import { retryPlan, sleep } from '../channels/backoff.ts';
import { asChannelError, type OutboundMessage } from '../channels/driver.ts';
import { driverFor } from '../channels/registry.ts';
import { createDriverRuntime } from '../channels/runtime.ts';
import { insertPostIfNew } from '../listening/listening.repository.ts';
import type { Config } from '../platform/config.ts';
import type { Database, OutboxRow } from '../platform/db/schema.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { claimDue, markFailed, markRetry, markSent, releaseStuck } from './outbox.repository.ts';

export interface OutboxDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'allowPrivateNetwork'>;
  secrets: SecretBox;
  log: FastifyBaseLogger;
  now: () => Date;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(row: OutboxRow): OutboundMessage {
  const body = row.body;
  const reply = isRecord(body['inReplyTo']) ? body['inReplyTo'] : null;
  const str = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    kind: row.kind,
    idempotencyKey: row.id,
    text: typeof body['text'] === 'string' ? body['text'] : '',
    inReplyTo: reply && typeof reply['externalId'] === 'string'
      ? { externalId: reply['externalId'], authorExternalId: str(reply['authorExternalId']), threadExternalId: str(reply['threadExternalId']), url: str(reply['url']) }
      : null,
  };
}

export type SendResult = 'sent' | 'retry' | 'failed';

/** Sends one claimed message; success stores it as an outbound post, failure schedules a retry or gives up with the reason. */
export async function sendOne(deps: OutboxDeps, row: OutboxRow, signal: AbortSignal): Promise<SendResult> {
  const now = deps.now();
  const connection = await findConnection(deps.db, row.workspace_id, row.channel_connection_id);
  const driver = connection ? driverFor(connection.type) : undefined;
  if (!connection || !driver?.send) {
    await markFailed(deps.db, row.id, 'the channel is gone or cannot send', now);
    return 'failed';
  }
  const message = messageOf(row);
  try {
    const runtime = createDriverRuntime(deps.config, signal, deps.log.child({ outboxId: row.id }), deps.now);
    const { externalId } = await driver.send(message, connectionView(deps.secrets, connection), runtime);
    await deps.db.transaction().execute(async (trx) => {
      await markSent(trx, row.id, externalId, deps.now());
      await insertPostIfNew(trx, {
        workspaceId: row.workspace_id,
        connectionId: connection.id,
        rawIntakeId: null,
        post: {
          channel: typeof row.body['channel'] === 'string' ? row.body['channel'] : connection.type,
          externalId,
          author: null,
          kind: row.kind === 'publish' ? 'post' : row.kind === 'message' ? 'direct' : 'reply',
          direction: 'out',
          visibility: row.kind === 'message' ? 'private' : 'public',
          text: message.text,
          postedAt: deps.now().toISOString(),
          parentExternalId: message.inReplyTo?.externalId ?? null,
          threadExternalId: message.inReplyTo?.threadExternalId ?? null,
        },
        authorIdentityId: null,
        parentId: row.in_reply_to_post_id,
        threadId: null,
        threadExternalId: message.inReplyTo?.threadExternalId ?? null,
        conversationId: null,
        language: null,
        analysis: null,
      });
    });
    if (connection.attention_reason !== null) await clearConnectionAttention(deps.db, connection.id);
    return 'sent';
  } catch (error) {
    // The platform's answer decides: transient back off, a rate limit waits as asked (without using up
    // an attempt), permanent, config and auth wait an hour, and auth marks the channel for a person.
    const failure = asChannelError(error);
    const plan = retryPlan(failure, row.attempts, { baseMs: 5000, capMs: 3600_000 });
    const reason = `${failure.kind}: ${failure.message}`;
    if (plan.needsAttention) await markConnectionNeedsAttention(deps.db, connection.id, failure.message, deps.now());
    if (plan.countsAsFailure && row.attempts >= row.max_attempts) {
      await markFailed(deps.db, row.id, `gave up after ${row.attempts} attempts: ${reason}`, deps.now());
      return 'failed';
    }
    await markRetry(deps.db, row.id, reason, new Date(deps.now().getTime() + plan.delayMs), deps.now(), { refundAttempt: !plan.countsAsFailure });
    return 'retry';
  }
}

/** Sends due messages until none is due. Used by the worker loop and by tests. */
export async function drainOutbox(deps: OutboxDeps, signal: AbortSignal = new AbortController().signal): Promise<Record<SendResult, number>> {
  const counts: Record<SendResult, number> = { sent: 0, retry: 0, failed: 0 };
  for (;;) {
    const row = await claimDue(deps.db, deps.now());
    if (!row) return counts;
    counts[await sendOne(deps, row, signal)]++;
  }
}

/** The outbox worker of `townhall start`. */
export function startOutboxWorker(deps: OutboxDeps, pollMs = 2000): { stop(): Promise<void> } {
  const controller = new AbortController();
  const loop = (async () => {
    await releaseStuck(deps.db, new Date(deps.now().getTime() - 60_000)).catch(() => 0);
    while (!controller.signal.aborted) {
      try {
        await drainOutbox(deps, controller.signal);
      } catch (error) {
        deps.log.error({ err: error }, 'outbox worker error');
      }
      await sleep(pollMs, controller.signal);
    }
  })();
  return {
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
