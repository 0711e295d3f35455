import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { blueskyDriver } from '../../../src/channels/bluesky/bluesky.driver.ts';
import { BlueskyApiError } from '../../../src/channels/bluesky/bluesky.send.ts';
import { CURSOR_SAFETY_MARGIN_US } from '../../../src/channels/bluesky/jetstream.ts';
import { connectionView } from '../../../src/channels/channels.service.ts';
import { findConnection, saveConnectionState } from '../../../src/channels/channels.repository.ts';
import type { ConnectionView, NativePayload } from '../../../src/channels/driver.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { processIntakeItem } from '../../../src/pipeline/process.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';

const deps = { analyze: null, now: () => new Date() };
const RECORDED = fileURLToPath(new URL('../../../test/fixtures/recorded/bluesky/', import.meta.url));
const OWN = fileURLToPath(new URL('../../fixtures/bluesky/', import.meta.url));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
const timeOf = (line: string): number => {
  const event: unknown = JSON.parse(line);
  if (typeof event !== 'object' || event === null || !('time_us' in event) || typeof event.time_us !== 'number') throw new Error('fixture line without time_us');
  return event.time_us;
};
const BRAND = 'did:plc:acmebrand0000000000000001';
const ROOT = `at://${BRAND}/app.bsky.feed.post/3lbroot00001`;

