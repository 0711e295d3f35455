import { retryAfterSeconds } from '../backoff.ts';
import type { ConnectionView, DriverRuntime, NativePayload, PollResult } from '../driver.ts';
import { apiUrl, errorDetail, readToken, TWEET_QUERY, XApiError } from './x.api.ts';
import { child, isRecord, nonEmpty } from '../json-read.ts';

/** Pages fetched per poll before handing over; the rest of a long sweep continues on the next poll. */
export const MAX_PAGES_PER_POLL = 10;
export const DEFAULT_POLL_INTERVAL_SECONDS = 60;

/**
 * Persisted search position. A sweep goes from the newest match back to `sinceId` page by page
 * (`nextToken`); only when it completes does `sinceId` move to the newest id seen at its start, so
 * a crash or rate limit mid-sweep resumes where it stopped without skipping anything.
 */
export interface SearchState {
  sinceId?: string;
  nextToken?: string;
  pendingNewestId?: string;
}

export function searchStateOf(state: Record<string, unknown>): SearchState {
  const out: SearchState = {};
  const sinceId = nonEmpty(state['sinceId']);
  const nextToken = nonEmpty(state['nextToken']);
  const pendingNewestId = nonEmpty(state['pendingNewestId']);
  if (sinceId) out.sinceId = sinceId;
  if (nextToken) out.nextToken = nextToken;
  if (pendingNewestId) out.pendingNewestId = pendingNewestId;
  return out;
}

/** The larger of two snowflake ids (ids are decimal strings of growing length). */
function newer(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

function pollInterval(connection: ConnectionView): number {
  const configured = connection.settings['pollIntervalSeconds'];
  return typeof configured === 'number' && configured >= 5 ? configured : DEFAULT_POLL_INTERVAL_SECONDS;
}

/**
 * Recent search (GET /2/tweets/search/recent) since the persisted since_id, following next_token.
 * Each page is handed over unchanged as a native payload (the same shape an import file holds).
 * The very first poll of a connection takes only the newest page, so connecting does not spend the
 * month's read quota on a week of history. A 429 or an exhausted x-rate-limit-remaining ends the
 * poll with the wait the API asked for.
 */
export async function pollRecentSearch(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  const query = connection.settings['query'];
  const interval = pollInterval(connection);
  if (typeof query !== 'string' || !query.trim()) return { payloads: [], state: connection.state, retryAfterSeconds: interval };
  const token = readToken(connection);
  const state = searchStateOf(connection.state);
  const firstEver = !state.sinceId && !state.nextToken;
  const payloads: NativePayload[] = [];
  const result = (waitSeconds: number): PollResult => ({ payloads, state: { ...connection.state, ...stateRecord(state) }, retryAfterSeconds: waitSeconds });
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const params: Record<string, string> = { query, max_results: '100', ...TWEET_QUERY };
    if (state.sinceId) params['since_id'] = state.sinceId;
    if (state.nextToken) params['next_token'] = state.nextToken;
    const response = await runtime.fetch(apiUrl(connection, '/2/tweets/search/recent', params), { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    const limitWait = retryAfterSeconds(response.headers, runtime.now());
    if (response.status === 429) return result(limitWait ?? interval);
    if (!response.ok) throw new XApiError(response.status, errorDetail(text), limitWait);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new XApiError(response.status, 'search answered with a body that is not JSON');
    }
    if (!isRecord(body)) throw new XApiError(response.status, 'search answered with a body that is not an object');
    const meta = child(body, 'meta');
    if (body['data'] !== undefined) payloads.push({ body: text, contentType: 'application/json' });
    // The first page of a sweep holds the newest match: that is where since_id moves once the sweep is done.
    if (!state.nextToken) state.pendingNewestId = newer(state.pendingNewestId, nonEmpty(meta['newest_id']));
    const nextToken = nonEmpty(meta['next_token']);
    if (nextToken && !firstEver) {
      state.nextToken = nextToken;
    } else {
      const newest = newer(state.sinceId, state.pendingNewestId);
      if (newest) state.sinceId = newest;
      delete state.nextToken;
      delete state.pendingNewestId;
      return result(Math.max(interval, limitWait ?? 0));
    }
    if (limitWait !== undefined) return result(limitWait);
  }
  // More pages remain: come back at once (the rate-limit headers will slow us when needed).
  return result(0);
}

function stateRecord(state: SearchState): Record<string, unknown> {
  return { sinceId: state.sinceId, nextToken: state.nextToken, pendingNewestId: state.pendingNewestId };
}
