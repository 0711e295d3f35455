/**
 * Topic matching against a workspace taxonomy. Keywords are folded (case, diacritics, ß) and stemmed
 * with every supported language's stemmer at compile time, so a post only stems its own words once.
 * A word matches a keyword when the stems are equal, when one stem is a short extension of the other
 * ("deliv"/"deliveri"), or, for German and Dutch compounds, when the keyword stem is part of the word
 * ("Lieferverzögerung" contains "liefer" and "verzoger").
 */
import { splitCompound, tokenize, type Token } from '../entities/text.ts';
import type { TopicDefinition } from '../types.ts';
import { STEM_LANGUAGES, stem } from './stem.ts';

/** A compiled taxonomy; reuse it for every post of the workspace. */
export interface TopicMatcher {
  matchTopics(text: string, lang?: string): string[];
}

interface PhraseKeyword {
  /** Stem variants per word of the phrase (one set per position). */
  words: ReadonlyArray<ReadonlySet<string>>;
  topic: number;
}

/** Shortest stem that may match by prefix extension or inside a compound. */
const MIN_PREFIX = 4;
/** How much longer one stem may be than the other and still count as the same word. */
const MAX_EXTENSION = 3;
/** Inside a compound (not at its start) a keyword stem must be at least this long. */
const MIN_INNER = 5;
const COMPOUND_LANGS: ReadonlySet<string> = new Set(['de', 'nl']);
const MIN_COMPOUND = 8;
/** Longer tokens are not words (base64, URLs, keyboard mashing): no compound scan. */
const MAX_COMPOUND = 64;

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** Compiles a taxonomy into a matcher. */
export function compileTopicMatcher(topics: readonly TopicDefinition[]): TopicMatcher {
  const names: string[] = [];
  const exact = new Map<string, number[]>();
  const byPrefix = new Map<string, Array<{ stem: string; topic: number }>>();
  const inner = new Map<string, number[]>();
  const innerLengths = new Set<number>();
  const phrasesByFirst = new Map<string, PhraseKeyword[]>();

  const variantsOf = (word: string): Set<string> => {
    const variants = new Set<string>([word]);
    for (const lang of STEM_LANGUAGES) variants.add(stem(word, lang));
    return variants;
  };

  for (const topic of Array.isArray(topics) ? topics : []) {
    if (typeof topic?.name !== 'string' || !Array.isArray(topic.keywords)) continue;
    const index = names.length;
    names.push(topic.name);
    for (const keyword of topic.keywords) {
      if (typeof keyword !== 'string') continue;
      const words = tokenize(keyword).map((t) => t.norm);
      if (words.length === 0) continue;
      if (words.length > 1) {
        const phrase: PhraseKeyword = { words: words.map(variantsOf), topic: index };
        for (const first of phrase.words[0] ?? []) addTo(phrasesByFirst, first, phrase);
        continue;
      }
      const word = words[0] ?? '';
      for (const v of variantsOf(word)) {
        addTo(exact, v, index);
        if (v.length >= MIN_PREFIX) {
          const key = v.slice(0, MIN_PREFIX);
          const list = byPrefix.get(key) ?? [];
          if (!list.some((e) => e.stem === v && e.topic === index)) list.push({ stem: v, topic: index });
          byPrefix.set(key, list);
          addTo(inner, v, index);
          innerLengths.add(v.length);
        }
      }
    }
  }
  const lengths = [...innerLengths].sort((a, b) => b - a);

  /** Topics a single word (already folded and stemmed) points to. */
  const wordTopics = (norm: string, stemmed: string, compound: boolean, hit: (topic: number) => void): void => {
    for (const t of exact.get(stemmed) ?? []) hit(t);
    if (stemmed !== norm) for (const t of exact.get(norm) ?? []) hit(t);
    if (stemmed.length >= MIN_PREFIX) {
      for (const e of byPrefix.get(stemmed.slice(0, MIN_PREFIX)) ?? []) {
        const longer = e.stem.length >= stemmed.length ? e.stem : stemmed;
        const shorter = longer === e.stem ? stemmed : e.stem;
        if (longer.length - shorter.length <= MAX_EXTENSION && longer.startsWith(shorter)) hit(e.topic);
      }
    }
    if (compound && norm.length >= MIN_COMPOUND && norm.length <= MAX_COMPOUND) {
      // Every known keyword stem inside the compound: "lieferverzogerung" → liefer…, …verzoger…
      for (let s = 0; s + MIN_PREFIX <= norm.length; s++) {
        for (const len of lengths) {
          if (s + len > norm.length || (s > 0 && len < MIN_INNER) || len >= norm.length) continue;
          for (const t of inner.get(norm.slice(s, s + len)) ?? []) hit(t);
        }
      }
    }
  };

  const matchTopics = (input: string, lang?: string): string[] => {
    const text = typeof input === 'string' ? input : '';
    if (names.length === 0 || text.length === 0) return [];
    const language = typeof lang === 'string' ? lang.toLowerCase().slice(0, 2) : '';
    const compound = language === '' || COMPOUND_LANGS.has(language);
    const found = new Uint8Array(names.length);
    let count = 0;
    const hit = (topic: number): void => {
      if (found[topic] === 0) {
        found[topic] = 1;
        count++;
      }
    };

    const tokens: Token[] = [];
    for (const tok of tokenize(text)) {
      tokens.push(tok);
      // #DeliveryFail and @telekom_hilft also count by their parts.
      const before = tok.start > 0 ? text.charCodeAt(tok.start - 1) : 0;
      if (before === 0x23 || before === 0x40 || before === 0x5f) {
        const parts = splitCompound(text.slice(tok.start, tok.end), tok.start);
        if (parts.length > 1) tokens.push(...parts);
      }
    }
    const stems = tokens.map((t) => stem(t.norm, language));
    for (let i = 0; i < tokens.length && count < names.length; i++) {
      const tok = tokens[i];
      const stemmed = stems[i];
      if (tok === undefined || stemmed === undefined) continue;
      wordTopics(tok.norm, stemmed, compound, hit);
      const phrases = phrasesByFirst.get(stemmed) ?? (stemmed !== tok.norm ? phrasesByFirst.get(tok.norm) : undefined);
      if (phrases === undefined) continue;
      for (const phrase of phrases) {
        if (found[phrase.topic] === 1) continue;
        let ok = true;
        for (let j = 1; j < phrase.words.length && ok; j++) {
          const t = tokens[i + j];
          const s = stems[i + j];
          const variants = phrase.words[j];
          ok = t !== undefined && s !== undefined && variants !== undefined && (variants.has(s) || variants.has(t.norm));
        }
        if (ok) hit(phrase.topic);
      }
    }
    const result: string[] = [];
    for (let t = 0; t < names.length; t++) if (found[t] === 1) result.push(names[t] ?? '');
    return result;
  };

  return { matchTopics };
}
