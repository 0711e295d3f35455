import { jetstream, RetentionPolicy, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import type { FastifyBaseLogger } from 'fastify';
import { nanos, type NatsLink } from '../platform/nats.ts';
import type { IntakeSignal } from './intake.ts';

export const INTAKE_STREAM = 'TOWNHALL_INTAKE';
export const INTAKE_SUBJECT_PREFIX = 'townhall.intake.';
/** The durable consumer every `townhall worker` shares: each payload id goes to one of them. */
export const INTAKE_CONSUMER = 'intake-workers';

/** Creates the work-queue stream of stored payload ids when it is missing (every role calls it at start). */
export async function ensureIntakeStream(link: NatsLink): Promise<void> {
  const config = {
    name: INTAKE_STREAM,
    subjects: [`${INTAKE_SUBJECT_PREFIX}>`],
    // A message lives until a worker acks it: the queue holds only work not yet done.
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
  };
  await link.jsm.streams.add(config).catch(async () => link.jsm.streams.update(INTAKE_STREAM, config));
}

/**
 * Announces stored payloads to the workers: one message per raw_intake id on `townhall.intake.<workspaceId>`,
 * published after the commit. A publish that fails (NATS down) is only logged: the row is committed and
 * pending, and the workers' sweeper announces it again later.
 */
export class JetStreamIntakeSignal implements IntakeSignal {
  private readonly js: JetStreamClient;

  constructor(
    link: NatsLink,
    private readonly log: FastifyBaseLogger,
  ) {
    this.js = jetstream(link.nc, { timeout: 5000 });
  }

  async stored(payloads: { id: number; workspaceId: string }[]): Promise<void> {
    await this.publish(payloads, (id) => `intake:${id}`);
  }

  /** Announces payloads again (sweeper): a fresh message id, so the stream's duplicate window does not drop it. */
  async again(payloads: { id: number; workspaceId: string }[], round: number): Promise<void> {
    await this.publish(payloads, (id) => `intake:${id}:${round}`);
  }

  private async publish(payloads: { id: number; workspaceId: string }[], msgID: (id: number) => string): Promise<void> {
    // Bounded concurrency: enough to keep the connection busy without thousands of pending acks.
    for (let i = 0; i < payloads.length; i += 256) {
      const chunk = payloads.slice(i, i + 256);
      const results = await Promise.allSettled(chunk.map((p) => this.js.publish(INTAKE_SUBJECT_PREFIX + p.workspaceId, String(p.id), { msgID: msgID(p.id) })));
      const failed = results.filter((r) => r.status === 'rejected');
      if (failed.length > 0) {
        const first = failed[0];
        this.log.warn({ err: first?.status === 'rejected' ? first.reason : undefined, failed: failed.length }, 'could not announce stored payloads; the sweeper announces them later');
        return;
      }
    }
  }
}
