import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../../src/channels/channels.repository.ts';
import { connectionView } from '../../../src/channels/channels.service.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { youtubeDriver } from '../../../src/channels/youtube/youtube.driver.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { countPosts, pollOnce } from '../rss/poll-once.ts';

const deps = { analyze: null, now: () => new Date() };
const API_KEY = 'AIzaSyTestKeyForStandIn0000';
const OAUTH = 'ya29.test-oauth-token';
const VIDEO = 'kq7Rz3T2eXo';
const OWN = new URL('../../fixtures/youtube/', import.meta.url);
const ownPath = (name: string) => new URL(name, OWN).pathname;
const page = (name: string) => JSON.parse(readFileSync(ownPath(name), 'utf8')) as Record<string, unknown> & { items: unknown[] };

const MANY_REPLIES_VIDEO = 'Vb3kT9xQ2mE';
const MANY_REPLIES_THREAD = 'UgwMny7Rpl1s9Kx4Tq2AaABAg';

/** The page a pageToken names: the first without one, else the page after the one whose nextPageToken it is. */
function pageFor(pages: Record<string, unknown>[], token: string | null): Record<string, unknown> | undefined {
  return token === null ? pages[0] : pages.find((_, i) => i > 0 && pages[i - 1]?.['nextPageToken'] === token);
}

