/**
 * Near-duplicate detection over a sliding window: MinHash signatures (one-permutation hashing with
 * rotation densification, so a post is hashed once per shingle, not once per hash function) indexed
 * by LSH bands. Copy-paste campaigns are groups of near-duplicates posted by several authors.
 * Memory is bounded by the time window and by `maxItems`.
 */
import { tokenize } from '../entities/text.ts';

export interface NearDuplicateOptions {
  /** Items older than this (relative to the newest time seen) are evicted; default 24 h. */
  windowMs?: number;
  /** Hard cap on indexed items; the oldest go first. Default 50,000. */
  maxItems?: number;
  /** MinHash signature length; default 64. Must be a multiple of `bands`. */
  numHashes?: number;
  /** LSH bands; default 16 (4 rows each: J=0.7 is found 99% of the time, J=0.3 is a candidate 12%). */
  bands?: number;
  /** Estimated Jaccard similarity from which two posts are near-duplicates; default 0.7. */
  threshold?: number;
  /** Character shingle length; default 5. */
  shingleSize?: number;
  /**
   * Most indexed items compared per lookup (default 128): a campaign with thousands of copies fills one
   * bucket, and a hundred comparisons already prove a post belongs to it.
   */
  maxCandidates?: number;
  /** Most near-duplicates returned per lookup, newest first (default 20). */
  maxMatches?: number;
}

export interface NearDuplicateMatch {
  id: string;
  /** Estimated Jaccard similarity of the character shingles. */
  similarity: number;
  time: number;
  author: string | null;
}

export interface Campaign {
  ids: string[];
  authors: string[];
  size: number;
  firstSeen: number;
  lastSeen: number;
  /** The text of the earliest post (first 280 characters). */
  example: string;
}

interface Item {
  id: string;
  time: number;
  author: string | null;
  signature: Uint32Array;
  keys: number[];
  example: string;
  duplicated: boolean;
}

const URLS_AND_MENTIONS = /https?:\/\/\S+|www\.\S+|(?<![\w.])@[\w.]+/giu;
const EXAMPLE_LENGTH = 280;
/** Long posts are compared on their first 10,000 characters: enough to tell copies apart, and the cost stays flat. */
const MAX_TEXT = 10_000;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folded words of the text, URLs and @mentions removed (campaigns vary those per copy). */
export function normalizeForDuplicates(text: string): string {
  const t = typeof text === 'string' ? (text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text) : '';
  return tokenize(t.replace(URLS_AND_MENTIONS, ' '))
    .map((tok) => tok.norm)
    .join(' ');
}

/** Computes a MinHash signature of character shingles, or null when the text has no words. */
export function minHashSignature(text: string, numHashes = 64, shingleSize = 5): Uint32Array | null {
  const norm = normalizeForDuplicates(text);
  if (norm.length === 0) return null;
  const bins = new Uint32Array(numHashes).fill(0xffffffff);
  const filled = new Uint8Array(numHashes);
  const k = Math.min(shingleSize, norm.length);
  for (let s = 0; s + k <= norm.length; s++) {
    let h = 0x811c9dc5;
    for (let i = s; i < s + k; i++) h = Math.imul(h ^ norm.charCodeAt(i), 0x01000193);
    const a = fmix32(h);
    const bin = a % numHashes;
    const value = fmix32(a ^ 0x9e3779b9);
    if (value <= (bins[bin] ?? 0xffffffff)) {
      bins[bin] = value;
      filled[bin] = 1;
    }
  }
  // Rotation densification: an empty bin borrows the next filled bin's value, offset by the distance.
  for (let i = 0; i < numHashes; i++) {
    if (filled[i] === 1) continue;
    for (let d = 1; d < numHashes; d++) {
      const j = (i + d) % numHashes;
      if (filled[j] === 1) {
        bins[i] = fmix32(((bins[j] ?? 0) + Math.imul(d, 0x27d4eb2d)) >>> 0);
        break;
      }
    }
  }
  return bins;
}

/** Fraction of equal signature positions: an estimate of the Jaccard similarity. */
export function estimateSimilarity(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let same = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return same / n;
}

