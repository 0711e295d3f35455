import { createHash, randomBytes } from 'node:crypto';

/** Session ids and API tokens are 256-bit random values; only their SHA-256 is stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export const TOKEN_PREFIX = 'th_';

export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, prefix: token.slice(0, 10), hash: sha256(token) };
}
