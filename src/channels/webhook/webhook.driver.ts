import { Type } from 'typebox';
import { ParseError, type ParseResult } from '../../listening/canonical.ts';
import { canonicalPostFrom } from '../canonical-json.ts';
import { ChannelError, channelErrorFromResponse, type ChannelDriver, type NativePayload } from '../driver.ts';
import { hmacSha256Hex, verifySha256Header } from '../signatures.ts';

export const SIGNATURE_HEADER = 'x-townhall-signature';

/** Parses a JSON body holding one canonical post, an array of them, or {posts: [...]}. */
export function parseCanonicalJson(payload: NativePayload, defaultChannel: string): ParseResult {
  let body: unknown;
  try {
    body = JSON.parse(payload.body);
  } catch (error) {
    throw new ParseError(`body is not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null && 'posts' in body && Array.isArray(body.posts) ? body.posts : [body];
  return { items: list.map((item: unknown) => ({ type: 'post' as const, post: canonicalPostFrom(item, defaultChannel) })) };
}

/**
 * Generic webhook: any system can push canonical posts as JSON, signed with
 * X-Townhall-Signature: sha256=<hex HMAC-SHA256 of the raw body with the connection's secret>.
 */
export const webhookDriver: ChannelDriver = {
  type: 'webhook',
  label: 'Generic signed webhook',
  settingsSchema: Type.Object(
    {
      secret: Type.String({ minLength: 16, description: 'Shared secret for X-Townhall-Signature' }),
      channel: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]*$', description: 'Channel name for posts that name none (default: webhook)' })),
      replyUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: 'Where replies and posts are delivered as signed JSON; the response must be {"id": "<external id>"}' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['secret'],
  receivesWebhooks: true,
  importFraming: 'document',
  parse(payload, connection) {
    const channel = typeof connection?.settings['channel'] === 'string' ? connection.settings['channel'] : 'webhook';
    return parseCanonicalJson(payload, channel);
  },
  async send(message, connection, runtime) {
    const replyUrl = connection.settings['replyUrl'];
    if (typeof replyUrl !== 'string') throw new ChannelError('config', 'this webhook channel has no replyUrl setting, so it cannot send');
    const body = JSON.stringify({ kind: message.kind, text: message.text, inReplyTo: message.inReplyTo ?? null, idempotencyKey: message.idempotencyKey ?? null });
    const response = await runtime.fetch(replyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: `sha256=${hmacSha256Hex(connection.secrets['secret'] ?? '', body)}`, ...(message.idempotencyKey ? { 'idempotency-key': message.idempotencyKey } : {}) },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw channelErrorFromResponse('reply endpoint', response, text, runtime.now());
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('reply endpoint did not answer JSON');
    }
    const id = typeof parsed === 'object' && parsed !== null && 'id' in parsed ? parsed.id : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error('reply endpoint answer has no "id"');
    return { externalId: String(id) };
  },
  verifyWebhook(request, connection) {
    if (request.method !== 'POST') return { kind: 'reject', status: 401, reason: 'only signed POST requests are accepted' };
    const ok = verifySha256Header(request.headers[SIGNATURE_HEADER], connection.secrets['secret'] ?? '', request.rawBody);
    return ok ? { kind: 'accept' } : { kind: 'reject', status: 401, reason: `missing or wrong ${SIGNATURE_HEADER}` };
  },
};
