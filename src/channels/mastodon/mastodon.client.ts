import { ChannelError, channelErrorFromResponse, type ConnectionView, type DriverRuntime, type NativePayload } from '../driver.ts';

/**
 * Mastodon REST paging: `Link` headers (`rel="prev"` = newer with min_id, `rel="next"` = older with
 * max_id), cursors per source, and the instance's rate limits (X-RateLimit-Remaining/-Reset with an
 * ISO reset time, 429 with Retry-After). docs.joinmastodon.org/api/guidelines/#pagination, /api/rate-limits.
 */

export const PAGE_LIMIT = 40;
export const MAX_PAGES_PER_SOURCE = 10;

/** One thing to listen to: a hashtag timeline, the mention notifications, or an account's statuses. */
export interface MastodonSource {
  key: string;
  path: string;
  params: Record<string, string>;
  /** Streaming path for the same source (SSE), if the instance offers one. */
  streamPath: string | null;
}

export interface MastodonState {
  /** Newest id seen per source key (status ids for timelines, notification ids for mentions). */
  cursors: Record<string, string>;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

/** The sources a connection's settings ask for. */
export function mastodonSources(settings: Record<string, unknown>): MastodonSource[] {
  const sources: MastodonSource[] = [];
  for (const raw of strings(settings['hashtags'])) {
    const tag = raw.replace(/^#/, '');
    sources.push({ key: `tag:${tag.toLowerCase()}`, path: `/api/v1/timelines/tag/${encodeURIComponent(tag)}`, params: {}, streamPath: `/api/v1/streaming/hashtag?tag=${encodeURIComponent(tag)}` });
  }
  if (settings['mentions'] === true) {
    sources.push({ key: 'mentions', path: '/api/v1/notifications', params: { 'types[]': 'mention' }, streamPath: '/api/v1/streaming/user/notification' });
  }
  for (const id of strings(settings['accounts'])) {
    sources.push({ key: `account:${id}`, path: `/api/v1/accounts/${encodeURIComponent(id)}/statuses`, params: {}, streamPath: null });
  }
  return sources;
}

export function stateOf(raw: Record<string, unknown>): MastodonState {
  const cursors: Record<string, string> = {};
  if (typeof raw['cursors'] === 'object' && raw['cursors'] !== null) {
    for (const [key, value] of Object.entries(raw['cursors'])) if (typeof value === 'string') cursors[key] = value;
  }
  return { cursors };
}

/** Parses an RFC 8288 Link header into rel → URL. */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(',')) {
    const [target, ...params] = part.split(';');
    const url = target?.trim();
    if (!url?.startsWith('<') || !url.endsWith('>')) continue;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim().toLowerCase() !== 'rel' || !value) continue;
      for (const rel of value.trim().replace(/^"|"$/g, '').split(/\s+/)) links[rel] = url.slice(1, -1);
    }
  }
  return links;
}

/** Compares Mastodon ids: numeric strings (snowflakes) by value, anything else by text. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Seconds to wait from Mastodon's rate-limit headers; undefined while requests remain. */
export function mastodonRetryAfter(status: number, headers: { get(name: string): string | null }, now: Date): number | undefined {
  const retryAfter = headers.get('retry-after');
  const reset = headers.get('x-ratelimit-reset');
  const untilReset = () => {
    if (!reset) return undefined;
    const numeric = Number(reset);
    const at = Number.isFinite(numeric) ? (numeric > 1e9 ? numeric * 1000 : now.getTime() + numeric * 1000) : Date.parse(reset);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
  };
  if (status === 429) {
    if (retryAfter) {
      const seconds = Number(retryAfter);
      if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
    }
    return untilReset() ?? 60;
  }
  const remaining = headers.get('x-ratelimit-remaining');
  if (remaining !== null && Number(remaining) <= 0) return untilReset();
  return undefined;
}

export function instanceBase(settings: Record<string, unknown>): URL {
  const raw = settings['instanceUrl'];
  if (typeof raw !== 'string' || raw === '') throw new ChannelError('config', 'a Mastodon connection needs settings.instanceUrl');
  return new URL(raw.endsWith('/') ? raw : `${raw}/`);
}

