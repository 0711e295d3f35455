import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimConnectionLease, insertConnection } from '../../src/channels/channels.repository.ts';
import { startConnectors } from '../../src/pipeline/connectors.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { createIntake, NO_SIGNAL } from '../../src/intake/intake.ts';

/** A feed server with ETag support that counts full (200) and conditional (304) answers. */
async function feedServer(body: string): Promise<{ url: string; full: () => number; notModified: () => number; server: Server }> {
  let full = 0;
  let notModified = 0;
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      notModified++;
      res.writeHead(304, { etag: '"v1"' });
      res.end();
      return;
    }
    full++;
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.rss`, full: () => full, notModified: () => notModified, server };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_KINDS)('connector runner on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store, { TOWNHALL_ALLOW_PRIVATE_NETWORK: 'true' });
    ws = await seedWorkspace(store.db, 'connectors');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('polls an active feed, stores it before moving the cursor, resumes with the saved ETag after a restart, and stops for paused channels', async () => {
    const feed = await feedServer(await readFile('test/fixtures/recorded/rss/guardian.rss', 'utf8'));
    try {
      // Stored directly: the API keeps poll intervals at 30 s or more, too slow for a test.
      const channelId = (await insertConnection(store.db, { workspaceId: ws.workspaceId, type: 'rss', name: 'Guardian', settings: { url: feed.url, pollIntervalSeconds: 1 }, credentialsEncrypted: null, webhookKey: null })).id;
      const deps = { db: store.db, config: { allowPrivateNetwork: true }, secrets: server.ctx.secrets, log: server.app.log, now: () => new Date(), intake: createIntake(store.db, NO_SIGNAL), rescanMs: 200 };
      const raws = async () => (await store.db.selectFrom('raw_intake').select('id').where('channel_connection_id', '=', channelId).execute()).length;

      const first = startConnectors(deps);
      await until(async () => feed.notModified() >= 1, 'a conditional poll');
      await first.stop();
      expect(feed.full()).toBe(1);
      expect(await raws()).toBe(1);
      const state = await store.db.selectFrom('channel_connections').select('state').where('id', '=', channelId).executeTakeFirstOrThrow();
      expect(JSON.stringify(state.state)).toContain('v1');

      // A restart reads the persisted ETag: no full download, nothing new stored.
      const second = startConnectors(deps);
      await until(async () => feed.notModified() >= 2, 'a conditional poll after restart');
      await second.stop();
      expect(feed.full()).toBe(1);
      expect(await raws()).toBe(1);

      await drainIntake(store.db, { analyze: null, now: () => new Date() });
      const posts = await server.request('GET', `/api/v1/posts?channelId=${channelId}&limit=5`, { token: ws.tokens.analyst });
      expect(posts.body.items.length).toBeGreaterThan(0);

      // Paused: the runner leaves it alone.
      expect((await server.request('PATCH', `/api/v1/channels/${channelId}`, { token: ws.tokens.manager, body: { status: 'paused' } })).status).toBe(200);
      const third = startConnectors(deps);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(third.running()).not.toContain(channelId);
      await third.stop();
    } finally {
      feed.server.close();
    }
  });

  it('runs each connection in one process at a time: a lease that a stopped process hands over, a crashed one lets expire, and a process that lost it cannot move the cursor', async () => {
    const feed = await feedServer(await readFile('test/fixtures/recorded/rss/guardian.rss', 'utf8'));
    const runners: { stop: () => Promise<void> }[] = [];
    try {
      const channelId = (await insertConnection(store.db, { workspaceId: ws.workspaceId, type: 'rss', name: 'Guardian (leased)', settings: { url: feed.url, pollIntervalSeconds: 1 }, credentialsEncrypted: null, webhookKey: null })).id;
      const lease = async () => (await store.db.selectFrom('channel_connections').select(['lease_owner', 'state']).where('id', '=', channelId).executeTakeFirstOrThrow());
      const runner = (owner: string) => {
        const started = startConnectors({ db: store.db, config: { allowPrivateNetwork: true }, secrets: server.ctx.secrets, log: server.app.log, now: () => new Date(), intake: createIntake(store.db, NO_SIGNAL), rescanMs: 150, leaseMs: 10_000, owner });
        runners.push(started);
        return started;
      };

      // A crashed process's lease (never renewed) keeps others off until it expires, then one takes over.
      expect(await claimConnectionLease(store.db, channelId, 'crashed-process', 4000)).toBe(true);
      const a = runner('process-a');
      const b = runner('process-b');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([...a.running(), ...b.running()]).not.toContain(channelId);
      await until(async () => a.running().includes(channelId) || b.running().includes(channelId), 'a takeover after expiry');
      const [holder, other] = a.running().includes(channelId) ? [a, b] : [b, a];
      const holderName = holder === a ? 'process-a' : 'process-b';
      expect((await lease()).lease_owner).toBe(holderName);

      // Exactly one runs it, across several renewals.
      await until(async () => feed.notModified() >= 1, 'a conditional poll');
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(holder.running()).toContain(channelId);
      expect(other.running()).not.toContain(channelId);

      // A clean stop hands the lease over at once.
      await holder.stop();
      await until(async () => other.running().includes(channelId), 'the other process taking over');
      const otherName = holderName === 'process-a' ? 'process-b' : 'process-a';
      expect((await lease()).lease_owner).toBe(otherName);

      // The lease is taken away (as after a long pause of the holder): its loop stops and leaves the new holder's cursor alone.
      await store.db.updateTable('channel_connections').set({ lease_owner: 'process-c', lease_expires_at: new Date(Date.now() + 60_000), state: JSON.stringify({ marker: 'process-c' }) }).where('id', '=', channelId).execute();
      await until(async () => !other.running().includes(channelId), 'the old holder stopping');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await lease()).toEqual({ lease_owner: 'process-c', state: { marker: 'process-c' } });
      expect(other.running()).not.toContain(channelId);
    } finally {
      for (const started of runners) await started.stop();
      feed.server.close();
    }
  });
});
