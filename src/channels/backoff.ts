/** Exponential backoff with full jitter: attempt 0 → up to base, doubling, capped. Pure given `random`. */
export function backoffDelayMs(attempt: number, baseMs = 1000, capMs = 120_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** How long a request the platform refused for good (permanent, config) or for its credentials (auth) waits before it is tried again. */
export const HOLD_MS = 3600_000;

/** What to do after a failed platform call, by the kind of its ChannelError (src/channels/driver.ts). */
export interface RetryPlan {
  delayMs: number;
  /** The platform refused the credentials: mark the channel as needing attention. */
  needsAttention: boolean;
  /** False when the platform only asked us to wait (a rate limit is not the request's fault). */
  countsAsFailure: boolean;
}

/**
 * The retry policy in one place, pure given `random`: transient failures back off exponentially with
 * jitter from `baseMs` up to `capMs`; a rate limit waits exactly as long as the platform asked (plus
 * up to a second of jitter, so workers do not all return at once), or backs off when it did not say;
 * permanent, config and auth errors are held for an hour.
 */
export function retryPlan(
  error: { kind: 'transient' | 'rate_limited' | 'auth' | 'config' | 'permanent'; retryAfterSeconds?: number | undefined },
  failures: number,
  options: { baseMs?: number; capMs?: number; random?: () => number } = {},
): RetryPlan {
  const random = options.random ?? Math.random;
  const backoff = () => backoffDelayMs(Math.max(0, failures - 1), options.baseMs, options.capMs, random);
  switch (error.kind) {
    case 'transient':
      return { delayMs: backoff(), needsAttention: false, countsAsFailure: true };
    case 'rate_limited':
      return { delayMs: error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 + Math.round(random() * 1000) : backoff(), needsAttention: false, countsAsFailure: false };
    case 'auth':
      return { delayMs: HOLD_MS, needsAttention: true, countsAsFailure: true };
    case 'config':
    case 'permanent':
      return { delayMs: HOLD_MS, needsAttention: false, countsAsFailure: true };
  }
}

/**
 * Seconds to wait from rate-limit headers: Retry-After (seconds or HTTP date), or X's
 * x-rate-limit-remaining/x-rate-limit-reset (epoch seconds). Undefined when no limit is signalled.
 */
export function retryAfterSeconds(headers: { get(name: string): string | null }, now: Date): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
  }
  const remaining = headers.get('x-rate-limit-remaining') ?? headers.get('x-ratelimit-remaining');
  const reset = headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset');
  if (remaining !== null && Number(remaining) <= 0 && reset !== null) {
    const resetNumber = Number(reset);
    // X sends epoch seconds; Reddit sends seconds until reset.
    const seconds = resetNumber > 1e9 ? resetNumber - now.getTime() / 1000 : resetNumber;
    return Math.max(0, Math.ceil(seconds));
  }
  return undefined;
}

/** Sleeps unless the signal aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
