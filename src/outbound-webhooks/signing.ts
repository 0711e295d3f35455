import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a receiver knows a delivery came from us: `Townhall-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 is HMAC-SHA256 of "<t>.<raw body>" keyed with the subscription's secret (the whole `whsec_...`
 * string). The timestamp inside the signed text lets receivers refuse replays of old deliveries.
 */

export const SIGNATURE_HEADER = 'Townhall-Signature';

/** A new signing secret: 32 random bytes, recognisable by its prefix when pasted into a config. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The Townhall-Signature header value for a body sent at `at`. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * What a receiver does (and what docs/WEBHOOKS.md shows): true when one v1 signature matches the
 * body and the timestamp is within `toleranceSeconds` of now.
 */
export function verifySignature(secret: string, header: string, body: string, now: Date, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return parts.some(([key, value]) => {
    if (key !== 'v1' || !value || !/^[0-9a-f]{64}$/.test(value)) return false;
    return timingSafeEqual(Buffer.from(value, 'hex'), expected);
  });
}
