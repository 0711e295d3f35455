/**
 * Trains the sentiment model and writes models/sentiment.bin and models/sentiment-lexicon-en.tsv:
 * `npm run train:sentiment [-- --data ../shared/data --bits 19 --epochs 6 --dry]`.
 *
 * Multinomial logistic regression trained with AdaGrad on hashed word, bigram and character n-gram
 * features plus dense lexicon features (src/analysis/sentiment/features.ts). Training data and held-out
 * validation sets: src/analysis/eval/sentiment.data.ts. Epochs and the per-language logit offsets
 * (balanced recall for English, macro-F1 for the others) are chosen on an internal 10% dev split of the
 * training data; the final model is then retrained on all training data. Deterministic (seeded shuffles).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { DENSE_COUNT, extractFeatures, type FeatureConfig } from '../src/analysis/sentiment/features.ts';
import { englishLexiconFromVader, makeLexicon } from '../src/analysis/sentiment/lexicon.ts';
import { CLASS_COUNT, encodeModel, type ModelHeader } from '../src/analysis/sentiment/model.ts';
import { LABELS, loadSentimentSplits, type LabelledPost } from '../src/analysis/eval/sentiment.data.ts';
import { classMetrics } from '../src/analysis/eval/sentiment.metrics.ts';
import type { SentimentLabel } from '../src/analysis/types.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const dataDir = resolve(arg('data', '../shared/data'));
const config: FeatureConfig = {
  hashBits: Number(arg('bits', '19')),
  charMin: Number(arg('charMin', '3')),
  charMax: Number(arg('charMax', '5')),
  bigrams: !process.argv.includes('--no-bigrams'),
};
const maxEpochs = Number(arg('epochs', '8'));
const learningRate = Number(arg('lr', '0.05'));
const l2 = Number(arg('l2', '1e-6'));
const otherWeight = Number(arg('otherWeight', '1.5'));
const dry = process.argv.includes('--dry');
const modelPath = resolve('models/sentiment.bin');
const lexiconPath = resolve('models/sentiment-lexicon-en.tsv');

const t0 = Date.now();
const require = createRequire(import.meta.url);
const vaderFile = resolve(dirname(require.resolve('vader-sentiment/package.json')), 'vader_lexicon.txt');
const english = englishLexiconFromVader(readFileSync(vaderFile, 'utf8'));
const lexicons = new Map<string, (t: string) => number | undefined>();
const lexiconFor = (lang: string): ((t: string) => number | undefined) => {
  let l = lexicons.get(lang);
  if (!l) {
    l = makeLexicon(lang, english);
    lexicons.set(lang, l);
  }
  return l;
};

const splits = loadSentimentSplits(dataDir);
console.log(`training posts ${splits.train.length} (dropped ${splits.droppedOverlap} that are in validation sets)`);

interface Example {
  sparse: Int32Array;
  inv: number;
  dense: Float64Array;
  y: number;
  lang: string;
  weight: number;
}

function toExample(p: LabelledPost): Example {
  const f = extractFeatures(p.text, p.lang, lexiconFor(p.lang), config);
  return {
    sparse: f.sparse,
    inv: f.sparseCount > 0 ? 1 / Math.sqrt(f.sparseCount) : 0,
    dense: f.dense,
    y: LABELS.indexOf(p.label),
    lang: p.lang,
    weight: p.lang === 'en' ? 1 : otherWeight,
  };
}

// Seeded PRNG (mulberry32) so the model is reproducible.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const a = xs[i];
    const b = xs[j];
    if (a === undefined || b === undefined) continue;
    xs[i] = b;
    xs[j] = a;
  }
  return xs;
}

class Trainer {
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly dw = new Float64Array(CLASS_COUNT * DENSE_COUNT);
  readonly dg = new Float64Array(CLASS_COUNT * DENSE_COUNT);
  readonly b = new Float64Array(CLASS_COUNT);
  readonly bg = new Float64Array(CLASS_COUNT);
  private readonly z = new Float64Array(CLASS_COUNT);

  constructor(bits: number) {
    this.w = new Float32Array((1 << bits) * CLASS_COUNT);
    this.g = new Float32Array((1 << bits) * CLASS_COUNT);
  }

  logits(e: Example, offsets?: readonly number[]): Float64Array {
    for (let c = 0; c < CLASS_COUNT; c++) {
      let s = 0;
      for (let i = 0; i < e.sparse.length; i++) s += this.w[(e.sparse[i] ?? 0) * CLASS_COUNT + c] ?? 0;
      let z = (this.b[c] ?? 0) + s * e.inv + (offsets?.[c] ?? 0);
      for (let k = 0; k < DENSE_COUNT; k++) z += (this.dw[c * DENSE_COUNT + k] ?? 0) * (e.dense[k] ?? 0);
      this.z[c] = z;
    }
    return this.z;
  }

  step(e: Example): void {
    const z = this.logits(e);
    let max = -Infinity;
    for (let c = 0; c < CLASS_COUNT; c++) max = Math.max(max, z[c] ?? 0);
    let sum = 0;
    for (let c = 0; c < CLASS_COUNT; c++) {
      z[c] = Math.exp((z[c] ?? 0) - max);
      sum += z[c] ?? 0;
    }
    for (let c = 0; c < CLASS_COUNT; c++) {
      const grad = (((z[c] ?? 0) / sum) - (c === e.y ? 1 : 0)) * e.weight;
      for (let i = 0; i < e.sparse.length; i++) {
        const idx = (e.sparse[i] ?? 0) * CLASS_COUNT + c;
        const w = this.w[idx] ?? 0;
        const gi = grad * e.inv + l2 * w;
        const acc = (this.g[idx] ?? 0) + gi * gi;
        this.g[idx] = acc;
        this.w[idx] = w - (learningRate * gi) / (Math.sqrt(acc) + 1e-8);
      }
      for (let k = 0; k < DENSE_COUNT; k++) {
        const idx = c * DENSE_COUNT + k;
        const gi = grad * (e.dense[k] ?? 0);
        if (gi === 0) continue;
        const acc = (this.dg[idx] ?? 0) + gi * gi;
        this.dg[idx] = acc;
        this.dw[idx] = (this.dw[idx] ?? 0) - (learningRate * gi) / (Math.sqrt(acc) + 1e-8);
      }
      const bacc = (this.bg[c] ?? 0) + grad * grad;
      this.bg[c] = bacc;
      this.b[c] = (this.b[c] ?? 0) - (learningRate * grad) / (Math.sqrt(bacc) + 1e-8);
    }
  }

  predict(e: Example, offsets?: readonly number[]): number {
    const z = this.logits(e, offsets);
    let best = 0;
    for (let c = 1; c < CLASS_COUNT; c++) if ((z[c] ?? 0) > (z[best] ?? 0)) best = c;
    return best;
  }
}

function labelsOf(ys: readonly number[]): SentimentLabel[] {
  return ys.map((y) => LABELS[y] ?? 'neutral');
}

function score(t: Trainer, set: readonly Example[], offsets?: readonly number[]): { macroRecall: number; macroF1: number } {
  const gold = labelsOf(set.map((e) => e.y));
  const pred = labelsOf(set.map((e) => t.predict(e, offsets)));
  return classMetrics(gold, pred);
}

function train(t: Trainer, set: Example[], epochs: number, seed: number, dev?: Example[]): number {
  const rand = rng(seed);
  let bestEpoch = epochs;
  let best = -1;
  for (let ep = 1; ep <= epochs; ep++) {
    for (const e of shuffle(set, rand)) t.step(e);
    if (dev) {
      const en = score(t, dev.filter((e) => e.lang === 'en'));
      const other = score(t, dev.filter((e) => e.lang !== 'en'));
      const s = en.macroRecall + other.macroF1;
      console.log(`  epoch ${ep}: dev en macro-recall ${en.macroRecall.toFixed(4)}, dev other macro-F1 ${other.macroF1.toFixed(4)}`);
      if (s > best) {
        best = s;
        bestEpoch = ep;
      }
    }
  }
  return bestEpoch;
}

/** Grid search of the negative and positive logit offsets (neutral fixed at 0) on dev examples. */
function tuneOffsets(t: Trainer, set: readonly Example[], objective: 'macroRecall' | 'macroF1'): number[] {
  const logits = set.map((e) => Array.from(t.logits(e)));
  const gold = labelsOf(set.map((e) => e.y));
  let best = [0, 0, 0];
  let bestScore = -1;
  for (let neg = -0.5; neg <= 2.0001; neg += 0.1) {
    for (let pos = -1; pos <= 1.5001; pos += 0.1) {
      const pred = logits.map((z) => {
        const a = (z[0] ?? 0) + neg;
        const b = z[1] ?? 0;
        const c = (z[2] ?? 0) + pos;
        return a >= b && a >= c ? 'negative' : c >= b ? 'positive' : 'neutral';
      });
      // A small pull towards zero keeps offsets from chasing noise on small dev sets.
      const s = classMetrics(gold, pred)[objective] - 0.005 * (Math.abs(neg) + Math.abs(pos));
      if (s > bestScore) {
        bestScore = s;
        best = [round4(neg), 0, round4(pos)];
      }
    }
  }
  return best;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

// Internal dev split (10%, stratified by language) for epochs and offsets.
const all = splits.train.map(toExample);
const split = rng(7);
const fit: Example[] = [];
const dev: Example[] = [];
for (const e of all) (split() < 0.1 ? dev : fit).push(e);
console.log(`features extracted in ${((Date.now() - t0) / 1000).toFixed(1)} s; fit ${fit.length}, dev ${dev.length}`);

const probe = new Trainer(config.hashBits);
const epochs = train(probe, fit, maxEpochs, 1, dev);
console.log(`best epochs on dev: ${epochs}`);
const langs = ['en', 'de', 'fr', 'es', 'it', 'pt'];
const offsets: Record<string, number[]> = {};
for (const lang of langs) offsets[lang] = tuneOffsets(probe, dev.filter((e) => e.lang === lang), lang === 'en' ? 'macroRecall' : 'macroF1');
offsets['*'] = tuneOffsets(probe, dev.filter((e) => e.lang !== 'en'), 'macroF1');
console.log('offsets', JSON.stringify(offsets));

const final = new Trainer(config.hashBits);
train(final, all, epochs, 1);

// Quantise sparse weights to int8 with one scale (weights beyond 3 standard deviations are clipped).
let sumSq = 0;
for (const v of final.w) sumSq += v * v;
const sd = Math.sqrt(sumSq / final.w.length);
let maxAbs = 0;
for (const v of final.w) maxAbs = Math.max(maxAbs, Math.abs(v));
const clip = Math.min(maxAbs, Math.max(sd * 40, 1e-6));
const scale = clip / 127;
const q = new Int8Array(final.w.length);
for (let i = 0; i < final.w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round((final.w[i] ?? 0) / scale)));