/** The YouTube Data API v3 as far as commentThreads.list, comments.list (pageToken paging) and comments.insert go. */
class YoutubeStandIn {
  server!: Server;
  url = '';
  /** The pages the API serves, in order; the token of page n+1 is the nextPageToken of page n. */
  pages = [page('commentThreads-page1.json'), page('commentThreads-page2.json')];
  /** Pages served for other videos, by video id. */
  videoPages = new Map<string, Record<string, unknown>[]>([[MANY_REPLIES_VIDEO, [page('commentThreads-many-replies.json')]]]);
  /** comments.list?parentId= answers, by thread id, paged like the real API (4 and 3 replies here). */
  replyPages = new Map<string, Record<string, unknown>[]>([[MANY_REPLIES_THREAD, [page('comments-parentId-page1.json'), page('comments-parentId-page2.json')]]]);
  requests: URLSearchParams[] = [];
  replyRequests: URLSearchParams[] = [];
  quotaExceeded = false;
  /** Answer the next comments.list call with quotaExceeded. */
  replyQuotaOnce = false;
  inserted: { auth: string | undefined; body: unknown }[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
      if (req.method === 'GET' && url.pathname === '/youtube/v3/commentThreads') {
        this.requests.push(url.searchParams);
        if (url.searchParams.get('key') !== API_KEY) return json(400, { error: { code: 400, message: 'API key not valid.', errors: [{ reason: 'keyInvalid' }] } });
        if (this.quotaExceeded) return json(403, { error: { code: 403, message: 'quota', errors: [{ domain: 'youtube.quota', reason: 'quotaExceeded' }] } });
        const pages = this.videoPages.get(url.searchParams.get('videoId') ?? '') ?? this.pages;
        const body = pageFor(pages, url.searchParams.get('pageToken'));
        if (!body) return json(400, { error: { code: 400, errors: [{ reason: 'invalidPageToken' }] } });
        return json(200, body);
      }
      if (req.method === 'GET' && url.pathname === '/youtube/v3/comments') {
        this.replyRequests.push(url.searchParams);
        if (url.searchParams.get('key') !== API_KEY) return json(400, { error: { code: 400, message: 'API key not valid.', errors: [{ reason: 'keyInvalid' }] } });
        if (this.replyQuotaOnce) {
          this.replyQuotaOnce = false;
          return json(403, { error: { code: 403, message: 'quota', errors: [{ domain: 'youtube.quota', reason: 'quotaExceeded' }] } });
        }
        const pages = this.replyPages.get(url.searchParams.get('parentId') ?? '');
        if (!pages) return json(404, { error: { code: 404, errors: [{ reason: 'commentNotFound' }] } });
        const body = pageFor(pages, url.searchParams.get('pageToken'));
        if (!body) return json(400, { error: { code: 400, errors: [{ reason: 'invalidPageToken' }] } });
        return json(200, body);
      }
      if (req.method === 'POST' && url.pathname === '/youtube/v3/comments') {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          this.inserted.push({ auth: req.headers['authorization'], body: JSON.parse(raw) });
          json(200, { kind: 'youtube#comment', id: 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg.NewReply00001', snippet: {} });
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/youtube/v3`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(STORE_KINDS)('YouTube comment threads on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  const api = new YoutubeStandIn();

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'youtube');
    await api.start();
  });
  afterAll(async () => {
    await api.close();
    await server?.close();
    await store?.close();
  });

  const connect = async (workspace: SeededWorkspace, settings: Record<string, unknown>): Promise<string> => {
    const created = await server.request('POST', '/api/v1/channels', { token: workspace.tokens.manager, body: { type: 'youtube', name: 'Kestrel on YouTube', settings: { apiKey: API_KEY, apiBaseUrl: api.url, ...settings } } });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(API_KEY);
    return created.body.id;
  };

  it('imports each response file with exact counts; a second import adds nothing', async () => {
    const importWs = await seedWorkspace(store.db, 'youtube-import');
    const run = (file: string) => importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'youtube', path: ownPath(file) });
    expect(await run('commentThreads-page1.json')).toMatchObject({ imported: 4, duplicates: 0, rejected: 0 });
    expect(await run('commentThreads-page2.json')).toMatchObject({ imported: 1, duplicates: 0, rejected: 0 });
    expect(await run('commentThreads-page1.json')).toMatchObject({ imported: 0, duplicates: 4, rejected: 0 });
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_external_id']).where('workspace_id', '=', importWs.workspaceId).execute();
    expect(rows).toHaveLength(5);
    const top = rows.find((r) => r.external_id === 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg');
    expect(rows.filter((r) => r.parent_id === top?.id).map((r) => r.external_id).sort()).toEqual(['UgzQ8m1Hc4kP2vXr7Bl4AaABAg.AbCdEfGhIjK9xYz01', 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg.AbCdEfGhIjK9xYz02']);
    expect(new Set(rows.map((r) => r.thread_external_id))).toEqual(new Set([VIDEO]));
  });

  it('pages through a video with pageToken, then stops at the newest comment seen and picks up only new ones', async () => {
    const id = await connect(ws, { videoIds: [VIDEO], channelId: 'UCk3stR3lB1k3sOfficial01' });
    api.requests = [];
    const first = await pollOnce(store, server.ctx.secrets, ws.workspaceId, id);
    const CHANNEL = 'UCk3stR3lB1k3sOfficial01';
    expect(api.requests.map((q) => [q.get('videoId') ?? q.get('allThreadsRelatedToChannelId'), q.get('pageToken'), q.get('part'), q.get('order')])).toEqual([
      [VIDEO, null, 'snippet,replies', 'time'],
      [VIDEO, 'QURTSl9pMkx5dGpHbEpYMWRhNXFjN3Rk', 'snippet,replies', 'time'],
      [CHANNEL, null, 'snippet,replies', 'time'],
      [CHANNEL, 'QURTSl9pMkx5dGpHbEpYMWRhNXFjN3Rk', 'snippet,replies', 'time'],
    ]);
    expect(first.state).toEqual({ targets: { [`video:${VIDEO}`]: { newest: '2026-04-11T07:41:55.000Z' }, [`channel:${CHANNEL}`]: { newest: '2026-04-11T07:41:55.000Z' } } });
    expect(await countPosts(store, ws.workspaceId, 'youtube')).toBe(5);
    const own = await store.db.selectFrom('posts').select(['direction']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg.AbCdEfGhIjK9xYz01').executeTakeFirstOrThrow();
    expect(own.direction).toBe('out');

    // A new top-level comment arrives at the top of page 1.
    const fresh = structuredClone(api.pages[0]!.items[1]) as { id: string; snippet: { topLevelComment: { id: string; snippet: Record<string, unknown> } } };
    fresh.id = 'UgxNEWcomment000000004AaABAg';
    fresh.snippet.topLevelComment.id = fresh.id;
    Object.assign(fresh.snippet.topLevelComment.snippet, { textOriginal: 'Bought one after this video, love it!', publishedAt: '2026-04-12T09:00:00Z', updatedAt: '2026-04-12T09:00:00Z' });
    api.pages[0]!.items.unshift(fresh);
    api.requests = [];
    const second = await pollOnce(store, server.ctx.secrets, ws.workspaceId, id);
    expect(api.requests.map((q) => q.get('pageToken'))).toEqual([null, null]);
    expect(second.state).toEqual({ targets: { [`video:${VIDEO}`]: { newest: '2026-04-12T09:00:00.000Z' }, [`channel:${CHANNEL}`]: { newest: '2026-04-12T09:00:00.000Z' } } });
    expect(await countPosts(store, ws.workspaceId, 'youtube')).toBe(6);
  });

  it('resumes a backfill cut short by maxPages from its pageToken, and waits out a quota error', async () => {
    const pollWs = await seedWorkspace(store.db, 'youtube-pages');
    const id = await connect(pollWs, { videoIds: [VIDEO], maxPages: 1 });
    const first = await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, id);
    expect(first.state).toMatchObject({ targets: { [`video:${VIDEO}`]: { pageToken: 'QURTSl9pMkx5dGpHbEpYMWRhNXFjN3Rk' } } });
    api.quotaExceeded = true;
    const blocked = await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, id);
    api.quotaExceeded = false;
    expect(blocked.retryAfterSeconds).toBe(3600);
    expect(blocked.state).toEqual(first.state);
    api.requests = [];
    const resumed = await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, id);
    expect(api.requests.map((q) => q.get('pageToken'))).toEqual(['QURTSl9pMkx5dGpHbEpYMWRhNXFjN3Rk']);
    expect(resumed.state).toEqual({ targets: { [`video:${VIDEO}`]: { newest: '2026-04-12T09:00:00.000Z' } } });
    expect(await countPosts(store, pollWs.workspaceId, 'youtube')).toBe(6);
  });

  it('reads every reply of a new thread with more replies than commentThreads carries, across comments.list pages, exactly once', async () => {
    const repliesWs = await seedWorkspace(store.db, 'youtube-replies');
    const id = await connect(repliesWs, { videoIds: [MANY_REPLIES_VIDEO] });
    api.replyRequests = [];
    const first = await pollOnce(store, server.ctx.secrets, repliesWs.workspaceId, id);
    expect(api.replyRequests.map((q) => [q.get('part'), q.get('parentId'), q.get('maxResults'), q.get('pageToken')])).toEqual([
      ['snippet', MANY_REPLIES_THREAD, '100', null],
      ['snippet', MANY_REPLIES_THREAD, '100', 'Z2V0UmVwbGllcy1wYWdlLTI'],
    ]);
    // The thread page, then both comments.list pages, each stored as its own raw payload.
    expect(first.payloads).toHaveLength(3);
    expect(first.payloads[1]?.headers).toEqual({ 'x-youtube-video-id': MANY_REPLIES_VIDEO });
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_external_id', 'kind', 'text']).where('workspace_id', '=', repliesWs.workspaceId).execute();
    expect(rows).toHaveLength(8);
    const top = rows.find((r) => r.external_id === MANY_REPLIES_THREAD);
    const replies = rows.filter((r) => r.external_id !== MANY_REPLIES_THREAD);
    expect(replies.map((r) => r.external_id).sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `${MANY_REPLIES_THREAD}.AqR0${n}mnyRpl9xYz0`));
    expect(replies.every((r) => r.parent_id === top?.id && r.kind === 'reply' && r.thread_external_id === MANY_REPLIES_VIDEO)).toBe(true);
    expect(replies.find((r) => r.external_id.endsWith('AqR07mnyRpl9xYz0'))?.text).toBe('@KestrelBikes any news on the cold weather issue?');
    const stored = await store.db.selectFrom('raw_intake').select(['status']).where('workspace_id', '=', repliesWs.workspaceId).execute();
    expect(stored.map((r) => r.status)).toEqual(['processed', 'processed', 'processed']);

    // The same thread on the next poll is known: its replies are not read again.
    api.replyRequests = [];
    const second = await pollOnce(store, server.ctx.secrets, repliesWs.workspaceId, id);
    expect(api.replyRequests).toEqual([]);
    expect(second.payloads).toHaveLength(1);
    expect(await countPosts(store, repliesWs.workspaceId, 'youtube')).toBe(8);
  });

  it('keeps its cursor when comments.list runs out of quota, and reads the replies on the next poll', async () => {
    const quotaWs = await seedWorkspace(store.db, 'youtube-replies-quota');
    const id = await connect(quotaWs, { videoIds: [MANY_REPLIES_VIDEO] });
    api.replyQuotaOnce = true;
    const blocked = await pollOnce(store, server.ctx.secrets, quotaWs.workspaceId, id);
    expect(blocked.retryAfterSeconds).toBe(3600);
    // The thread page is stored, but the target's newest time has not moved past the thread.
    expect(blocked.state).toEqual({ targets: { [`video:${MANY_REPLIES_VIDEO}`]: {} } });
    expect(await countPosts(store, quotaWs.workspaceId, 'youtube')).toBe(6);
    api.replyRequests = [];
    const resumed = await pollOnce(store, server.ctx.secrets, quotaWs.workspaceId, id);
    expect(api.replyRequests).toHaveLength(2);
    expect(resumed.state).toEqual({ targets: { [`video:${MANY_REPLIES_VIDEO}`]: { newest: '2026-04-14T14:15:00.000Z' } } });
    expect(await countPosts(store, quotaWs.workspaceId, 'youtube')).toBe(8);
  });

  it('replies with comments.insert to the top-level comment using the OAuth token', async () => {
    const id = await connect(ws, { videoIds: [VIDEO], oauthToken: OAUTH });
    const row = await findConnection(store.db, ws.workspaceId, id);
    if (!row) throw new Error('connection missing');
    const result = await youtubeDriver.send!(
      { kind: 'reply', text: 'Danke Tom!', inReplyTo: { externalId: 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg.AbCdEfGhIjK9xYz02' } },
      connectionView(server.ctx.secrets, row),
      createDriverRuntime({ allowPrivateNetwork: true }, new AbortController().signal),
    );
    expect(result).toEqual({ externalId: 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg.NewReply00001' });
    expect(api.inserted.at(-1)).toEqual({ auth: `Bearer ${OAUTH}`, body: { snippet: { parentId: 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg', textOriginal: 'Danke Tom!' } } });
  });
});
