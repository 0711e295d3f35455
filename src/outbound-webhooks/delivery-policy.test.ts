import { describe, expect, it } from 'vitest';
import { backoffMs, DISABLE_AFTER_FAILURES, disableReason, judgeAttempt, MAX_ATTEMPTS, retryAfterMs } from './delivery-policy.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const middle = () => 0.5;
const response = (status: number, retryAfter: string | null = null) => ({ kind: 'response' as const, status, retryAfter });

describe('judging a delivery attempt', () => {
  it('counts any 2xx as delivered', () => {
    expect(judgeAttempt(response(200), 1, now, middle)).toEqual({ kind: 'succeeded' });
    expect(judgeAttempt(response(204), 1, now, middle)).toEqual({ kind: 'succeeded' });
  });

  it('retries network errors, 408, 429 and 5xx after 1 m, 5 m, 30 m, 2 h, 6 h...', () => {
    const waits = [1, 2, 3, 4, 5].map((attempts) => {
      const verdict = judgeAttempt(response(503), attempts, now, middle);
      return verdict.kind === 'retry' ? (verdict.at.getTime() - now.getTime()) / 60_000 : null;
    });
    expect(waits).toEqual([1, 5, 30, 120, 360]);
    expect(judgeAttempt({ kind: 'error', message: 'ECONNREFUSED' }, 1, now, middle).kind).toBe('retry');
    expect(judgeAttempt(response(408), 1, now, middle).kind).toBe('retry');
    expect(judgeAttempt(response(429), 1, now, middle).kind).toBe('retry');
  });

  it('refuses to retry other 4xx and 3xx: the same body would be refused again', () => {
    const verdict = judgeAttempt(response(400), 1, now, middle);
    expect(verdict).toMatchObject({ kind: 'failed' });
    expect(verdict.kind === 'failed' && verdict.reason).toContain('HTTP 400');
    expect(judgeAttempt(response(301), 1, now, middle).kind).toBe('failed');
  });

  it('gives up after the last attempt of the schedule', () => {
    const verdict = judgeAttempt(response(500), MAX_ATTEMPTS, now, middle);
    expect(verdict.kind === 'failed' && verdict.reason).toContain(`gave up after ${MAX_ATTEMPTS} attempts`);
  });

  it('honours a Retry-After longer than the backoff, in seconds or as a date', () => {
    const seconds = judgeAttempt(response(429, '900'), 1, now, middle);
    expect(seconds.kind === 'retry' && seconds.at.toISOString()).toBe('2026-03-01T12:15:00.000Z');
    const date = judgeAttempt(response(503, 'Sun, 01 Mar 2026 14:00:00 GMT'), 1, now, middle);
    expect(date.kind === 'retry' && date.at.toISOString()).toBe('2026-03-01T14:00:00.000Z');
    expect(retryAfterMs('soon', now)).toBeNull();
  });

  it('spreads retries by ±20 %', () => {
    expect(backoffMs(1, () => 0)).toBe(48_000);
    expect(backoffMs(1, () => 1)).toBe(72_000);
  });
});

describe('disabling a failing subscription', () => {
  it('disables after 15 failures in a row, naming the last failure', () => {
    expect(disableReason(DISABLE_AFTER_FAILURES - 1, now, now, 'HTTP 500')).toBeNull();
    expect(disableReason(DISABLE_AFTER_FAILURES, now, now, 'HTTP 500')).toMatch(/15 failed deliveries in a row; the last one: HTTP 500/);
  });

  it('disables after three days without a success, however few the attempts', () => {
    const since = new Date(now.getTime() - 3 * 86_400_000);
    expect(disableReason(4, since, now, 'no answer within 10 s')).toMatch(/failing for 3 days.*no answer within 10 s/);
  });
});
