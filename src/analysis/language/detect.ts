/**
 * Language detection for short social posts. Chosen by measurement (docs/BENCHMARKS.md, "Understanding:
 * sentiment and language"): ELD (small database) on text cleaned of URLs, handles, hashtag marks and
 * emoji, with a prior towards the product's main languages and the platform's own tag kept when plausible.
 */
import { LANGUAGES, type AnalysisInput, type LanguageResult } from '../types.ts';
import { cleanForLanguage } from './clean.ts';
import { LANGUAGE_CODES, LANGUAGE_COUNT, rawScores, scaledScore } from './ngrams.ts';

/** Returned when a text holds no language evidence and the platform gave no tag (ISO 639-2 "undetermined"). */
export const UNDETERMINED = 'und';

const MAIN: ReadonlySet<string> = new Set(LANGUAGES);
/** A main language within this much of a rarer winner is preferred (posts to our users are mostly in these). */
const MAIN_LANGUAGE_PRIOR = 0.06;
/** With fewer letters than this the detector is guessing: a platform tag wins, confidence stays low. */
const MIN_LETTERS = 12;
/** A platform tag whose own score is this close to the winner's is kept. */
const PLATFORM_MARGIN = 0.08;

// Scratch buffers and tables for the scores, reused by every call.
const raw = new Float64Array(LANGUAGE_COUNT);
const scaled = new Float64Array(LANGUAGE_COUNT);
const IS_MAIN = Uint8Array.from(LANGUAGE_CODES, (code) => (MAIN.has(code) ? 1 : 0));
const INDEX_OF = new Map(LANGUAGE_CODES.map((code, i) => [code, i]));

const NON_LETTERS_RE = /[^\p{L}]+/gu;
const TAG_RE = /^([a-z]{2,3})(?:[-_][a-z0-9]+)*$/i;

/** Normalises a platform language tag ("en-GB", "DE", "pt_BR") to ISO 639-1, or undefined if unusable. */
export function normaliseLanguageTag(tag: string | undefined): string | undefined {
  if (typeof tag !== 'string') return undefined;
  const m = TAG_RE.exec(tag.trim());
  const base = m?.[1]?.toLowerCase();
  if (!base || base.length !== 2) return undefined;
  return base;
}

/** Detects the language of a post; keeps the platform's tag when detection agrees or the text is too short to judge. */
export function detectLanguage(input: AnalysisInput): LanguageResult {
  const text = typeof input.text === 'string' ? input.text : '';
  const tag = normaliseLanguageTag(input.lang);
  const cleaned = cleanForLanguage(text);
  const letters = cleaned.replace(NON_LETTERS_RE, '').length;

  const count = letters === 0 ? 0 : languageScores(cleaned);
  const tagIndex = tag === undefined ? -1 : (INDEX_OF.get(tag) ?? -1);
  // One pass over the scores: the winner, the best main language, the runner-up and the tag's own score.
  // Index order with strict comparisons picks the same language as ELD's score order on ties.
  let top = -1;
  let topScore = -Infinity;
  let main = -1;
  let mainScore = -Infinity;
  let tagScore: number | undefined;
  for (let i = 0; count > 0 && i < LANGUAGE_COUNT; i++) {
    const rawScore = raw[i] ?? 0;
    if (!(rawScore > 0)) continue;
    const score = scaledScore(rawScore, count);
    scaled[i] = score;
    if (score > topScore) {
      topScore = score;
      top = i;
    }
    if (score > mainScore && IS_MAIN[i] === 1) {
      mainScore = score;
      main = i;
    }
    if (i === tagIndex) tagScore = score;
  }
  if (top < 0) {
    return tag ? { lang: tag, confidence: 0.5, source: 'platform' } : { lang: UNDETERMINED, confidence: 0, source: 'default' };
  }

  // Prefer a main language that scores almost as well as a rarer winner (Dutch vs Afrikaans, Portuguese vs Galician).
  let best = top;
  let bestScore = topScore;
  if (IS_MAIN[top] !== 1 && main >= 0 && mainScore >= topScore - MAIN_LANGUAGE_PRIOR) {
    best = main;
    bestScore = mainScore;
  }
  let secondScore = 0;
  for (let i = 0; i < LANGUAGE_COUNT; i++) {
    if (i !== best && (raw[i] ?? 0) > 0 && (scaled[i] ?? 0) > secondScore) secondScore = scaled[i] ?? 0;
  }
  const margin = bestScore - secondScore;
  const lengthFactor = Math.min(1, 0.35 + letters / 40);
  const confidence = round3(Math.min(0.99, (0.5 + 0.5 * Math.min(1, margin / 0.15)) * lengthFactor));

  const lang = LANGUAGE_CODES[best] ?? UNDETERMINED;
  if (tag) {
    if (tag === lang) return { lang: tag, confidence: Math.max(confidence, 0.9), source: 'platform' };
    if (letters < MIN_LETTERS || (tagScore !== undefined && tagScore >= bestScore - PLATFORM_MARGIN)) {
      return { lang: tag, confidence: 0.6, source: 'platform' };
    }
  }
  return { lang, confidence, source: 'detected' };
}

/** Fills `raw` with ELD's raw scores; returns the n-gram count (0 when nothing scored). */
function languageScores(cleaned: string): number {
  try {
    return rawScores(cleaned, raw);
  } catch {
    // The detector must never take a post down with it.
    return 0;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
