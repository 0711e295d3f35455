/** Exponential backoff with full jitter: attempt 0 → up to base, doubling, capped. Pure given `random`. */
export function backoffDelayMs(attempt: number, baseMs = 1000, capMs = 120_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
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
