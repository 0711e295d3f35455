import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection } from '../../src/channels/channels.repository.ts';
import { startConnectors } from '../../src/pipeline/connectors.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';

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
    const feed = await feedServer(await readFile('../shared/fixtures/rss/guardian.rss', 'utf8'));
    try {
      // Stored directly: the API keeps poll intervals at 30 s or more, too slow for a test.
      const channelId = (await insertConnection(store.db, { workspaceId: ws.workspaceId, type: 'rss', name: 'Guardian', settings: { url: feed.url, pollIntervalSeconds: 1 }, credentialsEncrypted: null, webhookKey: null })).id;
      const deps = { db: store.db, config: { allowPrivateNetwork: true }, secrets: server.ctx.secrets, log: server.app.log, now: () => new Date(), notifyIntake: () => {}, rescanMs: 200 };
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
});
