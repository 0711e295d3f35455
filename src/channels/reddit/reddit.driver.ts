import { Type } from 'typebox';
import { retryAfterSeconds } from '../backoff.ts';
import { channelErrorFromResponse, type ChannelDriver, type ConnectionView, type DriverRuntime, type NativePayload, type OutboundMessage, type PollResult } from '../driver.ts';
import { idBatches, moreStubs, type MoreStub } from './reddit.more.ts';
import { parseReddit } from './reddit.parse.ts';

/**
 * Reddit listings over JSON: /r/<sub>/new.json and /search.json?sort=new, paged with fullname
 * cursors (`before` towards newer, `after` towards older), User-Agent on every call, and the
 * X-Ratelimit-Remaining/-Reset headers respected (reddit.com/dev/api, github.com/reddit-archive/reddit/wiki/API).
 */

const PAGE_LIMIT = 100;
const MAX_PAGES_PER_SOURCE = 10;
/** Comments asked for per comment-tree read (Reddit's maximum). */
const TREE_LIMIT = 500;
/** Expansion calls (/api/morechildren, "continue this thread") per poll at most; the rest follow next poll. */
const MAX_EXPANSIONS_PER_POLL = 30;
/** Expanded ids remembered per watched thread; the oldest are forgotten first. */
const MAX_EXPANDED_PER_THREAD = 5000;

interface RedditSource {
  key: string;
  path: string;
  params: Record<string, string>;
}

