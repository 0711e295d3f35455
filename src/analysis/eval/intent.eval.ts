/**
 * Intent evaluation on the project's own labelled set (data/intent/validation.jsonl only; training never sees it).
 * Returns rows so one orchestrator can print every evaluation together; scripts/eval-intent.ts prints them now.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { INTENTS, type Intent } from '../types.ts';

export interface IntentSample {
  text: string;
  lang: string;
  intent: Intent;
  industry: string;
}

export interface ClassScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface IntentEvalRow {
  system: string;
  accuracy: number;
  macroF1: number;
  perClass: Record<Intent, ClassScore>;
  /** Accuracy per language tag of the samples. */
  perLanguage: Record<string, number>;
  /** Mean microseconds per post. */
  microsPerPost: number;
  samples: number;
}

export const INTENT_VALIDATION_URL = new URL('../../../data/intent/validation.jsonl', import.meta.url);

function isIntent(v: unknown): v is Intent {
  return typeof v === 'string' && (INTENTS as readonly string[]).includes(v);
}

/** Reads a JSONL file of {text, lang, intent, industry}; throws on a malformed line (the data set is ours). */
export function loadIntentSamples(file: URL | string = INTENT_VALIDATION_URL): IntentSample[] {
  const out: IntentSample[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const v: unknown = JSON.parse(line);
      if (typeof v !== 'object' || v === null) throw new Error(`line ${i + 1}: not an object`);
      const text: unknown = Reflect.get(v, 'text');
      const lang: unknown = Reflect.get(v, 'lang');
      const intent: unknown = Reflect.get(v, 'intent');
      const industry: unknown = Reflect.get(v, 'industry');
      if (typeof text !== 'string' || typeof lang !== 'string' || !isIntent(intent) || typeof industry !== 'string') {
        throw new Error(`line ${i + 1}: expected {text, lang, intent, industry}`);
      }
      out.push({ text, lang, intent, industry });
    });
  return out;
}

/** Accuracy, macro-F1 and per-class precision/recall/F1 of predictions against gold labels. */
export function intentMetrics(gold: readonly Intent[], predicted: readonly Intent[]): Pick<IntentEvalRow, 'accuracy' | 'macroF1' | 'perClass'> {
  const z = (): ClassScore => ({ precision: 0, recall: 0, f1: 0, support: 0 });
  const perClass: Record<Intent, ClassScore> = {
    complaint: z(),
    question: z(),
    purchase_intent: z(),
    praise: z(),
    feature_request: z(),
    churn_threat: z(),
    spam: z(),
    other: z(),
  };
  const tp = new Map<Intent, number>();
  const predCount = new Map<Intent, number>();
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i];
    perClass[g].support++;
    if (p === undefined) return;
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (p === g) {
      correct++;
      tp.set(g, (tp.get(g) ?? 0) + 1);
    }
  });
  let f1Sum = 0;
  for (const c of INTENTS) {
    const s = perClass[c];
    const t = tp.get(c) ?? 0;
    s.precision = t / Math.max(1, predCount.get(c) ?? 0);
    s.recall = t / Math.max(1, s.support);
    s.f1 = s.precision + s.recall > 0 ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
    f1Sum += s.f1;
  }
  return { accuracy: correct / Math.max(1, gold.length), macroF1: f1Sum / INTENTS.length, perClass };
}

/** Scores one classifier on samples: metrics, per-language accuracy and mean time per post. */
export function scoreIntentClassifier(system: string, classify: (text: string, lang: string) => Intent, samples: readonly IntentSample[]): IntentEvalRow {
  for (const s of samples.slice(0, 100)) classify(s.text, s.lang); // warm-up
  const predicted: Intent[] = [];
  const start = performance.now();
  for (const s of samples) predicted.push(classify(s.text, s.lang));
  const micros = ((performance.now() - start) * 1000) / Math.max(1, samples.length);
  const hits = new Map<string, [number, number]>();
  samples.forEach((s, i) => {
    const h = hits.get(s.lang) ?? [0, 0];
    h[1]++;
    if (predicted[i] === s.intent) h[0]++;
    hits.set(s.lang, h);
  });
  const perLanguage = Object.fromEntries([...hits].map(([lang, [ok, n]]) => [lang, ok / n]));
  return {
    system,
    ...intentMetrics(
      samples.map((s) => s.intent),
      predicted,
    ),
    perLanguage,
    microsPerPost: micros,
    samples: samples.length,
  };
}

/**
 * Evaluates the intent classifiers on the validation split: the production model (learned + cues),
 * the committed ablation model (the other variant), and the cue-only rules baseline.
 */
export async function evaluateIntent(file: URL | string = INTENT_VALIDATION_URL): Promise<IntentEvalRow[]> {
  // Imported lazily so that loading this module for its metrics does not load the models.
  const { classifyIntent, createIntentClassifier, loadIntentModelFile } = await import('../intent/classify.ts');
  const { classifyByCues } = await import('../intent/rules.ts');
  const samples = loadIntentSamples(file);
  const rows: IntentEvalRow[] = [scoreIntentClassifier('townhall intent (model + cues, default)', (t, l) => classifyIntent(t, l).intent, samples)];
  const ablationUrl = new URL('../../../models/intent-ablation.json', import.meta.url);
  const ablation = loadIntentModelFile(ablationUrl);
  const variant = typeof ablation.meta['variant'] === 'string' ? ablation.meta['variant'] : 'ablation';
  const classifyAblation = createIntentClassifier(ablation);
  rows.push(scoreIntentClassifier(`townhall intent (${variant})`, (t, l) => classifyAblation(t, l).intent, samples));
  rows.push(scoreIntentClassifier('cues only (fixed precedence, no learning)', (t) => classifyByCues(t), samples));
  return rows;
}
