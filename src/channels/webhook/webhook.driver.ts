import { Type } from 'typebox';
import { ParseError, type ParseResult } from '../../listening/canonical.ts';
import { canonicalPostFrom } from '../canonical-json.ts';
import type { ChannelDriver, NativePayload } from '../driver.ts';
import { verifySha256Header } from '../signatures.ts';

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
  verifyWebhook(request, connection) {
    if (request.method !== 'POST') return { kind: 'reject', status: 401, reason: 'only signed POST requests are accepted' };
    const ok = verifySha256Header(request.headers[SIGNATURE_HEADER], connection.secrets['secret'] ?? '', request.rawBody);
    return ok ? { kind: 'accept' } : { kind: 'reject', status: 401, reason: `missing or wrong ${SIGNATURE_HEADER}` };
  },
};
