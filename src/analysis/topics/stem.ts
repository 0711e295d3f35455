/**
 * Snowball stemming for en, de, fr, es, it, nl, pt on folded words (lowercase, no diacritics),
 * with a bounded cache. snowball-stemmer.jsx is used because it stems in ~0.5 µs a word, where the
 * snowball-stemmers port takes ~9 µs; its own cache is unbounded, so each stemmer instance is replaced
 * whenever our bounded cache is cleared.
 */
import { DutchStemmer } from 'snowball-stemmer.jsx/dest/dutch-stemmer.common.js';
import { EnglishStemmer } from 'snowball-stemmer.jsx/dest/english-stemmer.common.js';
import { FrenchStemmer } from 'snowball-stemmer.jsx/dest/french-stemmer.common.js';
import { GermanStemmer } from 'snowball-stemmer.jsx/dest/german-stemmer.common.js';
import { ItalianStemmer } from 'snowball-stemmer.jsx/dest/italian-stemmer.common.js';
import { PortugueseStemmer } from 'snowball-stemmer.jsx/dest/portuguese-stemmer.common.js';
import { SpanishStemmer } from 'snowball-stemmer.jsx/dest/spanish-stemmer.common.js';

export const STEM_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt'] as const;
export type StemLanguage = (typeof STEM_LANGUAGES)[number];

const FACTORIES: Record<StemLanguage, () => SnowballJsxStemmer> = {
  en: () => new EnglishStemmer(),
  de: () => new GermanStemmer(),
  fr: () => new FrenchStemmer(),
  es: () => new SpanishStemmer(),
  it: () => new ItalianStemmer(),
  nl: () => new DutchStemmer(),
  pt: () => new PortugueseStemmer(),
};

const CACHE_LIMIT = 50_000;
const MAX_WORD = 40;

class CachedStemmer {
  private stemmer: SnowballJsxStemmer;
  private readonly cache = new Map<string, string>();

  constructor(private readonly make: () => SnowballJsxStemmer) {
    this.stemmer = make();
  }

  stem(word: string): string {
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    if (this.cache.size >= CACHE_LIMIT) {
      this.cache.clear();
      this.stemmer = this.make();
    }
    let result: string;
    try {
      result = this.stemmer.stemWord(word);
    } catch {
      result = word;
    }
    this.cache.set(word, result);
    return result;
  }
}

const stemmers = new Map<StemLanguage, CachedStemmer>();

export function isStemLanguage(lang: string): lang is StemLanguage {
  return (STEM_LANGUAGES as readonly string[]).includes(lang);
}

/** German spelling folds: ä/ae, ö/oe, ü/ue are the same letter once folded. */
function germanFold(word: string): string {
  return word.indexOf('e') >= 0 ? word.replace(/([aou])e/g, '$1') : word;
}

/**
 * Stems a folded word. German also drops the participle circumfix ge-…-t ("geliefert" → "liefer",
 * "gekündigt" → "kundig") which Snowball leaves alone. Words of other languages come back folded only.
 */
export function stem(word: string, lang: string): string {
  // Real words are short; stemming a 100 kB "word" would only burn time.
  if (word.length < 3 || word.length > MAX_WORD || !isStemLanguage(lang)) return word;
  let stemmer = stemmers.get(lang);
  if (stemmer === undefined) {
    stemmer = new CachedStemmer(FACTORIES[lang]);
    stemmers.set(lang, stemmer);
  }
  if (lang === 'de') {
    // The participle's bare stem is already a stem; stemming it again would cut "liefer" to "lief".
    if (word.length >= 7 && word.startsWith('ge') && word.endsWith('t')) return germanFold(word.slice(2, -1));
    return germanFold(stemmer.stem(word));
  }
  return stemmer.stem(word);
}
