import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/events/events.ts';
import { JetStreamEventBus } from '../../src/events/jetstream.ts';
import { connectNats, type NatsLink } from '../../src/platform/nats.ts';
import { startNats, stopAll, type NatsServer } from './processes.ts';

/** The JetStream EventBus against a real nats-server -js of the test's own. */
const quiet = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function event(n: number): PipelineEvent {
  return { id: `post.stored:p${n}:1`, type: 'post.stored', workspaceId: 'w1', at: '2026-12-08T00:00:00.000Z', data: { postId: `p${n}` } };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await sleep(100);
  if (!check()) throw new Error(`${what} did not happen`);
}

describe('JetStreamEventBus', () => {
  let nats: NatsServer;
  const links: NatsLink[] = [];

  beforeAll(async () => {
    nats = await startNats();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(links.map((l) => l.close()));
    await stopAll();
  });

  async function bus(): Promise<JetStreamEventBus> {
    const link = await connectNats(nats.url, 'events test', quiet);
    links.push(link);
    return JetStreamEventBus.open(link, quiet, { ackWaitMs: 2000, maxDeliver: 3 });
  }

  it('shares events among subscribers of one name, gives every name every event, and redelivers after a failure', async () => {
    const [a, b, publisher] = await Promise.all([bus(), bus(), bus()]);
    const shared: string[] = [];
    const audit: string[] = [];
    let failedOnce = false;
    const subscriptions = [
      a.subscribe('rollups', async (e) => void shared.push(e.id)),
      b.subscribe('rollups', async (e) => void shared.push(e.id)),
      a.subscribe('audit', async (e) => {
        if (e.id === event(3).id && !failedOnce) {
          failedOnce = true;
          throw new Error('a consumer failing once');
        }
        audit.push(e.id);
      }),
    ];
    // Durable consumers are created asynchronously; give them a moment before the first publish.
    await sleep(1500);
    await publisher.publish(Array.from({ length: 20 }, (_, n) => event(n)));
    // Publishing the same event id again (a relay retrying) stores it once.
    await publisher.publish([event(0)]);
    await until(() => shared.length >= 20 && audit.length >= 20, 'delivery of every event');
    await sleep(500);
    expect([...shared].sort()).toEqual(Array.from({ length: 20 }, (_, n) => event(n).id).sort());
    expect(new Set(audit).size).toBe(20);
    expect(failedOnce).toBe(true);
    await Promise.all(subscriptions.map((s) => s.close()));
  }, 120_000);
});
