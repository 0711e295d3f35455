import type { ConnectionView, InboundRequest, WebhookVerdict } from '../driver.ts';
import { hmacSha256Base64, safeEqual } from '../signatures.ts';

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** The CRC answer X expects: sha256= + base64(HMAC-SHA256(consumer secret, crc_token)). */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${hmacSha256Base64(consumerSecret, crcToken)}`;
}

/**
 * Account Activity webhooks: X checks the URL with GET ?crc_token=T (when registering and hourly)
 * and signs each POSTed event with x-twitter-webhooks-signature: sha256=<base64 HMAC of the body>
 * under the app's consumer secret. The signature is compared in constant time.
 */
export function verifyXWebhook(request: InboundRequest, connection: ConnectionView): WebhookVerdict {
  const secret = connection.secrets['consumerSecret'] ?? '';
  if (!secret) return { kind: 'reject', status: 401, reason: 'this X channel has no consumerSecret to check signatures with' };
  if (request.method === 'GET') {
    const token = request.query['crc_token'];
    if (!token) return { kind: 'reject', status: 401, reason: 'a GET must carry crc_token' };
    return { kind: 'respond', status: 200, contentType: 'application/json', body: JSON.stringify({ response_token: crcResponseToken(secret, token) }) };
  }
  if (request.method !== 'POST') return { kind: 'reject', status: 401, reason: 'only CRC checks and signed POSTs are accepted' };
  const header = request.headers[SIGNATURE_HEADER]?.trim() ?? '';
  const expected = `sha256=${hmacSha256Base64(secret, request.rawBody)}`;
  return header && safeEqual(header, expected) ? { kind: 'accept' } : { kind: 'reject', status: 401, reason: `missing or wrong ${SIGNATURE_HEADER}` };
}
