import { Type } from 'typebox';
import { retryAfterSeconds } from '../backoff.ts';
import type { ChannelDriver, ConnectionView, DriverRuntime, NativePayload, OutboundMessage, PollResult } from '../driver.ts';
import { parseReddit } from './reddit.parse.ts';

/**
 * Reddit listings over JSON: /r/<sub>/new.json and /search.json?sort=new, paged with fullname
 * cursors (`before` towards newer, `after` towards older), User-Agent on every call, and the
 * X-Ratelimit-Remaining/-Reset headers respected (reddit.com/dev/api, github.com/reddit-archive/reddit/wiki/API).
 */

const PAGE_LIMIT = 100;
const MAX_PAGES_PER_SOURCE = 10;

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
  if (!response.ok) throw new Error(`Reddit ${url.pathname} answered ${response.status}: ${text.slice(0, 200)}`);
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

/**
 * One poll of every source: new items via `before=<newest seen>` (repeated while pages are full),
 * the newest page on first contact, then up to `backfillPages` older pages via `after`.
 */
export async function pollReddit(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  const states = sourceStates(connection.state);
  const backfillPages = typeof connection.settings['backfillPages'] === 'number' ? connection.settings['backfillPages'] : 0;
  const payloads: NativePayload[] = [];
  const done = (retry?: number): PollResult => ({ payloads, state: { sources: { ...states } }, ...(retry !== undefined ? { retryAfterSeconds: retry } : {}) });
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
  if (!response.ok) throw new Error(`Reddit answered ${response.status} to the comment: ${text.slice(0, 200)}`);
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