/** A sliding-window index of recent posts for near-duplicate and campaign detection. */
export class NearDuplicateIndex {
  private readonly windowMs: number;
  private readonly maxItems: number;
  private readonly numHashes: number;
  private readonly bands: number;
  private readonly rows: number;
  private readonly threshold: number;
  private readonly shingleSize: number;
  private readonly maxCandidates: number;
  private readonly maxMatches: number;
  private readonly items = new Map<string, Item>();
  /** LSH buckets; removal only counts the dead, and a bucket is compacted once half of it is dead. */
  private readonly buckets = new Map<number, { items: Item[]; dead: number }>();
  /** Items in insertion order; a queue rather than Map iteration, which walks over deleted entries in V8. */
  private order: Item[] = [];
  private head = 0;
  private newest = Number.NEGATIVE_INFINITY;

  constructor(options: NearDuplicateOptions = {}) {
    this.windowMs = Math.max(0, options.windowMs ?? 24 * 3600 * 1000);
    this.maxItems = Math.max(1, Math.floor(options.maxItems ?? 50_000));
    this.bands = Math.max(1, Math.floor(options.bands ?? 16));
    const requested = Math.max(this.bands, Math.floor(options.numHashes ?? 64));
    this.rows = Math.max(1, Math.floor(requested / this.bands));
    this.numHashes = this.rows * this.bands;
    this.threshold = options.threshold ?? 0.7;
    this.shingleSize = Math.max(1, Math.floor(options.shingleSize ?? 5));
    this.maxCandidates = Math.max(1, Math.floor(options.maxCandidates ?? 128));
    this.maxMatches = Math.max(1, Math.floor(options.maxMatches ?? 20));
  }

  /** Number of indexed items. */
  get size(): number {
    return this.items.size;
  }

  private bandKeys(signature: Uint32Array): number[] {
    const keys: number[] = [];
    for (let b = 0; b < this.bands; b++) {
      let h = 0x811c9dc5 ^ b;
      for (let r = 0; r < this.rows; r++) h = Math.imul(h ^ (signature[b * this.rows + r] ?? 0), 0x01000193);
      keys.push(b * 4294967296 + fmix32(h));
    }
    return keys;
  }

