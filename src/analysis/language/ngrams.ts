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

// The database packed: n-gram → offset * 64 + count into LANGS (language index) and SCORES (score + base).
const index = new Map<string, number>();
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
    if (!isRecord(entry)) continue;
    const start = offset;
    for (const lang in entry) {
      const value = entry[lang];
      const li = Number(lang);
      if (typeof value !== 'number' || !(li >= 0 && li < LANGUAGE_COUNT)) continue;
      LANGS[offset] = li;
      SCORES[offset] = value + BASE_NGRAM_SCORE;
      offset++;
    }
    index.set(key, start * 64 + (offset - start));
  }
}

/** ELD's byte encoding of a lower-cased, separator-normalised text, split into words (a copy of its strToUtf8Bytes). */
function byteWords(str: string, words: string[]): void {
  let encoded = '';
  let countBytes = 0;
  const d = DICTIONARY;
  for (let ii = 0; ii < str.length; ii++) {
    let charCode = str.charCodeAt(ii);
    if (charCode < 0x80) {
      if (charCode === 32) {
        if (encoded !== '') {
          words.push(encoded);
          encoded = '';
        }
        if (countBytes > CUT_AFTER) break;
      } else {
        encoded += str[ii];
      }
      countBytes++;
    } else if (charCode < 0x800) {
      encoded += (d[0xc0 | (charCode >> 6)] ?? ' ') + (d[0x80 | (charCode & 0x3f)] ?? ' ');
      countBytes += 2;
    } else if (charCode < 0xd800 || charCode >= 0xe000) {
      encoded += (d[0xe0 | (charCode >> 12)] ?? ' ') + (d[0x80 | ((charCode >> 6) & 0x3f)] ?? ' ') + (d[0x80 | (charCode & 0x3f)] ?? ' ');
      countBytes += 3;
    } else {
      ii++;
      charCode = 0x10000 + (((charCode & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff));
      encoded += (d[0xf0 | (charCode >> 18)] ?? ' ') + (d[0x80 | ((charCode >> 12) & 0x3f)] ?? ' ') + (d[0x80 | ((charCode >> 6) & 0x3f)] ?? ' ') + (d[0x80 | (charCode & 0x3f)] ?? ' ');
      countBytes += 4;
    }
    if (countBytes > ENFORCE_CUT_AFTER) break;
  }
  if (encoded !== '') words.push(encoded);
}

const seen = new Set<string>();
const words: string[] = [];

function add(ngram: string, raw: Float64Array): void {
  if (seen.has(ngram)) return;
  seen.add(ngram);
  const packed = index.get(ngram);
  if (packed === undefined) return;
  const start = Math.floor(packed / 64);
  const end = start + (packed % 64);
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
  seen.clear();
  words.length = 0;
  const prepared = text.substring(0, MAX_CHARS).replace(SEPARATORS, ' ').trim().toLowerCase();
  byteWords(prepared, words);
  for (const word of words) {
    const len = Math.min(word.length, MAX_WORD);
    // 4-byte n-grams with a stride of 3, the first marked by a leading space, then the word's end.
    let j = 0;
    for (; j + 4 < len; j += 3) add((j === 0 ? ' ' : '') + word.substring(j, j + 4), raw);
    add((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ', raw);
  }
  return seen.size;
}

/** ELD's 0..1 score of a language from its raw score and the n-gram count. */
export function scaledScore(raw: number, ngramCount: number): number {
  const ngramScore = raw / ngramCount;
  return ngramScore / (ngramScore + SCALE);
}
