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

const LETTERS_RE = /\p{L}/gu;
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
  const letters = cleaned.match(LETTERS_RE)?.length ?? 0;

  if (letters === 0) {
    return tag ? { lang: tag, confidence: 0.5, source: 'platform' } : { lang: UNDETERMINED, confidence: 0, source: 'default' };
  }

  const ranked = rankLanguages(cleaned);
  const top = ranked[0];
  if (!top) {
    return tag ? { lang: tag, confidence: 0.5, source: 'platform' } : { lang: UNDETERMINED, confidence: 0, source: 'default' };
  }

  // Prefer a main language that scores almost as well as a rarer winner (Dutch vs Afrikaans, Portuguese vs Galician).
  let best = top;
  if (!MAIN.has(top.lang)) {
    const main = ranked.find((r) => MAIN.has(r.lang));
    if (main && main.score >= top.score - MAIN_LANGUAGE_PRIOR) best = main;
  }
  const second = ranked.find((r) => r.lang !== best.lang);
  const margin = best.score - (second?.score ?? 0);
  const lengthFactor = Math.min(1, 0.35 + letters / 40);
  const confidence = round3(Math.min(0.99, (0.5 + 0.5 * Math.min(1, margin / 0.15)) * lengthFactor));

  if (tag) {
    if (tag === best.lang) return { lang: tag, confidence: Math.max(confidence, 0.9), source: 'platform' };
    const tagScore = ranked.find((r) => r.lang === tag)?.score;
    if (letters < MIN_LETTERS || (tagScore !== undefined && tagScore >= best.score - PLATFORM_MARGIN)) {
      return { lang: tag, confidence: 0.6, source: 'platform' };
    }
  }
  return { lang: best.lang, confidence, source: 'detected' };
}

interface Ranked {
  lang: string;
  score: number;
}

function rankLanguages(cleaned: string): Ranked[] {
  try {
    const scores = eld.detect(cleaned).getScores();
    const ranked: Ranked[] = [];
    for (const [lang, score] of Object.entries(scores)) {
      if (typeof score === 'number' && Number.isFinite(score)) ranked.push({ lang, score });
    }
    ranked.sort((a, b) => b.score - a.score);
    return ranked;
  } catch {
    // The detector must never take a post down with it.
    return [];
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
