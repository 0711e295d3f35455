import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of a raw body, lowercase hex (Meta, Discourse, our generic webhook). */
export function hmacSha256Hex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** HMAC-SHA256, base64 (X CRC response token). */
export function hmacSha256Base64(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** Constant-time string comparison; different lengths compare false without leaking where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** Checks a `sha256=<hex>` signature header against the body. */
export function verifySha256Header(header: string | undefined, secret: string, body: Buffer): boolean {
  if (!header || !secret) return false;
  return safeEqual(header.trim().toLowerCase(), `sha256=${hmacSha256Hex(secret, body)}`);
}
