import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/channels/signatures.ts';
import { importFile } from '../../src/intake/import.service.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';

const deps = { analyze: null, now: () => new Date() };
const SECRET = 'a-long-shared-webhook-secret';

describe.each(STORE_KINDS)('durable intake on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let hook: { id: string; webhookUrl: string };

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'intake');
    const created = await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'webhook', name: 'Shop reviews', settings: { secret: SECRET, channel: 'reviews' } } });
    expect(created.status).toBe(201);
    hook = created.body;
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const deliver = (body: string, signature = `sha256=${hmacSha256Hex(SECRET, body)}`) =>
    fetch(server.url + hook.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-townhall-signature': signature }, body });

  const countRaw = async () => Number((await store.db.selectFrom('raw_intake').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow()).n);

  const review = (id: string, text: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ externalId: id, kind: 'review', text, postedAt: '2026-11-20T10:00:00Z', author: { externalId: 'cust-1', handle: 'ana_b', displayName: 'Ana B.' }, ...extra });

  it('returns a webhook path, never the secret, and keeps the secret encrypted at rest', async () => {
    expect(hook.webhookUrl).toMatch(/^\/webhooks\/[A-Za-z0-9_-]{32}$/);
    const fetched = await server.request('GET', `/api/v1/channels/${hook.id}`, { token: ws.tokens.admin });
    expect(fetched.body.secretsSet).toEqual(['secret']);
    expect(fetched.text).not.toContain(SECRET);
    const row = await store.db.selectFrom('channel_connections').selectAll().where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(row.settings).toEqual({ channel: 'reviews' });
  });

  it('stores a signed delivery before acknowledging it and turns it into one post, however often it is re-delivered', async () => {
    const body = review('r-1', 'Great shoes, fast delivery');
    for (let i = 0; i < 3; i++) expect((await deliver(body)).status).toBe(200);
    expect(await store.db.selectFrom('raw_intake').select('status').where('channel_connection_id', '=', hook.id).execute()).toHaveLength(3);
    await drainIntake(store.db, deps);
    const posts = await server.request('GET', '/api/v1/posts?channel=reviews', { token: ws.tokens.analyst });
    expect(posts.body.items).toHaveLength(1);
    expect(posts.body.items[0]).toMatchObject({ externalId: 'r-1', text: 'Great shoes, fast delivery', author: { handle: 'ana_b', displayName: 'Ana B.' } });
  });

  it('answers a wrong or missing signature with 401 and stores nothing', async () => {
    const before = await countRaw();
    const wrong = await deliver(review('r-2', 'x'), 'sha256=' + '0'.repeat(64));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(server.url + hook.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: review('r-2', 'x') })).status).toBe(401);
    expect(await countRaw()).toBe(before);
  });

  it('answers a signed but malformed JSON body with 400 problem+json and stores nothing', async () => {
    const before = await countRaw();
    const res = await deliver('{"externalId": ');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await countRaw()).toBe(before);
  });

  it('answers an unknown webhook key with 404', async () => {
    expect((await fetch(`${server.url}/webhooks/${'x'.repeat(32)}`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('moves an unparseable payload to dead-letter with its reason, visible in the API, and re-queues it on request', async () => {
    expect((await deliver(JSON.stringify({ text: 'no id', postedAt: '2026-11-20T10:00:00Z' }))).status).toBe(200);
    await drainIntake(store.db, deps);
    const dead = await server.request('GET', '/api/v1/intake?status=dead', { token: ws.tokens.manager });
    expect(dead.body.items[0]).toMatchObject({ status: 'dead', channel: 'webhook' });
    expect(dead.body.items[0].error).toMatch(/externalId is required/);
    const detail = await server.request('GET', `/api/v1/intake/${dead.body.items[0].id}`, { token: ws.tokens.manager });
    expect(detail.body.body).toContain('no id');
    const requeue = await server.request('POST', '/api/v1/intake/reprocess', { token: ws.tokens.manager, body: { ids: [dead.body.items[0].id] } });
    expect(requeue.body).toEqual({ requeued: 1 });
    const again = await server.request('GET', `/api/v1/intake/${dead.body.items[0].id}`, { token: ws.tokens.manager });
    expect(again.body.status).toBe('pending');
    await drainIntake(store.db, deps);
  });

  it('keeps edit history when a post is re-delivered with new text and an edit time', async () => {
    await deliver(review('r-edit', 'Shoes arrived broken'));
    await deliver(review('r-edit', 'Shoes arrived broken, but support replaced them', { editedAt: '2026-11-20T12:00:00Z' }));
    await drainIntake(store.db, deps);
    const post = await store.db.selectFrom('posts').select(['id', 'text', 'edited_at']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'r-edit').executeTakeFirstOrThrow();
    expect(post.text).toBe('Shoes arrived broken, but support replaced them');
    const revisions = await store.db.selectFrom('post_revisions').select('text').where('post_id', '=', post.id).execute();
    expect(revisions.map((r) => r.text)).toEqual(['Shoes arrived broken']);
  });

  it('links a reply that arrived before its parent once the parent is stored', async () => {
    await deliver(review('child-1', 'Same problem here', { kind: 'comment', parentExternalId: 'parent-1' }));
    await drainIntake(store.db, deps);
    await deliver(review('parent-1', 'Anyone else with broken zips?'));
    await drainIntake(store.db, deps);
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id']).where('workspace_id', '=', ws.workspaceId).where('external_id', 'in', ['child-1', 'parent-1']).execute();
    const parent = rows.find((r) => r.external_id === 'parent-1');
    const child = rows.find((r) => r.external_id === 'child-1');
    expect(child?.parent_id).toBe(parent?.id);
    expect(child?.thread_id).toBe(parent?.id);
  });

  it('tags posts that match a listening query', async () => {
    const query = await server.request('POST', '/api/v1/listening-queries', { token: ws.tokens.manager, body: { name: 'zips', keywords: ['zipper'], hashtags: ['#ZipFail'] } });
    expect(query.status).toBe(201);
    await deliver(review('q-1', 'The zipper broke again #zipfail'));
    await deliver(review('q-2', 'Lovely colours'));
    await drainIntake(store.db, deps);
    const matches = await store.db
      .selectFrom('post_query_matches')
      .innerJoin('posts', 'posts.id', 'post_query_matches.post_id')
      .select('posts.external_id')
      .where('post_query_matches.query_id', '=', query.body.id)
      .execute();
    expect(matches.map((m) => m.external_id)).toEqual(['q-1']);
  });

  it('imports canonical JSONL once: a second import of the same file adds nothing, a bad line is rejected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'townhall-import-'));
    const file = join(dir, 'posts.jsonl');
    const lines = [
      JSON.stringify({ channel: 'forum', externalId: 'f-1', text: 'Is the X200 waterproof?', postedAt: '2026-11-01T09:00:00Z', author: { handle: 'max' } }),
      JSON.stringify({ channel: 'forum', externalId: 'f-2', text: 'Yes, IP68.', postedAt: '2026-11-01T09:05:00Z', parentExternalId: 'f-1', author: { handle: 'lea' } }),
      '{"channel": "forum", "externalId": ',
      JSON.stringify({ channel: 'forum', externalId: 'f-1', text: 'Is the X200 waterproof?', postedAt: '2026-11-01T09:00:00Z', author: { handle: 'max' } }) + ' ',
      '',
    ];
    await writeFile(file, lines.join('\n'));
    const first = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'jsonl', path: file });
    expect(first).toMatchObject({ imported: 2, duplicates: 1, rejected: 1 });
    expect(first.rejections[0]?.reason).toMatch(/not JSON/);
    const second = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'jsonl', path: file });
    expect(second).toMatchObject({ imported: 0, duplicates: 3, rejected: 1 });
    const reply = await store.db.selectFrom('posts').select(['parent_id']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'f-2').executeTakeFirstOrThrow();
    expect(reply.parent_id).not.toBeNull();
  });

  it('imports CSV with common column names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'townhall-import-'));
    const file = join(dir, 'posts.csv');
    await writeFile(file, '\uFEFFid,channel,text,created_at,author,likes\n' + 'c-1,reviews,"Great, really great",2026-11-02T10:00:00Z,@jo,5\n' + 'c-2,reviews,"Meh ""ok""",2026-11-02T11:00:00Z,@kim,\n' + 'c-3,reviews,no date,,@kim,\n');
    const summary = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'csv', path: file });
    expect(summary).toMatchObject({ imported: 2, duplicates: 0, rejected: 1 });
    const rows = await store.db.selectFrom('posts').select(['external_id', 'text', 'metrics']).where('workspace_id', '=', ws.workspaceId).where('external_id', 'in', ['c-1', 'c-2']).orderBy('external_id').execute();
    expect(rows).toEqual([
      { external_id: 'c-1', text: 'Great, really great', metrics: { likes: 5 } },
      { external_id: 'c-2', text: 'Meh "ok"', metrics: {} },
    ]);
  });
});
