/**
 * Language detection for short social posts. Chosen by measurement (docs/BENCHMARKS.md, "Understanding:
 * sentiment and language"): ELD (small database) on text cleaned of URLs, handles, hashtag marks and
 * emoji, with a prior towards the product's main languages and the platform's own tag kept when plausible.
 */
import { eld } from 'eld/small';
import { LANGUAGES, type AnalysisInput, type LanguageResult } from '../types.ts';
import { cleanForLanguage } from './clean.ts';

/** Returned when a text holds no language evidence and the platform gave no tag (ISO 639-2 "undetermined"). */
export const UNDETERMINED = 'und';

const MAIN: ReadonlySet<string> = new Set(LANGUAGES);
/** A main language within this much of a rarer winner is preferred (posts to our users are mostly in these). */
const MAIN_LANGUAGE_PRIOR = 0.06;
/** With fewer letters than this the detector is guessing: a platform tag wins, confidence stays low. */
const MIN_LETTERS = 12;
/** A platform tag whose own score is this close to the winner's is kept. */
const PLATFORM_MARGIN = 0.08;

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

  const scores = letters === 0 ? undefined : languageScores(cleaned);
  // One pass over the scores: the winner, the best main language, the runner-up and the tag's own score.
  let top: string | undefined;
  let topScore = -Infinity;
  let main: string | undefined;
  let mainScore = -Infinity;
  let tagScore: number | undefined;
  if (scores) {
    for (const lang in scores) {
      const score = scores[lang];
      if (typeof score !== 'number' || !Number.isFinite(score)) continue;
      if (score > topScore) {
        topScore = score;
        top = lang;
      }
      if (score > mainScore && MAIN.has(lang)) {
        mainScore = score;
        main = lang;
      }
      if (lang === tag) tagScore = score;
    }
  }
  if (top === undefined) {
    return tag ? { lang: tag, confidence: 0.5, source: 'platform' } : { lang: UNDETERMINED, confidence: 0, source: 'default' };
  }

  // Prefer a main language that scores almost as well as a rarer winner (Dutch vs Afrikaans, Portuguese vs Galician).
  let best = top;
  let bestScore = topScore;
  if (!MAIN.has(top) && main !== undefined && mainScore >= topScore - MAIN_LANGUAGE_PRIOR) {
    best = main;
    bestScore = mainScore;
  }
  let secondScore = 0;
  if (scores) {
    for (const lang in scores) {
      const score = scores[lang];
      if (lang !== best && typeof score === 'number' && score > secondScore) secondScore = score;
    }
  }
  const margin = bestScore - secondScore;
  const lengthFactor = Math.min(1, 0.35 + letters / 40);
  const confidence = round3(Math.min(0.99, (0.5 + 0.5 * Math.min(1, margin / 0.15)) * lengthFactor));

  if (tag) {
    if (tag === best) return { lang: tag, confidence: Math.max(confidence, 0.9), source: 'platform' };
    if (letters < MIN_LETTERS || (tagScore !== undefined && tagScore >= bestScore - PLATFORM_MARGIN)) {
      return { lang: tag, confidence: 0.6, source: 'platform' };
    }
  }
  return { lang: best, confidence, source: 'detected' };
}

function languageScores(cleaned: string): Record<string, number> | undefined {
  try {
    return eld.detect(cleaned).getScores();
  } catch {
    // The detector must never take a post down with it.
    return undefined;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
