import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionView, NativePayload } from '../../../src/channels/driver.ts';
import { redditDriver } from '../../../src/channels/reddit/reddit.driver.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, type SeededWorkspace } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { sendJson, startStandIn, type StandIn } from '../meta/standin.ts';

const deps = { analyze: null, now: () => new Date() };
const FIXTURES = new URL('../../fixtures/reddit/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
const USER_AGENT = 'linux:townhall-tests:0.1 (by /u/townhall_dev)';

type Child = { kind: 't3'; data: Record<string, unknown> & { name: string } };

/** A t3 link as Reddit lists it, numbered so that a higher number is newer. */
function makeLink(n: number): Child {
  const id = `1k${n.toString(36).padStart(4, '0')}`;
  return {
    kind: 't3',
    data: {
      id,
      name: `t3_${id}`,
      subreddit: 'CampingGear',
      title: `Trip report ${n}: NorthPeak X200 &amp; friends`,
      selftext: n % 2 === 0 ? `Day ${n} went fine.` : '',
      is_self: true,
      author: `hiker_${n % 7}`,
      author_fullname: `t2_hiker${n % 7}`,
      score: n,
      num_comments: n % 5,
      created_utc: 1732400000 + n * 60,
      edited: false,
      permalink: `/r/CampingGear/comments/${id}/trip_report_${n}/`,
      url: `https://www.reddit.com/r/CampingGear/comments/${id}/trip_report_${n}/`,
    },
  };
}

function connectionFor(server: StandIn, settings: Record<string, unknown>, state: Record<string, unknown> = {}, secrets: Record<string, string> = { accessToken: 'reddit-token' }): ConnectionView {
  return { id: 'conn-r', workspaceId: 'ws', settings: { baseUrl: server.url, userAgent: USER_AGENT, ...settings }, secrets, state };
}

describe.each(STORE_KINDS)('Reddit subreddit polling with before/after fullname cursors on %s', (kind) => {
  let store: Store;
  let ws: SeededWorkspace;
  let reddit: StandIn;
  /** Newest first, as /new lists them. */
  const listing: Child[] = [];
  let limitNext: 'none' | 'exhausted' | '429' = 'none';
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);

  beforeAll(async () => {
    store = await openTestStore(kind);
    ws = await seedWorkspace(store.db, 'rpoll');
    for (let n = 0; n < 150; n++) listing.unshift(makeLink(n));
    reddit = await startStandIn((request, response) => {
      if (request.headers['user-agent'] !== USER_AGENT) return sendJson(response, 429, { message: 'Too Many Requests', error: 429 });
      if (limitNext === '429') return sendJson(response, 429, { message: 'Too Many Requests', error: 429 }, { 'retry-after': '17' });
      if (request.path !== '/r/CampingGear/new.json') return sendJson(response, 404, { message: 'Not Found', error: 404 });
      const limit = Number(request.url.searchParams.get('limit') ?? '25');
      const before = request.url.searchParams.get('before');
      const after = request.url.searchParams.get('after');
      let page: Child[];
      if (before) {
        const at = listing.findIndex((c) => c.data.name === before);
        // The `limit` items just newer than the cursor, still listed newest first.
        page = at <= 0 ? [] : listing.slice(Math.max(0, at - limit), at);
      } else if (after) {
        const at = listing.findIndex((c) => c.data.name === after);
        page = at < 0 ? [] : listing.slice(at + 1, at + 1 + limit);
      } else page = listing.slice(0, limit);
      const last = page.at(-1);
      const hasOlder = last ? listing.indexOf(last) < listing.length - 1 : false;
      const headers = limitNext === 'exhausted' && page.length < limit ? { 'x-ratelimit-remaining': '0.0', 'x-ratelimit-used': '100', 'x-ratelimit-reset': '42' } : { 'x-ratelimit-remaining': '95.0', 'x-ratelimit-used': '5', 'x-ratelimit-reset': '300' };
      return sendJson(response, 200, { kind: 'Listing', data: { after: hasOlder && last ? last.data.name : null, before: page[0]?.data.name ?? null, dist: page.length, modhash: '', children: page } }, headers);
    });
  });
  afterAll(async () => {
    controller.abort();
    await reddit?.close();
    await store?.close();
  });

  const names = (payloads: NativePayload[]) => payloads.flatMap((p) => redditDriver.parse(p).items.flatMap((i) => (i.type === 'post' ? [i.post.externalId] : [])));

  it('pages new posts forward with before, backfills with after, honours rate-limit headers, and stores each post once', async () => {
    const settings = { subreddits: ['CampingGear'], backfillPages: 1 };
    const first = await redditDriver.poll!(connectionFor(reddit, settings), runtime);
    expect(first.payloads).toHaveLength(2);
    expect(names(first.payloads)).toHaveLength(150);
    expect(first.state).toEqual({ sources: { 'r/campinggear': { before: makeLink(149).data.name, after: null, backfilled: 1 } } });
    expect(reddit.requests.map((r) => [r.url.searchParams.get('before'), r.url.searchParams.get('after'), r.url.searchParams.get('raw_json')])).toEqual([
      [null, null, '1'],
      [null, makeLink(50).data.name, '1'],
    ]);
    expect(reddit.requests.every((r) => r.headers['authorization'] === 'Bearer reddit-token')).toBe(true);

    for (let n = 150; n < 280; n++) listing.unshift(makeLink(n));
    limitNext = 'exhausted';
    const second = await redditDriver.poll!(connectionFor(reddit, settings, first.state), runtime);
    expect(names(second.payloads)).toHaveLength(130);
    expect(new Set([...names(first.payloads), ...names(second.payloads)]).size).toBe(280);
    expect(reddit.requests.slice(2).map((r) => r.url.searchParams.get('before'))).toEqual([makeLink(149).data.name, makeLink(249).data.name]);
    expect(second.state).toEqual({ sources: { 'r/campinggear': { before: makeLink(279).data.name, after: null, backfilled: 1 } } });
    // X-Ratelimit-Remaining 0 with X-Ratelimit-Reset in seconds.
    expect(second.retryAfterSeconds).toBe(42);

    limitNext = '429';
    expect(await redditDriver.poll!(connectionFor(reddit, settings, second.state), runtime)).toEqual({ payloads: [], state: second.state, retryAfterSeconds: 17 });
    limitNext = 'none';
    expect(await redditDriver.poll!(connectionFor(reddit, settings, second.state), runtime)).toEqual({ payloads: [], state: second.state });

    for (const payload of [...first.payloads, ...second.payloads, ...first.payloads]) {
      await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId: null, channel: 'reddit', source: 'poll', contentType: payload.contentType ?? null, headers: payload.headers ?? {}, body: payload.body, dedupeKey: null });
    }
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const count = await store.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.workspaceId).where('channel', '=', 'reddit').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(280);
    const sample = await store.db.selectFrom('posts').select(['text', 'metrics']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', makeLink(12).data.name).executeTakeFirstOrThrow();
    expect(sample).toEqual({ text: 'Trip report 12: NorthPeak X200 & friends\n\nDay 12 went fine.', metrics: { score: 12, replies: 2 } });
  });

  it('refuses to poll without a User-Agent', async () => {
    await expect(redditDriver.poll!({ ...connectionFor(reddit, { subreddits: ['CampingGear'] }), settings: { baseUrl: reddit.url, subreddits: ['CampingGear'] } }, runtime)).rejects.toThrow(/User-Agent/);
  });
});

