import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionView, NativePayload } from '../../../src/channels/driver.ts';
import { mastodonDriver } from '../../../src/channels/mastodon/mastodon.driver.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, type SeededWorkspace } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { sendJson, startStandIn, type RecordedRequest, type StandIn } from '../meta/standin.ts';

const deps = { analyze: null, now: () => new Date() };
const FIXTURES = new URL('../../fixtures/mastodon/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
const NOW = new Date('2025-11-24T12:00:00.000Z');

type Status = Record<string, unknown> & { id: string };

/** A minimal but complete Status entity, as Mastodon serializes it. */
function makeStatus(id: string, text: string, extra: Record<string, unknown> = {}): Status {
  return {
    id,
    created_at: new Date(Date.UTC(2025, 10, 24, 12, 0, Number(id) % 3600)).toISOString(),
    in_reply_to_id: null,
    visibility: 'public',
    language: 'en',
    uri: `https://mastodon.example/users/kim/statuses/${id}`,
    url: `https://mastodon.example/@kim/${id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    edited_at: null,
    spoiler_text: '',
    content: `<p>${text}</p>`,
    reblog: null,
    account: { id: '42', username: 'kim', acct: 'kim', display_name: 'Kim', url: 'https://mastodon.example/@kim', uri: 'https://mastodon.example/users/kim', followers_count: 3, following_count: 4, bot: false, note: '' },
    media_attachments: [],
    mentions: [],
    tags: [{ name: 'northpeak', url: 'https://mastodon.example/tags/northpeak' }],
    card: null,
    ...extra,
  };
}

const byId = (a: { id: string }, b: { id: string }) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/** A hashtag timeline the way Mastodon pages it: newest first, min_id/max_id, Link next/prev. */
function answerTimeline(request: RecordedRequest, response: ServerResponse, timeline: Status[], base: string, headers: Record<string, string> = {}): void {
  const limit = Number(request.url.searchParams.get('limit') ?? '20');
  const minId = request.url.searchParams.get('min_id');
  const maxId = request.url.searchParams.get('max_id');
  const sorted = [...timeline].sort(byId);
  let page: Status[];
  if (minId) page = sorted.filter((s) => BigInt(s.id) > BigInt(minId)).slice(0, limit).reverse();
  else if (maxId) page = sorted.filter((s) => BigInt(s.id) < BigInt(maxId)).reverse().slice(0, limit);
  else page = sorted.reverse().slice(0, limit);
  const link = page.length > 0 ? `<${base}${request.path}?limit=${limit}&max_id=${page.at(-1)?.id}>; rel="next", <${base}${request.path}?limit=${limit}&min_id=${page[0]?.id}>; rel="prev"` : undefined;
  sendJson(response, 200, page, { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '250', 'x-ratelimit-reset': '2025-11-24T12:05:00.000Z', ...(link ? { link } : {}), ...headers });
}

function connectionFor(instance: StandIn, settings: Record<string, unknown>, state: Record<string, unknown> = {}): ConnectionView {
  return { id: 'conn-m', workspaceId: 'ws', settings: { instanceUrl: instance.url, ...settings }, secrets: { accessToken: 'mastodon-token' }, state };
}

describe('Mastodon hashtag polling against a paging, rate-limiting stand-in', () => {
  let instance: StandIn;
  const timeline: Status[] = [];
  let mode: 'normal' | 'exhaust-on-short-page' | 'too-many' = 'normal';
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal, undefined, () => NOW);

  beforeAll(async () => {
    const fixtureTimeline = JSON.parse(readFileSync(fixturePath('timeline-tag-x200.json'), 'utf8')) as Status[];
    timeline.push(...fixtureTimeline);
    for (let i = 0; i < 45; i++) timeline.push(makeStatus(String(113556000000000000n + BigInt(i)), `post ${i} &amp; more`));
    instance = await startStandIn((request, response) => {
      expect(request.headers['authorization']).toBe('Bearer mastodon-token');
      if (mode === 'too-many') return sendJson(response, 429, { error: 'Too many requests' }, { 'retry-after': '30' });
      if (request.path !== '/api/v1/timelines/tag/X200') return sendJson(response, 404, { error: 'Record not found' });
      const short = mode === 'exhaust-on-short-page' && request.url.searchParams.has('min_id') && timeline.filter((s) => BigInt(s.id) > BigInt(request.url.searchParams.get('min_id') ?? '0')).length < 40;
      return answerTimeline(request, response, timeline, instance.url, short ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2025-11-24T12:02:00.000Z' } : {});
    });
  });
  afterAll(async () => {
    controller.abort();
    await instance?.close();
  });

  const idsIn = (payloads: NativePayload[]) => payloads.flatMap((p) => (JSON.parse(p.body) as Status[]).map((s) => s.id));

  it('takes the newest page plus one backfill page through rel="next" on first contact, then follows rel="prev" from the cursor', async () => {
    const settings = { hashtags: ['X200'], backfillPages: 1 };
    const first = await mastodonDriver.poll!(connectionFor(instance, settings), runtime);
    expect(first.payloads).toHaveLength(2);
    expect(idsIn(first.payloads)).toHaveLength(49);
    expect(first.state).toEqual({ cursors: { 'tag:x200': '113556000000000044' } });
    expect(instance.requests.map((r) => r.url.search)).toEqual(['?limit=40', '?limit=40&max_id=113556000000000005']);
    expect(first.retryAfterSeconds).toBeUndefined();

    for (let i = 45; i < 95; i++) timeline.push(makeStatus(String(113556000000000000n + BigInt(i)), `post ${i}`));
    mode = 'exhaust-on-short-page';
    const second = await mastodonDriver.poll!(connectionFor(instance, settings, first.state), runtime);
    expect(second.payloads).toHaveLength(2);
    expect(idsIn(second.payloads)).toHaveLength(50);
    expect(new Set(idsIn(second.payloads)).size).toBe(50);
    expect(instance.requests.slice(2).map((r) => r.url.searchParams.get('min_id'))).toEqual(['113556000000000044', '113556000000000084']);
    expect(second.state).toEqual({ cursors: { 'tag:x200': '113556000000000094' } });
    // X-RateLimit-Remaining: 0 with an ISO reset two minutes ahead.
    expect(second.retryAfterSeconds).toBe(120);

    mode = 'too-many';
    const limited = await mastodonDriver.poll!(connectionFor(instance, settings, second.state), runtime);
    expect(limited).toEqual({ payloads: [], state: second.state, retryAfterSeconds: 30 });

    mode = 'normal';
    const idle = await mastodonDriver.poll!(connectionFor(instance, settings, second.state), runtime);
    expect(idle).toEqual({ payloads: [], state: second.state });
  });

  it('polls mention notifications with types[]=mention from their own cursor', async () => {
    const notifications = JSON.parse(readFileSync(fixturePath('notifications-mentions.json'), 'utf8')) as Status[];
    const server = await startStandIn((request, response) => answerTimeline(request, response, notifications, ''));
    try {
      const result = await mastodonDriver.poll!(connectionFor(server, { mentions: true }, { cursors: { mentions: '87000' } }), runtime);
      expect(server.requests[0]?.path).toBe('/api/v1/notifications');
      expect(server.requests[0]?.url.searchParams.getAll('types[]')).toEqual(['mention']);
      expect(server.requests[0]?.url.searchParams.get('min_id')).toBe('87000');
      expect(result.state).toEqual({ cursors: { mentions: '88003' } });
      expect(mastodonDriver.parse(result.payloads[0]!).items.filter((i) => i.type === 'post')).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe.each(STORE_KINDS)('Mastodon SSE streaming that drops once, on %s', (kind) => {
  let store: Store;
  let ws: SeededWorkspace;
  let instance: StandIn;
  const timeline: Status[] = [];
  const t = (n: number) => String(113557000000000000n + BigInt(n));
  let streams = 0;
  let afterCatchUp: (() => void) | null = null;
  const sse = (response: ServerResponse, event: string, data: string) => response.write(`event: ${event}\ndata: ${data}\n\n`);

  beforeAll(async () => {
    store = await openTestStore(kind);
    ws = await seedWorkspace(store.db, 'mstream');
    timeline.push(makeStatus(t(1), 'first: the X200 zip broke'));
    instance = await startStandIn((request, response) => {
      if (request.path === '/api/v1/timelines/tag/northpeak') {
        answerTimeline(request, response, timeline, instance.url);
        const script = afterCatchUp;
        afterCatchUp = null;
        if (script) setImmediate(script);
        return;
      }
      if (request.path !== '/api/v1/streaming/hashtag' || request.url.searchParams.get('tag') !== 'northpeak') return sendJson(response, 404, { error: 'not found' });
      expect(request.headers['authorization']).toBe('Bearer mastodon-token');
      streams++;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(':)\n');
      if (streams === 1) {
        afterCatchUp = () => {
          timeline.push(makeStatus(t(2), 'second: same here'));
          sse(response, 'update', JSON.stringify(timeline[1]));
          response.write(':thump\n');
          // A repeat of what the catch-up already returned must not come out twice.
          sse(response, 'update', JSON.stringify(timeline[0]));
          // Published while the connection breaks: only the next catch-up can find it.
          timeline.push(makeStatus(t(3), 'third: posted during the drop'));
          setTimeout(() => response.socket?.destroy(), 20);
        };
      } else {
        afterCatchUp = () => {
          sse(response, 'update', JSON.stringify(timeline[2]));
          sse(response, 'status.update', JSON.stringify(makeStatus(t(1), 'first (edited): the X200 zip broke, replaced now', { edited_at: '2025-11-24T13:00:00.000Z' })));
          sse(response, 'delete', t(2));
          timeline.push(makeStatus(t(4), 'fourth: live again'));
          sse(response, 'update', JSON.stringify(timeline[3]));
          response.write(':thump\n');
        };
      }
    });
  });
  afterAll(async () => {
    await instance?.close();
    await store?.close();
  });

  it('resumes after the drop by catching up over REST, without losing or repeating a status', async () => {
    const controller = new AbortController();
    const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
    const received: { payload: NativePayload; state: Record<string, unknown> }[] = [];
    const streaming = mastodonDriver.stream!(connectionFor(instance, { hashtags: ['northpeak'] }), runtime, async (payload, state) => {
      received.push({ payload, state });
      await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId: null, channel: 'mastodon', source: 'stream', contentType: payload.contentType ?? null, headers: payload.headers ?? {}, body: payload.body, dedupeKey: null });
      if (payload.body.includes(t(4))) controller.abort();
    });
    await streaming;
    expect(streams).toBe(2);

    const items = received.flatMap(({ payload }) => mastodonDriver.parse(payload).items);
    const fresh = items.flatMap((i) => (i.type === 'post' && !i.post.editedAt ? [i.post.externalId] : []));
    expect(fresh.sort()).toEqual([t(1), t(2), t(3), t(4)]);
    expect(items.filter((i) => i.type === 'post' && i.post.editedAt).map((i) => (i.type === 'post' ? i.post.externalId : ''))).toEqual([t(1)]);
    expect(items.filter((i) => i.type === 'delete').map((i) => (i.type === 'delete' ? i.externalId : ''))).toEqual([t(2)]);
    expect(received.at(-1)?.state).toEqual({ cursors: { 'tag:northpeak': t(4) } });
    // The second catch-up asked only for what came after the last stored status.
    const catchUps = instance.requests.filter((r) => r.path === '/api/v1/timelines/tag/northpeak');
    expect(catchUps).toHaveLength(2);
    expect(catchUps[0]?.url.searchParams.has('min_id')).toBe(false);
    expect([t(1), t(2)]).toContain(catchUps[1]?.url.searchParams.get('min_id'));

    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const rows = await store.db.selectFrom('posts').select(['external_id', 'text', 'deleted_at', 'edited_at']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(rows.map((r) => [r.external_id, r.text, r.deleted_at !== null, r.edited_at !== null])).toEqual([
      [t(1), 'first (edited): the X200 zip broke, replaced now', false, true],
      [t(2), 'second: same here', true, false],
      [t(3), 'third: posted during the drop', false, false],
      [t(4), 'fourth: live again', false, false],
    ]);
  });
});

describe.each(STORE_KINDS)('Mastodon import on %s', (kind) => {
  let store: Store;
  let ws: SeededWorkspace;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ws = await seedWorkspace(store.db, 'mimport');
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each([
    ['timeline-tag-x200.json', 3, 1],
    ['notifications-mentions.json', 2, 0],
    ['streaming-events.json', 1, 1],
  ])('imports %s with exact counts and adds nothing the second time', async (name, imported, duplicates) => {
    const first = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'mastodon', path: fixturePath(name) });
    expect(first).toMatchObject({ imported, duplicates, rejected: 0 });
    const second = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'mastodon', path: fixturePath(name) });
    expect(second).toMatchObject({ imported: 0, rejected: 0 });
  });

  it('ends with the threaded, edited and deleted posts the files describe', async () => {
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'deleted_at', 'text', 'language', 'metrics']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(rows.map((r) => r.external_id)).toEqual(['113555000000000101', '113555000000000202', '113555000000000404', '113555000000000505', '113555000000000606', '113555000000000707']);
    const root = rows.find((r) => r.external_id === '113555000000000101');
    const reply = rows.find((r) => r.external_id === '113555000000000202');
    expect(reply?.parent_id).toBe(root?.id);
    expect(reply?.text).toContain('Ersatz kam heute ✅');
    expect(rows.find((r) => r.external_id === '113555000000000707')?.deleted_at).not.toBeNull();
    const revisions = await store.db.selectFrom('post_revisions').select('text').where('post_id', '=', reply?.id ?? '').execute();
    expect(revisions.map((r) => r.text)).toEqual(['@ana_b Bei mir genauso – der Reißverschluss hielt keine Woche. #X200']);
    const identity = await store.db.selectFrom('social_identities').selectAll().where('workspace_id', '=', ws.workspaceId).where('handle', '=', 'jo@chaos.social').executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ external_id: 'https://chaos.social/users/jo', display_name: 'Jo Weber', followers: 87 });
  });
});

describe('Mastodon replies through the statuses API', () => {
  let instance: StandIn;
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
  const original: Record<string, Status> = {
    '113555000000000202': makeStatus('113555000000000202', 'Bei mir genauso', { account: { id: '9', acct: 'jo@chaos.social', username: 'jo' }, visibility: 'public' }),
    '113555000000000606': makeStatus('113555000000000606', 'thanks for the swap', { account: { id: '7', acct: 'ana_b', username: 'ana_b' }, visibility: 'direct' }),
  };
  beforeAll(async () => {
    instance = await startStandIn((request, response) => {
      const match = /^\/api\/v1\/statuses\/(\d+)$/.exec(request.path);
      if (request.method === 'GET' && match) return original[match[1] ?? ''] ? sendJson(response, 200, original[match[1] ?? '']) : sendJson(response, 404, { error: 'Record not found' });
      if (request.method === 'POST' && request.path === '/api/v1/statuses') return sendJson(response, 200, makeStatus('113555000000009999', 'reply'));
      return sendJson(response, 404, { error: 'not found' });
    });
  });
  afterAll(async () => {
    controller.abort();
    await instance?.close();
  });

  const posted = () => {
    const request = instance.requests.filter((r) => r.method === 'POST').at(-1);
    return { path: request?.path, auth: request?.headers['authorization'], key: request?.headers['idempotency-key'], body: JSON.parse(request?.body ?? 'null') as unknown };
  };

  it('replies with in_reply_to_id, mentions the author and sends the outbox idempotency key', async () => {
    const sent = await mastodonDriver.send!({ kind: 'reply', text: 'Sorry to hear that! A replacement is on its way.', idempotencyKey: 'outbox-1', inReplyTo: { externalId: '113555000000000202' } }, connectionFor(instance, {}), runtime);
    expect(sent).toEqual({ externalId: '113555000000009999' });
    expect(posted()).toEqual({
      path: '/api/v1/statuses',
      auth: 'Bearer mastodon-token',
      key: 'outbox-1',
      body: { status: '@jo@chaos.social Sorry to hear that! A replacement is on its way.', visibility: 'public', in_reply_to_id: '113555000000000202' },
    });
  });

  it('keeps a reply to a direct message direct', async () => {
    await mastodonDriver.send!({ kind: 'reply', text: 'You are welcome!', idempotencyKey: 'outbox-2', inReplyTo: { externalId: '113555000000000606' } }, connectionFor(instance, {}), runtime);
    expect(posted().body).toEqual({ status: '@ana_b You are welcome!', visibility: 'direct', in_reply_to_id: '113555000000000606' });
  });

  it('fails with the reason when the status replied to is gone', async () => {
    await expect(mastodonDriver.send!({ kind: 'reply', text: 'x', inReplyTo: { externalId: '1' } }, connectionFor(instance, {}), runtime)).rejects.toMatchObject({ kind: 'permanent', message: 'Mastodon answered 404 reading status 1: Record not found' });
  });
});
