import { Type } from 'typebox';
import { retryAfterSeconds } from '../backoff.ts';
import type { ChannelDriver, ConnectionView, DriverRuntime, NativePayload, OutboundMessage, PollResult } from '../driver.ts';
import { fetchFollowing, HttpStatusError, readLimited, redact } from '../rss/http.ts';
import { parseYoutube } from './youtube.parse.ts';

export const DEFAULT_API_BASE_URL = 'https://www.googleapis.com/youtube/v3';
const MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_PAGES = 10;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Per watched video or channel: the newest comment time seen, and where an unfinished backfill resumes. */
export interface TargetState {
  newest?: string;
  pageToken?: string;
  resumeNewest?: string;
}

function apiBase(settings: Record<string, unknown>): string {
  const base = settings['apiBaseUrl'];
  return (typeof base === 'string' ? base : DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

function targetsOf(settings: Record<string, unknown>): { key: string; param: [string, string] }[] {
  const targets: { key: string; param: [string, string] }[] = [];
  const videos = Array.isArray(settings['videoIds']) ? settings['videoIds'].filter((v): v is string => typeof v === 'string') : [];
  for (const id of videos) targets.push({ key: `video:${id}`, param: ['videoId', id] });
  if (typeof settings['channelId'] === 'string') targets.push({ key: `channel:${settings['channelId']}`, param: ['allThreadsRelatedToChannelId', settings['channelId']] });
  return targets;
}

function targetStates(state: Record<string, unknown>): Record<string, TargetState> {
  const raw = isRecord(state['targets']) ? state['targets'] : {};
  const result: Record<string, TargetState> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!isRecord(value)) continue;
    const entry: TargetState = {};
    if (typeof value['newest'] === 'string') entry.newest = value['newest'];
    if (typeof value['pageToken'] === 'string') entry.pageToken = value['pageToken'];
    if (typeof value['resumeNewest'] === 'string') entry.resumeNewest = value['resumeNewest'];
    result[key] = entry;
  }
  return result;
}

/** A thread on a page whose replies do not all fit in `replies.comments`. */
export interface ThreadWithMoreReplies {
  id: string;
  /** publishedAt of its top-level comment. */
  publishedAt: string;
  videoId: string | null;
}

interface PageFacts {
  nextPageToken: string | null;
  /** Newest publishedAt of any comment on the page. */
  newest: string | null;
  /** publishedAt of each thread's top-level comment. */
  threadTimes: string[];
  /** Threads whose totalReplyCount is larger than the replies carried inline. */
  moreReplies: ThreadWithMoreReplies[];
}

/** What poll needs to know of a page, read defensively (the page itself is stored raw and parsed later). */
export function pageFacts(body: string): PageFacts {
  const doc: unknown = JSON.parse(body);
  if (!isRecord(doc) || !Array.isArray(doc['items'])) throw new Error('YouTube answered without items');
  const times: string[] = [];
  const threadTimes: string[] = [];
  const moreReplies: ThreadWithMoreReplies[] = [];
  for (const item of doc['items']) {
    const snippet = isRecord(item) && isRecord(item['snippet']) ? item['snippet'] : null;
    const top = snippet && isRecord(snippet['topLevelComment']) && isRecord(snippet['topLevelComment']['snippet']) ? snippet['topLevelComment']['snippet'] : null;
    const time = top && typeof top['publishedAt'] === 'string' ? new Date(top['publishedAt']).toISOString() : null;
    if (time) {
      threadTimes.push(time);
      times.push(time);
    }
    const replies = isRecord(item) && isRecord(item['replies']) && Array.isArray(item['replies']['comments']) ? item['replies']['comments'] : [];
    for (const reply of replies) {
      const published = isRecord(reply) && isRecord(reply['snippet']) ? reply['snippet']['publishedAt'] : undefined;
      if (typeof published === 'string') times.push(new Date(published).toISOString());
    }
    const total = snippet ? snippet['totalReplyCount'] : undefined;
    const id = isRecord(item) ? item['id'] : undefined;
    if (typeof id === 'string' && time && typeof total === 'number' && total > replies.length) {
      moreReplies.push({ id, publishedAt: time, videoId: snippet && typeof snippet['videoId'] === 'string' ? snippet['videoId'] : null });
    }
  }
  return { nextPageToken: typeof doc['nextPageToken'] === 'string' ? doc['nextPageToken'] : null, newest: times.sort().at(-1) ?? null, threadTimes, moreReplies };
}

/** Stored with each comments.list page: replies there may carry no videoId, and the video is their thread. */
export const VIDEO_ID_HEADER = 'x-youtube-video-id';
/** Pages of 100 replies read per thread at most: a guard against a token that never ends. */
const MAX_REPLY_PAGES = 50;

type Interruption = { retryAfterSeconds: number };