describe('Reddit search polling', () => {
  it('asks /search.json sorted by new and keeps a cursor per query', async () => {
    const body = readFileSync(fixturePath('search-northpeak-x200.json'), 'utf8');
    const reddit = await startStandIn((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(request.url.searchParams.get('before') ? JSON.stringify({ kind: 'Listing', data: { after: null, before: null, children: [] } }) : body);
    });
    const controller = new AbortController();
    try {
      const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
      const result = await redditDriver.poll!(connectionFor(reddit, { searches: ['northpeak x200'] }, {}, {}), runtime);
      expect(reddit.requests[0]?.path).toBe('/search.json');
      expect(Object.fromEntries(reddit.requests[0]?.url.searchParams ?? [])).toEqual({ q: 'northpeak x200', sort: 'new', type: 'link', limit: '100', raw_json: '1' });
      expect(reddit.requests[0]?.headers['authorization']).toBeUndefined();
      expect(result.state).toEqual({ sources: { 'search:northpeak x200': { before: 't3_1h2xyz9', after: 't3_1h2xyz8', backfilled: 0 } } });
      const again = await redditDriver.poll!(connectionFor(reddit, { searches: ['northpeak x200'] }, result.state, {}), runtime);
      expect(again.payloads).toEqual([]);
      expect(reddit.requests[1]?.url.searchParams.get('before')).toBe('t3_1h2xyz9');
    } finally {
      controller.abort();
      await reddit.close();
    }
  });
});

