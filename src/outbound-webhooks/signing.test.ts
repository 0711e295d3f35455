import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret, signatureHeader, verifySignature } from './signing.ts';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"post.stored:p1:1","type":"post.stored"}';
  const at = new Date('2026-03-01T12:00:00.000Z');

  it('signs "<unix seconds>.<body>" with HMAC-SHA256 of the secret', () => {
    const expected = createHmac('sha256', secret).update(`1772366400.${body}`).digest('hex');
    expect(signatureHeader(secret, body, at)).toBe(`t=1772366400,v1=${expected}`);
  });

  it('verifies its own signature and refuses another body, another secret or a stale timestamp', () => {
    const header = signatureHeader(secret, body, at);
    expect(verifySignature(secret, header, body, at)).toBe(true);
    expect(verifySignature(secret, header, body + ' ', at)).toBe(false);
    expect(verifySignature('whsec_other', header, body, at)).toBe(false);
    expect(verifySignature(secret, header, body, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature(secret, 't=abc,v1=00', body, at)).toBe(false);
  });

  it('accepts any matching v1 among several (a receiver in the middle of a rotation)', () => {
    const header = signatureHeader(secret, body, at);
    const [t, v1] = header.split(',');
    expect(verifySignature(secret, `${t},v1=${'0'.repeat(64)},${v1}`, body, at)).toBe(true);
  });

  it('generates distinct prefixed secrets of 32 random bytes', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
  });
});