/**
 * Reads every reply of one thread with comments.list?parentId= (all pages), for threads whose
 * totalReplyCount exceeds the replies commentThreads carries inline. Each page becomes a payload.
 * Returns an interruption when the API asks to wait (quota, rate limit); the caller keeps its cursor.
 */
async function fetchReplies(thread: ThreadWithMoreReplies, base: string, apiKey: string, connection: ConnectionView, runtime: DriverRuntime, payloads: NativePayload[]): Promise<Interruption | null> {
  let token: string | null = null;
  const seen = new Set<string>();
  for (let page = 0; page < MAX_REPLY_PAGES; page++) {
    const params = new URLSearchParams({ part: 'snippet', parentId: thread.id, maxResults: '100', textFormat: 'plainText', key: apiKey });
    if (token) params.set('pageToken', token);
    const url = `${base}/comments?${params}`;
    const { response } = await fetchFollowing(runtime, url, { headers: { accept: 'application/json' } });
    const text = (await readLimited(response, MAX_BYTES)).toString('utf8');
    if (!response.ok) {
      const reason = await errorReason(text);
      if (response.status === 429 || reason === 'quotaExceeded' || reason === 'rateLimitExceeded') {
        return { retryAfterSeconds: retryAfterSeconds(response.headers, runtime.now()) ?? (reason === 'quotaExceeded' ? 3600 : 60) };
      }
      if (response.status === 404 || reason === 'commentNotFound' || reason === 'commentsDisabled') {
        runtime.log.warn({ connectionId: connection.id, thread: thread.id, reason }, 'YouTube replies skipped');
        return null;
      }
      throw new HttpStatusError(response.status, `YouTube ${redact(url)} answered HTTP ${response.status} ${reason}`);
    }
    const doc: unknown = JSON.parse(text);
    if (!isRecord(doc) || !Array.isArray(doc['items'])) throw new Error('YouTube answered comments.list without items');
    if (doc['items'].length > 0) payloads.push({ body: text, contentType: 'application/json', headers: thread.videoId ? { [VIDEO_ID_HEADER]: thread.videoId } : {} });
    const next = typeof doc['nextPageToken'] === 'string' ? doc['nextPageToken'] : null;
    if (!next || seen.has(next)) return null;
    seen.add(next);
    token = next;
  }
  runtime.log.warn({ connectionId: connection.id, thread: thread.id }, `YouTube thread has more than ${MAX_REPLY_PAGES * 100} replies; the rest are not read`);
  return null;
}

const later = (a: string | undefined | null, b: string | undefined | null): string | undefined => ((a ?? '') > (b ?? '') ? (a ?? undefined) : (b ?? undefined));

async function errorReason(body: string): Promise<string> {
  try {
    const doc: unknown = JSON.parse(body);
    const error = isRecord(doc) && isRecord(doc['error']) ? doc['error'] : null;
    const first = error && Array.isArray(error['errors']) && isRecord(error['errors'][0]) ? error['errors'][0] : null;
    return first && typeof first['reason'] === 'string' ? first['reason'] : '';
  } catch {
    return '';
  }
}

/**
 * Polls commentThreads.list (order=time, newest first) per watched video and for the channel
 * (allThreadsRelatedToChannelId), paging with pageToken until a thread no newer than the last
 * newest is reached. A backfill cut short by settings.maxPages resumes from its pageToken next time.
 * A new thread with more replies than commentThreads carries inline gets all of them from comments.list.
 */
