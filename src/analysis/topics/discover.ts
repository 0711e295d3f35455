/**
 * Emerging-topic discovery: keyphrases (stemmed unigrams and bigrams without stopwords) whose document
 * frequency in the current window is significantly above the baseline window (Dunning's log-likelihood
 * ratio G²), grouped into candidate topics by the posts they share. An analyst promotes a candidate into
 * the taxonomy with `promoteToTopic`.
 */
import sw from 'stopword';
import { fold, tokenize } from '../entities/text.ts';
import type { TopicDefinition } from '../types.ts';
import { stem } from './stem.ts';

export interface DiscoveryDocument {
  text: string;
  lang?: string | undefined;
}

export interface EmergingTopicOptions {
  /** Minimum posts in the current window containing a keyphrase (default 5). */
  minCount?: number;
  /** Minimum G² (default 10.83, p < 0.001 with one degree of freedom). */
  minScore?: number;
  /** Minimum ratio of current to baseline rate, smoothed (default 2). */
  minRatio?: number;
  /** Significant keyphrases considered for clustering (default 60). */
  maxTerms?: number;
  /** Candidates returned, best first (default 10). */
  maxCandidates?: number;
  /** Example posts per candidate (default 3). */
  maxExamples?: number;
  /** Overlap coefficient of post sets above which two keyphrases are one topic (default 0.5). */
  minOverlap?: number;
}

export interface EmergingTerm {
  /** The most frequent way the keyphrase is written. */
  phrase: string;
  /** Posts containing it in the current window and in the baseline. */
  count: number;
  baselineCount: number;
  /** Smoothed ratio of the current to the baseline rate. */
  ratio: number;
  /** Log-likelihood ratio G². */
  score: number;
}

export interface EmergingTopicCandidate {
  /** Short label: the best keyphrase. */
  label: string;
  /** Keyphrases of the candidate, best first; these become the topic's keywords when promoted. */
  keyphrases: string[];
  terms: EmergingTerm[];
  /** Posts in the current window with any of the keyphrases, and in the baseline. */
  count: number;
  baselineCount: number;
  /** Highest G² of its keyphrases. */
  score: number;
  examples: string[];
}

const STOPWORDS_BY_LANG: Record<string, readonly string[]> = {
  en: sw.eng,
  de: sw.deu,
  fr: sw.fra,
  es: sw.spa,
  it: sw.ita,
  nl: sw.nld,
  pt: sw.por,
};
const EXTRA_STOPWORDS = ['rt', 'amp', 'via', 'lol', 'pls', 'im', 'dont', 'cant', 'ive', 'youre', 'thats', 'mal', 'schon', 'halt', 'gibt'];
const foldedStopwords = new Map<string, ReadonlySet<string>>();
function stopwordsFor(lang: string): ReadonlySet<string> {
  const key = lang in STOPWORDS_BY_LANG ? lang : '*';
  let set = foldedStopwords.get(key);
  if (set === undefined) {
    const lists = key === '*' ? Object.values(STOPWORDS_BY_LANG) : [STOPWORDS_BY_LANG[key] ?? [], sw.eng];
    set = new Set([...lists.flat(), ...EXTRA_STOPWORDS].map((w) => fold(w)));
    foldedStopwords.set(key, set);
  }
  return set;
}

const NOISE = /https?:\/\/\S+|www\.\S+|[^\s@]{1,64}@[^\s@]{1,253}|[@＠][\w.]+/gu;
const DIGITS = /^\d+$/;

interface TermStats {
  surfaces: Map<string, number>;
  current: number[];
  baseline: number[];
}

/** Keyphrase keys (stem or "stem stem") of one post, each with the surface form it was written as. */
function keyphrases(doc: DiscoveryDocument): Map<string, string> {
  const out = new Map<string, string>();
  const text = typeof doc?.text === 'string' ? doc.text.replace(NOISE, ' ') : '';
  const lang = typeof doc?.lang === 'string' ? doc.lang.toLowerCase().slice(0, 2) : '';
  const stop = stopwordsFor(lang);
  let prev: { key: string; surface: string; end: number } | null = null;
  for (const tok of tokenize(text)) {
    const norm = tok.norm;
    if (norm.length < 3 || DIGITS.test(norm) || stop.has(norm)) {
      prev = null;
      continue;
    }
    const key = stem(norm, lang);
    const surface = text.slice(tok.start, tok.end).toLowerCase();
    if (!out.has(key)) out.set(key, surface);
    // A bigram only joins words written next to each other (a space or hyphen apart).
    if (prev !== null && tok.start - prev.end <= 2) {
      const between = text.slice(prev.end, tok.start);
      if (/^[\s-]*$/u.test(between)) {
        const bigram = `${prev.key} ${key}`;
        if (!out.has(bigram)) out.set(bigram, `${prev.surface} ${surface}`);
      }
    }
    prev = { key, surface, end: tok.end };
  }
  return out;
}

/** Dunning's G² for a term seen in a of n1 current posts and b of n2 baseline posts. */
export function logLikelihood(a: number, n1: number, b: number, n2: number): number {
  const c = n1 - a;
  const d = n2 - b;
  const total = n1 + n2;
  const present = a + b;
  const absent = c + d;
  const term = (observed: number, expected: number): number => (observed > 0 && expected > 0 ? observed * Math.log(observed / expected) : 0);
  const g = term(a, (n1 * present) / total) + term(b, (n2 * present) / total) + term(c, (n1 * absent) / total) + term(d, (n2 * absent) / total);
  return Math.max(0, 2 * g);
}