describe.each(STORE_KINDS)('Reddit import on %s', (kind) => {
  let store: Store;
  let ws: SeededWorkspace;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ws = await seedWorkspace(store.db, 'rimport');
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each([
    ['r-campinggear-new.json', 3, 0],
    ['comments-t3_1h2abc1.json', 5, 1],
    ['search-northpeak-x200.json', 2, 0],
  ])('imports %s with exact counts and adds nothing the second time', async (name, imported, duplicates) => {
    const first = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'reddit', path: fixturePath(name) });
    expect(first).toMatchObject({ imported, duplicates, rejected: 0 });
    const second = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'reddit', path: fixturePath(name) });
    expect(second).toMatchObject({ imported: 0, rejected: 0 });
  });

  it('threads the comment tree under its post and keeps the orphan of a deleted comment on the thread', async () => {
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id', 'thread_external_id', 'metrics']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(rows.map((r) => r.external_id)).toEqual(['t1_lz9d001', 't1_lz9d003', 't1_lz9d004', 't1_lz9d006', 't1_lz9d007', 't3_1h2abc1', 't3_1h2abc2', 't3_1h2abc4', 't3_1h2xyz8', 't3_1h2xyz9']);
    const id = (externalId: string) => rows.find((r) => r.external_id === externalId)?.id;
    const row = (externalId: string) => rows.find((r) => r.external_id === externalId);
    expect(row('t1_lz9d001')?.parent_id).toBe(id('t3_1h2abc1'));
    expect(row('t1_lz9d003')?.parent_id).toBe(id('t1_lz9d001'));
    expect(row('t1_lz9d004')?.parent_id).toBe(id('t1_lz9d003'));
    expect(row('t1_lz9d004')?.thread_id).toBe(id('t3_1h2abc1'));
    expect(row('t1_lz9d006')).toMatchObject({ parent_id: null, thread_external_id: 't3_1h2abc1' });
    // The comments endpoint saw more comments than the listing did: the count moved on.
    expect(row('t3_1h2abc1')?.metrics).toEqual({ score: 42, replies: 7 });
  });
});

/** A t1 comment as /api/morechildren returns it (flat, replies ""). */
function makeComment(id36: string, parent: string, linkId: string, n: number): { kind: 't1'; data: Record<string, unknown> } {
  return { kind: 't1', data: { id: id36, name: `t1_${id36}`, parent_id: parent, link_id: linkId, author: `camper_${n % 9}`, author_fullname: `t2_camper${n % 9}`, body: `Comment ${n}`, created_utc: 1732460000 + n, edited: false, score: 1, replies: '', permalink: `/r/CampingGear/comments/${linkId.slice(3)}/x/${id36}/` } };
}