async function pollThreads(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  const apiKey = connection.secrets['apiKey'];
  if (!apiKey) throw new Error('this YouTube connection has no apiKey');
  if (targetsOf(connection.settings).length === 0) return { payloads: [], state: connection.state, retryAfterSeconds: 3600 };
  const base = apiBase(connection.settings);
  const maxPages = typeof connection.settings['maxPages'] === 'number' ? connection.settings['maxPages'] : DEFAULT_MAX_PAGES;
  const states = targetStates(connection.state);
  const payloads: NativePayload[] = [];
  for (const target of targetsOf(connection.settings)) {
    const state = states[target.key] ?? {};
    let token = state.pageToken ?? null;
    let runNewest = state.resumeNewest;
    let finished = false;
    for (let page = 0; page < maxPages; page++) {
      const params = new URLSearchParams({ part: 'snippet,replies', maxResults: '100', order: 'time', textFormat: 'plainText', [target.param[0]]: target.param[1], key: apiKey });
      if (token) params.set('pageToken', token);
      const url = `${base}/commentThreads?${params}`;
      const { response } = await fetchFollowing(runtime, url, { headers: { accept: 'application/json' } });
      const text = (await readLimited(response, MAX_BYTES)).toString('utf8');
      if (!response.ok) {
        const reason = await errorReason(text);
        if (response.status === 429 || reason === 'quotaExceeded' || reason === 'rateLimitExceeded') {
          states[target.key] = { ...state, ...(token ? { pageToken: token } : {}), ...(runNewest ? { resumeNewest: runNewest } : {}) };
          return { payloads, state: { ...connection.state, targets: states }, retryAfterSeconds: retryAfterSeconds(response.headers, runtime.now()) ?? (reason === 'quotaExceeded' ? 3600 : 60) };
        }
        if (reason === 'commentsDisabled' || reason === 'videoNotFound' || reason === 'channelNotFound') {
          runtime.log.warn({ connectionId: connection.id, target: target.key, reason }, 'YouTube target skipped');
          finished = true;
          break;
        }
        throw new HttpStatusError(response.status, `YouTube ${redact(url)} answered HTTP ${response.status} ${reason}`);
      }
      const facts = pageFacts(text);
      if (facts.threadTimes.length > 0 || facts.newest) payloads.push({ body: text, contentType: 'application/json' });
      // Replies beyond the inline ones, read once: when their thread is new (a page ending at the last
      // newest also lists older threads, whose replies were read when they were new).
      for (const thread of facts.moreReplies) {
        if (state.newest !== undefined && thread.publishedAt <= state.newest) continue;
        const interrupted = await fetchReplies(thread, base, apiKey, connection, runtime, payloads);
        if (interrupted) {
          // This page is read again next time (it is stored now; posts are idempotent), and its threads' replies with it.
          states[target.key] = { ...state, ...(token ? { pageToken: token } : {}), ...(runNewest ? { resumeNewest: runNewest } : {}) };
          return { payloads, state: { ...connection.state, targets: states }, retryAfterSeconds: interrupted.retryAfterSeconds };
        }
      }
      runNewest = later(runNewest, facts.newest);
      const reachedKnown = state.newest !== undefined && facts.threadTimes.some((t) => t <= (state.newest ?? ''));
      if (reachedKnown || !facts.nextPageToken) {
        finished = true;
        break;
      }
      token = facts.nextPageToken;
    }
    const newest = later(state.newest, runNewest);
    states[target.key] = finished ? (newest ? { newest } : {}) : { ...(state.newest ? { newest: state.newest } : {}), ...(token ? { pageToken: token } : {}), ...(runNewest ? { resumeNewest: runNewest } : {}) };
  }
  return { payloads, state: { ...connection.state, targets: states } };
}

/** Replies with comments.insert (OAuth 2 token with the youtube.force-ssl scope); replies go to the top-level comment. */
async function sendReply(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  const token = connection.secrets['oauthToken'];
  if (!token) throw new Error('replying on YouTube needs settings.oauthToken');
  if (message.kind !== 'reply' || !message.inReplyTo) throw new Error('YouTube supports replies to comments only');
  const parentId = message.inReplyTo.externalId.split('.')[0] ?? message.inReplyTo.externalId;
  const url = `${apiBase(connection.settings)}/comments?part=snippet`;
  const { response } = await fetchFollowing(runtime, url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ snippet: { parentId, textOriginal: message.text } }),
  });
  const text = (await readLimited(response, MAX_BYTES)).toString('utf8');
  if (!response.ok) throw new HttpStatusError(response.status, `YouTube refused the reply: HTTP ${response.status} ${await errorReason(text)}`);
  const created: unknown = JSON.parse(text);
  if (!isRecord(created) || typeof created['id'] !== 'string') throw new Error('YouTube answered without a comment id');
  return { externalId: created['id'] };
}

/** YouTube comment threads on watched videos and a channel. */
export const youtubeDriver: ChannelDriver = {
  type: 'youtube',
  label: 'YouTube comments',
  settingsSchema: Type.Object(
    {
      apiKey: Type.String({ minLength: 10, description: 'YouTube Data API key' }),
      oauthToken: Type.Optional(Type.String({ minLength: 10, description: 'OAuth 2 access token (youtube.force-ssl) for replies' })),
      videoIds: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{6,20}$' }), { maxItems: 200, description: 'Videos whose comments are read' })),
      channelId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{10,40}$', description: 'Channel whose comment threads are all read (and whose own comments count as outbound)' })),
      apiBaseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 500, description: `API base URL (default ${DEFAULT_API_BASE_URL})` })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400, description: 'Seconds between polls (default 60)' })),
      maxPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Pages of 100 threads read per video and poll (default 10)' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['apiKey', 'oauthToken'],
  receivesWebhooks: false,
  importFraming: 'document',
  parse(payload, connection) {
    const own = connection?.settings['channelId'];
    return parseYoutube(payload.body, { ownChannelId: typeof own === 'string' ? own : null, videoId: payload.headers?.[VIDEO_ID_HEADER] ?? null });
  },
  poll: pollThreads,
  send: sendReply,
};