function overlap(a: ReadonlySet<number>, b: readonly number[]): number {
  let shared = 0;
  for (const x of b) if (a.has(x)) shared++;
  return shared / Math.max(1, Math.min(a.size, b.length));
}

/** Finds keyphrases much more frequent now than in the baseline, grouped into candidate topics. */
export function discoverEmergingTopics(
  current: readonly DiscoveryDocument[],
  baseline: readonly DiscoveryDocument[],
  options: EmergingTopicOptions = {},
): EmergingTopicCandidate[] {
  const minCount = options.minCount ?? 5;
  const minScore = options.minScore ?? 10.83;
  const minRatio = options.minRatio ?? 2;
  const maxTerms = options.maxTerms ?? 60;
  const maxCandidates = options.maxCandidates ?? 10;
  const maxExamples = options.maxExamples ?? 3;
  const minOverlap = options.minOverlap ?? 0.5;
  const n1 = current.length;
  const n2 = baseline.length;
  if (n1 === 0) return [];

  const stats = new Map<string, TermStats>();
  const collect = (docs: readonly DiscoveryDocument[], which: 'current' | 'baseline'): void => {
    docs.forEach((doc, i) => {
      for (const [key, surface] of keyphrases(doc)) {
        let s = stats.get(key);
        if (s === undefined) {
          if (which === 'baseline') continue; // absent from the current window: never emerging
          s = { surfaces: new Map(), current: [], baseline: [] };
          stats.set(key, s);
        }
        s[which].push(i);
        if (which === 'current') s.surfaces.set(surface, (s.surfaces.get(surface) ?? 0) + 1);
      }
    });
  };
  collect(current, 'current');
  collect(baseline, 'baseline');

  const significant: Array<EmergingTerm & { key: string; docs: number[]; docSet?: Set<number> }> = [];
  for (const [key, s] of stats) {
    const a = s.current.length;
    if (a < minCount) continue;
    const b = s.baseline.length;
    const ratio = (a + 0.5) / (n1 + 1) / ((b + 0.5) / (n2 + 1));
    if (ratio < minRatio) continue;
    const score = n2 > 0 ? logLikelihood(a, n1, b, n2) : a;
    if (score < minScore) continue;
    let phrase = key;
    let best = 0;
    for (const [surface, n] of s.surfaces) if (n > best) [phrase, best] = [surface, n];
    significant.push({ key, phrase, count: a, baselineCount: b, ratio, score, docs: s.current });
  }
  // Bigrams first at equal strength: "app crash" says more than "crash".
  significant.sort((x, y) => y.score - x.score || y.key.split(' ').length - x.key.split(' ').length);
  significant.length = Math.min(significant.length, maxTerms);

  interface Cluster {
    terms: typeof significant;
    docs: Set<number>;
    seed: Set<number>;
  }
  const clusters: Cluster[] = [];
  for (const term of significant) {
    let home: Cluster | undefined;
    let bestOverlap = minOverlap;
    for (const c of clusters) {
      const o = overlap(c.seed, term.docs);
      if (o >= bestOverlap) [home, bestOverlap] = [c, o];
    }
    if (home === undefined) clusters.push({ terms: [term], docs: new Set(term.docs), seed: new Set(term.docs) });
    else {
      home.terms.push(term);
      for (const d of term.docs) home.docs.add(d);
    }
  }

  const baselineHits = (terms: Cluster['terms']): number => {
    const docs = new Set<number>();
    for (const t of terms) for (const d of stats.get(t.key)?.baseline ?? []) docs.add(d);
    return docs.size;
  };

  return clusters
    .map((c): EmergingTopicCandidate => {
      // Bigrams lead the label; a unigram already inside a chosen bigram adds nothing to it.
      const ordered = [...c.terms].sort((x, y) => y.phrase.split(' ').length - x.phrase.split(' ').length || y.score - x.score);
      const label = ordered[0]?.phrase ?? '';
      // Bigrams first; a unigram already inside one of them would only make the topic broader.
      const phrases: string[] = [];
      const bigramWords = new Set<string>();
      for (const t of c.terms) {
        if (!t.phrase.includes(' ') || phrases.includes(t.phrase)) continue;
        phrases.push(t.phrase);
        for (const w of t.phrase.split(' ')) bigramWords.add(w);
      }
      for (const t of c.terms) if (!t.phrase.includes(' ') && !bigramWords.has(t.phrase) && !phrases.includes(t.phrase)) phrases.push(t.phrase);
      const termSets = c.terms.map((t) => (t.docSet ??= new Set(t.docs)));
      const examples = [...c.docs]
        .map((d) => ({ d, n: termSets.filter((set) => set.has(d)).length }))
        .sort((x, y) => y.n - x.n || x.d - y.d)
        .slice(0, maxExamples)
        .map((x) => current[x.d]?.text ?? '');
      return {
        label,
        keyphrases: phrases,
        terms: c.terms.map(({ phrase, count, baselineCount, ratio, score }) => ({ phrase, count, baselineCount, ratio, score })),
        count: c.docs.size,
        baselineCount: baselineHits(c.terms),
        score: Math.max(...c.terms.map((t) => t.score)),
        examples,
      };
    })
    .sort((x, y) => y.score - x.score)
    .slice(0, maxCandidates);
}

/** Turns a discovered candidate into a taxonomy topic under the analyst's chosen name. */
export function promoteToTopic(candidate: EmergingTopicCandidate, name: string): TopicDefinition {
  const keywords: string[] = [];
  for (const k of candidate.keyphrases) {
    const trimmed = k.trim();
    if (trimmed.length > 0 && !keywords.includes(trimmed)) keywords.push(trimmed);
  }
  return { name: name.trim() || candidate.label, keywords };
}