describe.each(STORE_KINDS)('Reddit watched threads with collapsed comments on %s', (kind) => {
  let store: Store;
  let reddit: StandIn;
  /** Rate-limit headers on the next /api/morechildren answer. */
  let exhaustNextMore = false;
  const bigIds = Array.from({ length: 150 }, (_, i) => `m${(1000 + i).toString(36)}`);
  const bigTree = [
    { kind: 'Listing', data: { children: [{ kind: 't3', data: { id: '1h2big1', name: 't3_1h2big1', title: 'Megathread: winter camping', selftext: '', is_self: true, author: 'mod_bot', author_fullname: 't2_modbot', created_utc: 1732450000, edited: false, permalink: '/r/CampingGear/comments/1h2big1/megathread/' } }] } },
    { kind: 'Listing', data: { children: [{ kind: 'more', data: { count: 150, name: `t1_${bigIds[0]}`, id: bigIds[0], parent_id: 't3_1h2big1', depth: 0, children: bigIds } }] } },
  ];
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
  const body = (name: string) => readFileSync(fixturePath(name), 'utf8');

  beforeAll(async () => {
    store = await openTestStore(kind);
    reddit = await startStandIn((request, response) => {
      const q = request.url.searchParams;
      if (request.headers['user-agent'] !== USER_AGENT) return sendJson(response, 429, { message: 'Too Many Requests', error: 429 });
      if (request.path === '/comments/1h2abc1.json') {
        response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
        return void response.end(body(q.get('comment') === 'lz9d0m2' ? 'comments-t3_1h2abc1-comment-lz9d0m2.json' : 'comments-t3_1h2abc1.json'));
      }
      if (request.path === '/comments/1h2big1.json') return sendJson(response, 200, bigTree);
      if (request.path === '/api/morechildren') {
        if (q.get('api_type') !== 'json' || q.get('limit_children') !== 'false') return sendJson(response, 400, { json: { errors: [['BAD_REQUEST', 'bad', 'api_type']] } });
        const children = q.get('children') ?? '';
        const headers: Record<string, string> = exhaustNextMore ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42', 'x-ratelimit-used': '600' } : { 'x-ratelimit-remaining': '120' };
        exhaustNextMore = false;
        if (q.get('link_id') === 't3_1h2big1') {
          const things = children.split(',').map((id, n) => makeComment(id, 't3_1h2big1', 't3_1h2big1', n));
          return sendJson(response, 200, { json: { errors: [], data: { things } } }, headers);
        }
        const file = children === 'lz9d0m1,lz9d0m2,lz9d0m3' ? 'morechildren-lz9d0m1-3.json' : children === 'lz9d0m4' ? 'morechildren-lz9d0m4.json' : null;
        if (!file) return sendJson(response, 400, { json: { errors: [['INVALID_ID', children, 'children']] } });
        response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', ...headers });
        return void response.end(body(file));
      }
      return sendJson(response, 404, { message: 'Not Found', error: 404 });
    });
  });
  afterAll(async () => {
    controller.abort();
    await reddit?.close();
    await store?.close();
  });

  const storeAll = async (workspaceId: string, payloads: NativePayload[]) => {
    for (const payload of payloads) {
      await insertRaw(store.db, { workspaceId, connectionId: null, channel: 'reddit', source: 'poll', contentType: payload.contentType ?? null, headers: payload.headers ?? {}, body: payload.body, dedupeKey: null });
    }
    await drainIntake(store.db, deps, { workspaceId });
  };

  it('expands more stubs through /api/morechildren and "continue this thread", waits out the rate limit, and asks for each id once', async () => {
    const ws = await seedWorkspace(store.db, 'rmore');
    const settings = { threads: ['1h2abc1'] };
    exhaustNextMore = true;
    const first = await redditDriver.poll!(connectionFor(reddit, settings), runtime);
    // X-Ratelimit-Remaining 0 after the first expansion: stop, keep what was read, wait the reset.
    expect(first.retryAfterSeconds).toBe(42);
    expect(first.payloads.map((p) => p.headers?.['x-reddit-fetch'])).toEqual(['comments', 'morechildren']);
    // The stubs that answer held are kept for the next poll.
    expect(first.state).toEqual({
      sources: {},
      threads: {
        t3_1h2abc1: {
          expanded: ['lz9d0m1', 'lz9d0m2', 'lz9d0m3'],
          pending: [
            { parentId: 't1_lz9d0m1', children: ['lz9d0m4'], continueThread: false },
            { parentId: 't1_lz9d0m2', children: [], continueThread: true },
          ],
        },
      },
    });
    await storeAll(ws.workspaceId, first.payloads);

    reddit.requests.length = 0;
    const second = await redditDriver.poll!(connectionFor(reddit, settings, first.state), runtime);
    expect(second.retryAfterSeconds).toBeUndefined();
    expect(reddit.requests.map((r) => [r.path, r.url.searchParams.get('children') ?? r.url.searchParams.get('comment')])).toEqual([
      ['/comments/1h2abc1.json', null],
      ['/api/morechildren', 'lz9d0m4'],
      ['/comments/1h2abc1.json', 'lz9d0m2'],
    ]);
    expect(reddit.requests[1]?.url.searchParams.get('link_id')).toBe('t3_1h2abc1');
    expect(second.state).toEqual({ sources: {}, threads: { t3_1h2abc1: { expanded: ['lz9d0m1', 'lz9d0m2', 'lz9d0m3', 'lz9d0m4', '_t1_lz9d0m2'] } } });
    await storeAll(ws.workspaceId, second.payloads);

    // Nothing left to expand: only the tree is read again.
    reddit.requests.length = 0;
    const third = await redditDriver.poll!(connectionFor(reddit, settings, second.state), runtime);
    expect(reddit.requests.map((r) => r.path)).toEqual(['/comments/1h2abc1.json']);
    expect(third.state).toEqual(second.state);
    await storeAll(ws.workspaceId, third.payloads);

    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id', 'thread_external_id', 'text']).where('workspace_id', '=', ws.workspaceId).execute();
    const row = (externalId: string) => rows.find((r) => r.external_id === externalId);
    expect(rows.map((r) => r.external_id).sort()).toEqual(['t1_lz9d001', 't1_lz9d003', 't1_lz9d004', 't1_lz9d006', 't1_lz9d007', 't1_lz9d0m1', 't1_lz9d0m2', 't1_lz9d0m3', 't1_lz9d0m4', 't1_lz9d0m5', 't3_1h2abc1']);
    expect(row('t1_lz9d0m1')?.parent_id).toBe(row('t1_lz9d001')?.id);
    expect(row('t1_lz9d0m4')?.parent_id).toBe(row('t1_lz9d0m1')?.id);
    expect(row('t1_lz9d0m5')).toMatchObject({ parent_id: row('t1_lz9d0m2')?.id, thread_id: row('t3_1h2abc1')?.id, text: 'No, just the photo of the receipt and the broken slider.' });
    expect(rows.filter((r) => r.external_id.startsWith('t1_lz9d0m')).every((r) => r.thread_external_id === 't3_1h2abc1')).toBe(true);
  });

  it('asks /api/morechildren for at most 100 ids per call', async () => {
    const ws = await seedWorkspace(store.db, 'rmore-big');
    reddit.requests.length = 0;
    const result = await redditDriver.poll!(connectionFor(reddit, { threads: ['t3_1h2big1'] }), runtime);
    expect(reddit.requests.filter((r) => r.path === '/api/morechildren').map((r) => r.url.searchParams.get('children')?.split(',').length)).toEqual([100, 50]);
    await storeAll(ws.workspaceId, result.payloads);
    const count = await store.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.workspaceId).where('external_id', 'like', 't1_%').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(150);
  });
});

