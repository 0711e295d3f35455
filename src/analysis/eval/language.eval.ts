/**
 * Language detection evaluation on short social posts: UMSAB validation tweets (en, de, fr, es, it, pt)
 * plus a hand-written Dutch set. Returns rows so one orchestrator can print every evaluation together.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { cleanForLanguage } from '../language/clean.ts';
import { detectLanguage } from '../language/detect.ts';
import { DUTCH_POSTS } from './language.dutch-set.ts';

export interface LanguageSample {
  text: string;
  lang: string;
}

export interface LanguageEvalRow {
  detector: string;
  /** Accuracy over all samples (each language weighs by its sample count). */
  accuracy: number;
  /** Accuracy per language. */
  perLanguage: Record<string, number>;
  /** CPU microseconds per post, including any clean-up the detector does. */
  microsPerPost: number;
  samples: number;
}

const UMSAB_FILES: ReadonlyArray<readonly [string, string]> = [
  ['en', 'english'],
  ['de', 'german'],
  ['fr', 'french'],
  ['es', 'spanish'],
  ['it', 'italian'],
  ['pt', 'portuguese'],
];

/** Short-text test set: UMSAB `*_val_text.txt` per language (never the train split) plus the Dutch set. */
export function loadLanguageTestSet(dataDir: string): LanguageSample[] {
  const samples: LanguageSample[] = [];
  for (const [lang, name] of UMSAB_FILES) {
    const file = join(dataDir, 'sentiment', 'umsab', `${name}_val_text.txt`);
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const text = line.trim();
      if (text) samples.push({ text, lang });
    }
  }
  for (const text of DUTCH_POSTS) samples.push({ text, lang: 'nl' });
  return samples;
}

/** Runs one detector over the samples: accuracy overall and per language, and mean time per post. */
export function scoreDetector(name: string, detect: (text: string) => string, samples: readonly LanguageSample[]): LanguageEvalRow {
  // Warm up so JIT and lazy tables do not count against the first samples.
  for (const s of samples.slice(0, 200)) detect(s.text);
  const hits = new Map<string, number>();
  const totals = new Map<string, number>();
  let correct = 0;
  for (const s of samples) {
    const got = detect(s.text);
    totals.set(s.lang, (totals.get(s.lang) ?? 0) + 1);
    if (got === s.lang) {
      correct++;
      hits.set(s.lang, (hits.get(s.lang) ?? 0) + 1);
    }
  }
  // Speed: best of three rounds of process CPU time (less sensitive to other work on a shared machine).
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const start = process.cpuUsage();
    for (const s of samples) detect(s.text);
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  const perLanguage: Record<string, number> = {};
  for (const [lang, total] of totals) perLanguage[lang] = (hits.get(lang) ?? 0) / total;
  return {
    detector: name,
    accuracy: correct / samples.length,
    perLanguage,
    microsPerPost: best / samples.length,
    samples: samples.length,
  };
}

/** Our detector (`detectLanguage`) on the short-text set, with no platform tag. */
export function evaluateLanguage(dataDir: string): LanguageEvalRow[] {
  const samples = loadLanguageTestSet(dataDir);
  return [scoreDetector('townhall detectLanguage', (text) => detectLanguage({ text }).lang, samples)];
}

const ISO3_TO_ISO1: Record<string, string> = { eng: 'en', deu: 'de', fra: 'fr', spa: 'es', ita: 'it', nld: 'nl', por: 'pt' };
const SUBSET = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt'];

/**
 * The candidate libraries compared when choosing the detector (devDependencies), each on raw text and
 * on text cleaned by `cleanForLanguage`. Kept so the choice can be re-measured when libraries change.
 */
export async function compareLanguageLibraries(dataDir: string): Promise<LanguageEvalRow[]> {
  const samples = loadLanguageTestSet(dataDir);
  const candidates: Array<[string, (text: string) => string]> = [];

  const eldBuilds: Array<[string, EldLike]> = [
    ['extrasmall', (await import('eld/extrasmall')).eld],
    ['small', (await import('eld/small')).eld],
    ['medium', (await import('eld/medium')).eld],
    ['large', (await import('eld/large')).eld],
  ];
  for (const [size, build] of eldBuilds) {
    const full = build.newInstance();
    const subset = build.newInstance();
    subset.setLanguageSubset(SUBSET);
    candidates.push([`eld ${size} (60 languages)`, (t) => full.detect(t).language]);
    candidates.push([`eld ${size} (subset of 7)`, (t) => subset.detect(t).language]);
  }

  const { franc } = await import('franc');
  const francMin = (await import('franc-min')).franc;
  const only = Object.keys(ISO3_TO_ISO1);
  candidates.push(['franc (subset of 7)', (t) => ISO3_TO_ISO1[franc(t, { only, minLength: 1 })] ?? 'und']);
  candidates.push(['franc-min (subset of 7)', (t) => ISO3_TO_ISO1[francMin(t, { only, minLength: 1 })] ?? 'und']);
  candidates.push(['franc-min (all 82)', (t) => ISO3_TO_ISO1[francMin(t, { minLength: 1 })] ?? 'und']);

  const tiny = await import('tinyld');
  const tinyLight = await import('tinyld/light');
  candidates.push(['tinyld normal (all)', (t) => tiny.detect(t)]);
  candidates.push(['tinyld normal (subset of 7)', (t) => tiny.detect(t, { only: SUBSET })]);
  candidates.push(['tinyld light (subset of 7)', (t) => tinyLight.detect(t, { only: SUBSET })]);

  const rows: LanguageEvalRow[] = [];
  for (const [name, detect] of candidates) {
    rows.push(scoreDetector(`${name}, raw text`, detect, samples));
    rows.push(scoreDetector(`${name}, cleaned text`, (t) => detect(cleanForLanguage(t)), samples));
  }
  rows.push(...evaluateLanguage(dataDir));
  return rows;
}

interface EldLike {
  newInstance(): EldLike;
  setLanguageSubset(languages: string[] | boolean): unknown;
  detect(text: string): { language: string };
}
