/**
 * The rules of delivery, as pure functions of an attempt's outcome and the clock: what counts as
 * delivered, what is retried and when, and when a subscription that keeps failing is switched off.
 */

/** Waits before attempt 2, 3, ...: about 1 m, 5 m, 30 m, 2 h, 6 h, 12 h, then daily; the last try lands ~3.5 days after the first. */
export const RETRY_SCHEDULE_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000, 86_400_000, 86_400_000];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** A subscription is disabled after this many failed attempts in a row, or after failing for this long. */
export const DISABLE_AFTER_FAILURES = 15;
export const DISABLE_AFTER_MS = 3 * 86_400_000;

/** What one HTTP attempt came to: a response (status, Retry-After) or no response at all (network, timeout). */
export type AttemptOutcome = { kind: 'response'; status: number; retryAfter: string | null } | { kind: 'error'; message: string };

export type Verdict = { kind: 'succeeded' } | { kind: 'retry'; at: Date; reason: string } | { kind: 'failed'; reason: string };

/** Retry-After as seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** The wait before the next attempt after `attempts` tries, with ±20 % jitter so failed receivers are not hit in lockstep. */
export function backoffMs(attempts: number, random: () => number): number {
  const base = RETRY_SCHEDULE_MS[Math.min(attempts - 1, RETRY_SCHEDULE_MS.length - 1)] ?? RETRY_SCHEDULE_MS[0]!;
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function describeOutcome(outcome: AttemptOutcome): string {
  return outcome.kind === 'error' ? outcome.message : `HTTP ${outcome.status}`;
}

/**
 * 2xx is delivered. Network errors, timeouts, 408, 429 and 5xx are retried with backoff (a longer
 * Retry-After wins, up to a day). Any other answer (3xx, 4xx) is a refusal: the same body would be
 * refused again, so the delivery fails at once. A retryable failure on the last attempt fails too.
 */
export function judgeAttempt(outcome: AttemptOutcome, attempts: number, now: Date, random: () => number): Verdict {
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) return { kind: 'succeeded' };
  const reason = describeOutcome(outcome);
  const retryable = outcome.kind === 'error' || outcome.status === 408 || outcome.status === 429 || outcome.status >= 500;
  if (!retryable) return { kind: 'failed', reason: `${reason}: the receiver refused the delivery (not retried)` };
  if (attempts >= MAX_ATTEMPTS) return { kind: 'failed', reason: `${reason}: gave up after ${attempts} attempts` };
  const asked = outcome.kind === 'response' ? retryAfterMs(outcome.retryAfter, now) : null;
  const wait = Math.max(backoffMs(attempts, random), Math.min(asked ?? 0, 86_400_000));
  return { kind: 'retry', at: new Date(now.getTime() + wait), reason };
}

/** The reason shown on a subscription switched off after repeated failure, or null while it may continue. */
export function disableReason(consecutiveFailures: number, failingSince: Date, now: Date, lastFailure: string): string | null {
  if (consecutiveFailures >= DISABLE_AFTER_FAILURES) return `disabled after ${consecutiveFailures} failed deliveries in a row; the last one: ${lastFailure}`;
  if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS) {
    return `disabled after failing for ${Math.round((now.getTime() - failingSince.getTime()) / 86_400_000)} days without a successful delivery; the last one: ${lastFailure}`;
  }
  return null;
}