export function authHeaders(connection: Pick<ConnectionView, 'secrets'>): Record<string, string> {
  const token = connection.secrets['accessToken'];
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

function idsOf(body: unknown): string[] {
  if (!Array.isArray(body)) return [];
  return body.flatMap((entry: unknown) => (typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string' ? [entry.id] : []));
}

function minIdOf(link: string | undefined, base: URL): string | null {
  if (!link) return null;
  try {
    return new URL(link, base).searchParams.get('min_id');
  } catch {
    return null;
  }
}

/** Accepts a pagination link only on the instance's own origin, so a hostile Link header cannot redirect our token. */
function sameOrigin(link: string | undefined, base: URL): URL | null {
  if (!link) return null;
  try {
    const url = new URL(link, base);
    return url.origin === base.origin ? url : null;
  } catch {
    return null;
  }
}

export interface FetchNewerResult {
  payloads: NativePayload[];
  /** Newest id seen, when any page held items. */
  cursor: string | null;
  retryAfterSeconds?: number;
  /** Ids of the items fetched, newest first within each page. */
  ids: string[];
}

interface Page {
  ids: string[];
  text: string;
  links: Record<string, string>;
  wait: number | undefined;
  limited: boolean;
}

async function getPage(runtime: DriverRuntime, connection: Pick<ConnectionView, 'secrets'>, url: URL): Promise<Page> {
  const response = await runtime.fetch(url, { headers: authHeaders(connection) });
  const wait = mastodonRetryAfter(response.status, response.headers, runtime.now());
  if (response.status === 429) {
    await response.body?.cancel();
    return { ids: [], text: '', links: {}, wait, limited: true };
  }
  const text = await response.text();
  if (!response.ok) throw channelErrorFromResponse('Mastodon', response, text, runtime.now(), `on ${url.pathname}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Mastodon ${url.pathname} did not answer JSON`);
  }
  return { ids: idsOf(body), text, links: parseLinkHeader(response.headers.get('link')), wait, limited: false };
}

/**
 * Fetches what is newer than `cursor` on one source, following `rel="prev"` (newer) pages until a
 * short page. Without a cursor it takes the newest page (plus `backfillPages` older ones via
 * `rel="next"`). Stops early on a rate limit and says how long to wait.
 */
export async function fetchNewer(runtime: DriverRuntime, connection: Pick<ConnectionView, 'settings' | 'secrets'>, source: MastodonSource, cursor: string | null, backfillPages = 0): Promise<FetchNewerResult> {
  const base = instanceBase(connection.settings);
  const first = new URL(source.path.replace(/^\//, ''), base);
  for (const [name, value] of Object.entries(source.params)) first.searchParams.append(name, value);
  first.searchParams.set('limit', String(PAGE_LIMIT));
  if (cursor) first.searchParams.set('min_id', cursor);
  const result: FetchNewerResult = { payloads: [], cursor: null, ids: [] };
  const take = (page: Page, newer: boolean) => {
    if (page.ids.length === 0) return;
    result.payloads.push({ body: page.text, contentType: 'application/json', headers: { 'x-mastodon-source': source.key } });
    result.ids.push(...page.ids);
    if (!newer) return;
    const newest = minIdOf(page.links['prev'], base) ?? [...page.ids].sort(compareIds).at(-1) ?? null;
    if (newest && (!result.cursor || compareIds(newest, result.cursor) > 0)) result.cursor = newest;
  };
  let url: URL | null = first;
  for (let pages = 0; url && pages < MAX_PAGES_PER_SOURCE; pages++) {
    const page = await getPage(runtime, connection, url);
    take(page, true);
    if (page.wait !== undefined || page.limited) {
      result.retryAfterSeconds = page.wait;
      return result;
    }
    if (!cursor) {
      // First contact: the newest page sets the cursor; older pages are an optional backfill.
      let older = sameOrigin(page.links['next'], base);
      for (let i = 0; older && i < backfillPages; i++) {
        const back = await getPage(runtime, connection, older);
        take(back, false);
        if (back.wait !== undefined || back.limited) {
          result.retryAfterSeconds = back.wait;
          return result;
        }
        older = back.ids.length > 0 ? sameOrigin(back.links['next'], base) : null;
      }
      return result;
    }
    url = page.ids.length >= PAGE_LIMIT ? sameOrigin(page.links['prev'], base) : null;
  }
  return result;
}
