/**
 * Entity extraction: brand/product/competitor mentions from the workspace dictionaries (exact, fuzzy,
 * inside hashtags and handles), @mentions, #hashtags, URLs, $cashtags, and PII for redaction.
 * `compileEntityMatcher` does all per-workspace work once; `extractEntities` is the per-post hot path.
 */
import { distance } from 'fastest-levenshtein';
import sw from 'stopword';
import type { DictionaryEntry, Entity, WorkspaceAnalysisConfig } from '../types.ts';
import { findCards, findEmails, findIbans, findPhones, type Span } from './pii.ts';
import { fold, skeleton, splitCompound, tokenize, type Token } from './text.ts';

type DictionaryType = 'brand' | 'product' | 'competitor';

interface Phrase {
  tokens: string[];
  canonical: string;
  type: DictionaryType;
  /** Short all-caps aliases ("DT", "O2") only match with the same case, or they would fire on ordinary words. */
  exactCase: string | null;
}

interface FuzzyEntry {
  norm: string;
  skel: string;
}

/** A compiled workspace dictionary; reuse it for every post of the workspace. */
export interface EntityMatcher {
  extractEntities(text: string): Entity[];
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]{1,2048}/giu;
const MENTION_RE = /(?<![\p{L}\p{N}_.@/])@[A-Za-z0-9_]{1,30}(?:\.[A-Za-z0-9_-]{1,63}){0,5}(?:@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,5})?/gu;
const HASHTAG_RE = /(?<![\p{L}\p{N}_&#/])[#＃][\p{L}\p{N}\p{M}_]{1,140}/gu;
const CASHTAG_RE = /(?<![\p{L}\p{N}_$])\$[A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?(?![\p{L}\p{N}_])/gu;
const HAS_LETTER = /\p{L}/u;
const TRAILING_PUNCT = /[.,;:!?'"»”’\]}>]+$/u;

/** Words that are never fuzzy-matched to a dictionary name: function words of the supported languages. */
const STOPWORDS: ReadonlySet<string> = new Set(
  [...sw.eng, ...sw.deu, ...sw.fra, ...sw.spa, ...sw.ita, ...sw.nld, ...sw.por].map((w) => fold(w)),
);

/** Edits allowed between skeletons, scaled by length: none below 5 letters, 1 up to 7, 2 from 8. */
export function maxEdits(length: number): number {
  return length < 5 ? 0 : length < 8 ? 1 : 2;
}

const FUZZY_CACHE_LIMIT = 20_000;

/** Compiles a workspace's dictionaries into a matcher. */
export function compileEntityMatcher(config: WorkspaceAnalysisConfig): EntityMatcher {
  const byFirst = new Map<string, Phrase[]>();
  const fuzzyBuckets = new Map<string, FuzzyEntry[]>();
  const fuzzyKnown = new Set<string>();
  const compact = new Map<string, Phrase>();
  const compactLengths = new Set<number>();

  const addPhrase = (phrase: Phrase): void => {
    const first = phrase.tokens[0];
    if (first === undefined) return;
    const list = byFirst.get(first) ?? [];
    if (list.some((p) => p.tokens.join(' ') === phrase.tokens.join(' ') && p.exactCase === phrase.exactCase)) return;
    list.push(phrase);
    byFirst.set(first, list);
  };

  const addEntries = (entries: readonly DictionaryEntry[], type: DictionaryType): void => {
    for (const entry of entries) {
      if (typeof entry.name !== 'string') continue;
      const forms = [entry.name, ...(Array.isArray(entry.aliases) ? entry.aliases : [])];
      for (const form of forms) {
        if (typeof form !== 'string') continue;
        const tokens = tokenize(form).map((t) => t.norm);
        if (tokens.length === 0) continue;
        const joined = tokens.join('');
        const trimmed = form.trim();
        const exactCase = joined.length <= 3 && /^\p{Lu}+$/u.test(trimmed) ? trimmed : null;
        addPhrase({ tokens, canonical: entry.name, type, exactCase });
        if (tokens.length > 1) addPhrase({ tokens: [joined], canonical: entry.name, type, exactCase: null });
        if (joined.length >= 4 && !compact.has(joined)) {
          compact.set(joined, { tokens: [joined], canonical: entry.name, type, exactCase: null });
          compactLengths.add(joined.length);
        }
        for (const t of tokens.length > 1 ? [...tokens, joined] : tokens) {
          const skel = skeleton(t);
          if (skel.length < 5 || fuzzyKnown.has(t)) continue;
          fuzzyKnown.add(t);
          const key = skel.charAt(0);
          const bucket = fuzzyBuckets.get(key) ?? [];
          bucket.push({ norm: t, skel });
          fuzzyBuckets.set(key, bucket);
        }
      }
    }
  };
  addEntries(config.brands ?? [], 'brand');
  addEntries(config.products ?? [], 'product');
  addEntries(config.competitors ?? [], 'competitor');
  const lengths = [...compactLengths].sort((a, b) => b - a);

  const fuzzyCache = new Map<string, readonly string[]>();
  const NONE: readonly string[] = [];

  /** Dictionary tokens the given text token could be a misspelling of. */
  const fuzzyCandidates = (norm: string): readonly string[] => {
    if (norm.length < 4 || fuzzyBuckets.size === 0) return NONE;
    const cached = fuzzyCache.get(norm);
    if (cached !== undefined) return cached;
    let result: string[] | null = null;
    if (!STOPWORDS.has(norm)) {
      const skel = skeleton(norm);
      const bucket = fuzzyBuckets.get(skel.charAt(0));
      if (bucket !== undefined) {
        for (const e of bucket) {
          if (e.norm === norm) continue;
          const allowed = maxEdits(Math.min(skel.length, e.skel.length));
          if (allowed === 0 && skel !== e.skel) continue;
          if (Math.abs(skel.length - e.skel.length) > allowed) continue;
          if (skel === e.skel || distance(skel, e.skel) <= allowed) (result ??= []).push(e.norm);
        }
      }
    }
    if (fuzzyCache.size >= FUZZY_CACHE_LIMIT) fuzzyCache.clear();
    const value = result ?? NONE;
    fuzzyCache.set(norm, value);
    return value;
  };

  const tokenMatches = (norm: string, expected: string): boolean => norm === expected || fuzzyCandidates(norm).includes(expected);

  /** Only spaces, hyphens, dots or ampersands may stand between the words of a multi-word name. */
  const adjacent = (text: string, a: Token, b: Token): boolean => {
    if (b.start - a.end > 3) return false;
    for (let i = a.end; i < b.start; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x2d && c !== 0x2e && c !== 0x26 && c !== 0xa0) return false;
    }
    return true;
  };

  /** Longest dictionary phrases in a token sequence, left to right, non-overlapping. */
  const matchSequence = (text: string, tokens: readonly Token[], onMatch: (phrase: Phrase, from: number, to: number) => void): void => {
    let i = 0;
    while (i < tokens.length) {
      const tok = tokens[i];
      if (tok === undefined) break;
      const direct = byFirst.get(tok.norm);
      const fuzzy = fuzzyCandidates(tok.norm);
      // Most words start no dictionary phrase: skip them without building the candidate lists.
      if (direct === undefined && fuzzy.length === 0) {
        i++;
        continue;
      }
      let best: Phrase | null = null;
      let bestLen = 0;
      const lists: Array<readonly Phrase[] | undefined> = [direct];
      for (const f of fuzzy) lists.push(byFirst.get(f));
      for (const candidates of lists) {
        if (candidates === undefined) continue;
        for (const phrase of candidates) {
          const k = phrase.tokens.length;
          if (k <= bestLen || i + k > tokens.length) continue;
          let ok = true;
          for (let j = 1; j < k && ok; j++) {
            const t = tokens[i + j];
            const prev = tokens[i + j - 1];
            const expected = phrase.tokens[j];
            ok = t !== undefined && prev !== undefined && expected !== undefined && adjacent(text, prev, t) && tokenMatches(t.norm, expected);
          }
          if (ok && phrase.exactCase !== null) {
            const last = tokens[i + k - 1];
            ok = last !== undefined && text.slice(tok.start, last.end) === phrase.exactCase;
          }
          if (ok) {
            best = phrase;
            bestLen = k;
          }
        }
      }
      if (best !== null && bestLen > 0) {
        onMatch(best, i, i + bestLen - 1);
        i += bestLen;
      } else {
        i++;
      }
    }
  };

  /** Dictionary names inside a hashtag or handle body: by camelCase/underscore parts, then as glued substrings. */
  const matchInside = (text: string, bodyStart: number, bodyEnd: number): Phrase[] => {
    const body = text.slice(bodyStart, bodyEnd);
    const found: Phrase[] = [];
    const parts = splitCompound(body, bodyStart);
    matchSequence(text, parts, (phrase) => {
      if (!found.includes(phrase)) found.push(phrase);
    });
    if (found.length > 0 || lengths.length === 0) return found;
    const folded = fold(body);
    for (let s = 0; s < folded.length; s++) {
      for (const len of lengths) {
        if (s + len > folded.length) continue;
        const phrase = compact.get(folded.slice(s, s + len));
        if (phrase !== undefined) {
          if (!found.some((p) => p.canonical === phrase.canonical)) found.push(phrase);
          s += len - 1;
          break;
        }
      }
    }
    return found;
  };

  const hasDictionary = byFirst.size > 0;

  const extractEntities = (input: string): Entity[] => {
    const text = typeof input === 'string' ? input : '';
    const out: Entity[] = [];
    if (text.length === 0) return out;
    const claimed = new Uint8Array(text.length);
    const isClaimed = (start: number, end: number): boolean => {
      for (let i = start; i < end; i++) if (claimed[i] === 1) return true;
      return false;
    };
    const claim = (start: number, end: number): void => {
      claimed.fill(1, start, end);
    };
    const add = (entity: Entity & { start: number; end: number }): void => {
      out.push(entity);
      claim(entity.start, entity.end);
    };

    // URLs first: nothing inside a URL is a mention, hashtag or phone number.
    if (text.indexOf('http') >= 0 || text.indexOf('www.') >= 0 || text.indexOf('WWW.') >= 0) {
      URL_RE.lastIndex = 0;
      for (let m = URL_RE.exec(text); m; m = URL_RE.exec(text)) {
        let raw = m[0].replace(TRAILING_PUNCT, '');
        if (raw.endsWith(')') && !raw.includes('(')) raw = raw.slice(0, -1);
        if (raw.length < 5) continue;
        add({ type: 'url', text: raw, canonical: raw, start: m.index, end: m.index + raw.length });
      }
    }

    // PII, most specific first; each claims its span so the next finder does not re-read it.
    const pii: Entity[] = [];
    const claimedSpans: Span[] = out.map((e) => ({ start: e.start ?? 0, end: e.end ?? 0 }));
    findEmails(text, pii, claimedSpans);
    if (/\d/.test(text)) {
      findIbans(text, pii, claimedSpans);
      findCards(text, pii, claimedSpans);
      findPhones(text, pii, claimedSpans);
    }
    for (const e of pii) {
      if (e.start !== undefined && e.end !== undefined) {
        out.push(e);
        claim(e.start, e.end);
      }
    }

    const insideMatches: Array<{ start: number; end: number; bodyStart: number }> = [];
    if (text.indexOf('@') >= 0) {
      MENTION_RE.lastIndex = 0;
      for (let m = MENTION_RE.exec(text); m; m = MENTION_RE.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        if (isClaimed(start, end)) continue;
        add({ type: 'mention', text: m[0], canonical: m[0].slice(1).toLowerCase(), start, end });
        insideMatches.push({ start, end, bodyStart: start + 1 });
      }
    }
    if (text.indexOf('#') >= 0 || text.indexOf('＃') >= 0) {
      HASHTAG_RE.lastIndex = 0;
      for (let m = HASHTAG_RE.exec(text); m; m = HASHTAG_RE.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        const body = m[0].slice(1);
        if (!HAS_LETTER.test(body) || isClaimed(start, end)) continue;
        add({ type: 'hashtag', text: m[0], canonical: fold(body), start, end });
        insideMatches.push({ start, end, bodyStart: start + 1 });
      }
    }
    if (text.indexOf('$') >= 0) {
      CASHTAG_RE.lastIndex = 0;
      for (let m = CASHTAG_RE.exec(text); m; m = CASHTAG_RE.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        if (isClaimed(start, end)) continue;
        add({ type: 'cashtag', text: m[0], canonical: m[0].slice(1).toUpperCase(), start, end });
      }
    }

    if (hasDictionary) {
      for (const inside of insideMatches) {
        for (const phrase of matchInside(text, inside.bodyStart, inside.end)) {
          out.push({ type: phrase.type, text: text.slice(inside.start, inside.end), canonical: phrase.canonical, start: inside.start, end: inside.end });
        }
      }
      const tokens = tokenize(text).filter((t) => claimed[t.start] !== 1);
      matchSequence(text, tokens, (phrase, from, to) => {
        const a = tokens[from];
        const b = tokens[to];
        if (a === undefined || b === undefined) return;
        out.push({ type: phrase.type, text: text.slice(a.start, b.end), canonical: phrase.canonical, start: a.start, end: b.end });
      });
    }

    out.sort((x, y) => (x.start ?? 0) - (y.start ?? 0));
    return out;
  };

  return { extractEntities };
}

const REDACTION_LABEL: Partial<Record<Entity['type'], string>> = { email: '[email]', phone: '[phone]', iban: '[iban]', card: '[card]' };

/**
 * Replaces every PII entity (pii: true) in the text with a placeholder such as "[email]".
 * Uses the entity offsets when they still point at the entity's text, and searches for the text otherwise.
 */
export function redactPii(text: string, entities: readonly Entity[]): string {
  const spans: Array<Span & { label: string }> = [];
  for (const e of entities) {
    if (e.pii !== true || typeof e.text !== 'string' || e.text.length === 0) continue;
    const label = REDACTION_LABEL[e.type] ?? '[redacted]';
    if (typeof e.start === 'number' && typeof e.end === 'number' && e.start >= 0 && e.end <= text.length && text.slice(e.start, e.end) === e.text) {
      spans.push({ start: e.start, end: e.end, label });
      continue;
    }
    for (let at = text.indexOf(e.text); at >= 0; at = text.indexOf(e.text, at + e.text.length)) {
      spans.push({ start: at, end: at + e.text.length, label });
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let result = '';
  let cursor = 0;
  for (const s of spans) {
    if (s.start < cursor) continue; // overlapping: already redacted by a wider span
    result += text.slice(cursor, s.start) + s.label;
    cursor = s.end;
  }
  return result + text.slice(cursor);
}