const header: ModelHeader = {
  format: 'townhall-sentiment-linear',
  version: 1,
  config,
  scale,
  dense: [0, 1, 2].map((c) => Array.from(final.dw.subarray(c * DENSE_COUNT, (c + 1) * DENSE_COUNT)).map(round6)),
  bias: Array.from(final.b).map(round6),
  offsets,
  trainedOn: {
    posts: all.length,
    droppedOverlap: splits.droppedOverlap,
    epochs,
    learningRate,
    l2,
    otherWeight,
    sources: 'SemEval 2013-2016 train/dev/test files except twitter-2016test; UMSAB train splits (en, de, fr, es, it, pt); minus tweets found in validation sets',
  },
};

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

const nonZero = q.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
console.log(`quantised: scale ${scale.toExponential(3)}, clipped at ${clip.toFixed(4)} (max ${maxAbs.toFixed(4)}), non-zero ${nonZero}/${q.length}`);
if (!dry) {
  mkdirSync(dirname(modelPath), { recursive: true });
  writeFileSync(modelPath, encodeModel(header, q));
  const lex = [...english.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}\t${v}`);
  writeFileSync(lexiconPath, `${lex.join('\n')}\n`);
  console.log(`wrote ${modelPath} and ${lexiconPath}`);
}

// Validation figures of the float model (the committed int8 model is measured by `npm run eval:sentiment`).
for (const [name, set] of Object.entries(splits.validation)) {
  const ex = set.map(toExample);
  const lang = set[0]?.lang ?? 'en';
  const m = score(final, ex, offsets[lang]);
  console.log(`${name}: macro-recall ${m.macroRecall.toFixed(4)}, macro-F1 ${m.macroF1.toFixed(4)}`);
}
console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
