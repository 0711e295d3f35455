/**
 * A cue-only baseline: the explicit cues with a fixed precedence, no learning. Kept to measure what the
 * learned model adds (docs/BENCHMARKS.md), not used by classifyIntent.
 */
import type { Intent } from '../types.ts';
import { CUE_COUNT, CUE_NAMES, matchCues } from './cues.ts';

const hits = new Uint8Array(CUE_COUNT);
const at = (name: string): number => CUE_NAMES.indexOf(name);
const I = {
  spam: at('spam'),
  churn: at('churn'),
  complaint: at('complaint'),
  why: at('why'),
  neg: at('neg_emoji'),
  sarcasm: at('sarcasm'),
  feature: at('feature'),
  purchase: at('purchase'),
  qmark: at('question_mark'),
  qstart: at('question_start'),
  praise: at('praise'),
  pos: at('pos_emoji'),
};

/** Precedence: spam > churn > complaint > feature request > purchase > question > praise > other. */
export function classifyByCues(text: string): Intent {
  matchCues(typeof text === 'string' ? text.slice(0, 1000).toLowerCase() : '', hits);
  const h = (i: number): boolean => hits[i] === 1;
  if (h(I.spam)) return 'spam';
  if (h(I.churn)) return 'churn_threat';
  if (h(I.complaint) || h(I.neg) || h(I.sarcasm) || (h(I.why) && h(I.qmark))) return 'complaint';
  if (h(I.feature)) return 'feature_request';
  if (h(I.purchase)) return 'purchase_intent';
  if (h(I.qmark) || h(I.qstart)) return 'question';
  if (h(I.praise) || h(I.pos)) return 'praise';
  return 'other';
}
