import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import type { PipelineEvent } from '../../src/events/events.ts';
import { InProcessEventBus } from '../../src/events/in-process.ts';
import { DISABLE_AFTER_FAILURES } from '../../src/outbound-webhooks/delivery-policy.ts';
import { drainDeliveries, pruneDeliveryLog, type DeliveryDeps } from '../../src/outbound-webhooks/delivery.worker.ts';
import { claimDueDeliveries, findSubscription, listDeliveries } from '../../src/outbound-webhooks/webhooks.repository.ts';
import { createSubscription, enableSubscription, fanOutEvent, subscribeOutboundWebhooks } from '../../src/outbound-webhooks/webhooks.service.ts';
import { verifySignature } from '../../src/outbound-webhooks/signing.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { startReceiver, type Receiver } from './receiver.ts';

/**
 * Events become signed POSTs at a real receiver on loopback. The clock is injected and moved by hand:
 * a retry "in 30 minutes" is reached by setting the clock, never by sleeping.
 */
describe.each(STORE_KINDS)('outbound webhook delivery on %s', (kind) => {
  let store: Store;
  let receiver: Receiver;
  let clock = new Date('2026-03-01T12:00:00.000Z');
  const secrets = SecretBox.fromBase64(randomBytes(32).toString('base64'));
  const deps = (): DeliveryDeps => ({ db: store.db, config: { allowPrivateNetwork: true }, secrets, log: pino({ level: 'silent' }), now: () => clock, random: () => 0.5 });
  const serviceDeps = () => ({ db: store.db, secrets, config: { allowPrivateNetwork: true }, now: () => clock });
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });
  afterEach(async () => {
    await receiver?.close();
  });

  async function subscribed(eventTypes: string[] = []) {
    receiver = await startReceiver();
    const ws = await seedWorkspace(store.db, 'hooks');
    const actor = systemActor(ws.workspaceId);
    const { subscription, secret } = await createSubscription(serviceDeps(), actor, { url: receiver.url, eventTypes, description: 'CRM sync' });
    return { workspaceId: ws.workspaceId, actor, subscription, secret };
  }

  const event = (workspaceId: string, type: PipelineEvent['type'] = 'post.stored', subject = randomUUID()): PipelineEvent => ({
    id: `${type}:${subject}:1`,
    type,
    workspaceId,
    at: clock.toISOString(),
    data: { postId: subject },
  });

  it('POSTs each event signed to the subscriber, once even when the bus delivers it again', async () => {
    const { workspaceId, subscription, secret } = await subscribed();
    const bus = new InProcessEventBus();
    let woken = 0;
    const consumer = subscribeOutboundWebhooks(bus, store.db, () => clock, () => woken++);
    const stored = event(workspaceId);
    await bus.publish([stored]);
    await bus.publish([stored]);
    await consumer.close();
    await bus.close();
    expect(woken).toBeGreaterThan(0);

    expect(await drainDeliveries(deps())).toMatchObject({ succeeded: 1, retry: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(JSON.parse(request!.body)).toEqual({ id: stored.id, type: 'post.stored', workspaceId, at: stored.at, data: stored.data });
    expect(Object.keys(JSON.parse(request!.body))).toEqual(['id', 'type', 'workspaceId', 'at', 'data']);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['townhall-event']).toBe('post.stored');
    const [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(request!.headers['townhall-delivery']).toBe(delivery!.id);
    expect(verifySignature(secret, String(request!.headers['townhall-signature']), request!.body, clock)).toBe(true);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, last_status: 200, last_response_excerpt: 'ok', last_error: null });

    // The same event seen again later (a redelivery after a crash) still inserts nothing.
    expect(await fanOutEvent(store.db, stored, clock)).toBe(0);
    expect(await drainDeliveries(deps())).toMatchObject({ succeeded: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('delivers only the event types a subscription asked for', async () => {
    const { workspaceId } = await subscribed(['engagement.changed']);
    expect(await fanOutEvent(store.db, event(workspaceId, 'post.stored'), clock)).toBe(0);
    expect(await fanOutEvent(store.db, event(workspaceId, 'engagement.changed'), clock)).toBe(1);
    await drainDeliveries(deps());
    expect(receiver.received.map((r) => r.headers['townhall-event'])).toEqual(['engagement.changed']);
  });

  it("never delivers one workspace's events to another's subscribers", async () => {
    await subscribed();
    const other = await seedWorkspace(store.db, 'other');
    expect(await fanOutEvent(store.db, event(other.workspaceId), clock)).toBe(0);
  });

  it('retries a 5xx after a minute, then after five, and succeeds', async () => {
    const { workspaceId, subscription } = await subscribed();
    receiver.script({ status: 500, body: 'database down' }, { status: 502 });
    await fanOutEvent(store.db, event(workspaceId), clock);
    expect(await drainDeliveries(deps())).toMatchObject({ retry: 1 });
    let [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_status: 500, last_response_excerpt: 'database down' });
    expect(delivery!.next_attempt_at.getTime() - clock.getTime()).toBe(60_000);

    advance(59_000);
    expect(await drainDeliveries(deps())).toMatchObject({ retry: 0, succeeded: 0 });
    advance(1_000);
    expect(await drainDeliveries(deps())).toMatchObject({ retry: 1 });
    [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery!.next_attempt_at.getTime() - clock.getTime()).toBe(300_000);

    advance(300_000);
    expect(await drainDeliveries(deps())).toMatchObject({ succeeded: 1 });
    [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, last_status: 200 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['townhall-delivery'])).size).toBe(1);
    expect((await findSubscription(store.db, workspaceId, subscription.id))?.consecutive_failures).toBe(0);
  });

  it('honours Retry-After on a 429 and retries a connection refused', async () => {
    const { workspaceId, subscription } = await subscribed();
    receiver.script({ status: 429, headers: { 'retry-after': '1800' } });
    await fanOutEvent(store.db, event(workspaceId), clock);
    await drainDeliveries(deps());
    const [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery!.next_attempt_at.getTime() - clock.getTime()).toBe(1_800_000);

    await receiver.close();
    advance(1_800_000);
    expect(await drainDeliveries(deps())).toMatchObject({ retry: 1 });
    const [refused] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(refused).toMatchObject({ status: 'pending', attempts: 2, last_status: null });
    expect(refused!.last_error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('does not retry a 4xx refusal, and records why', async () => {
    const { workspaceId, subscription } = await subscribed();
    receiver.script({ status: 410, body: 'this endpoint is gone' });
    await fanOutEvent(store.db, event(workspaceId), clock);
    expect(await drainDeliveries(deps())).toMatchObject({ failed: 1 });
    const [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_status: 410, last_response_excerpt: 'this endpoint is gone' });
    expect(delivery!.last_error).toMatch(/HTTP 410.*not retried/);
    advance(86_400_000);
    await drainDeliveries(deps());
    expect(receiver.received).toHaveLength(1);
  });

  it('disables a subscription after repeated failure with the reason, holds its deliveries, and resumes them when re-enabled', async () => {
    const { workspaceId, subscription, actor } = await subscribed();
    receiver.answerByDefault({ status: 503, body: 'maintenance' });
    for (let i = 0; i < DISABLE_AFTER_FAILURES + 2; i++) await fanOutEvent(store.db, event(workspaceId), clock);
    await drainDeliveries(deps());
    const disabled = await findSubscription(store.db, workspaceId, subscription.id);
    expect(disabled).toMatchObject({ status: 'disabled' });
    expect(disabled!.disabled_reason).toMatch(/15 failed deliveries in a row; the last one: HTTP 503 \(maintenance\)/);
    expect(disabled!.disabled_at?.toISOString()).toBe(clock.toISOString());

    // Disabled: new events make no deliveries, and waiting ones are not sent.
    expect(await fanOutEvent(store.db, event(workspaceId), clock)).toBe(0);
    const sentBefore = receiver.received.length;
    advance(86_400_000);
    await drainDeliveries(deps());
    expect(receiver.received).toHaveLength(sentBefore);

    receiver.answerByDefault({ status: 204 });
    const enabled = await enableSubscription(serviceDeps(), actor, subscription.id);
    expect(enabled).toMatchObject({ status: 'active', disabled_reason: null, consecutive_failures: 0 });
    await drainDeliveries(deps());
    const log = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 50);
    expect(log.map((d) => d.status)).toEqual(Array(DISABLE_AFTER_FAILURES + 2).fill('succeeded'));
  });

  it('takes back a delivery whose worker died once the lease runs out', async () => {
    const { workspaceId, subscription } = await subscribed();
    await fanOutEvent(store.db, event(workspaceId), clock);
    // A worker claims it and dies before answering.
    expect(await claimDueDeliveries(store.db, clock, new Date(clock.getTime() + 60_000), 10)).toHaveLength(1);
    expect(await drainDeliveries(deps())).toMatchObject({ succeeded: 0 });
    advance(60_000);
    expect(await drainDeliveries(deps())).toMatchObject({ succeeded: 1 });
    const [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(receiver.received).toHaveLength(1);
  });

  it('shares the work between several workers without sending anything twice', async () => {
    const { workspaceId } = await subscribed();
    for (let i = 0; i < 40; i++) await fanOutEvent(store.db, event(workspaceId), clock);
    const results = await Promise.all([drainDeliveries(deps()), drainDeliveries(deps()), drainDeliveries(deps())]);
    expect(results.reduce((sum, r) => sum + r.succeeded, 0)).toBe(40);
    const ids = receiver.received.map((r) => r.headers['townhall-delivery']);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('keeps finished deliveries 30 days in the log, and waiting ones until they are sent', async () => {
    const { workspaceId, subscription } = await subscribed();
    receiver.script({ status: 204 });
    await fanOutEvent(store.db, event(workspaceId), clock);
    await drainDeliveries(deps());
    await receiver.close();
    await fanOutEvent(store.db, event(workspaceId), clock);
    await drainDeliveries(deps());
    expect((await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10)).map((d) => d.status).sort()).toEqual(['pending', 'succeeded']);

    advance(29 * 86_400_000);
    await pruneDeliveryLog(deps());
    expect(await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10)).toHaveLength(2);
    advance(2 * 86_400_000);
    await pruneDeliveryLog(deps());
    expect((await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10)).map((d) => d.status)).toEqual(['pending']);
  });

  it('does not count an attempt cut short by the worker stopping against the receiver', async () => {
    const { workspaceId, subscription } = await subscribed();
    receiver.script({ status: 200, hang: true });
    await fanOutEvent(store.db, event(workspaceId), clock);
    const stopping = new AbortController();
    const drained = drainDeliveries(deps(), stopping.signal);
    await expect.poll(() => receiver.received.length).toBe(1);
    stopping.abort();
    expect((await drained).lost).toBe(1);
    const [delivery] = await listDeliveries(store.db, workspaceId, subscription.id, undefined, 10);
    expect(delivery).toMatchObject({ status: 'sending', last_error: null });
    expect((await findSubscription(store.db, workspaceId, subscription.id))?.consecutive_failures).toBe(0);
  });
});