  private candidates(signature: Uint32Array, keys: readonly number[], threshold: number, exclude: string | null): NearDuplicateMatch[] {
    const seen = new Set<string>();
    const matches: NearDuplicateMatch[] = [];
    scan: for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (bucket === undefined) continue;
      // Newest first: recent copies matter most, and the comparison budget goes to them.
      for (let i = bucket.items.length - 1; i >= 0; i--) {
        const item = bucket.items[i];
        if (item === undefined) continue;
        const id = item.id;
        if (seen.has(id) || id === exclude || this.items.get(id) !== item) continue;
        if (seen.size >= this.maxCandidates || matches.length >= this.maxMatches) break scan;
        seen.add(id);
        const similarity = estimateSimilarity(signature, item.signature);
        if (similarity >= threshold) matches.push({ id, similarity, time: item.time, author: item.author });
      }
    }
    return matches.sort((a, b) => b.similarity - a.similarity || a.time - b.time);
  }

  /** Near-duplicates of a text among the indexed items (bounded by `maxCandidates`/`maxMatches`), most similar first. */
  findNearDuplicates(text: string, threshold = this.threshold): NearDuplicateMatch[] {
    const signature = minHashSignature(text, this.numHashes, this.shingleSize);
    if (signature === null) return [];
    return this.candidates(signature, this.bandKeys(signature), threshold, null);
  }

  /**
   * Indexes a post and returns the near-duplicates it had in the window before it was added.
   * Re-adding an id replaces the earlier entry. `time` is in milliseconds.
   */
  add(id: string, text: string, time: number, author?: string | null): NearDuplicateMatch[] {
    const at = Number.isFinite(time) ? time : 0;
    if (at > this.newest) this.newest = at;
    this.evict(this.newest);
    if (this.items.has(id)) this.remove(id);
    const signature = minHashSignature(text, this.numHashes, this.shingleSize);
    if (signature === null) return [];
    const keys = this.bandKeys(signature);
    const matches = this.candidates(signature, keys, this.threshold, id);
    for (const m of matches) {
      const other = this.items.get(m.id);
      if (other !== undefined) other.duplicated = true;
    }
    const source = typeof text === 'string' ? text : '';
    const item: Item = {
      id,
      time: at,
      author: typeof author === 'string' ? author : null,
      signature,
      keys,
      example: source.slice(0, EXAMPLE_LENGTH),
      duplicated: matches.length > 0,
    };
    this.items.set(id, item);
    this.order.push(item);
    for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (bucket === undefined) this.buckets.set(key, { items: [item], dead: 0 });
      else bucket.items.push(item);
    }
    while (this.items.size > this.maxItems) {
      const oldest = this.shift();
      if (oldest === undefined) break;
      this.remove(oldest.id);
    }
    return matches;
  }

  /** Removes one item from the index. */
  remove(id: string): void {
    const item = this.items.get(id);
    if (item === undefined) return;
    this.items.delete(id);
    for (const key of item.keys) {
      const bucket = this.buckets.get(key);
      if (bucket === undefined) continue;
      bucket.dead++;
      if (bucket.dead >= bucket.items.length) this.buckets.delete(key);
      else if (bucket.dead * 2 > bucket.items.length) {
        bucket.items = bucket.items.filter((x) => this.items.get(x.id) === x);
        bucket.dead = 0;
      }
    }
  }

  /** The oldest live item in insertion order, or undefined; skips entries removed or replaced since. */
  private peek(): Item | undefined {
    while (this.head < this.order.length) {
      const item = this.order[this.head];
      if (item !== undefined && this.items.get(item.id) === item) return item;
      this.head++;
    }
    return undefined;
  }

  private shift(): Item | undefined {
    const item = this.peek();
    if (item !== undefined) this.head++;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Evicts items older than the window before `now`; returns how many were evicted. */
  evict(now: number): number {
    const cutoff = now - this.windowMs;
    let evicted = 0;
    // Items arrive roughly in time order, so the oldest sit at the front of the queue.
    for (let item = this.peek(); item !== undefined && item.time < cutoff; item = this.peek()) {
      this.shift();
      this.remove(item.id);
      evicted++;
    }
    return evicted;
  }

  /** Posts and near-duplicated posts of one author in the window (for `scoreAuthor`). */
  authorActivity(author: string): { posts: number; duplicatePosts: number; firstSeen: number | null; lastSeen: number | null } {
    let posts = 0;
    let duplicatePosts = 0;
    let firstSeen: number | null = null;
    let lastSeen: number | null = null;
    for (const item of this.items.values()) {
      if (item.author !== author) continue;
      posts++;
      if (item.duplicated) duplicatePosts++;
      firstSeen = firstSeen === null ? item.time : Math.min(firstSeen, item.time);
      lastSeen = lastSeen === null ? item.time : Math.max(lastSeen, item.time);
    }
    return { posts, duplicatePosts, firstSeen, lastSeen };
  }

  /**
   * Copy-paste campaigns: groups of near-duplicates in the window posted by at least `minAuthors`
   * different authors, largest first.
   */
  detectCampaigns(minAuthors = 5): Campaign[] {
    const ids = [...this.items.keys()];
    const index = new Map<string, number>();
    ids.forEach((id, i) => index.set(id, i));
    const parent = ids.map((_, i) => i);
    const find = (x: number): number => {
      let root = x;
      while (parent[root] !== root) root = parent[root] ?? root;
      while (parent[x] !== root) {
        const next = parent[x] ?? root;
        parent[x] = root;
        x = next;
      }
      return root;
    };
    // Within a bucket, compare each member with the bucket's first member: linear even for huge campaigns.
    for (const bucket of this.buckets.values()) {
      if (bucket.items.length - bucket.dead < 2) continue;
      let first: Item | undefined;
      for (const item of bucket.items) {
        if (this.items.get(item.id) !== item) continue;
        if (first === undefined) {
          first = item;
          continue;
        }
        if (estimateSimilarity(first.signature, item.signature) < this.threshold) continue;
        const a = find(index.get(first.id) ?? 0);
        const b = find(index.get(item.id) ?? 0);
        if (a !== b) parent[a] = b;
      }
    }
    const groups = new Map<number, Item[]>();
    ids.forEach((id, i) => {
      const item = this.items.get(id);
      if (item === undefined) return;
      const root = find(i);
      const group = groups.get(root);
      if (group === undefined) groups.set(root, [item]);
      else group.push(item);
    });
    const campaigns: Campaign[] = [];
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const authors = [...new Set(group.map((g) => g.author).filter((a): a is string => a !== null))];
      if (authors.length < minAuthors) continue;
      group.sort((a, b) => a.time - b.time);
      campaigns.push({
        ids: group.map((g) => g.id),
        authors,
        size: group.length,
        firstSeen: group[0]?.time ?? 0,
        lastSeen: group[group.length - 1]?.time ?? 0,
        example: group[0]?.example ?? '',
      });
    }
    return campaigns.sort((a, b) => b.size - a.size || a.firstSeen - b.firstSeen);
  }
}
