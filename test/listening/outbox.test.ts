import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/channels/signatures.ts';
import { drainOutbox } from '../../src/outbox/outbox.worker.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';

const SECRET = 'outbox-test-secret-long-enough';

/** A stand-in for the receiving system: answers with scripted statuses and records what it got. */
async function replyEndpoint(script: number[]): Promise<{ url: string; received: { headers: IncomingMessage['headers']; body: string }[]; server: Server }> {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let call = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = script[Math.min(call++, script.length - 1)] ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? JSON.stringify({ id: `sent-${received.length}` }) : JSON.stringify({ error: 'busy' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/replies`, received, server };
}

describe.each(STORE_KINDS)('outbox on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  // The worker's clock runs ahead of the real one by hand, so retries become due without waiting. It is
  // the real time plus an offset: the reply routes queue with the real clock, so a fixed clock would fall
  // behind them as the calendar moves on.
  let ahead = 0;
  const deps = () => ({ db: store.db, config: { allowPrivateNetwork: true }, secrets: server.ctx.secrets, log: server.app.log, now: () => new Date(Date.now() + ahead) });

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store, { TOWNHALL_ALLOW_PRIVATE_NETWORK: 'true' });
    ws = await seedWorkspace(store.db, 'outbox');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  async function channelWithPost(replyUrl: string, externalId: string): Promise<{ channelId: string; postId: string }> {
    const channel = await server.request('POST', '/api/v1/channels', { token: ws.tokens.admin, body: { type: 'webhook', name: `hook ${externalId}`, settings: { secret: SECRET, replyUrl } } });
    expect(channel.status).toBe(201);
    const body = JSON.stringify({ externalId, text: 'Where is my order?', postedAt: '2026-11-23T09:00:00Z', author: { externalId: 'c-9', handle: 'kim' } });
    await fetch(server.url + channel.body.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-townhall-signature': `sha256=${hmacSha256Hex(SECRET, body)}` }, body });
    await drainIntake(store.db, { analyze: null, now: () => new Date() });
    const posts = await server.request('GET', `/api/v1/posts?channelId=${channel.body.id}`, { token: ws.tokens.agent });
    return { channelId: channel.body.id, postId: posts.body.items[0].id };
  }

  it('retries a reply with backoff until the platform accepts it, then shows it sent and stores the outbound post', async () => {
    const endpoint = await replyEndpoint([503, 503, 200]);
    try {
      const { postId } = await channelWithPost(endpoint.url, 'ob-1');
      const queued = await server.request('POST', `/api/v1/posts/${postId}/replies`, { token: ws.tokens.agent, body: { text: 'It ships today.' } });
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ status: 'pending', kind: 'reply', text: 'It ships today.' });

      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 1, failed: 0 });
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 0, failed: 0 });
      const waiting = await server.request('GET', `/api/v1/outbox/${queued.body.id}`, { token: ws.tokens.agent });
      expect(waiting.body).toMatchObject({ status: 'pending', attempts: 1 });
      expect(waiting.body.lastError).toMatch(/503/);

      ahead += 3600_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 1, failed: 0 });
      ahead += 3600_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 1, retry: 0, failed: 0 });

      const sent = await server.request('GET', `/api/v1/outbox/${queued.body.id}`, { token: ws.tokens.agent });
      expect(sent.body).toMatchObject({ status: 'sent', attempts: 3, externalId: 'sent-3', lastError: null });
      const delivered = endpoint.received[2];
      expect(delivered?.headers['x-townhall-signature']).toBe(`sha256=${hmacSha256Hex(SECRET, delivered?.body ?? '')}`);
      expect(delivered?.headers['idempotency-key']).toBe(queued.body.id);
      expect(JSON.parse(delivered?.body ?? '{}')).toMatchObject({ kind: 'reply', text: 'It ships today.', inReplyTo: { externalId: 'ob-1', authorExternalId: 'c-9' } });

      const outbound = await store.db.selectFrom('posts').select(['direction', 'kind', 'parent_id', 'text']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'sent-3').executeTakeFirstOrThrow();
      expect(outbound).toEqual({ direction: 'out', kind: 'reply', parent_id: postId, text: 'It ships today.' });
    } finally {
      endpoint.server.close();
    }
  });

  it('gives up after the maximum attempts with the reason visible', async () => {
    const endpoint = await replyEndpoint([500]);
    try {
      const { postId } = await channelWithPost(endpoint.url, 'ob-2');
      const queued = await server.request('POST', `/api/v1/posts/${postId}/replies`, { token: ws.tokens.agent, body: { text: 'Sorry!', private: true } });
      await store.db.updateTable('outbox').set({ max_attempts: 2 }).where('id', '=', queued.body.id).execute();
      await drainOutbox(deps());
      ahead += 24 * 3600_000;
      expect(await drainOutbox(deps())).toEqual({ sent: 0, retry: 0, failed: 1 });
      const failed = await server.request('GET', `/api/v1/outbox/${queued.body.id}`, { token: ws.tokens.analyst });
      expect(failed.body).toMatchObject({ status: 'failed', kind: 'message', attempts: 2 });
      expect(failed.body.lastError).toMatch(/gave up after 2 attempts: transient: reply endpoint answered 500/);
    } finally {
      endpoint.server.close();
    }
  });

  it('refuses to reply to a post that came in through an import, with the reason', async () => {
    const created = await server.request('POST', '/api/v1/posts', { token: ws.tokens.admin, body: { channel: 'forum', externalId: 'imp-1', text: 'hi', postedAt: '2026-11-23T09:00:00Z' } });
    const res = await server.request('POST', `/api/v1/posts/${created.body.id}/replies`, { token: ws.tokens.agent, body: { text: 'hello' } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/no account to reply from/);
  });

  it('does not let an analyst send replies', async () => {
    const res = await server.request('POST', `/api/v1/posts/00000000-0000-4000-8000-000000000000/replies`, { token: ws.tokens.analyst, body: { text: 'x' } });
    expect(res.status).toBe(403);
  });
});
