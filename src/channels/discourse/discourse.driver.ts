import { Type } from 'typebox';
import { retryAfterSeconds } from '../backoff.ts';
import type { ChannelDriver, ConnectionView, DriverRuntime, NativePayload, OutboundMessage, PollResult } from '../driver.ts';
import { fetchFollowing, HttpStatusError, readLimited, redact } from '../rss/http.ts';
import { verifySha256Header } from '../signatures.ts';
import { parseDiscourse, parsePostExternalId, postExternalId } from './discourse.parse.ts';

export const SIGNATURE_HEADER = 'x-discourse-event-signature';
export const EVENT_HEADER = 'x-discourse-event';
export const INSTANCE_HEADER = 'x-discourse-instance';

const MAX_BYTES = 10 * 1024 * 1024;
/** Pages of /posts.json read back per poll at most (each page holds up to 50 posts). */
const DEFAULT_MAX_PAGES = 10;

function baseUrlOf(settings: Record<string, unknown>): string {
  const base = settings['baseUrl'];
  if (typeof base !== 'string') throw new Error('this Discourse connection has no baseUrl');
  return base.replace(/\/+$/, '');
}

function apiHeaders(connection: ConnectionView): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = connection.secrets['apiKey'];
  const user = connection.settings['apiUsername'];
  if (key) headers['api-key'] = key;
  if (key && typeof user === 'string') headers['api-username'] = user;
  return headers;
}

interface PostsPage {
  ids: number[];
  body: string;
}

async function getJson(runtime: DriverRuntime, url: string, headers: Record<string, string>): Promise<{ body: string; retryAfter?: number }> {
  const { response } = await fetchFollowing(runtime, url, { headers });
  if (response.status === 429) {
    await response.body?.cancel();
    return { body: '', retryAfter: retryAfterSeconds(response.headers, runtime.now()) ?? 60 };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpStatusError(response.status, `Discourse ${redact(url)} answered HTTP ${response.status}`);
  }
  return { body: (await readLimited(response, MAX_BYTES)).toString('utf8') };
}

function pageIds(body: string): number[] {
  const doc: unknown = JSON.parse(body);
  if (typeof doc !== 'object' || doc === null || !('latest_posts' in doc) || !Array.isArray(doc.latest_posts)) throw new Error('Discourse /posts.json answered without latest_posts');
  return doc.latest_posts.map((p: unknown) => (typeof p === 'object' && p !== null && 'id' in p && typeof p.id === 'number' ? p.id : NaN)).filter((id) => Number.isInteger(id));
}

/**
 * Polls /posts.json (newest first) and pages back with ?before=<id> until it reaches the newest post
 * id seen last time (state.lastPostId) or the page limit. The first poll of a connection reads one
 * page unless settings.backfillPages asks for more.
 */
async function pollPosts(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  // Webhook-only connections (settings.polling false) are not polled.
  if (connection.settings['polling'] === false) return { payloads: [], state: connection.state, retryAfterSeconds: 3600 };
  const base = baseUrlOf(connection.settings);
  const lastPostId = typeof connection.state['lastPostId'] === 'number' ? connection.state['lastPostId'] : null;
  const backfill = typeof connection.settings['backfillPages'] === 'number' ? connection.settings['backfillPages'] : 1;
  const maxPages = lastPostId === null ? backfill : DEFAULT_MAX_PAGES;
  const headers = apiHeaders(connection);
  const payloads: NativePayload[] = [];
  let newest = lastPostId ?? 0;
  let before: number | null = null;
  for (let page = 0; page < maxPages; page++) {
    const url = before === null ? `${base}/posts.json` : `${base}/posts.json?before=${before}`;
    const fetched = await getJson(runtime, url, headers);
    if (fetched.retryAfter !== undefined) return { payloads, state: { ...connection.state, lastPostId: newest || lastPostId }, retryAfterSeconds: fetched.retryAfter };
    const current: PostsPage = { body: fetched.body, ids: pageIds(fetched.body) };
    if (current.ids.length === 0) break;
    const fresh = lastPostId === null ? current.ids : current.ids.filter((id) => id > lastPostId);
    if (fresh.length > 0) payloads.push({ body: current.body, contentType: 'application/json', headers: { [INSTANCE_HEADER]: base } });
    newest = Math.max(newest, ...current.ids);
    const oldest = Math.min(...current.ids);
    if (lastPostId !== null && oldest <= lastPostId + 1) break;
    before = oldest;
  }
  return { payloads, state: { ...connection.state, lastPostId: newest || null } };
}

