import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { PostKind } from '../../platform/db/schema.ts';
import { retryAfterSeconds } from '../backoff.ts';
import type { ChannelDriver, ConnectionView, DriverRuntime, PollResult } from '../driver.ts';
import { fetchFollowing, HttpStatusError, readLimited, redact } from './http.ts';
import { bytesPayload, originalContentType, storedBytes } from '../payload-bytes.ts';
import { decodeFeed, parseFeed } from './rss.parse.ts';

/** Default largest feed document accepted (bytes). */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** How long the runner may wait before asking a connection with nothing to poll again. */
export const IDLE_SECONDS = 3600;

const KINDS: readonly PostKind[] = ['post', 'review'];

function kindOf(settings: Record<string, unknown> | undefined): PostKind {
  const kind = settings?.['kind'];
  return KINDS.find((k) => k === kind) ?? 'post';
}

const stateString = (state: Record<string, unknown>, key: string): string | null => (typeof state[key] === 'string' ? state[key] : null);

/**
 * Polls a feed with a conditional GET. State: {etag, lastModified, url (after a permanent redirect),
 * sha256 (of the last body, for servers that send neither validator)}.
 */
async function pollFeed(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  const state = connection.state;
  const configured = connection.settings['url'];
  // An import-only connection has nothing to poll.
  if (typeof configured !== 'string') return { payloads: [], state, retryAfterSeconds: IDLE_SECONDS };
  const url = stateString(state, 'url') ?? configured;
  const maxBytes = typeof connection.settings['maxBytes'] === 'number' ? connection.settings['maxBytes'] : DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = {
    accept: 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1',
    'user-agent': 'Townhall feed reader (+https://github.com/townhall)',
  };
  const etag = stateString(state, 'etag');
  const lastModified = stateString(state, 'lastModified');
  if (etag) headers['if-none-match'] = etag;
  if (lastModified) headers['if-modified-since'] = lastModified;
  const { response, movedTo } = await fetchFollowing(runtime, url, { headers });
  const nextState: Record<string, unknown> = { ...state, ...(movedTo && movedTo !== configured ? { url: movedTo } : {}) };
  if (response.status === 304) return { payloads: [], state: nextState };
  if (response.status === 429 || response.status === 503) {
    await response.body?.cancel();
    return { payloads: [], state: nextState, retryAfterSeconds: retryAfterSeconds(response.headers, runtime.now()) ?? 300 };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpStatusError(response.status, `feed ${redact(url)} answered HTTP ${response.status}`);
  }
  const bytes = await readLimited(response, maxBytes);
  const contentType = response.headers.get('content-type');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  nextState['etag'] = response.headers.get('etag');
  nextState['lastModified'] = response.headers.get('last-modified');
  nextState['sha256'] = sha256;
  // Unchanged bytes from a server without validators: nothing new to store.
  if (sha256 === stateString(state, 'sha256')) return { payloads: [], state: nextState };
  const date = response.headers.get('date');
  return {
    // The bytes as served: the charset is found when parsing (a re-parse after a fix sees the same bytes).
    payloads: [bytesPayload(bytes, contentType, date ? { date } : {})],
    state: nextState,
  };
}

/** RSS 2.0 / RSS 1.0 / Atom feeds: blogs, news, review sites, forums. */
export const rssDriver: ChannelDriver = {
  type: 'rss',
  label: 'RSS / Atom feed',
  settingsSchema: Type.Object(
    {
      url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'Feed URL to poll (http or https)' })),
      kind: Type.Optional(Type.Union([Type.Literal('post'), Type.Literal('review')], { description: 'Kind of post the items become (review sites: review)' })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400, description: 'Seconds between polls (default 60)' })),
      maxBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, description: 'Largest feed document accepted, in bytes' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: [],
  receivesWebhooks: false,
  importFraming: 'document',
  decode: decodeFeed,
  storeBytes: (bytes, contentType) => bytesPayload(bytes, contentType ?? 'application/xml'),
  parse(payload, connection) {
    // Bodies stored before the bytes were kept are already decoded text.
    const bytes = storedBytes(payload);
    const text = bytes ? decodeFeed(bytes, originalContentType(payload.contentType)) : payload.body;
    return parseFeed(text, { kind: kindOf(connection?.settings), fetchedAt: payload.headers?.['date'] ?? null });
  },
  poll: pollFeed,
};
