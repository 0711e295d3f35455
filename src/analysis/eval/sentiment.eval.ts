/**
 * Sentiment evaluation on held-out data (never trained on, see sentiment.data.ts): our analyzer beside the
 * npm lexicon peers (vader-sentiment, sentiment/AFINN, wink-sentiment). Returns rows so one orchestrator can
 * print every evaluation together; scripts/eval-sentiment.ts prints them alone.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { detectLanguage } from '../language/detect.ts';
import { analyzeSentiment } from '../sentiment/analyze.ts';
import type { SentimentLabel } from '../types.ts';
import { loadSentimentSplits, loadVaderTweets, type LabelledPost } from './sentiment.data.ts';
import { classMetrics, pearson } from './sentiment.metrics.ts';

export interface SentimentEvalRow {
  analyzer: string;
  dataset: string;
  samples: number;
  /** Macro-averaged recall over negative, neutral, positive (SemEval's main measure). */
  macroRecall: number | null;
  macroF1: number | null;
  accuracy: number | null;
  /** Pearson correlation of the analyzer's score with VADER's human tweet ratings. */
  pearson: number | null;
  /** Mean time per post in microseconds. */
  microsPerPost: number;
}

/** A sentiment analyzer under evaluation: score in [-1, 1] and a label, given a post and its language. */
export interface SentimentCandidate {
  name: string;
  /** True for peers that only know English (their figures on other languages are for reference). */
  englishOnly: boolean;
  analyze(text: string, lang: string): { label: SentimentLabel; score: number };
}

function labelFromScore(score: number, threshold: number): SentimentLabel {
  return score >= threshold ? 'positive' : score <= -threshold ? 'negative' : 'neutral';
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null;
}

function numberField(x: unknown, key: string): number {
  if (!isRecord(x)) return 0;
  const v = x[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Our analyzer with the dataset's language, and with the language our detector finds (as in the pipeline). */
export function townhallCandidates(): SentimentCandidate[] {
  return [
    { name: 'townhall', englishOnly: false, analyze: (text, lang) => analyzeSentiment(text, lang) },
    {
      name: 'townhall (detected language)',
      englishOnly: false,
      analyze: (text) => analyzeSentiment(text, detectLanguage({ text }).lang),
    },
  ];
}

/** The npm peers, loaded from devDependencies. Labels use each package's documented neutral band. */
export function peerCandidates(): SentimentCandidate[] {
  const require = createRequire(import.meta.url);
  const peers: SentimentCandidate[] = [];

  const vaderModule: unknown = require('vader-sentiment');
  const analyzer = isRecord(vaderModule) ? vaderModule['SentimentIntensityAnalyzer'] : undefined;
  const polarity = isRecord(analyzer) ? analyzer['polarity_scores'] : undefined;
  if (typeof polarity === 'function') {
    peers.push({
      name: 'vader-sentiment',
      englishOnly: true,
      analyze: (text) => {
        const compound = numberField(polarity.call(analyzer, text), 'compound');
        return { label: labelFromScore(compound, 0.05), score: compound };
      },
    });
  }

  const SentimentCtor: unknown = require('sentiment');
  if (typeof SentimentCtor === 'function') {
    const instance: unknown = Reflect.construct(SentimentCtor, []);
    const analyze = isRecord(instance) ? instance['analyze'] : undefined;
    if (typeof analyze === 'function') {
      peers.push({
        name: 'sentiment (AFINN)',
        englishOnly: true,
        analyze: (text) => {
          const r: unknown = analyze.call(instance, text);
          const score = numberField(r, 'score');
          return { label: labelFromScore(score, 1), score: Math.tanh(numberField(r, 'comparative')) };
        },
      });
    }
  }

  const wink: unknown = require('wink-sentiment');
  if (typeof wink === 'function') {
    peers.push({
      name: 'wink-sentiment',
      englishOnly: true,
      analyze: (text) => {
        const r: unknown = wink(text);
        const normalized = numberField(r, 'normalizedScore');
        return { label: labelFromScore(normalized, 0.5), score: Math.max(-1, Math.min(1, normalized / 5)) };
      },
    });
  }
  return peers;
}

function evaluateSet(c: SentimentCandidate, dataset: string, posts: readonly LabelledPost[]): SentimentEvalRow {
  const gold: SentimentLabel[] = [];
  const predicted: SentimentLabel[] = [];
  const start = performance.now();
  for (const p of posts) predicted.push(c.analyze(p.text, p.lang).label);
  const elapsed = performance.now() - start;
  for (const p of posts) gold.push(p.label);
  const m = classMetrics(gold, predicted);
  return {
    analyzer: c.englishOnly && posts[0]?.lang !== 'en' ? `${c.name} (English-only)` : c.name,
    dataset,
    samples: posts.length,
    macroRecall: m.macroRecall,
    macroF1: m.macroF1,
    accuracy: m.accuracy,
    pearson: null,
    microsPerPost: (elapsed * 1000) / Math.max(1, posts.length),
  };
}

function evaluateVader(c: SentimentCandidate, dataDir: string): SentimentEvalRow {
  const tweets = loadVaderTweets(dataDir);
  const start = performance.now();
  const scores = tweets.map((t) => c.analyze(t.text, 'en').score);
  const elapsed = performance.now() - start;
  return {
    analyzer: c.name,
    dataset: 'en VADER tweets (correlation)',
    samples: tweets.length,
    macroRecall: null,
    macroF1: null,
    accuracy: null,
    pearson: pearson(
      scores,
      tweets.map((t) => t.rating),
    ),
    microsPerPost: (elapsed * 1000) / Math.max(1, tweets.length),
  };
}

/**
 * Every sentiment figure: each candidate on TweetEval val, SemEval 2016 test and each UMSAB val set, and the
 * correlation with VADER's tweet ratings. `includePeers` adds the npm peers (devDependencies).
 */
export function evaluateSentiment(dataDir: string, options: { includePeers?: boolean } = {}): SentimentEvalRow[] {
  const { validation } = loadSentimentSplits(dataDir);
  const candidates = [...townhallCandidates(), ...(options.includePeers === false ? [] : peerCandidates())];
  const rows: SentimentEvalRow[] = [];
  for (const [dataset, posts] of Object.entries(validation)) {
    for (const c of candidates) {
      // Peers know only English; their non-English figures are for reference, and ours with detection is the pipeline's view.
      rows.push(evaluateSet(c, dataset, posts));
    }
  }
  for (const c of candidates) rows.push(evaluateVader(c, dataDir));
  return rows;
}

/**
 * CPU microseconds per post for language detection plus sentiment, over the TweetEval and UMSAB German
 * texts: the best of several rounds of process CPU time, so other work on a shared machine counts less.
 */
export function measureLanguageAndSentimentSpeed(dataDir: string, rounds = 5): { microsPerPost: number; posts: number } {
  const { validation } = loadSentimentSplits(dataDir);
  const texts = [...(validation['en TweetEval val'] ?? []), ...(validation['de UMSAB val'] ?? [])].map((p) => p.text);
  for (const t of texts) analyzeSentiment(t, detectLanguage({ text: t }).lang);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (const t of texts) analyzeSentiment(t, detectLanguage({ text: t }).lang);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / texts.length);
  }
  return { microsPerPost: best, posts: texts.length };
}
