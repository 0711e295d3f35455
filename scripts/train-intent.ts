/**
 * Trains the intent model (multinomial logistic regression, SGD with L2) on data/intent/train.jsonl,
 * with and without the explicit cues, reports both and the cue-only baseline on the validation split,
 * and writes the better one (by validation macro-F1) to models/intent.json, the other to models/intent-ablation.json.
 * Deterministic; takes a few seconds. Run: npm run train:intent
 */
import { writeFileSync } from 'node:fs';
import { INTENTS, type Intent } from '../src/analysis/types.ts';
import { CUE_COUNT, matchCues } from '../src/analysis/intent/cues.ts';
import { FeatureExtractor } from '../src/analysis/intent/features.ts';
import { K, emptyModel, intentAt, parseModel, score, serializeModel, type IntentModel } from '../src/analysis/intent/model.ts';
import { classifyByCues } from '../src/analysis/intent/rules.ts';
import { intentMetrics, loadIntentSamples, type IntentSample } from '../src/analysis/eval/intent.eval.ts';

const BITS = Number(process.env['INTENT_BITS'] ?? 16);
const EPOCHS = Number(process.env['INTENT_EPOCHS'] ?? 12);
const LR = Number(process.env['INTENT_LR'] ?? 0.5);
const L2 = Number(process.env['INTENT_L2'] ?? 1e-4);

interface Encoded { idx: Int32Array; hits: Uint8Array; y: number }

function encode(samples: readonly IntentSample[], fx: FeatureExtractor): Encoded[] {
  return samples.map((s) => {
    const n = fx.extract(s.text);
    const hits = new Uint8Array(CUE_COUNT);
    matchCues(fx.lower, hits);
    return { idx: fx.idx.slice(0, n), hits, y: INTENTS.indexOf(s.intent) };
  });
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function train(data: readonly Encoded[], useCues: boolean): IntentModel {
  const model = emptyModel(BITS, useCues);
  const rand = mulberry32(7);
  const order = data.map((_, i) => i);
  const p = new Float64Array(K);
  const g = new Float64Array(K);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const a = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = a;
    }
    const lr = LR / (1 + epoch * 0.25);
    for (const k of order) {
      const ex = data[k];
      if (!ex) continue;
      const n = ex.idx.length;
      score(model, ex.idx, n, ex.hits, p);
      for (let c = 0; c < K; c++) g[c] = (p[c] ?? 0) - (c === ex.y ? 1 : 0);
      const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
      const w = model.weights;
      for (let f = 0; f < n; f++) {
        const base = (ex.idx[f] ?? 0) * K;
        for (let c = 0; c < K; c++) w[base + c] = (w[base + c] ?? 0) - lr * ((g[c] ?? 0) * scale + L2 * (w[base + c] ?? 0));
      }
      for (let c = 0; c < K; c++) model.bias[c] = (model.bias[c] ?? 0) - lr * 0.1 * (g[c] ?? 0);
      if (useCues) {
        const cw = model.cueWeights;
        for (let q = 0; q < CUE_COUNT; q++) {
          if (ex.hits[q] !== 1) continue;
          for (let c = 0; c < K; c++) cw[q * K + c] = (cw[q * K + c] ?? 0) - lr * 0.2 * ((g[c] ?? 0) + L2 * 10 * (cw[q * K + c] ?? 0));
        }
      }
    }
  }
  return model;
}

function predict(model: IntentModel, data: readonly Encoded[]): Intent[] {
  const p = new Float64Array(K);
  return data.map((ex) => intentAt(score(model, ex.idx, ex.idx.length, ex.hits, p)));
}

const start = Date.now();
const trainSamples = loadIntentSamples(new URL('../data/intent/train.jsonl', import.meta.url));
const valSamples = loadIntentSamples(new URL('../data/intent/validation.jsonl', import.meta.url));
const fx = new FeatureExtractor(BITS);
const trainData = encode(trainSamples, fx);
const valData = encode(valSamples, fx);
const gold = valSamples.map((s) => s.intent);

const variants = [
  { name: 'model + cues', model: train(trainData, true) },
  { name: 'model only', model: train(trainData, false) },
];
const f = (x: number): string => x.toFixed(3);
console.log(`trained on ${trainSamples.length} posts, validated on ${valSamples.length} (bits ${BITS}, epochs ${EPOCHS}, lr ${LR}, l2 ${L2})`);
console.log(`| system | accuracy | macro-F1 | ${INTENTS.join(' | ')} |`);
const results = variants.map((v) => {
  const m = intentMetrics(gold, predict(v.model, valData));
  const trainAcc = intentMetrics(trainSamples.map((s) => s.intent), predict(v.model, trainData)).accuracy;
  console.log(`| ${v.name} | ${f(m.accuracy)} | ${f(m.macroF1)} | ${INTENTS.map((c) => f(m.perClass[c].f1)).join(' | ')} | (train acc ${f(trainAcc)})`);
  return { ...v, metrics: m };
});
const rules = intentMetrics(gold, valSamples.map((s) => classifyByCues(s.text)));
console.log(`| cues only (rules) | ${f(rules.accuracy)} | ${f(rules.macroF1)} | ${INTENTS.map((c) => f(rules.perClass[c].f1)).join(' | ')} |`);

const [best, other] = [...results].sort((a, b) => b.metrics.macroF1 - a.metrics.macroF1);
if (best && other && !process.env['INTENT_DRY_RUN']) {
  for (const [file, v] of [['models/intent.json', best], ['models/intent-ablation.json', other]] as const) {
    v.model.meta = {
      variant: v.name,
      trainedOn: 'data/intent/train.jsonl',
      trainRows: trainSamples.length,
      bits: BITS,
      epochs: EPOCHS,
      lr: LR,
      l2: L2,
      validationAccuracy: Number(f(v.metrics.accuracy)),
      validationMacroF1: Number(f(v.metrics.macroF1)),
    };
    const json = serializeModel(v.model);
    writeFileSync(file, json + '\n');
    // The figure that counts is the quantised model as loaded at run time.
    const reloaded = intentMetrics(gold, predict(parseModel(JSON.parse(json)), valData));
    console.log(`wrote ${file} (${v.name}, ${(json.length / 1024).toFixed(0)} KiB; as loaded: accuracy ${f(reloaded.accuracy)}, macro-F1 ${f(reloaded.macroF1)})`);
  }
}
console.log(`done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