describe.each(STORE_KINDS)('Bluesky channel on %s', (kind) => {
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
      .select(['id', 'external_id', 'text', 'kind', 'language', 'parent_id', 'thread_external_id', 'quoted_external_id', 'metrics', 'deleted_at', 'direction'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('external_id')
      .execute();

  async function channel(ws: SeededWorkspace, settings: Record<string, unknown>): Promise<{ id: string; view: () => Promise<ConnectionView> }> {
    const created = await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'bluesky', name: 'Acme on Bluesky', settings } });
    expect(created.status).toBe(201);
    expect(created.body.webhookUrl ?? null).toBeNull();
    const id: string = created.body.id;
    return {
      id,
      view: async () => {
        const row = await findConnection(store.db, ws.workspaceId, id);
        if (!row) throw new Error('channel vanished');
        return connectionView(server.ctx.secrets, row);
      },
    };
  }

  it('imports the recorded Jetstream file and our thread file with exact counts; a second import adds nothing', async () => {
    const golden = await seedWorkspace(store.db, 'bskygolden');
    const path = `${RECORDED}jetstream_golden_v1.jsonl`;
    expect(await importFile(store.db, deps, { workspaceId: golden.workspaceId, channel: 'bluesky', path })).toMatchObject({ imported: 1, duplicates: 0, rejected: 0 });
    expect(await importFile(store.db, deps, { workspaceId: golden.workspaceId, channel: 'bluesky', path })).toMatchObject({ imported: 0, duplicates: 1, rejected: 0 });
    const [reply] = await postsOf(golden.workspaceId);
    expect(reply).toMatchObject({ external_id: 'at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223', text: 'Try RSV for a good time !!', kind: 'reply', thread_external_id: 'at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26' });
    const engagements = await store.db.selectFrom('engagements').select(['kind', 'target_external_id']).where('workspace_id', '=', golden.workspaceId).orderBy('kind').execute();
    expect(engagements).toEqual([
      { kind: 'like', target_external_id: 'at://did:plc:vfnmgxg2yscfliemmcxzyfyh/app.bsky.feed.post/3mmoodizfwc2j' },
      { kind: 'share', target_external_id: 'at://did:plc:hjloomm2tkve3pmfgbxegl3v/app.bsky.feed.post/3mmood3a6hc25' },
    ]);
    const profile = await store.db.selectFrom('social_identities').select(['display_name', 'bio']).where('workspace_id', '=', golden.workspaceId).where('external_id', '=', 'did:plc:o6t5vwyr7ae73foww7bgye4r').executeTakeFirstOrThrow();
    expect(profile.display_name).toBe('Multiversal Lokis Unit🔞');

    const thread = await seedWorkspace(store.db, 'bskythread');
    const own = `${OWN}thread.jsonl`;
    expect(await importFile(store.db, deps, { workspaceId: thread.workspaceId, channel: 'bluesky', path: own })).toMatchObject({ imported: 5, duplicates: 0, rejected: 0 });
    expect(await importFile(store.db, deps, { workspaceId: thread.workspaceId, channel: 'bluesky', path: own })).toMatchObject({ imported: 0, duplicates: 5, rejected: 0 });
    await expectThreadStored(thread.workspaceId);
  });

  /** What thread.jsonl must leave in the store, however it arrived. */
  async function expectThreadStored(workspaceId: string) {
    const rows = await postsOf(workspaceId);
    const byId = new Map(rows.map((r) => [r.external_id, r]));
    expect(rows.map((r) => r.external_id)).toEqual([
      ROOT,
      'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001',
      'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002',
      'at://did:plc:leameier0000000000000004/app.bsky.feed.post/3lbquote0002',
      'at://did:plc:maxkrueger000000000000003/app.bsky.feed.post/3lbquote0001',
    ]);
    const root = byId.get(ROOT);
    // Two likes, one withdrawn; one repost.
    expect(root?.metrics).toEqual({ likes: 1, shares: 1 });
    const reply = byId.get('at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001');
    expect(reply).toMatchObject({ parent_id: root?.id, language: 'de', text: '@acme.bsky.social mein X200 ist kaputt 😞 #X200 https://acme.example/faq' });
    expect(byId.get('at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002')).toMatchObject({ parent_id: reply?.id, thread_external_id: ROOT });
    expect(byId.get('at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002')?.deleted_at).not.toBeNull();
    expect(byId.get('at://did:plc:maxkrueger000000000000003/app.bsky.feed.post/3lbquote0001')?.quoted_external_id).toBe(ROOT);
    const engagements = await store.db.selectFrom('engagements').select(['external_id', 'kind', 'removed_at']).where('workspace_id', '=', workspaceId).orderBy('external_id').execute();
    expect(engagements.map((e) => [e.external_id.split('/').slice(-2).join('/'), e.kind, e.removed_at !== null])).toEqual([
      ['app.bsky.feed.like/3lblike00002', 'like', true],
      ['app.bsky.feed.repost/3lbrepost001', 'share', false],
      ['app.bsky.feed.like/3lblike00001', 'like', false],
    ]);
    const ana = await store.db.selectFrom('social_identities').select(['handle', 'display_name']).where('workspace_id', '=', workspaceId).where('external_id', '=', 'did:plc:anabeta00000000000000002').executeTakeFirstOrThrow();
    expect(ana).toEqual({ handle: 'ana-b.bsky.social', display_name: 'Ana B.' });
  }

  it('follows Jetstream over a WebSocket, resumes from the persisted cursor after a drop, and loses or doubles nothing', async () => {
    const ws = await seedWorkspace(store.db, 'bskystream');
    const events = lines(`${OWN}thread.jsonl`);
    const connections: URL[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket, request: IncomingMessage) => {
      const url = new URL(request.url ?? '/', 'ws://127.0.0.1');
      connections.push(url);
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      // Jetstream replays from the cursor (a time in microseconds), then goes live.
      const replay = events.filter((e) => timeOf(e) >= cursor);
      if (connections.length === 1) {
        for (const event of replay.slice(0, 6)) socket.send(event);
        // Drop without a close frame, as a dying proxy would.
        setTimeout(() => socket.terminate(), 50);
        return;
      }
      for (const event of replay) socket.send(event);
    });
    const { port } = wss.address() as AddressInfo;
    const hook = await channel(ws, { endpoint: `ws://127.0.0.1:${port}`, wantedCollections: ['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.actor.profile'] });

    const controller = new AbortController();
    const lastTime = timeOf(events[events.length - 1] ?? '');
    const handed: string[] = [];
    const onPayload = async (payload: NativePayload, state: Record<string, unknown>) => {
      const stored = await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId: hook.id, channel: 'bluesky', source: 'stream', contentType: payload.contentType ?? null, headers: {}, body: payload.body, dedupeKey: null });
      await processIntakeItem(store.db, deps, stored.id);
      await saveConnectionState(store.db, hook.id, state);
      handed.push(payload.body);
      if (state['cursor'] === lastTime) controller.abort();
    };
    await blueskyDriver.stream?.(await hook.view(), createDriverRuntime({ allowPrivateNetwork: true }, controller.signal), onPayload);
    await new Promise<void>((resolve) => wss.close(() => resolve()));

    expect(connections).toHaveLength(2);
    expect(connections[0]?.pathname).toBe('/subscribe');
    expect(connections[0]?.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.actor.profile']);
    expect(connections[0]?.searchParams.has('cursor')).toBe(false);
    // Resumed from the newest event stored before the drop, rewound by the safety margin.
    const sixth = timeOf(events[5] ?? '');
    expect(connections[1]?.searchParams.get('cursor')).toBe(String(sixth - CURSOR_SAFETY_MARGIN_US));
    // Every event arrived; the margin replayed the two before the drop point, which intake absorbs.
    const replayed = events.filter((e) => timeOf(e) >= sixth - CURSOR_SAFETY_MARGIN_US && timeOf(e) <= sixth);
    expect(replayed).toHaveLength(2);
    expect(handed).toEqual([...events.slice(0, 6), ...events.filter((e) => timeOf(e) >= sixth - CURSOR_SAFETY_MARGIN_US)]);
    expect(new Set(handed).size).toBe(events.length);
    expect((await hook.view()).state).toEqual({ cursor: lastTime });
    await expectThreadStored(ws.workspaceId);
  });

  it('resumes a fresh process from the cursor in state and keeps only keyword matches and what relates to them', async () => {
    const ws = await seedWorkspace(store.db, 'bskyfilter');
    const golden = lines(`${RECORDED}jetstream_golden_v1.jsonl`);
    const thread = lines(`${OWN}thread.jsonl`);
    const wssUrls: URL[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket, request: IncomingMessage) => {
      wssUrls.push(new URL(request.url ?? '/', 'ws://127.0.0.1'));
      // The firehose: unrelated traffic mixed into the thread.
      for (const event of [...golden, ...thread]) socket.send(event);
    });
    const { port } = wss.address() as AddressInfo;
    const hook = await channel(ws, { endpoint: `ws://127.0.0.1:${port}`, keywords: ['x200'] });
    await saveConnectionState(store.db, hook.id, { cursor: 1732100000000000 });
    const controller = new AbortController();
    const kept: string[] = [];
    await blueskyDriver.stream?.(await hook.view(), createDriverRuntime({ allowPrivateNetwork: true }, controller.signal), async (payload) => {
      kept.push(payload.body);
      if (kept.length === 12) controller.abort();
    });
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    expect(wssUrls[0]?.searchParams.get('cursor')).toBe(String(1732100000000000 - CURSOR_SAFETY_MARGIN_US));
    // Kept: the root and the reply (keyword), both quotes, the likes, the repost and the unlike of the root, the reply to
    // the reply and its deletion, then ana's handle and profile (an author kept before); not her account event, nor any of
    // the unrelated recorded traffic.
    expect(kept).toEqual([...thread.slice(0, 11), thread[12]]);
  });

  it('replies through the PDS with createSession, getPosts and createRecord, with the exact bodies', async () => {
    const ws = await seedWorkspace(store.db, 'bskysend');
    const requests: { path: string; authorization: string | undefined; body: unknown; query: URLSearchParams }[] = [];
    let expireOnce = true;
    const pds: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        requests.push({ path: url.pathname, authorization: req.headers.authorization, body: text ? JSON.parse(text) : null, query: url.searchParams });
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (url.pathname === '/xrpc/com.atproto.server.createSession') return json(200, { did: BRAND, handle: 'acme.bsky.social', accessJwt: `jwt-${requests.length}`, refreshJwt: 'refresh' });
        if (url.pathname === '/xrpc/app.bsky.feed.getPosts') {
          if (expireOnce) {
            expireOnce = false;
            return json(400, { error: 'ExpiredToken', message: 'Token has expired' });
          }
          return json(200, {
            posts: [
              {
                uri: 'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001',
                cid: 'bafyreireply000000000000000000000000000000000000000000000001',
                author: { did: 'did:plc:anabeta00000000000000002', handle: 'ana-b.bsky.social' },
                record: { $type: 'app.bsky.feed.post', text: 'kaputt', createdAt: '2024-11-20T09:00:00.000Z', reply: { root: { uri: ROOT, cid: 'bafyreiroot00000000000000000000000000000000000000000000001' }, parent: { uri: ROOT, cid: 'bafyreiroot00000000000000000000000000000000000000000000001' } } },
              },
            ],
          });
        }
        if (url.pathname === '/xrpc/com.atproto.repo.createRecord') return json(200, { uri: `at://${BRAND}/app.bsky.feed.post/3lbanswer${requests.length}`, cid: 'bafyreianswer' });
        json(404, { error: 'MethodNotImplemented' });
      });
    });
    await new Promise<void>((resolve) => pds.listen(0, '127.0.0.1', resolve));
    const { port } = pds.address() as AddressInfo;
    const hook = await channel(ws, { pdsUrl: `http://127.0.0.1:${port}`, identifier: 'acme.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' });
    const fixedNow = () => new Date('2026-11-23T10:00:00.000Z');
    const runtime = createDriverRuntime({ allowPrivateNetwork: true }, new AbortController().signal, undefined, fixedNow);
    const send = blueskyDriver.send;
    if (!send) throw new Error('the Bluesky driver sends');
    const view = await hook.view();
    const sent = await send({ kind: 'reply', text: 'Sorry! We ship a new one today. #AcmeCare', inReplyTo: { externalId: 'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001', threadExternalId: ROOT } }, view, runtime);
    expect(sent.externalId).toMatch(new RegExp(`^at://${BRAND}/app.bsky.feed.post/3lbanswer`));
    const published = await send({ kind: 'publish', text: 'Firmware 2.1 is out: https://acme.example/fw' }, view, runtime);
    expect(published.externalId).toMatch(/app\.bsky\.feed\.post/);
    await expect(send({ kind: 'message', text: 'hi', inReplyTo: { externalId: ROOT } }, view, runtime)).rejects.toThrow(/not supported/);
    await new Promise<void>((resolve) => pds.close(() => resolve()));

    expect(requests.map((r) => [r.path, r.authorization ?? null])).toEqual([
      ['/xrpc/com.atproto.server.createSession', null],
      ['/xrpc/app.bsky.feed.getPosts', 'Bearer jwt-1'],
      // The expired session is renewed once and the reply retried.
      ['/xrpc/com.atproto.server.createSession', null],
      ['/xrpc/app.bsky.feed.getPosts', 'Bearer jwt-3'],
      ['/xrpc/com.atproto.repo.createRecord', 'Bearer jwt-3'],
      ['/xrpc/com.atproto.repo.createRecord', 'Bearer jwt-3'],
    ]);
    expect(requests[0]?.body).toEqual({ identifier: 'acme.bsky.social', password: 'abcd-efgh-ijkl-mnop' });
    expect(requests[1]?.query.getAll('uris')).toEqual(['at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001']);
    expect(requests[4]?.body).toEqual({
      repo: BRAND,
      collection: 'app.bsky.feed.post',
      record: {
        $type: 'app.bsky.feed.post',
        text: 'Sorry! We ship a new one today. #AcmeCare',
        createdAt: '2026-11-23T10:00:00.000Z',
        facets: [{ index: { byteStart: 32, byteEnd: 41 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'AcmeCare' }] }],
        reply: {
          root: { uri: ROOT, cid: 'bafyreiroot00000000000000000000000000000000000000000000001' },
          parent: { uri: 'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001', cid: 'bafyreireply000000000000000000000000000000000000000000000001' },
        },
      },
    });
    expect(requests[5]?.body).toEqual({
      repo: BRAND,
      collection: 'app.bsky.feed.post',
      record: {
        $type: 'app.bsky.feed.post',
        text: 'Firmware 2.1 is out: https://acme.example/fw',
        createdAt: '2026-11-23T10:00:00.000Z',
        facets: [{ index: { byteStart: 21, byteEnd: 44 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://acme.example/fw' }] }],
      },
    });
    expect(BlueskyApiError.name).toBe('BlueskyApiError');
  });
});