/** Replies with POST /posts.json {topic_id, raw, reply_to_post_number}; publishes a new topic with {title, raw, category}. */
async function sendPost(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  const base = baseUrlOf(connection.settings);
  if (!connection.secrets['apiKey'] || typeof connection.settings['apiUsername'] !== 'string') throw new Error('sending to Discourse needs settings.apiKey and settings.apiUsername');
  let request: Record<string, unknown>;
  if (message.kind === 'reply') {
    const target = message.inReplyTo ? parsePostExternalId(message.inReplyTo.externalId) : null;
    if (!target) throw new Error('a Discourse reply needs the id of the post it answers');
    request = { topic_id: target.topicId, raw: message.text, ...(target.postNumber > 1 ? { reply_to_post_number: target.postNumber } : {}) };
  } else if (message.kind === 'publish') {
    const [firstLine = '', ...rest] = message.text.split('\n');
    const category = connection.settings['categoryId'];
    request = { title: firstLine.slice(0, 255), raw: rest.join('\n').trim() || message.text, ...(typeof category === 'number' ? { category } : {}) };
  } else {
    throw new Error('Discourse private messages are not supported');
  }
  const { response } = await fetchFollowing(runtime, `${base}/posts.json`, {
    method: 'POST',
    headers: { ...apiHeaders(connection), 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const text = (await readLimited(response, MAX_BYTES)).toString('utf8');
  if (!response.ok) throw new HttpStatusError(response.status, `Discourse refused the post: HTTP ${response.status} ${text.slice(0, 300)}`);
  const created: unknown = JSON.parse(text);
  if (typeof created !== 'object' || created === null || !('topic_id' in created) || !('post_number' in created) || typeof created.topic_id !== 'number' || typeof created.post_number !== 'number') {
    throw new Error('Discourse answered without topic_id and post_number');
  }
  return { externalId: postExternalId(base, created.topic_id, created.post_number) };
}

/** Discourse forums: signed webhooks, /posts.json polling, replies through the API. */
export const discourseDriver: ChannelDriver = {
  type: 'discourse',
  label: 'Discourse forum',
  settingsSchema: Type.Object(
    {
      baseUrl: Type.String({ pattern: '^https?://[^/]+', maxLength: 500, description: 'Forum base URL, e.g. https://forum.example.com' }),
      webhookSecret: Type.Optional(Type.String({ minLength: 12, description: 'Secret configured in the Discourse webhook (X-Discourse-Event-Signature)' })),
      apiKey: Type.Optional(Type.String({ minLength: 8, description: 'Discourse API key (Api-Key header) for private forums and replies' })),
      apiUsername: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'User the API key acts as (Api-Username header)' })),
      categoryId: Type.Optional(Type.Integer({ minimum: 1, description: 'Category for new topics published from Townhall' })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400, description: 'Seconds between polls (default 60)' })),
      polling: Type.Optional(Type.Boolean({ description: 'Poll /posts.json (default true); false when webhooks deliver everything' })),
      backfillPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Pages of /posts.json read on the first poll (default 1)' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['webhookSecret', 'apiKey'],
  receivesWebhooks: true,
  importFraming: 'document',
  parse(payload, connection) {
    const fromSettings = connection?.settings['baseUrl'];
    const baseUrl = typeof fromSettings === 'string' ? fromSettings : (payload.headers?.[INSTANCE_HEADER] ?? null);
    return parseDiscourse(payload.body, { baseUrl, event: payload.headers?.[EVENT_HEADER] ?? null });
  },
  verifyWebhook(request, connection) {
    if (request.method !== 'POST') return { kind: 'reject', status: 401, reason: 'only signed POST requests are accepted' };
    const secret = connection.secrets['webhookSecret'];
    if (!secret) return { kind: 'reject', status: 401, reason: 'no webhookSecret is configured for this connection' };
    if (!request.headers[EVENT_HEADER]) return { kind: 'reject', status: 401, reason: `missing ${EVENT_HEADER}` };
    return verifySha256Header(request.headers[SIGNATURE_HEADER], secret, request.rawBody) ? { kind: 'accept' } : { kind: 'reject', status: 401, reason: `missing or wrong ${SIGNATURE_HEADER}` };
  },
  poll: pollPosts,
  send: sendPost,
};
