import { describe, expect, it } from 'vitest';
import { backoffDelayMs, HOLD_MS, retryAfterSeconds, retryPlan } from './backoff.ts';

const headers = (h: Record<string, string>) => new Headers(h);
const now = new Date('2026-11-23T10:00:00Z');

describe('backoff and rate limits', () => {
  it('doubles the ceiling per attempt with jitter in the upper half, capped', () => {
    expect(backoffDelayMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelayMs(30, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterSeconds(headers({ 'retry-after': '120' }), now)).toBe(120);
    expect(retryAfterSeconds(headers({ 'retry-after': 'Mon, 23 Nov 2026 10:01:00 GMT' }), now)).toBe(60);
  });

  it('waits for the X rate-limit reset when no requests remain', () => {
    const reset = String(now.getTime() / 1000 + 900);
    expect(retryAfterSeconds(headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset }), now)).toBe(900);
    expect(retryAfterSeconds(headers({ 'x-rate-limit-remaining': '3', 'x-rate-limit-reset': reset }), now)).toBeUndefined();
  });

  it('reads Reddit-style seconds-until-reset', () => {
    expect(retryAfterSeconds(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42' }), now)).toBe(42);
  });

  it('plans the retry by the kind of error: backoff with jitter, the wait asked for, or an hour', () => {
    const mid = () => 0.5;
    expect(retryPlan({ kind: 'transient' }, 1, { baseMs: 1000, capMs: 60_000, random: () => 0 })).toEqual({ delayMs: 500, needsAttention: false, countsAsFailure: true });
    expect(retryPlan({ kind: 'transient' }, 4, { baseMs: 1000, capMs: 60_000, random: () => 1 }).delayMs).toBe(8000);
    expect(retryPlan({ kind: 'rate_limited', retryAfterSeconds: 900 }, 3, { random: mid })).toEqual({ delayMs: 900_500, needsAttention: false, countsAsFailure: false });
    expect(retryPlan({ kind: 'rate_limited' }, 1, { baseMs: 1000, random: () => 1 }).delayMs).toBe(1000);
    expect(retryPlan({ kind: 'permanent' }, 1)).toEqual({ delayMs: HOLD_MS, needsAttention: false, countsAsFailure: true });
    expect(retryPlan({ kind: 'config' }, 1).delayMs).toBe(3600_000);
    expect(retryPlan({ kind: 'auth' }, 1)).toEqual({ delayMs: HOLD_MS, needsAttention: true, countsAsFailure: true });
  });
});