interface SourceState {
  /** Fullname of the newest item seen: the next poll asks for what is `before` it. */
  before: string | null;
  /** Fullname to continue an older backfill from, until `backfillPages` are done. */
  after: string | null;
  backfilled: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

/** The listings a connection's settings ask for. */
export function redditSources(settings: Record<string, unknown>): RedditSource[] {
  const sources: RedditSource[] = [];
  for (const raw of strings(settings['subreddits'])) {
    const sub = raw.replace(/^\/?r\//i, '');
    sources.push({ key: `r/${sub.toLowerCase()}`, path: `/r/${encodeURIComponent(sub)}/new.json`, params: {} });
  }
  for (const query of strings(settings['searches'])) sources.push({ key: `search:${query}`, path: '/search.json', params: { q: query, sort: 'new', type: 'link' } });
  return sources;
}

function sourceStates(state: Record<string, unknown>): Record<string, SourceState> {
  const result: Record<string, SourceState> = {};
  const sources = isRecord(state['sources']) ? state['sources'] : {};
  for (const [key, value] of Object.entries(sources)) {
    if (!isRecord(value)) continue;
    result[key] = {
      before: typeof value['before'] === 'string' ? value['before'] : null,
      after: typeof value['after'] === 'string' ? value['after'] : null,
      backfilled: typeof value['backfilled'] === 'number' ? value['backfilled'] : 0,
    };
  }
  return result;
}

function baseOf(connection: Pick<ConnectionView, 'settings' | 'secrets'>): URL {
  const configured = connection.settings['baseUrl'];
  // OAuth tokens are only honoured on oauth.reddit.com; anonymous JSON is served by www.reddit.com.
  const base = typeof configured === 'string' && configured ? configured : connection.secrets['accessToken'] ? 'https://oauth.reddit.com' : 'https://www.reddit.com';
  return new URL(base.endsWith('/') ? base : `${base}/`);
}

function headersOf(connection: Pick<ConnectionView, 'settings' | 'secrets'>): Record<string, string> {
  const userAgent = connection.settings['userAgent'];
  if (typeof userAgent !== 'string' || userAgent.trim() === '') throw new Error('Reddit requires a descriptive User-Agent: set settings.userAgent');
  const token = connection.secrets['accessToken'];
  return { 'user-agent': userAgent, accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

interface Page {
  text: string;
  names: string[];
  after: string | null;
  wait: number | undefined;
  limited: boolean;
}

async function getPage(runtime: DriverRuntime, connection: Pick<ConnectionView, 'settings' | 'secrets'>, source: RedditSource, cursor: { before?: string; after?: string }): Promise<Page> {
  const url = new URL(source.path.replace(/^\//, ''), baseOf(connection));
  for (const [name, value] of Object.entries(source.params)) url.searchParams.set(name, value);
  url.searchParams.set('limit', String(PAGE_LIMIT));
  url.searchParams.set('raw_json', '1');
  if (cursor.before) url.searchParams.set('before', cursor.before);
  if (cursor.after) url.searchParams.set('after', cursor.after);
  const response = await runtime.fetch(url, { headers: headersOf(connection), redirect: 'error' });
  const wait = retryAfterSeconds(response.headers, runtime.now());
  if (response.status === 429) {
    await response.body?.cancel();
    return { text: '', names: [], after: null, wait: wait ?? 60, limited: true };
  }
  const text = await response.text();
  if (!response.ok) throw channelErrorFromResponse('Reddit', response, text, runtime.now(), `on ${url.pathname}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Reddit ${url.pathname} did not answer JSON`);
  }
  const data = isRecord(body) && isRecord(body['data']) ? body['data'] : {};
  const children = Array.isArray(data['children']) ? data['children'] : [];
  const names = children.flatMap((child: unknown) => (isRecord(child) && isRecord(child['data']) && typeof child['data']['name'] === 'string' ? [child['data']['name']] : []));
  return { text, names, after: typeof data['after'] === 'string' ? data['after'] : null, wait, limited: false };
}

/** Watched posts (comment trees) by fullname, from settings.threads (ids with or without `t3_`). */
export function watchedThreads(settings: Record<string, unknown>): string[] {
  return [...new Set(strings(settings['threads']).map((id) => (id.startsWith('t3_') ? id : `t3_${id}`).toLowerCase()))];
}

/** Per watched thread: the ids (and "continue" parents, as `_<parent>`) already expanded, and stubs found but not yet expanded. */
interface ThreadState {
  expanded: Set<string>;
  pending: MoreStub[];
}

/** Stubs left for the next poll at most, per thread. */
const MAX_PENDING_PER_THREAD = 500;

function threadStates(state: Record<string, unknown>, linkIds: string[]): Map<string, ThreadState> {
  const threads = isRecord(state['threads']) ? state['threads'] : {};
  const result = new Map<string, ThreadState>();
  for (const linkId of linkIds) {
    const value = threads[linkId];
    const pending = isRecord(value) && Array.isArray(value['pending']) ? value['pending'] : [];
    result.set(linkId, {
      expanded: new Set(isRecord(value) ? strings(value['expanded']) : []),
      pending: pending.flatMap((stub: unknown) =>
        isRecord(stub) && typeof stub['parentId'] === 'string' ? [{ linkId, parentId: stub['parentId'], children: strings(stub['children']), continueThread: stub['continueThread'] === true }] : [],
      ),
    });
  }
  return result;
}

interface Fetched {
  text: string;
  /** Seconds to wait before the next call (429, or X-Ratelimit-Remaining ≤ 0). */
  wait: number | undefined;
  limited: boolean;
}

/** One GET with the connection's headers; a 429 is reported, not thrown. */
async function getJson(runtime: DriverRuntime, connection: Pick<ConnectionView, 'settings' | 'secrets'>, url: URL): Promise<Fetched> {
  const response = await runtime.fetch(url, { headers: headersOf(connection), redirect: 'error' });
  const wait = retryAfterSeconds(response.headers, runtime.now());
  if (response.status === 429) {
    await response.body?.cancel();
    return { text: '', wait: wait ?? 60, limited: true };
  }
  const text = await response.text();
  if (!response.ok) throw channelErrorFromResponse('Reddit', response, text, runtime.now(), `on ${url.pathname}`);
  return { text, wait, limited: false };
}

/**
 * Reads a watched post's comment tree, then expands its `more` stubs: ids through /api/morechildren
 * (≤ 100 per call), "continue this thread" stubs through the subtree under their parent. Every answer
 * is stored as a payload; every id is asked for once per thread (remembered in `expanded`), so answers
 * that hold further stubs cannot make it loop, and at most MAX_EXPANSIONS_PER_POLL calls are made.
 * Returns seconds to wait when Reddit rate-limits (what is left is expanded next poll).
 */
async function pollThread(
  runtime: DriverRuntime,
  connection: Pick<ConnectionView, 'settings' | 'secrets'>,
  linkId: string,
  thread: ThreadState,
  budget: { calls: number },
  payloads: NativePayload[],
): Promise<number | undefined> {
  const { expanded } = thread;
  const base = baseOf(connection);
  const id36 = linkId.slice(3);
  const store = (text: string, kind: string) => payloads.push({ body: text, contentType: 'application/json', headers: { 'x-reddit-source': `thread:${linkId}`, 'x-reddit-fetch': kind } });
  const treeUrl = new URL(`comments/${encodeURIComponent(id36)}.json`, base);
  treeUrl.search = new URLSearchParams({ limit: String(TREE_LIMIT), sort: 'new', raw_json: '1' }).toString();
  const tree = await getJson(runtime, connection, treeUrl);
  if (tree.limited) return tree.wait;
  store(tree.text, 'comments');
  if (tree.wait !== undefined) return tree.wait;
  // Stubs found in earlier answers but not expanded yet come first; the tree names the rest again.
  const queue: MoreStub[] = [...thread.pending, ...moreStubs(tree.text, linkId)];
  thread.pending = queue;
  while (queue.length > 0) {
    const stub = queue[0];
    if (!stub || stub.linkId !== linkId) {
      queue.shift();
      continue;
    }
    const requests: { url: URL; marks: string[]; kind: string }[] = [];
    if (stub.continueThread) {
      const key = `_${stub.parentId}`;
      if (expanded.has(key)) continue;
      const url = new URL(`comments/${encodeURIComponent(id36)}.json`, base);
      url.search = new URLSearchParams({ comment: stub.parentId.slice(3), limit: String(TREE_LIMIT), sort: 'new', raw_json: '1' }).toString();
      requests.push({ url, marks: [key], kind: 'continue' });
    } else {
      const fresh = [...new Set(stub.children)].filter((child) => !expanded.has(child));
      for (const batch of idBatches(fresh)) {
        const url = new URL('api/morechildren', base);
        url.search = new URLSearchParams({ api_type: 'json', link_id: linkId, children: batch.join(','), limit_children: 'false', raw_json: '1' }).toString();
        requests.push({ url, marks: batch, kind: 'morechildren' });
      }
    }
    for (const request of requests) {
      if (budget.calls <= 0) return undefined;
      budget.calls--;
      const answer = await getJson(runtime, connection, request.url);
      if (answer.limited) return answer.wait;
      store(answer.text, request.kind);
      for (const mark of request.marks) expanded.add(mark);
      queue.push(...moreStubs(answer.text, linkId));
      if (answer.wait !== undefined) {
        // This stub's other batches (if any) are still asked for next time: its done ids are skipped.
        return answer.wait;
      }
    }
    queue.shift();
  }
  return undefined;
}

/**
 * One poll of every source: new items via `before=<newest seen>` (repeated while pages are full),
 * the newest page on first contact, then up to `backfillPages` older pages via `after`; then the
 * comment tree of every watched post, with its `more` stubs expanded.
 */
export async function pollReddit(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  const states = sourceStates(connection.state);
  const backfillPages = typeof connection.settings['backfillPages'] === 'number' ? connection.settings['backfillPages'] : 0;
  const payloads: NativePayload[] = [];
  const watched = watchedThreads(connection.settings);
  const threadState = threadStates(connection.state, watched);
  const threads = () =>
    Object.fromEntries(
      [...threadState].map(([linkId, thread]) => {
        // Stubs whose ids are all read by now need no second look.
        const pending = thread.pending.filter((stub) => (stub.continueThread ? !thread.expanded.has(`_${stub.parentId}`) : stub.children.some((id) => !thread.expanded.has(id))));
        return [
          linkId,
          {
            expanded: [...thread.expanded].slice(-MAX_EXPANDED_PER_THREAD),
            ...(pending.length > 0 ? { pending: pending.slice(0, MAX_PENDING_PER_THREAD).map(({ parentId, children, continueThread }) => ({ parentId, children, continueThread })) } : {}),
          },
        ];
      }),
    );
  const done = (retry?: number): PollResult => ({
    payloads,
    state: { sources: { ...states }, ...(watched.length > 0 ? { threads: threads() } : {}) },
    ...(retry !== undefined ? { retryAfterSeconds: retry } : {}),
  });
  for (const source of redditSources(connection.settings)) {
    const st: SourceState = { ...(states[source.key] ?? { before: null, after: null, backfilled: 0 }) };
    const take = (page: Page) => {
      if (page.names.length > 0) payloads.push({ body: page.text, contentType: 'application/json', headers: { 'x-reddit-source': source.key } });
    };
    if (st.before) {
      for (let pages = 0; pages < MAX_PAGES_PER_SOURCE; pages++) {
        const page = await getPage(runtime, connection, source, { before: st.before });
        take(page);
        if (page.names[0]) st.before = page.names[0];
        states[source.key] = { ...st };
        if (page.limited || page.wait !== undefined) return done(page.wait);
        if (page.names.length < PAGE_LIMIT) break;
      }
    } else {
      const page = await getPage(runtime, connection, source, {});
      take(page);
      st.before = page.names[0] ?? null;
      st.after = page.after;
      states[source.key] = { ...st };
      if (page.limited || page.wait !== undefined) return done(page.wait);
    }
    while (st.after && st.backfilled < backfillPages) {
      const page = await getPage(runtime, connection, source, { after: st.after });
      take(page);
      if (page.limited) return done(page.wait);
      st.after = page.after;
      st.backfilled++;
      states[source.key] = { ...st };
      if (page.wait !== undefined) return done(page.wait);
    }
  }
  const budget = { calls: MAX_EXPANSIONS_PER_POLL };
  for (const [linkId, thread] of threadState) {
    const wait = await pollThread(runtime, connection, linkId, thread, budget, payloads);
    if (wait !== undefined) return done(wait);
  }
  return done();
}

/** Comments on a post or comment with POST /api/comment (OAuth, `submit` scope). */
export async function sendReddit(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  const thing = message.inReplyTo?.externalId;
  if (!thing || !/^t[13]_[a-z0-9]+$/i.test(thing)) throw new Error('a Reddit reply needs the fullname (t1_/t3_) of the post or comment it answers');
  if (!connection.secrets['accessToken']) throw new Error('replying on Reddit needs the accessToken secret (OAuth, scope submit)');
  const response = await runtime.fetch(new URL('api/comment', baseOf(connection)), {
    method: 'POST',
    headers: { ...headersOf(connection), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_type: 'json', thing_id: thing, text: message.text }).toString(),
    redirect: 'error',
  });
  const text = await response.text();
  if (!response.ok) throw channelErrorFromResponse('Reddit', response, text, runtime.now(), 'to the comment');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // handled below
  }
  const json = isRecord(body) && isRecord(body['json']) ? body['json'] : {};
  const errors = Array.isArray(json['errors']) ? json['errors'] : [];
  if (errors.length > 0) throw new Error(`Reddit refused the comment: ${JSON.stringify(errors).slice(0, 200)}`);
  const things = isRecord(json['data']) && Array.isArray(json['data']['things']) ? json['data']['things'] : [];
  const first: unknown = things[0];
  const name = isRecord(first) && isRecord(first['data']) && typeof first['data']['name'] === 'string' ? first['data']['name'] : null;
  if (!name) throw new Error('Reddit did not return the new comment');
  return { externalId: name };
}

/** Reddit: subreddit and search listening over JSON listings (docs/channels/reddit.md). */
export const redditDriver: ChannelDriver = {
  type: 'reddit',
  label: 'Reddit',
  settingsSchema: Type.Object(
    {
      userAgent: Type.String({ minLength: 10, maxLength: 300, description: 'Required by Reddit: <platform>:<app id>:<version> (by /u/<username>)' }),
      subreddits: Type.Optional(Type.Array(Type.String({ pattern: '^(/?r/)?[A-Za-z0-9_]{2,21}$' }), { maxItems: 50 })),
      searches: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 20 })),
      baseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 200, description: 'Default https://www.reddit.com, or https://oauth.reddit.com with a token' })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
      backfillPages: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Older pages (100 each) fetched after first contact' })),
      threads: Type.Optional(Type.Array(Type.String({ pattern: '^(t3_)?[A-Za-z0-9]{1,12}$' }), { maxItems: 50, description: 'Posts (ids or t3_ fullnames) whose comment trees are read every poll, collapsed comments included' })),
      accessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'OAuth bearer token (read; submit to reply)' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['accessToken'],
  receivesWebhooks: false,
  importFraming: 'document',
  parse(payload) {
    return parseReddit(payload.body);
  },
  poll: pollReddit,
  send: sendReddit,
};
