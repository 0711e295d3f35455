import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { ChannelError, channelErrorFromResponse, type ChannelDriver, type ConnectionView, type DriverRuntime, type NativePayload, type OutboundMessage, type PollResult } from '../driver.ts';
import { authHeaders, fetchNewer, instanceBase, mastodonRetryAfter, mastodonSources, stateOf } from './mastodon.client.ts';
import { parseMastodon } from './mastodon.parse.ts';
import { streamMastodon } from './mastodon.stream.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Polls every source once from its cursor; stops at the first rate limit and says how long to wait. */
export async function pollMastodon(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  const { cursors } = stateOf(connection.state);
  const next = { ...cursors };
  const payloads: NativePayload[] = [];
  const backfill = typeof connection.settings['backfillPages'] === 'number' ? connection.settings['backfillPages'] : 0;
  for (const source of mastodonSources(connection.settings)) {
    const result = await fetchNewer(runtime, connection, source, next[source.key] ?? null, backfill);
    payloads.push(...result.payloads);
    if (result.cursor) next[source.key] = result.cursor;
    // Limits are per account and IP: one limited source means all wait.
    if (result.retryAfterSeconds !== undefined) return { payloads, state: { cursors: next }, retryAfterSeconds: result.retryAfterSeconds };
  }
  return { payloads, state: { cursors: next } };
}

async function jsonOf(response: { text(): Promise<string> }): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return { error: text.slice(0, 200) };
  }
}

/**
 * Replies with POST /api/v1/statuses (in_reply_to_id, Idempotency-Key). The status replied to is
 * read first so the reply mentions its author (as Mastodon clients do) and never widens its
 * visibility: a reply to a direct message stays direct.
 */
export async function sendMastodon(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  const base = instanceBase(connection.settings);
  if (!connection.secrets['accessToken']) throw new ChannelError('config', 'sending on Mastodon needs the accessToken secret');
  const headers = authHeaders(connection);
  let text = message.text;
  let visibility: string = message.kind === 'message' ? 'direct' : 'public';
  const inReplyToId = message.inReplyTo?.externalId ?? null;
  if (inReplyToId) {
    const response = await runtime.fetch(new URL(`api/v1/statuses/${encodeURIComponent(inReplyToId)}`, base), { headers });
    const original = await jsonOf(response);
    if (!response.ok) throw channelErrorFromResponse('Mastodon', response, JSON.stringify(original), runtime.now(), `reading status ${inReplyToId}`);
    const acct = isRecord(original['account']) && typeof original['account']['acct'] === 'string' ? original['account']['acct'] : null;
    if (acct && !text.includes(`@${acct}`)) text = `@${acct} ${text}`;
    const rank = ['public', 'unlisted', 'private', 'direct'];
    const theirs = typeof original['visibility'] === 'string' && rank.includes(original['visibility']) ? original['visibility'] : 'public';
    if (rank.indexOf(theirs) > rank.indexOf(visibility)) visibility = theirs;
  }
  const response = await runtime.fetch(new URL('api/v1/statuses', base), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey ?? randomUUID() },
    body: JSON.stringify({ status: text, visibility, ...(inReplyToId ? { in_reply_to_id: inReplyToId } : {}) }),
  });
  const created = await jsonOf(response);
  if (!response.ok) {
    const error = channelErrorFromResponse('Mastodon', response, JSON.stringify(created), runtime.now(), 'to the reply');
    const wait = mastodonRetryAfter(response.status, response.headers, runtime.now());
    throw error.kind === 'rate_limited' && wait !== undefined ? new ChannelError('rate_limited', error.message, { status: response.status, retryAfterSeconds: wait }) : error;
  }
  if (typeof created['id'] !== 'string') throw new Error('Mastodon did not return the id of the new status');
  return { externalId: created['id'] };
}

/** Mastodon: hashtag, mention and account listening over REST polling and SSE streaming (docs/channels/mastodon.md). */
export const mastodonDriver: ChannelDriver = {
  type: 'mastodon',
  label: 'Mastodon',
  settingsSchema: Type.Object(
    {
      instanceUrl: Type.String({ pattern: '^https?://', maxLength: 200, description: 'Base URL of the instance, e.g. https://mastodon.social' }),
      streamingUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 200, description: 'Streaming API base when it differs from the instance (instance.urls.streaming)' })),
      hashtags: Type.Optional(Type.Array(Type.String({ pattern: '^#?[\\p{L}\\p{N}_]{1,100}$' }), { maxItems: 50 })),
      mentions: Type.Optional(Type.Boolean({ description: 'Listen to mentions of the token’s account (notifications)' })),
      accounts: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,30}$' }), { maxItems: 50, description: 'Account ids whose statuses to poll' })),
      transport: Type.Optional(Type.Union([Type.Literal('poll'), Type.Literal('stream')], { description: 'Default stream for hashtags and mentions' })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
      backfillPages: Type.Optional(Type.Integer({ minimum: 0, maximum: 50, description: 'Older pages to fetch on first contact' })),
      accessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'OAuth token (read; write:statuses to reply)' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['accessToken'],
  receivesWebhooks: false,
  importFraming: 'document',
  parse(payload) {
    return parseMastodon(payload.body, payload.headers ?? {});
  },
  poll: pollMastodon,
  stream: streamMastodon,
  send: sendMastodon,
};
