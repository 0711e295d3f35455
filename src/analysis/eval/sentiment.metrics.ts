/** Classification and correlation metrics for the sentiment evaluation. */
import type { SentimentLabel } from '../types.ts';

const CLASSES: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

export interface ClassMetrics {
  macroRecall: number;
  macroF1: number;
  accuracy: number;
  /** F1 of the positive and negative classes averaged (SemEval's F1^PN). */
  f1PN: number;
}

/** Macro-averaged recall and F1 over the three classes, accuracy, and F1^PN. */
export function classMetrics(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): ClassMetrics {
  const tp = new Map<SentimentLabel, number>();
  const goldCount = new Map<SentimentLabel, number>();
  const predCount = new Map<SentimentLabel, number>();
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    const p = predicted[i];
    if (!g || !p) continue;
    goldCount.set(g, (goldCount.get(g) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (g === p) {
      correct++;
      tp.set(g, (tp.get(g) ?? 0) + 1);
    }
  }
  const f1 = new Map<SentimentLabel, number>();
  let recallSum = 0;
  let f1Sum = 0;
  for (const c of CLASSES) {
    const t = tp.get(c) ?? 0;
    const r = t / Math.max(1, goldCount.get(c) ?? 0);
    const p = t / Math.max(1, predCount.get(c) ?? 0);
    const f = p + r > 0 ? (2 * p * r) / (p + r) : 0;
    f1.set(c, f);
    recallSum += r;
    f1Sum += f;
  }
  return {
    macroRecall: recallSum / CLASSES.length,
    macroF1: f1Sum / CLASSES.length,
    accuracy: correct / Math.max(1, gold.length),
    f1PN: ((f1.get('positive') ?? 0) + (f1.get('negative') ?? 0)) / 2,
  };
}

/** Pearson correlation coefficient. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] ?? 0;
    my += ys[i] ?? 0;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
