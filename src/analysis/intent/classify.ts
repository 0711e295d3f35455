/**
 * Intent classification: the learned model (models/intent.json, trained by `npm run train:intent`)
 * over hashed word and character n-grams, with explicit multilingual cues as weighted extra features.
 */
import { readFileSync } from 'node:fs';
import { INTENTS, type IntentResult, type Intent } from '../types.ts';
import { CUE_COUNT, matchCues } from './cues.ts';
import { FeatureExtractor } from './features.ts';
import { K, intentAt, parseModel, score, type IntentModel } from './model.ts';

/** The committed production model. */
export const INTENT_MODEL_URL = new URL('../../../models/intent.json', import.meta.url);

const OTHER = INTENTS.indexOf('other');
const NON_SPACE = /\S/;

/** Reads and validates a model file (throws if missing or damaged: a deployment error, not an input error). */
export function loadIntentModelFile(url: URL | string): IntentModel {
  return parseModel(JSON.parse(readFileSync(url, 'utf8')));
}

/** Predicts with a model; fills `out` with class probabilities and returns the class index. */
export function predictIndex(model: IntentModel, fx: FeatureExtractor, text: string, out: Float64Array, cueHits: Uint8Array): number {
  const n = fx.extract(text);
  if (model.useCues) matchCues(fx.lower, cueHits);
  return score(model, fx.idx, n, cueHits, out);
}

/** Builds a classifier over one model; buffers are allocated once and reused across calls. */
export function createIntentClassifier(model: IntentModel): (text: string, lang: string) => IntentResult {
  const fx = new FeatureExtractor(model.bits);
  const hits = new Uint8Array(CUE_COUNT);
  const probs = new Float64Array(K);
  const at = (i: number): number => probs[i] ?? 0;
  return (text, lang) => {
    void lang; // one multilingual model; the tag is part of the analyzer contract
    // Untyped callers may pass anything; the extractor tolerates any string, lone surrogates included.
    const s = typeof text === 'string' ? text : '';
    let best = OTHER;
    if (!NON_SPACE.test(s)) {
      probs.fill(0);
      probs[OTHER] = 1;
    } else {
      best = predictIndex(model, fx, s, probs, hits);
    }
    // INTENTS order is checked when the model loads (parseModel), so index i is INTENTS[i].
    const scores: Record<Intent, number> = {
      complaint: at(0),
      question: at(1),
      purchase_intent: at(2),
      praise: at(3),
      feature_request: at(4),
      churn_threat: at(5),
      spam: at(6),
      other: at(7),
    };
    return { intent: intentAt(best), scores };
  };
}

let defaultClassifier: ((text: string, lang: string) => IntentResult) | undefined;

/** Classifies the intent of a post: the best class and a probability for each of the 8 classes (sum 1). */
export function classifyIntent(text: string, lang: string): IntentResult {
  defaultClassifier ??= createIntentClassifier(loadIntentModelFile(INTENT_MODEL_URL));
  return defaultClassifier(text, lang);
}
