import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionView } from '../../../src/channels/channels.service.ts';
import { findConnection, saveConnectionState } from '../../../src/channels/channels.repository.ts';
import type { ConnectionView, NativePayload } from '../../../src/channels/driver.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { hmacSha256Base64 } from '../../../src/channels/signatures.ts';
import { XApiError } from '../../../src/channels/x/x.api.ts';
import { xDriver } from '../../../src/channels/x/x.driver.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { processIntakeItem } from '../../../src/pipeline/process.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';

const deps = { analyze: null, now: () => new Date() };
const RECORDED = fileURLToPath(new URL('../../../test/fixtures/recorded/x/', import.meta.url));
const OWN = fileURLToPath(new URL('../../fixtures/x/', import.meta.url));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
const CONSUMER_SECRET = 'x-consumer-secret-for-tests';

/** A loopback stand-in: records every request and lets each test script the answers. */
interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

async function standIn(handler: (request: Recorded, res: ServerResponse) => void): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(STORE_KINDS)('X channel on %s', (kind) => {
  let store: Store;
  let server: TestServer;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const postsOf = (workspaceId: string) =>
    store.db
      .selectFrom('posts')
      .select(['external_id', 'text', 'kind', 'parent_id', 'thread_external_id', 'quoted_external_id', 'metrics', 'deleted_at', 'visibility'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('external_id')
      .execute();

  /** Creates a channel through the API and returns the driver's view of it. */
  async function channel(ws: SeededWorkspace, settings: Record<string, unknown>): Promise<{ id: string; webhookUrl: string; view: () => Promise<ConnectionView> }> {
    const created = await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'x', name: 'Acme on X', settings } });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    return {
      id,
      webhookUrl: created.body.webhookUrl,
      view: async () => {
        const row = await findConnection(store.db, ws.workspaceId, id);
        if (!row) throw new Error('channel vanished');
        return connectionView(server.ctx.secrets, row);
      },
    };
  }

  /** What the connector runner does with a payload: store it raw, process it, then persist the state. */
  const storeAndProcess = (ws: SeededWorkspace, connectionId: string, source: 'stream' | 'poll') => async (payload: NativePayload, state: Record<string, unknown>) => {
    const stored = await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId, channel: 'x', source, contentType: payload.contentType ?? null, headers: {}, body: payload.body, dedupeKey: null });
    await processIntakeItem(store.db, deps, stored.id);
    await saveConnectionState(store.db, connectionId, state);
  };

  it('imports each recorded file with exact counts, and a second import adds nothing', async () => {
    const cases: [string, { imported: number; duplicates: number; rejected: number }, { imported: number; duplicates: number; rejected: number }][] = [
      [`${RECORDED}two_tweets.jsonl`, { imported: 1, duplicates: 0, rejected: 0 }, { imported: 0, duplicates: 1, rejected: 0 }],
      [`${RECORDED}mentions_tweet.jsonl`, { imported: 1, duplicates: 0, rejected: 0 }, { imported: 0, duplicates: 1, rejected: 0 }],
      // 7 stream messages hold 7 tweets and 4 referenced ones; the cut-off last line is rejected.
      [`${RECORDED}streaming_output_with_error.jsonl`, { imported: 11, duplicates: 0, rejected: 1 }, { imported: 0, duplicates: 11, rejected: 1 }],
      // The stream message repeats its parent from includes (one duplicate); the error line and empty page add nothing.
      [`${OWN}conversation.jsonl`, { imported: 5, duplicates: 1, rejected: 0 }, { imported: 0, duplicates: 6, rejected: 0 }],
      // Reply, liked brand post, DM; the retweet's original is already there; the delete and follow store no post.
      [`${OWN}account_activity.jsonl`, { imported: 3, duplicates: 1, rejected: 0 }, { imported: 0, duplicates: 4, rejected: 0 }],
    ];
    for (const [path, first, second] of cases) {
      const ws = await seedWorkspace(store.db, 'ximport');
      expect(await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'x', path })).toMatchObject(first);
      expect(await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'x', path })).toMatchObject(second);
    }
  });

  it('stores what the stream fixture says: authors, texts, thread and quote links', async () => {
    const ws = await seedWorkspace(store.db, 'xstream');
    const summary = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'x', path: `${RECORDED}streaming_output_with_error.jsonl` });
    expect(summary.rejections[0]?.reason).toMatch(/not JSON/);
    const rows = await postsOf(ws.workspaceId);
    expect(rows.map((r) => r.external_id)).toEqual([
      '1377266697850257410',
      '1377299822399528963',
      '1377640162566496258',
      '1377645742874038274',
      '1377650090978992134',
      '1377650093109743620',
      '1377650277642338305',
      '1377650387579248643',
      '1377650459033280516',
      '1377650500687044618',
      '1377650529766154240',
    ]);
    const byId = new Map(rows.map((r) => [r.external_id, r]));
    const parentId = async (externalId: string) => (await store.db.selectFrom('posts').select('id').where('workspace_id', '=', ws.workspaceId).where('external_id', '=', externalId).executeTakeFirstOrThrow()).id;
    expect(byId.get('1377650093109743620')?.parent_id).toBe(await parentId('1377266697850257410'));
    expect(byId.get('1377650459033280516')?.parent_id).toBe(await parentId('1377645742874038274'));
    expect(byId.get('1377650500687044618')).toMatchObject({ kind: 'reply', thread_external_id: '1377299822399528963' });
    expect(byId.get('1377650090978992134')?.quoted_external_id).toBe('1377640162566496258');
    const posts = await server.request('GET', `/api/v1/posts?channel=x&q=Lubbock`, { token: ws.tokens.analyst });
    expect(posts.body.items.map((p: { externalId: string; author: { handle: string; displayName: string } }) => [p.externalId, p.author.handle, p.author.displayName])).toEqual([['1377650459033280516', 'courtney_fromm', 'Courtney Fromm']]);
  });

  it('counts a retweet once as a share, keeps likes, withdraws nothing twice and marks deletes (Account Activity file)', async () => {
    const ws = await seedWorkspace(store.db, 'xactivity');
    await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'x', path: `${OWN}account_activity.jsonl` });
    const rows = await postsOf(ws.workspaceId);
    expect(rows.map((r) => [r.external_id, r.kind, r.visibility, r.deleted_at !== null])).toEqual([
      ['1860000000000000100', 'post', 'public', false],
      ['1860000000000000201', 'reply', 'public', true],
      ['dm:1860000000000000301', 'direct', 'private', false],
    ]);
    expect(rows[0]?.metrics).toEqual({ likes: 41, shares: 2, replies: 1, quotes: 1 });
    const engagements = await store.db.selectFrom('engagements').select(['external_id', 'kind']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(engagements).toEqual([
      { external_id: '1860000000000000202', kind: 'share' },
      { external_id: 'like:a7ba59eab0bfcba386f7acedac279542', kind: 'like' },
    ]);
  });

  it('holds the filtered stream through a dropped connection and a 429, storing every tweet exactly once', async () => {
    const ws = await seedWorkspace(store.db, 'xfiltered');
    const messages = lines(`${RECORDED}streaming_output_with_error.jsonl`).slice(0, 7);
    const disconnectLine = lines(`${OWN}conversation.jsonl`)[2] ?? '';
    let streamCalls = 0;
    const api = await standIn((request, res) => {
      if (request.path === '/2/tweets/search/stream/rules') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(request.method === 'GET' ? JSON.stringify({ data: [{ id: '900', value: 'old rule', tag: `townhall:${hook.id}` }, { id: '901', value: 'not ours', tag: 'other tool' }], meta: { result_count: 2 } }) : JSON.stringify({ meta: { summary: {} } }));
        return;
      }
      if (request.path !== '/2/tweets/search/stream') return void res.writeHead(404).end();
      streamCalls++;
      if (streamCalls === 2) {
        res.writeHead(429, { 'content-type': 'application/json', 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 1) });
        res.end(JSON.stringify({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('\r\n');
      if (streamCalls === 1) {
        // Four messages with keep-alives between them, then the connection drops mid-message.
        for (const message of messages.slice(0, 4)) res.write(`${message}\r\n\r\n`);
        res.write(messages[4]?.slice(0, 100) ?? '');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      // After reconnecting: the rest, an operational error message, and keep-alives while the test finishes.
      for (const message of messages.slice(4)) res.write(`${message}\r\n`);
      res.write(`${disconnectLine}\r\n`);
      const keepAlive = setInterval(() => res.write('\r\n'), 50);
      res.on('close', () => clearInterval(keepAlive));
    });
    const hook = await channel(ws, { apiBaseUrl: api.url, stream: true, rules: ['dogs has:geo', 'puppy'], bearerToken: 'app-bearer' });
    const controller = new AbortController();
    const received: string[] = [];
    const store1 = storeAndProcess(ws, hook.id, 'stream');
    const done = xDriver.stream?.(await hook.view(), createDriverRuntime({ allowPrivateNetwork: true }, controller.signal), async (payload, state) => {
      await store1(payload, state);
      received.push(payload.body);
      if (received.length === 8) controller.abort();
    });
    await done;
    await api.close();

    expect(streamCalls).toBe(3);
    expect(received).toEqual([...messages, disconnectLine]);
    const rows = await postsOf(ws.workspaceId);
    expect(rows).toHaveLength(11);
    const raw = await store.db.selectFrom('raw_intake').select(['status']).where('channel_connection_id', '=', hook.id).execute();
    expect(raw.map((r) => r.status)).toEqual(Array(8).fill('processed'));
    // Rules: the stale rule of this connection deleted, the configured ones added with its tag; other rules untouched.
    const ruleChanges = api.requests.filter((r) => r.path === '/2/tweets/search/stream/rules' && r.method === 'POST').map((r) => JSON.parse(r.body));
    expect(ruleChanges).toEqual([{ delete: { ids: ['900'] } }, { add: [{ value: 'dogs has:geo', tag: `townhall:${hook.id}` }, { value: 'puppy', tag: `townhall:${hook.id}` }] }]);
    const streamRequest = api.requests.find((r) => r.path === '/2/tweets/search/stream');
    expect(streamRequest?.headers['authorization']).toBe('Bearer app-bearer');
    expect(streamRequest?.query.get('expansions')).toContain('referenced_tweets.id');
  });

  it('polls recent search with since_id, follows next_token and stops when the rate limit is spent', async () => {
    const ws = await seedWorkspace(store.db, 'xsearch');
    const [conversation] = lines(`${OWN}conversation.jsonl`);
    const [twoTweets] = lines(`${RECORDED}two_tweets.jsonl`);
    const [mentions] = lines(`${RECORDED}mentions_tweet.jsonl`);
    const page = (line: string | undefined, meta: Record<string, unknown>) => {
      const body = JSON.parse(line ?? '{}');
      return JSON.stringify({ data: body.data, includes: body.includes, meta });
    };
    const resetAt = Math.floor(Date.now() / 1000) + 120;
    const api = await standIn((request, res) => {
      const since = request.query.get('since_id');
      const token = request.query.get('next_token');
      const json = (status: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-rate-limit-limit': '450', ...headers });
        res.end(body);
      };
      if (!since) return json(200, page(conversation, { newest_id: '1860000000000000104', oldest_id: '1860000000000000101', result_count: 4, next_token: 'older-history' }), { 'x-rate-limit-remaining': '449' });
      if (since === '1860000000000000104' && !token) return json(200, page(twoTweets, { newest_id: '1860000000000000120', oldest_id: '1860000000000000110', result_count: 1, next_token: 'page-2' }), { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) });
      if (since === '1860000000000000104' && token === 'page-2') return json(200, page(mentions, { oldest_id: '1860000000000000105', result_count: 1 }), { 'x-rate-limit-remaining': '447' });
      return json(429, JSON.stringify({ title: 'Too Many Requests' }), { 'retry-after': '42' });
    });
    const hook = await channel(ws, { apiBaseUrl: api.url, query: '@acme_support OR #X200', pollIntervalSeconds: 60, bearerToken: 'app-bearer' });
    const runtime = createDriverRuntime({ allowPrivateNetwork: true }, new AbortController().signal);
    const runPoll = async () => {
      const result = await xDriver.poll?.(await hook.view(), runtime);
      if (!result) throw new Error('the X driver polls');
      for (const payload of result.payloads) await storeAndProcess(ws, hook.id, 'poll')(payload, result.state);
      await saveConnectionState(store.db, hook.id, result.state);
      return result;
    };

    // First poll: only the newest page, so connecting does not page through a week of history.
    const first = await runPoll();
    expect(first).toMatchObject({ payloads: [expect.anything()], retryAfterSeconds: 60 });
    expect((await hook.view()).state).toEqual({ sinceId: '1860000000000000104' });
    // Second: a new page with next_token, but the rate limit is spent: stop and wait for the reset.
    const second = await runPoll();
    expect(second.payloads).toHaveLength(1);
    expect(second.retryAfterSeconds).toBeGreaterThan(100);
    expect((await hook.view()).state).toEqual({ sinceId: '1860000000000000104', nextToken: 'page-2', pendingNewestId: '1860000000000000120' });
    // Third: the rest of the sweep; since_id moves to the newest id seen at its start.
    const third = await runPoll();
    expect(third).toMatchObject({ payloads: [expect.anything()], retryAfterSeconds: 60 });
    expect((await hook.view()).state).toEqual({ sinceId: '1860000000000000120' });
    // Fourth: 429 with Retry-After: nothing fetched, state kept.
    const fourth = await runPoll();
    expect(fourth).toEqual({ payloads: [], state: { sinceId: '1860000000000000120' }, retryAfterSeconds: 42 });
    await api.close();

    const searches = api.requests.map((r) => [r.query.get('since_id'), r.query.get('next_token')]);
    expect(searches).toEqual([
      [null, null],
      ['1860000000000000104', null],
      ['1860000000000000104', 'page-2'],
      ['1860000000000000120', null],
    ]);
    expect(api.requests[0]?.query.get('query')).toBe('@acme_support OR #X200');
    expect(api.requests[0]?.query.get('max_results')).toBe('100');
    expect(api.requests[0]?.headers['authorization']).toBe('Bearer app-bearer');
    expect((await postsOf(ws.workspaceId)).map((r) => r.external_id)).toEqual([
      '1391677057810288641',
      '1589671906718134272',
      '1860000000000000100',
      '1860000000000000101',
      '1860000000000000102',
      '1860000000000000104',
    ]);
  });

  it('answers the CRC handshake and stores only correctly signed Account Activity POSTs through the real server', async () => {
    const ws = await seedWorkspace(store.db, 'xwebhook');
    const hook = await channel(ws, { consumerSecret: CONSUMER_SECRET, bearerToken: 'app-bearer' });
    expect(hook.webhookUrl).toMatch(/^\/webhooks\//);
    const fetched = await server.request('GET', `/api/v1/channels/${hook.id}`, { token: ws.tokens.admin });
    expect(fetched.text).not.toContain(CONSUMER_SECRET);

    const crc = await fetch(`${server.url}${hook.webhookUrl}?crc_token=challenge-123`);
    expect(crc.status).toBe(200);
    expect(await crc.json()).toEqual({ response_token: `sha256=${hmacSha256Base64(CONSUMER_SECRET, 'challenge-123')}` });

    const body = lines(`${OWN}account_activity.jsonl`)[0] ?? '';
    const post = (signature: string) => fetch(`${server.url}${hook.webhookUrl}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature }, body });
    expect((await post(`sha256=${hmacSha256Base64('wrong secret', body)}`)).status).toBe(401);
    expect((await post(`sha256=${hmacSha256Base64(CONSUMER_SECRET, body)}`)).status).toBe(200);
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const rows = await postsOf(ws.workspaceId);
    expect(rows.map((r) => [r.external_id, r.text])).toEqual([['1860000000000000201', '@acme_support Still waiting for the replacement, it has been a week now and your chat just loops me back to the FAQ. Order 4711. #AcmeHelp https://t.co/faq1']]);
  });

  it('replies, posts and sends DMs with the user token, with exactly the bodies X documents', async () => {
    const ws = await seedWorkspace(store.db, 'xsend');
    let calls = 0;
    const api = await standIn((request, res) => {
      calls++;
      if (calls === 4) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '15' });
        return void res.end(JSON.stringify({ title: 'Too Many Requests', detail: 'Too Many Requests' }));
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(request.path === '/2/tweets' ? JSON.stringify({ data: { id: `18600000000000009${calls}0`, text: JSON.parse(request.body).text, edit_history_tweet_ids: [] } }) : JSON.stringify({ data: { dm_conversation_id: '1-2', dm_event_id: '1860000000000000777' } }));
    });
    const hook = await channel(ws, { apiBaseUrl: api.url, bearerToken: 'app-bearer', userAccessToken: 'user-token' });
    const runtime = createDriverRuntime({ allowPrivateNetwork: true }, new AbortController().signal);
    const view = await hook.view();
    const send = xDriver.send;
    if (!send) throw new Error('the X driver sends');
    expect(await send({ kind: 'reply', text: 'Sorry about that! Check your DMs.', inReplyTo: { externalId: '1860000000000000101', authorExternalId: '1500000000000000002' } }, view, runtime)).toEqual({ externalId: '1860000000000000910' });
    expect(await send({ kind: 'publish', text: 'The X200 firmware 2.1 is out.' }, view, runtime)).toEqual({ externalId: '1860000000000000920' });
    expect(await send({ kind: 'message', text: 'Here is your return label.', inReplyTo: { externalId: 'dm:1', authorExternalId: '1500000000000000002' } }, view, runtime)).toEqual({ externalId: 'dm:1860000000000000777' });
    const limited = await send({ kind: 'publish', text: 'again' }, view, runtime).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(XApiError);
    expect(limited).toMatchObject({ status: 429, retryAfterSeconds: 15 });
    await api.close();
    expect(api.requests.map((r) => [r.method, r.path, r.headers['authorization'], r.headers['content-type'], JSON.parse(r.body)])).toEqual([
      ['POST', '/2/tweets', 'Bearer user-token', 'application/json', { text: 'Sorry about that! Check your DMs.', reply: { in_reply_to_tweet_id: '1860000000000000101' } }],
      ['POST', '/2/tweets', 'Bearer user-token', 'application/json', { text: 'The X200 firmware 2.1 is out.' }],
      ['POST', '/2/dm_conversations/with/1500000000000000002/messages', 'Bearer user-token', 'application/json', { text: 'Here is your return label.' }],
      ['POST', '/2/tweets', 'Bearer user-token', 'application/json', { text: 'again' }],
    ]);
  });
});
