import { describe, expect, it } from 'vitest';
import { drainDeliveries } from '../../src/outbound-webhooks/delivery.worker.ts';
import { verifySignature } from '../../src/outbound-webhooks/signing.ts';
import { seedWorkspace } from '../support/server.ts';
import { useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { startReceiver } from './receiver.ts';

const BASE = '/api/v1/webhook-subscriptions';

describe.each(STORE_KINDS)('webhook subscriptions API on %s', (kind) => {
  const t = useTestServer(kind, 'hooksapi', { TOWNHALL_ALLOW_PRIVATE_NETWORK: 'true' });
  const deps = () => ({ db: t.store.db, config: { allowPrivateNetwork: true }, secrets: t.server.ctx.secrets, log: t.server.app.log, now: () => new Date() });

  it('creates a subscription and shows its secret only in the answer to the create, sealed at rest', async () => {
    const created = await t.server.request('POST', BASE, { token: t.ws.tokens.manager, body: { url: 'https://example.com/townhall', eventTypes: ['post.stored', 'intake.dead'], description: 'CRM sync' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ url: 'https://example.com/townhall', eventTypes: ['post.stored', 'intake.dead'], description: 'CRM sync', status: 'active', disabledReason: null, lastDelivery: null });
    expect(created.body.secret).toMatch(/^whsec_/);

    const shown = await t.server.request('GET', `${BASE}/${created.body.id}`, { token: t.ws.tokens.admin });
    expect(shown.status).toBe(200);
    expect(shown.body.secret).toBeUndefined();
    expect(shown.text).not.toContain(created.body.secret);
    const row = await t.store.db.selectFrom('webhook_subscriptions').select('secret_sealed').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(created.body.secret);
    expect(t.server.ctx.secrets.decrypt(row.secret_sealed)).toBe(created.body.secret);
  });

  it('refuses a URL that is not http(s), an unknown event type and unknown fields with problem+json', async () => {
    for (const body of [{ url: 'ftp://example.com/x' }, { url: 'not a url' }, { url: 'https://example.com', eventTypes: ['post.liked'] }, { url: 'https://example.com', secret: 'mine' }, { url: 'https://user:pw@example.com/' }]) {
      const response = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });

  it('updates, rotates the secret and deletes, each with an audit entry', async () => {
    const created = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body: { url: 'https://example.com/a' } });
    const id = created.body.id as string;
    const updated = await t.server.request('PATCH', `${BASE}/${id}`, { token: t.ws.tokens.admin, body: { url: 'https://example.com/b', eventTypes: ['engagement.changed'] } });
    expect(updated.body).toMatchObject({ url: 'https://example.com/b', eventTypes: ['engagement.changed'] });
    const rotated = await t.server.request('POST', `${BASE}/${id}/rotate-secret`, { token: t.ws.tokens.admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect((await t.server.request('DELETE', `${BASE}/${id}`, { token: t.ws.tokens.admin })).status).toBe(204);
    expect((await t.server.request('GET', `${BASE}/${id}`, { token: t.ws.tokens.admin })).status).toBe(404);

    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', id).orderBy('id').execute();
    expect(audit.map((entry) => entry.action)).toEqual(['webhook_subscription.created', 'webhook_subscription.updated', 'webhook_subscription.secret_rotated', 'webhook_subscription.deleted']);
    expect(JSON.stringify(audit)).not.toContain(rotated.body.secret);
  });

  it('sends a ping signed with the current secret, lists it in the delivery log and redelivers it', async () => {
    const receiver = await startReceiver();
    try {
      receiver.script({ status: 200, body: '<b>thanks</b>' });
      const created = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body: { url: receiver.url } });
      const id = created.body.id as string;
      const ping = await t.server.request('POST', `${BASE}/${id}/ping`, { token: t.ws.tokens.manager });
      expect(ping.status, ping.text).toBe(202);
      expect(ping.body).toMatchObject({ eventType: 'ping', status: 'pending', attempts: 0 });
      await drainDeliveries(deps());
      const request = receiver.received.find((r) => r.headers['townhall-delivery'] === ping.body.id);
      expect(request).toBeDefined();
      expect(JSON.parse(request!.body)).toMatchObject({ type: 'ping', workspaceId: t.ws.workspaceId, data: { subscriptionId: id } });
      expect(verifySignature(created.body.secret, String(request!.headers['townhall-signature']), request!.body, new Date())).toBe(true);

      const log = await t.server.request('GET', `${BASE}/${id}/deliveries`, { token: t.ws.tokens.admin });
      expect(log.body.items).toHaveLength(1);
      expect(log.body.items[0]).toMatchObject({ id: ping.body.id, status: 'succeeded', attempts: 1, lastStatus: 200, lastResponseExcerpt: '<b>thanks</b>' });
      expect(typeof log.body.items[0].lastDurationMs).toBe('number');
      const listed = await t.server.request('GET', BASE, { token: t.ws.tokens.admin });
      expect(listed.body.items.find((item: { id: string }) => item.id === id)).toMatchObject({ lastDelivery: { status: 'succeeded', httpStatus: 200 } });

      const again = await t.server.request('POST', `${BASE}/${id}/deliveries/${ping.body.id}/redeliver`, { token: t.ws.tokens.admin });
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ status: 'pending' });
      await drainDeliveries(deps());
      const one = await t.server.request('GET', `${BASE}/${id}/deliveries/${ping.body.id}`, { token: t.ws.tokens.admin });
      expect(one.body).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(receiver.received.filter((r) => r.headers['townhall-delivery'] === ping.body.id)).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  it('pages the delivery log with a cursor', async () => {
    const created = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body: { url: 'http://127.0.0.1:9/unused' } });
    const id = created.body.id as string;
    for (let i = 0; i < 5; i++) await t.server.request('POST', `${BASE}/${id}/ping`, { token: t.ws.tokens.admin });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.server.request('GET', `${BASE}/${id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: t.ws.tokens.admin });
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('re-enables a disabled subscription, and refuses a ping while it is disabled', async () => {
    const created = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body: { url: 'https://example.com/c' } });
    const id = created.body.id as string;
    await t.store.db.updateTable('webhook_subscriptions').set({ status: 'disabled', disabled_reason: 'disabled after 15 failed deliveries in a row; the last one: HTTP 500', disabled_at: new Date(), consecutive_failures: 15 }).where('id', '=', id).execute();
    const shown = await t.server.request('GET', `${BASE}/${id}`, { token: t.ws.tokens.admin });
    expect(shown.body).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('HTTP 500'), consecutiveFailures: 15 });
    expect((await t.server.request('POST', `${BASE}/${id}/ping`, { token: t.ws.tokens.admin })).status).toBe(409);
    const enabled = await t.server.request('POST', `${BASE}/${id}/enable`, { token: t.ws.tokens.admin });
    expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    const audit = await t.store.db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute();
    expect(audit.map((entry) => entry.action)).toContain('webhook_subscription.enabled');
  });

  it('keeps subscriptions and deliveries invisible to another workspace', async () => {
    const created = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body: { url: 'https://example.com/mine' } });
    const ping = await t.server.request('POST', `${BASE}/${created.body.id}/ping`, { token: t.ws.tokens.admin });
    const other = await seedWorkspace(t.store.db, 'intruder');
    const token = other.tokens.admin;
    expect((await t.server.request('GET', BASE, { token })).body.items).toEqual([]);
    expect((await t.server.request('GET', `${BASE}/${created.body.id}`, { token })).status).toBe(404);
    expect((await t.server.request('GET', `${BASE}/${created.body.id}/deliveries`, { token })).status).toBe(404);
    expect((await t.server.request('GET', `${BASE}/${created.body.id}/deliveries/${ping.body.id}`, { token })).status).toBe(404);
    expect((await t.server.request('POST', `${BASE}/${created.body.id}/deliveries/${ping.body.id}/redeliver`, { token })).status).toBe(404);
    expect((await t.server.request('POST', `${BASE}/${created.body.id}/rotate-secret`, { token })).status).toBe(404);
    expect((await t.server.request('DELETE', `${BASE}/${created.body.id}`, { token })).status).toBe(404);
  });

  it('lets only admins and managers see or change webhooks', async () => {
    for (const role of ['agent', 'analyst'] as const) {
      expect((await t.server.request('GET', BASE, { token: t.ws.tokens[role] })).status).toBe(403);
      expect((await t.server.request('POST', BASE, { token: t.ws.tokens[role], body: { url: 'https://example.com' } })).status).toBe(403);
    }
  });
});

describe('webhook subscriptions without private networks allowed', () => {
  const t = useTestServer('pglite', 'hookssafe');

  it('refuses plain http and private addresses, naming the setting that allows them', async () => {
    for (const url of ['http://example.com/hook', 'https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://localhost/hook']) {
      const response = await t.server.request('POST', BASE, { token: t.ws.tokens.admin, body: { url } });
      expect(response.status, url).toBe(400);
      expect(response.body.detail, url).toContain('TOWNHALL_ALLOW_PRIVATE_NETWORK');
    }
  });
});