describe('Reddit replies through /api/comment', () => {
  let reddit: StandIn;
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
  beforeAll(async () => {
    reddit = await startStandIn((request, response) => {
      if (request.method === 'POST' && request.path === '/api/comment') {
        return sendJson(response, 200, { json: { errors: [], data: { things: [{ kind: 't1', data: { id: 'lz9e001', name: 't1_lz9e001', parent_id: new URLSearchParams(request.body).get('thing_id'), body: new URLSearchParams(request.body).get('text') } }] } } });
      }
      return sendJson(response, 404, { message: 'Not Found', error: 404 });
    });
  });
  afterAll(async () => {
    controller.abort();
    await reddit?.close();
  });

  it('posts the comment form with the OAuth token and User-Agent and returns the new fullname', async () => {
    const sent = await redditDriver.send!({ kind: 'reply', text: 'Sorry about the zip! DM us & we swap it.', inReplyTo: { externalId: 't1_lz9d001' } }, connectionFor(reddit, {}), runtime);
    expect(sent).toEqual({ externalId: 't1_lz9e001' });
    const request = reddit.requests.at(-1);
    expect(request?.path).toBe('/api/comment');
    expect(request?.headers['authorization']).toBe('Bearer reddit-token');
    expect(request?.headers['user-agent']).toBe(USER_AGENT);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body ?? ''))).toEqual({ api_type: 'json', thing_id: 't1_lz9d001', text: 'Sorry about the zip! DM us & we swap it.' });
  });

  it('refuses a reply without a token or to something that is not a fullname', async () => {
    await expect(redditDriver.send!({ kind: 'reply', text: 'x', inReplyTo: { externalId: 't1_abc' } }, connectionFor(reddit, {}, {}, {}), runtime)).rejects.toThrow(/accessToken/);
    await expect(redditDriver.send!({ kind: 'reply', text: 'x', inReplyTo: { externalId: 'abc' } }, connectionFor(reddit, {}), runtime)).rejects.toThrow(/fullname/);
  });
});
