/**
 * Sentiment of a post: a trained linear model over social-media aware features (negation, contrast,
 * intensifiers, emoji, emoticons, elongations, hashtags, sarcasm cues) with lexicon features, loaded once
 * from models/sentiment.bin. Trained for en, de, fr, es, it, pt; other languages get the same model with
 * a lower confidence. Retrain with `npm run train:sentiment`.
 */
import { readFileSync } from 'node:fs';
import type { SentimentLabel, SentimentResult } from '../types.ts';
import { hasSarcasmMarker } from './features.ts';
import { makeLexicon, parseLexiconFile, type HAND_LEXICONS } from './lexicon.ts';
import { decodeModel, predictProbabilities, type LinearWeights } from './model.ts';

const MODEL_URL = new URL('../../../models/sentiment.bin', import.meta.url);
const LEXICON_URL = new URL('../../../models/sentiment-lexicon-en.tsv', import.meta.url);

const model: LinearWeights = decodeModel(new Uint8Array(readFileSync(MODEL_URL))).weights;
const english = parseLexiconFile(readFileSync(LEXICON_URL, 'utf8'));

/** How far the model is trusted per language: measured quality differs (docs/BENCHMARKS.md). */
const LANGUAGE_TRUST: Record<string, number> = { en: 1, de: 0.95, fr: 0.85, es: 0.8, it: 0.8, pt: 0.8 };
const FALLBACK_TRUST = 0.6;
const LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

type LexiconKey = keyof typeof HAND_LEXICONS | 'en' | '*';
const lexicons = new Map<string, (t: string) => number | undefined>();
function lexiconFor(lang: string): (t: string) => number | undefined {
  let l = lexicons.get(lang);
  if (!l) {
    l = makeLexicon(lang, english);
    lexicons.set(lang, l);
  }
  return l;
}

function normaliseLang(lang: unknown): string {
  if (typeof lang !== 'string') return '*';
  const base = lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2}$/.test(base) ? base : '*';
}

const NEUTRAL_EMPTY: SentimentResult = { label: 'neutral', score: 0, confidence: 0.3 };
const probs = new Float64Array(3);

/** Classifies a post as positive, neutral or negative, with a score in [-1, 1] and a confidence in [0, 1]. Never throws. */
export function analyzeSentiment(text: string, lang: string): SentimentResult {
  try {
    const safe = typeof text === 'string' ? text : '';
    if (safe.trim() === '') return { ...NEUTRAL_EMPTY };
    const key: LexiconKey | string = normaliseLang(lang);
    const { probabilities: p, tokens } = predictProbabilities(model, safe, key, lexiconFor(key), probs);
    if (tokens === 0) return { ...NEUTRAL_EMPTY };
    let best = 0;
    for (let c = 1; c < 3; c++) if ((p[c] ?? 0) > (p[best] ?? 0)) best = c;
    let score = clamp((p[2] ?? 0) - (p[0] ?? 0), -1, 1);
    const trust = LANGUAGE_TRUST[key] ?? FALLBACK_TRUST;
    let label = LABELS[best] ?? 'neutral';
    let confidence = clamp((p[best] ?? 0) * trust, 0, 1);
    // Marked sarcasm says the opposite of its words: too rare in the training data to be learned.
    if (label === 'positive' && hasSarcasmMarker(safe)) {
      label = 'negative';
      score = -Math.max(0.2, score * 0.6);
      confidence *= 0.6;
    }
    return { label, score: round3(score), confidence: round3(confidence) };
  } catch {
    // A post the model cannot read must not stop the pipeline: report it as neutral with no confidence.
    return { label: 'neutral', score: 0, confidence: 0 };
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : 0;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
