import { describe, expect, it } from 'vitest';
import { createConnectionCache } from './connection-cache.ts';

describe('createConnectionCache', () => {
  it('reads a key once while it is fresh, again after the time to live or when forgotten', async () => {
    let clock = 0;
    const reads: string[] = [];
    const cache = createConnectionCache(async (key: string) => (reads.push(key), { key, version: reads.length }), { ttlMs: 1000, now: () => clock });
    const [a, b] = await Promise.all([cache.get('k'), cache.get('k')]);
    expect(a).toBe(b);
    clock = 999;
    await cache.get('k');
    expect(reads).toEqual(['k']);
    clock = 1000;
    expect((await cache.get('k'))?.version).toBe(2);
    cache.forget('k');
    expect((await cache.get('k'))?.version).toBe(3);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const cache = createConnectionCache(async (key: string) => {
      if (fail) throw new Error('store unavailable');
      return key;
    });
    await expect(cache.get('k')).rejects.toThrow('store unavailable');
    fail = false;
    expect(await cache.get('k')).toBe('k');
  });

  it('remembers that a key is unknown for the time to live', async () => {
    let reads = 0;
    const cache = createConnectionCache(async () => (reads++, undefined));
    expect(await cache.get('nope')).toBeUndefined();
    expect(await cache.get('nope')).toBeUndefined();
    expect(reads).toBe(1);
  });
});
