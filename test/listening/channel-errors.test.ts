import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { insertConnection } from '../../src/channels/channels.repository.ts';
import { drainOutbox } from '../../src/outbox/outbox.worker.ts';
import { startConnectors } from '../../src/pipeline/connectors.ts';
import { useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

type Answer = { status: number; headers?: Record<string, string>; body: unknown };

/**
 * A loopback stand-in for a platform API: answers each request with the next scripted answer (the
 * real platforms' error shapes) and records what it was sent.
 */
async function platform(script: ((req: IncomingMessage) => Answer)[]) {
  const received: { method: string; path: string; authorization: string | undefined }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
      const next = script[Math.min(received.length - 1, script.length - 1)];
      const answer = next ? next(req) : { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The recorded shapes of the platforms' errors.
const X_RATE_LIMITED = (resetEpochSeconds: number): Answer => ({
  status: 429,
  headers: { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetEpochSeconds) },
  body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
});
const X_DUPLICATE: Answer = { status: 403, body: { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 } };
const X_UNAUTHORIZED: Answer = { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
const META_TOKEN_EXPIRED: Answer = {
  status: 400,
  body: { error: { message: 'Error validating access token: Session has expired on Sunday, 22-Nov-26 23:00:00 PST.', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'A1b2C3d4' } },
};
const MASTODON_INVALID_TOKEN: Answer = { status: 401, body: { error: 'The access token is invalid' } };

describe.each(STORE_KINDS)('channel errors on %s', (kind) => {
  const t = useTestServer(kind, 'channel-errors', { TOWNHALL_ALLOW_PRIVATE_NETWORK: 'true' });
  // The outbox's clock runs ahead of the real one by hand, so holds and waits end without waiting.
  let ahead = 0;
  const deps = () => ({ db: t.store.db, config: { allowPrivateNetwork: true }, secrets: t.server.ctx.secrets, log: t.server.app.log, now: () => new Date(Date.now() + ahead) });
  const outboxItem = async (id: string) => (await t.server.request('GET', `/api/v1/outbox/${id}`, { token: t.ws.tokens.admin })).body;
  const channel = async (id: string) => (await t.server.request('GET', `/api/v1/channels/${id}`, { token: t.ws.tokens.admin })).body;

  it('X: obeys x-rate-limit-reset without using up an attempt, holds a refused post for an hour, marks a refused token, and sends once the token is replaced', async () => {
    const x = await platform([
      () => X_RATE_LIMITED(Math.floor((Date.now() + ahead) / 1000) + 900),
      () => X_DUPLICATE,
      () => X_UNAUTHORIZED,
      (req) => (req.headers.authorization === 'Bearer fresh-token' ? { status: 201, body: { data: { id: '1862000000000000001', text: 'Our status page is up.' } } } : X_UNAUTHORIZED),
    ]);
    try {
      const created = await t.server.request('POST', '/api/v1/channels', { token: t.ws.tokens.admin, body: { type: 'x', name: 'X brand', settings: { apiBaseUrl: x.url, userAccessToken: 'old-token' } } });
      expect(created.status, created.text).toBe(201);
      const channelId: string = created.body.id;
      const queued = await t.server.request('POST', '/api/v1/outbox', { token: t.ws.tokens.admin, body: { channelId, text: 'Our status page is up.' } });
      expect(queued.status, queued.text).toBe(202);
      const id: string = queued.body.id;

      // 429: wait until the reset the API named, and the attempt is given back.
      const before = Date.now() + ahead;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 1, failed: 0 });
      let item = await outboxItem(id);
      expect(item).toMatchObject({ status: 'pending', attempts: 0 });
      expect(item.lastError).toBe('rate_limited: X API answered 429: Too Many Requests: Too Many Requests');
      const waitSeconds = (Date.parse(item.nextAttemptAt) - before) / 1000;
      expect(waitSeconds).toBeGreaterThanOrEqual(898);
      expect(waitSeconds).toBeLessThanOrEqual(902);
      ahead += 899_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 0, failed: 0 });

      // 403 duplicate content: permanent for this post, so not tried again for an hour; the channel is fine.
      ahead += 2_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 1, failed: 0 });
      item = await outboxItem(id);
      expect(item).toMatchObject({ status: 'pending', attempts: 1 });
      expect(item.lastError).toMatch(/^permanent: X API answered 403: .*duplicate content/);
      expect((await channel(channelId)).status).toBe('active');
      ahead += 59 * 60_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 0, failed: 0 });

      // 401: the channel needs attention, with the platform's reason and the time.
      ahead += 2 * 60_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 1, failed: 0 });
      const marked = await channel(channelId);
      expect(marked.status).toBe('needs_attention');
      expect(marked.attention.reason).toBe('X API answered 401: Unauthorized: Unauthorized');
      expect(Number.isNaN(Date.parse(marked.attention.since))).toBe(false);
      const listed = await t.server.request('GET', '/api/v1/channels', { token: t.ws.tokens.admin });
      expect(listed.body.items.find((c: { id: string }) => c.id === channelId)).toMatchObject({ status: 'needs_attention' });
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 0, failed: 0 });

      // New credentials clear the mark and release the held message at once.
      const patched = await t.server.request('PATCH', `/api/v1/channels/${channelId}`, { token: t.ws.tokens.admin, body: { settings: { userAccessToken: 'fresh-token' } } });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body).toMatchObject({ status: 'active', attention: null });
      ahead += 1_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 1, retry: 0, failed: 0 });
      expect(await outboxItem(id)).toMatchObject({ status: 'sent', externalId: '1862000000000000001' });
      expect(x.received.map((r) => r.authorization)).toEqual(['Bearer old-token', 'Bearer old-token', 'Bearer old-token', 'Bearer fresh-token']);
    } finally {
      await x.close();
    }
  });

  it('Meta: a Graph 190 OAuthException marks the channel, and the next successful send clears it', async () => {
    const graph = await platform([() => META_TOKEN_EXPIRED, () => ({ status: 200, body: { id: '112233_445566' } })]);
    try {
      const created = await t.server.request('POST', '/api/v1/channels', {
        token: t.ws.tokens.admin,
        body: { type: 'meta', name: 'Facebook page', settings: { appSecret: 'meta-app-secret-long-enough', verifyToken: 'verify-me', accessToken: 'page-token', pageId: '112233', graphBaseUrl: graph.url } },
      });
      expect(created.status, created.text).toBe(201);
      const channelId: string = created.body.id;
      const queued = await t.server.request('POST', '/api/v1/outbox', { token: t.ws.tokens.admin, body: { channelId, text: 'We are back online.' } });
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 1, failed: 0 });
      const marked = await channel(channelId);
      expect(marked.status).toBe('needs_attention');
      expect(marked.attention.reason).toMatch(/^Graph API answered 400 on \/.*112233\/feed: Error validating access token: Session has expired/);
      expect((await outboxItem(queued.body.id)).lastError).toMatch(/^auth: /);

      // An hour later the token works again (renewed on Meta's side): the send succeeds and the mark goes.
      ahead += 3601_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 1, retry: 0, failed: 0 });
      expect(await channel(channelId)).toMatchObject({ status: 'active', attention: null });
    } finally {
      await graph.close();
    }
  });

  it('Mastodon: a poll refused with 401 marks the connection without stopping it, and new credentials clear it', async () => {
    const mastodon = await platform([() => MASTODON_INVALID_TOKEN]);
    const runner = { stop: async () => {} };
    try {
      // Stored directly, to start the runner on it without the API.
      const sealed = t.server.ctx.secrets.encrypt(JSON.stringify({ accessToken: 'revoked-token' }));
      const row = await insertConnection(t.store.db, { workspaceId: t.ws.workspaceId, type: 'mastodon', name: 'Mastodon', settings: { instanceUrl: mastodon.url, mentions: true, transport: 'poll', pollIntervalSeconds: 10 }, credentialsEncrypted: sealed, webhookKey: null });
      const started = startConnectors({ db: t.store.db, config: { allowPrivateNetwork: true }, secrets: t.server.ctx.secrets, log: t.server.app.log, now: () => new Date(), intake: t.server.ctx.intake, rescanMs: 200 });
      runner.stop = () => started.stop();
      await until(async () => (await channel(row.id)).status === 'needs_attention', 'the connection to need attention');
      const marked = await channel(row.id);
      expect(marked.attention.reason).toBe('Mastodon answered 401 on /api/v1/notifications: The access token is invalid');
      expect(started.running()).toContain(row.id);
      // Held for an hour, not hammered: the platform was asked once.
      expect(mastodon.received).toEqual([{ method: 'GET', path: expect.stringMatching(/^\/api\/v1\/notifications\?/), authorization: 'Bearer revoked-token' }]);

      const patched = await t.server.request('PATCH', `/api/v1/channels/${row.id}`, { token: t.ws.tokens.admin, body: { settings: { accessToken: 'new-token' } } });
      expect(patched.body).toMatchObject({ status: 'active', attention: null });
    } finally {
      await runner.stop();
      await mastodon.close();
    }
  });
});
