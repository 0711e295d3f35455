/**
 * ELD's n-gram scoring (eld 2.1, "small" database, 60 languages) over packed typed arrays. ELD keeps its
 * database as objects of objects and rebuilds an object of n-grams and a sorted array of results per call,
 * which made it half the cost of the whole understanding stack; this module loads the same database once into
 * a Map of offsets into two byte arrays and scores into a reused Float64Array. The raw scores are exactly
 * ELD's (integer sums), so `scaledScore` gives bit-identical values to `eld.detect(text).getScores()`
 * (checked in ngrams.test.ts against eld itself).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** ELD subtracts this from every stored n-gram score to keep its database small. */
const BASE_NGRAM_SCORE = 53;
/** ELD's hand-picked scale of raw scores into 0..1. */
const SCALE = 25;
/** ELD looks at the first 1,000 characters and cuts its byte string near 350-380 bytes. */
const MAX_CHARS = 1000;
const CUT_AFTER = 350;
const ENFORCE_CUT_AFTER = 380;
/** Longest word prefix ELD takes n-grams from. */
const MAX_WORD = 70;

/** ELD's source folder, found from here up (its package exports hide the database files it is built from). */
function eldSourceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', 'eld', 'src');
    if (existsSync(join(candidate, 'ngrams', 'small.js'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the eld package is not installed (npm install)');
    dir = parent;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

const src = eldSourceDir();
const [ngramsModule, dictionaryModule, patternsModule]: unknown[] = await Promise.all([
  import(pathToFileURL(join(src, 'ngrams', 'small.js')).href),
  import(pathToFileURL(join(src, 'dictionary.js')).href),
  import(pathToFileURL(join(src, 'regexPatterns.js')).href),
]);

const data = isRecord(ngramsModule) ? ngramsModule['ngramsData'] : undefined;
const languages = isRecord(data) ? data['languages'] : undefined;
const ngrams = isRecord(data) ? data['ngrams'] : undefined;
const dictionaryValue = isRecord(dictionaryModule) ? dictionaryModule['dictionary'] : undefined;
const separatorsValue = isRecord(patternsModule) ? patternsModule['separators'] : undefined;
if (!isRecord(languages) || !isRecord(ngrams) || !Array.isArray(dictionaryValue) || !(separatorsValue instanceof RegExp)) {
  throw new Error('unexpected eld package layout: the language detector needs eld 2.1');
}

/** ISO 639-1 code of each language index. */
export const LANGUAGE_CODES: readonly string[] = Object.keys(languages)
  .map(Number)
  .sort((a, b) => a - b)
  .map((i, position) => {
    const code = languages[String(i)];
    if (i !== position || typeof code !== 'string') throw new Error('unexpected eld language table');
    return code;
  });
export const LANGUAGE_COUNT = LANGUAGE_CODES.length;

const DICTIONARY: readonly string[] = dictionaryValue.map((c) => (typeof c === 'string' ? c : ' '));
const SEPARATORS = new RegExp(separatorsValue.source, separatorsValue.flags);

// Every character ELD's byte encoding can produce (ASCII as is, other bytes through its dictionary) gets a
// small id, so an n-gram of up to 6 characters is one exact integer below 2^48 instead of a new string.
const CHAR_ID = new Map<number, number>();
const idOf = (code: number): number => {
  let id = CHAR_ID.get(code);
  if (id === undefined) {
    id = CHAR_ID.size + 1;
    CHAR_ID.set(code, id);
  }
  return id;
};
for (let c = 0; c < 0x80; c++) idOf(c);
const BYTE_ID = Uint8Array.from(DICTIONARY, (c) => idOf(c.charCodeAt(0)));
if (CHAR_ID.size > 255) throw new Error('unexpected eld dictionary');
const SPACE_ID = idOf(32);
/** Longest n-gram in the database (a space, 4 characters, a space). */
const MAX_NGRAM = 6;

// The database packed: an open-addressing table from n-gram key to offset * 64 + count into LANGS (language
// index) and SCORES (score + base).
const TABLE_BITS = 18;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const tableKeys = new Float64Array(1 << TABLE_BITS);
const tableValues = new Int32Array(1 << TABLE_BITS);

function slotOf(key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296);
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - TABLE_BITS);
}

let pairs = 0;
for (const key in ngrams) {
  const entry = ngrams[key];
  if (isRecord(entry)) pairs += Object.keys(entry).length;
}
const LANGS = new Uint8Array(pairs);
const SCORES = new Uint16Array(pairs);
{
  let offset = 0;
  for (const key in ngrams) {
    const entry = ngrams[key];
    if (!isRecord(entry) || key.length === 0 || key.length > MAX_NGRAM) continue;
    let packedKey = 0;
    for (let i = 0; i < key.length; i++) packedKey = packedKey * 256 + idOf(key.charCodeAt(i));
    const start = offset;
    for (const lang in entry) {
      const value = entry[lang];
      const li = Number(lang);
      if (typeof value !== 'number' || !(li >= 0 && li < LANGUAGE_COUNT)) continue;
      LANGS[offset] = li;
      SCORES[offset] = value + BASE_NGRAM_SCORE;
      offset++;
    }
    let slot = slotOf(packedKey);
    while (tableKeys[slot] !== 0) slot = (slot + 1) & TABLE_MASK;
    tableKeys[slot] = packedKey;
    tableValues[slot] = start * 64 + (offset - start);
  }
}

// Per-call scratch: the text as character ids with word ends, and a small table of the n-grams seen.
const MAX_IDS = ENFORCE_CUT_AFTER + 8;
const ids = new Uint8Array(MAX_IDS);
const wordEnds = new Int32Array(MAX_IDS);
const SEEN_BITS = 10;
const seenKeys = new Float64Array(1 << SEEN_BITS);
const seenStamp = new Int32Array(1 << SEEN_BITS);
let stamp = 0;
let distinct = 0;
/** N-grams longer than the database's (tails of words over 70 bytes) only count, by their text. */
const seenLong = new Set<string>();

/** ELD's byte encoding (its strToUtf8Bytes) of a prepared text as character ids; returns the number of words. */
function encode(str: string): number {
  let n = 0;
  let words = 0;
  let countBytes = 0;
  for (let ii = 0; ii < str.length; ii++) {
    let charCode = str.charCodeAt(ii);
    if (charCode < 0x80) {
      if (charCode === 32) {
        if (n > (words === 0 ? 0 : (wordEnds[words - 1] ?? 0))) wordEnds[words++] = n;
        if (countBytes > CUT_AFTER) break;
      } else {
        ids[n++] = CHAR_ID.get(charCode) ?? 0;
      }
      countBytes++;
    } else if (charCode < 0x800) {
      ids[n++] = BYTE_ID[0xc0 | (charCode >> 6)] ?? 0;
      ids[n++] = BYTE_ID[0x80 | (charCode & 0x3f)] ?? 0;
      countBytes += 2;
    } else if (charCode < 0xd800 || charCode >= 0xe000) {
      ids[n++] = BYTE_ID[0xe0 | (charCode >> 12)] ?? 0;
      ids[n++] = BYTE_ID[0x80 | ((charCode >> 6) & 0x3f)] ?? 0;
      ids[n++] = BYTE_ID[0x80 | (charCode & 0x3f)] ?? 0;
      countBytes += 3;
    } else {
      ii++;
      charCode = 0x10000 + (((charCode & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff));
      ids[n++] = BYTE_ID[0xf0 | (charCode >> 18)] ?? 0;
      ids[n++] = BYTE_ID[0x80 | ((charCode >> 12) & 0x3f)] ?? 0;
      ids[n++] = BYTE_ID[0x80 | ((charCode >> 6) & 0x3f)] ?? 0;
      ids[n++] = BYTE_ID[0x80 | (charCode & 0x3f)] ?? 0;
      countBytes += 4;
    }
    if (countBytes > ENFORCE_CUT_AFTER) break;
  }
  if (n > (words === 0 ? 0 : (wordEnds[words - 1] ?? 0))) wordEnds[words++] = n;
  return words;
}

/** Counts an n-gram once per text and adds its database scores: ids[from, to), with optional space marks. */
function add(from: number, to: number, lead: boolean, trail: boolean, raw: Float64Array): void {
  const length = to - from + (lead ? 1 : 0) + (trail ? 1 : 0);
  if (length > MAX_NGRAM) {
    let text = lead ? ' ' : '';
    for (let i = from; i < to; i++) text += String.fromCharCode(ids[i] ?? 0);
    if (!seenLong.has(text)) {
      seenLong.add(text);
      distinct++;
    }
    return;
  }
  let key = lead ? SPACE_ID : 0;
  for (let i = from; i < to; i++) key = key * 256 + (ids[i] ?? 0);
  if (trail) key = key * 256 + SPACE_ID;
  let s = slotOf(key) & ((1 << SEEN_BITS) - 1);
  while (seenStamp[s] === stamp) {
    if (seenKeys[s] === key) return;
    s = (s + 1) & ((1 << SEEN_BITS) - 1);
  }
  seenStamp[s] = stamp;
  seenKeys[s] = key;
  distinct++;
  let slot = slotOf(key);
  for (;;) {
    const k = tableKeys[slot] ?? 0;
    if (k === key) break;
    if (k === 0) return;
    slot = (slot + 1) & TABLE_MASK;
  }
  const packed = tableValues[slot] ?? 0;
  const start = packed >>> 6;
  const end = start + (packed & 63);
  for (let i = start; i < end; i++) {
    const lang = LANGS[i] ?? 0;
    raw[lang] = (raw[lang] ?? 0) + (SCORES[i] ?? 0);
  }
}

/**
 * Fills `raw` (length LANGUAGE_COUNT) with ELD's raw score per language and returns the number of distinct
 * n-grams (ELD's `numNgrams`). A language scored when its raw score is above 0.
 */
export function rawScores(text: string, raw: Float64Array): number {
  raw.fill(0);
  stamp = stamp === 0x7fffffff ? 1 : stamp + 1;
  distinct = 0;
  if (seenLong.size > 0) seenLong.clear();
  const prepared = text.substring(0, MAX_CHARS).replace(SEPARATORS, ' ').trim().toLowerCase();
  const words = encode(prepared);
  let from = 0;
  for (let w = 0; w < words; w++) {
    const to = wordEnds[w] ?? from;
    const size = to - from;
    const len = Math.min(size, MAX_WORD);
    // 4-byte n-grams with a stride of 3, the first marked by a leading space, then the word's end (to its real end).
    let j = 0;
    for (; j + 4 < len; j += 3) add(from + j, from + j + 4, j === 0, false, raw);
    add(from + (len !== 3 ? Math.max(0, len - 4) : 0), to, j === 0, true, raw);
    from = to;
  }
  return distinct;
}

/** ELD's 0..1 score of a language from its raw score and the n-gram count. */
export function scaledScore(raw: number, ngramCount: number): number {
  const ngramScore = raw / ngramCount;
  return ngramScore / (ngramScore + SCALE);
}
