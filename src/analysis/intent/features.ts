/**
 * Hashed text features for the intent model: word unigrams, word bigrams (with a sentence-start marker,
 * so "how ..." at the start differs from "how" inside), character 3-5-grams of each word, and tokens for
 * mentions, hashtags, URLs, question and exclamation marks, emoji and shouting.
 * Allocation-free per call apart from one lowercase copy of the text: one extractor is reused.
 */

/** Texts are cut to this many UTF-16 units: intent is decided early in a post, and it bounds the cost. */
export const MAX_CHARS = 1000;
const MAX_WORD = 24;
const MIN_N = 3;
const MAX_N = 5;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const NS_WORD = 0x3c6ef372;
const NS_BIGRAM = 0x5851f42d;
const NS_CHAR = 0x2545f491;
const NS_TOKEN = 0x7f4a7c15;
const BOS = 0x1b873593;

/** Special tokens, hashed into the same space as words. */
export const TOKEN = { mention: 1, hashtag: 2, url: 3, question: 4, exclaim: 5, caps: 6, number: 7 } as const;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7);
}

function isHandleChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46;
}

function isSymbolEmoji(c: number): boolean {
  return (c >= 0x2600 && c <= 0x27bf) || (c >= 0x2b00 && c <= 0x2bff) || c === 0x2764;
}

/** Reusable feature extractor: call extract(), then read idx[0..n) and lower. Not reentrant (no awaits inside). */
export class FeatureExtractor {
  readonly idx: Int32Array;
  n = 0;
  /** The lowercased (and cut) text of the last extract() call, for cue matching. */
  lower = '';
  private readonly mask: number;
  private readonly word = new Uint16Array(MAX_WORD);
  private wlen = 0;
  private whash = FNV_OFFSET;
  private wchars = 0;
  private prev = BOS;

  constructor(bits: number, capacity = 8192) {
    this.mask = (1 << bits) - 1;
    this.idx = new Int32Array(capacity);
  }

  private push(h: number): void {
    if (this.n < this.idx.length) this.idx[this.n++] = mix(h) & this.mask;
  }

  private token(id: number): void {
    this.push(NS_TOKEN ^ Math.imul(id, 0x9e3779b1));
  }

  private addChar(c: number): void {
    this.whash = Math.imul(this.whash ^ c, FNV_PRIME);
    this.wchars++;
    if (this.wlen < MAX_WORD) this.word[this.wlen++] = c;
  }

  private endWord(): void {
    if (this.wchars === 0) return;
    const w = this.whash;
    this.push(NS_WORD ^ w);
    this.push(NS_BIGRAM ^ Math.imul(this.prev, 31) ^ w);
    // Character n-grams over "<word>", with 60 and 62 ('<', '>') as boundary marks; one pass per start
    // position extends the hash from length MIN_N to MAX_N.
    const len = this.wlen + 2;
    for (let s = 0; s + MIN_N <= len; s++) {
      let h = FNV_OFFSET ^ NS_CHAR;
      const end = Math.min(len, s + MAX_N);
      for (let k = s; k < end; k++) {
        const c = k === 0 ? 60 : k === len - 1 ? 62 : (this.word[k - 1] ?? 0);
        h = Math.imul(h ^ c, FNV_PRIME);
        if (k - s + 1 >= MIN_N) this.push(h);
      }
    }
    this.prev = w;
    this.wlen = 0;
    this.wchars = 0;
    this.whash = FNV_OFFSET;
  }

  /** Extracts the features of one text; returns their count. Never throws on any string. */
  extract(text: string): number {
    this.n = 0;
    this.wlen = 0;
    this.wchars = 0;
    this.whash = FNV_OFFSET;
    this.prev = BOS;
    const src = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
    const lower = src.toLowerCase();
    this.lower = lower;
    let letters = 0;
    let upper = 0;
    let mode = 0; // 0 text, 1 inside a @handle, 2 inside a URL
    let lastPunct = 0;
    const len = lower.length;
    for (let i = 0; i < len; i++) {
      const c = lower.charCodeAt(i);
      if (mode === 2) {
        if (c === 32 || c === 10 || c === 9) mode = 0;
        continue;
      }
      if (mode === 1) {
        if (isHandleChar(c)) continue;
        mode = 0;
      }
      if (isWordChar(c)) {
        lastPunct = 0;
        if (c >= 97 && c <= 122) {
          letters++;
          if (src.charCodeAt(i) !== c) upper++;
          if (this.wchars === 0 && (c === 104 || c === 119) && (lower.startsWith('http://', i) || lower.startsWith('https://', i) || lower.startsWith('www.', i))) {
            this.token(TOKEN.url);
            mode = 2;
            continue;
          }
          this.addChar(c);
        } else if (c >= 48 && c <= 57) {
          this.addChar(48); // all digits alike: "3 days" and "5 days" share features
        } else if (c === 0xe4) {
          this.addChar(97);
          this.addChar(101);
        } else if (c === 0xf6) {
          this.addChar(111);
          this.addChar(101);
        } else if (c === 0xfc) {
          this.addChar(117);
          this.addChar(101);
        } else if (c === 0xdf) {
          this.addChar(115);
          this.addChar(115);
        } else {
          letters++;
          if (src.charCodeAt(i) !== c) upper++;
          this.addChar(c);
        }
        continue;
      }
      if ((c === 39 || c === 0x2019) && this.wchars > 0) continue; // don't / don’t / gibt's stay one word
      this.endWord();
      if (c === 64) {
        this.token(TOKEN.mention);
        mode = 1;
      } else if (c === 35) {
        this.token(TOKEN.hashtag);
      } else if (c === 63 || c === 33 || c === 46) {
        this.prev = BOS;
        if (c !== lastPunct && c !== 46) this.token(c === 63 ? TOKEN.question : TOKEN.exclaim);
        lastPunct = c;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        const d = i + 1 < len ? lower.charCodeAt(i + 1) : 0;
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.token(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
          i++;
        }
      } else if (isSymbolEmoji(c)) {
        this.token(c);
      }
    }
    this.endWord();
    if (letters >= 8 && upper * 10 >= letters * 7) this.token(TOKEN.caps);
    return this.n;
  }
}
