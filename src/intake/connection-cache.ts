/**
 * A short-lived memo of webhook connections by key. Under load every delivery would otherwise read its
 * connection from the store, which on the embedded store waits for the single backend like a write does.
 * An entry lives `ttlMs` (default 1 s), so a pause, a new secret or a removal takes effect within that time
 * in every process (api roles share no memory), and at once in this one through `forget`.
 */
export interface ConnectionCache<T> {
  get(key: string): Promise<T | undefined>;
  /** Drops the entry (after a change to that connection in this process), or every entry. */
  forget(key?: string): void;
}

export function createConnectionCache<T>(load: (key: string) => Promise<T | undefined>, options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): ConnectionCache<T> {
  const ttlMs = options.ttlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Promise<T | undefined>; until: number }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      if (entries.size >= maxEntries) entries.clear();
      // Concurrent deliveries for the same key share one read; a failed read is not remembered.
      const value = load(key);
      entries.set(key, { value, until: now() + ttlMs });
      value.catch(() => entries.delete(key));
      return value;
    },
    forget(key) {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}
