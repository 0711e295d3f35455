import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../../src/channels/channels.repository.ts';
import { connectionView } from '../../../src/channels/channels.service.ts';
import { discourseDriver } from '../../../src/channels/discourse/discourse.driver.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { hmacSha256Hex } from '../../../src/channels/signatures.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { countPosts, pollOnce } from '../rss/poll-once.ts';

const deps = { analyze: null, now: () => new Date() };
const SECRET = 'discourse-webhook-secret-1';
const API_KEY = 'discourse-api-key-0123456789';
const OWN = new URL('../../fixtures/discourse/', import.meta.url);
const ownPath = (name: string) => new URL(name, OWN).pathname;
const fixture = (name: string) => readFileSync(ownPath(name), 'utf8');

type Post = Record<string, unknown> & { id: number };

/** A Discourse stand-in: /posts.json newest first, 2 per page, ?before=<id> paging; POST /posts.json creates a post. */
class ForumStandIn {
  server!: Server;
  url = '';
  posts: Post[] = (JSON.parse(fixture('posts.json')) as { latest_posts: Post[] }).latest_posts;
  requests: string[] = [];
  created: { headers: Record<string, string | string[] | undefined>; body: unknown }[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      this.requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (req.method === 'GET' && url.pathname === '/posts.json') {
        const before = url.searchParams.get('before');
        const page = this.posts.filter((p) => before === null || p.id < Number(before)).sort((a, b) => b.id - a.id).slice(0, 2);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ latest_posts: page }));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/posts.json') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          this.created.push({ headers: req.headers, body: JSON.parse(body) });
          if (req.headers['api-key'] !== API_KEY) return void res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":["invalid api key"]}');
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 5300, topic_id: 1042, post_number: 5, username: 'kestrel_support' }));
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(STORE_KINDS)('Discourse on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let hook: { id: string; webhookUrl: string };
  const forum = new ForumStandIn();

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'discourse');
    await forum.start();
    const created = await server.request('POST', '/api/v1/channels', {
      token: ws.tokens.manager,
      body: { type: 'discourse', name: 'Kestrel forum', settings: { baseUrl: 'https://forum.kestrel-bikes.example', webhookSecret: SECRET, polling: false } },
    });
    expect(created.status).toBe(201);
    hook = created.body;
  });
  afterAll(async () => {
    await forum.close();
    await server?.close();
    await store?.close();
  });

  const deliver = (event: string, body: string, signature = `sha256=${hmacSha256Hex(SECRET, body)}`) =>
    fetch(server.url + hook.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-discourse-event': event, 'x-discourse-event-type': event.split('_')[0] ?? '', 'x-discourse-event-id': '1', 'x-discourse-instance': 'https://forum.kestrel-bikes.example', 'x-discourse-event-signature': signature },
      body,
    });
  const countRaw = async () => Number((await store.db.selectFrom('raw_intake').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow()).n);

  it('never returns the webhook secret and gives a webhook URL', async () => {
    expect(hook.webhookUrl).toMatch(/^\/webhooks\//);
    const fetched = await server.request('GET', `/api/v1/channels/${hook.id}`, { token: ws.tokens.admin });
    expect(fetched.text).not.toContain(SECRET);
  });

  it('stores signed deliveries through the real server: topic, reply, edit with history, delete', async () => {
    expect((await deliver('topic_created', fixture('webhook-topic_created.json'))).status).toBe(200);
    expect((await deliver('post_created', fixture('webhook-post_created-topic.json'))).status).toBe(200);
    expect((await deliver('post_created', fixture('webhook-post_created-reply.json'))).status).toBe(200);
    await drainIntake(store.db, deps);
    const posts = await server.request('GET', '/api/v1/posts?channel=discourse', { token: ws.tokens.analyst });
    expect(posts.body.items).toHaveLength(2);
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id', 'text']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(rows.map((r) => r.external_id)).toEqual(['forum.kestrel-bikes.example/t/1042/1', 'forum.kestrel-bikes.example/t/1042/2']);
    expect(rows[1]?.parent_id).toBe(rows[0]?.id);
    expect(rows[1]?.thread_id).toBe(rows[0]?.id);
    const identities = await server.request('GET', '/api/v1/identities', { token: ws.tokens.analyst });
    expect(identities.body.items.map((i: { handle: string }) => i.handle).sort()).toEqual(['jonas_k', 'kestrel_support', 'sam_rides']);

    expect((await deliver('post_edited', fixture('webhook-post_edited.json'))).status).toBe(200);
    await drainIntake(store.db, deps);
    const edited = await store.db.selectFrom('posts').select(['id', 'text']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'forum.kestrel-bikes.example/t/1042/2').executeTakeFirstOrThrow();
    expect(edited.text).toMatch(/Nachtrag: Die Release Notes sind jetzt ergänzt\.$/);
    expect(await store.db.selectFrom('post_revisions').select('text').where('post_id', '=', edited.id).execute()).toHaveLength(1);

    // A reply that is later destroyed: stored, then marked deleted.
    const destroyed = JSON.parse(fixture('webhook-post_destroyed.json'));
    const created = JSON.stringify({ post: { ...destroyed.post, deleted_at: null, user_deleted: false } });
    await deliver('post_created', created);
    await deliver('post_destroyed', fixture('webhook-post_destroyed.json'));
    await drainIntake(store.db, deps);
    const gone = await store.db.selectFrom('posts').select(['deleted_at', 'parent_id']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'forum.kestrel-bikes.example/t/1042/3').executeTakeFirstOrThrow();
    expect(gone.deleted_at).not.toBeNull();
    expect(gone.parent_id).toBe(edited.id);
  });

  it('answers a wrong or missing signature with 401 and stores nothing', async () => {
    const before = await countRaw();
    const wrong = await deliver('post_created', fixture('webhook-post_created-reply.json'), `sha256=${hmacSha256Hex('not-the-secret', fixture('webhook-post_created-reply.json'))}`);
    expect(wrong.status).toBe(401);
    const missing = await fetch(server.url + hook.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-discourse-event': 'post_created' }, body: fixture('webhook-post_created-reply.json') });
    expect(missing.status).toBe(401);
    expect(await countRaw()).toBe(before);
  });

  it('imports each fixture with exact counts; a second import adds nothing', async () => {
    const importWs = await seedWorkspace(store.db, 'discourse-import');
    const run = (file: string) => importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'discourse', path: ownPath(file) });
    expect(await run('posts.json')).toMatchObject({ imported: 5, duplicates: 0, rejected: 0 });
    expect(await run('topic-1042.json')).toMatchObject({ imported: 0, duplicates: 3, rejected: 0 });
    expect(await run('webhook-post_created-topic.json')).toMatchObject({ imported: 0, rejected: 0 });
    expect(await run('posts.json')).toMatchObject({ imported: 0, duplicates: 5, rejected: 0 });
    expect(await countPosts(store, importWs.workspaceId, 'discourse')).toBe(5);
    const reply = await store.db.selectFrom('posts').select(['parent_id', 'thread_external_id']).where('workspace_id', '=', importWs.workspaceId).where('external_id', '=', 't/1042/3').executeTakeFirstOrThrow();
    expect(reply.parent_id).not.toBeNull();
    expect(reply.thread_external_id).toBe('t/1042/1');
  });

  it('polls /posts.json paging back with ?before= to the newest post seen, then only fetches what is new', async () => {
    const pollWs = await seedWorkspace(store.db, 'discourse-poll');
    const created = await server.request('POST', '/api/v1/channels', { token: pollWs.tokens.manager, body: { type: 'discourse', name: 'stand-in forum', settings: { baseUrl: forum.url, backfillPages: 5, apiKey: API_KEY, apiUsername: 'kestrel_support' } } });
    expect(created.status).toBe(201);
    const first = await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, created.body.id);
    expect(first.payloads).toHaveLength(3);
    expect(first.state).toEqual({ lastPostId: 5210 });
    expect(forum.requests.filter((r) => r.startsWith('GET'))).toEqual(['GET /posts.json', 'GET /posts.json?before=5209', 'GET /posts.json?before=5207', 'GET /posts.json?before=5205']);
    expect(await countPosts(store, pollWs.workspaceId, 'discourse')).toBe(5);
    const host = new URL(forum.url).host;
    const post = await store.db.selectFrom('posts').select(['url', 'text']).where('workspace_id', '=', pollWs.workspaceId).where('external_id', '=', `${host}/t/1043/2`).executeTakeFirstOrThrow();
    expect(post.url).toBe(`${forum.url}/t/which-charger-for-the-kestrel-trail-500/1043/2`);

    forum.requests = [];
    forum.posts.push({ ...forum.posts[0]!, id: 5211, post_number: 3, reply_to_post_number: 2, username: 'sam_rides', name: 'Sam Ortiz', cooked: '<p>Thanks, ordered the KC-4!</p>', created_at: '2026-03-03T19:00:00.000Z', updated_at: '2026-03-03T19:00:00.000Z' });
    const second = await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, created.body.id);
    expect(forum.requests).toEqual(['GET /posts.json']);
    expect(second.state).toEqual({ lastPostId: 5211 });
    expect(await countPosts(store, pollWs.workspaceId, 'discourse')).toBe(6);
    const reply = await store.db.selectFrom('posts').select(['parent_id', 'text']).where('workspace_id', '=', pollWs.workspaceId).where('external_id', '=', `${host}/t/1043/3`).executeTakeFirstOrThrow();
    expect(reply.text).toBe('Thanks, ordered the KC-4!');
    expect(reply.parent_id).not.toBeNull();

    forum.requests = [];
    await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, created.body.id);
    expect(await countPosts(store, pollWs.workspaceId, 'discourse')).toBe(6);
  });

  it('replies through POST /posts.json with topic_id, raw, reply_to_post_number and the API headers', async () => {
    const pollWs = await seedWorkspace(store.db, 'discourse-send');
    const created = await server.request('POST', '/api/v1/channels', { token: pollWs.tokens.manager, body: { type: 'discourse', name: 'send', settings: { baseUrl: forum.url, apiKey: API_KEY, apiUsername: 'kestrel_support' } } });
    const row = await findConnection(store.db, pollWs.workspaceId, created.body.id);
    if (!row) throw new Error('connection missing');
    const host = new URL(forum.url).host;
    const result = await discourseDriver.send!(
      { kind: 'reply', text: 'Danke Mara, freut uns!', inReplyTo: { externalId: `${host}/t/1042/3` } },
      connectionView(server.ctx.secrets, row),
      createDriverRuntime({ allowPrivateNetwork: true }, new AbortController().signal),
    );
    expect(result).toEqual({ externalId: `${host}/t/1042/5` });
    const sent = forum.created.at(-1);
    expect(sent?.body).toEqual({ topic_id: 1042, raw: 'Danke Mara, freut uns!', reply_to_post_number: 3 });
    expect(sent?.headers['api-key']).toBe(API_KEY);
    expect(sent?.headers['api-username']).toBe('kestrel_support');
  });
});
