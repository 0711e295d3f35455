/**
 * The intent model: multinomial logistic regression over hashed features (features.ts) plus one weight
 * per explicit cue (cues.ts) and class. Serialised sparse: trained buckets as delta varints, weights as int8
 * on a square-root scale (fine steps near zero, where most weights are; the file stays a few hundred KiB).
 */
import { INTENTS, type Intent } from '../types.ts';
import { CUE_NAMES, CUE_COUNT } from './cues.ts';

export const MODEL_FORMAT = 'townhall-intent-lr/2';
export const K = INTENTS.length;
if (K !== 8) throw new Error('intent model: the scorer is unrolled for 8 classes');

export interface IntentModel {
  bits: number;
  bias: Float64Array;
  /** Dense weights, bucket-major: weights[bucket * K + class]. */
  weights: Float32Array;
  /** cueWeights[cue * K + class], in CUES order; all zero when the model was trained without cues. */
  cueWeights: Float32Array;
  useCues: boolean;
  meta: Record<string, unknown>;
}

export function emptyModel(bits: number, useCues: boolean): IntentModel {
  return {
    bits,
    bias: new Float64Array(K),
    weights: new Float32Array((1 << bits) * K),
    cueWeights: new Float32Array(CUE_COUNT * K),
    useCues,
    meta: {},
  };
}

/** Softmax scores into out[0..K) for features idx[0..n) and cue hits; returns the best class index. */
export function score(model: IntentModel, idx: Int32Array, n: number, hits: Uint8Array, out: Float64Array): number {
  const w = model.weights;
  // Eight classes, unrolled into locals: this loop is most of the cost of a prediction.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let i = 0; i < n; i++) {
    const b = (idx[i] ?? 0) << 3;
    s0 += w[b] ?? 0;
    s1 += w[b + 1] ?? 0;
    s2 += w[b + 2] ?? 0;
    s3 += w[b + 3] ?? 0;
    s4 += w[b + 4] ?? 0;
    s5 += w[b + 5] ?? 0;
    s6 += w[b + 6] ?? 0;
    s7 += w[b + 7] ?? 0;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
  out[4] = s4;
  out[5] = s5;
  out[6] = s6;
  out[7] = s7;
  const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let c = 0; c < K; c++) out[c] = (out[c] ?? 0) * scale + (model.bias[c] ?? 0);
  if (model.useCues) {
    const cw = model.cueWeights;
    for (let q = 0; q < CUE_COUNT; q++) {
      if (hits[q] !== 1) continue;
      for (let c = 0; c < K; c++) out[c] = (out[c] ?? 0) + (cw[q * K + c] ?? 0);
    }
  }
  let max = -Infinity;
  let best = 0;
  for (let c = 0; c < K; c++) {
    const v = out[c] ?? 0;
    if (v > max) {
      max = v;
      best = c;
    }
  }
  let sum = 0;
  for (let c = 0; c < K; c++) {
    const e = Math.exp((out[c] ?? 0) - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < K; c++) out[c] = (out[c] ?? 0) / sum;
  return best;
}

interface SerializedModel {
  format: string;
  bits: number;
  classes: string[];
  bias: number[];
  useCues: boolean;
  cues: Record<string, number[]>;
  scale: number;
  buckets: string;
  weights: string;
  meta: Record<string, unknown>;
}

/** Serialises a model sparsely: buckets whose weights all quantise to zero are dropped. */
export function serializeModel(model: IntentModel): string {
  const w = model.weights;
  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? maxAbs : 1;
  const quant = (v: number): number => Math.sign(v) * Math.round(Math.sqrt(Math.abs(v) / scale) * 127);
  const size = 1 << model.bits;
  const deltas: number[] = [];
  const q: number[] = [];
  let last = 0;
  for (let b = 0; b < size; b++) {
    let keep = false;
    for (let c = 0; c < K; c++) if (quant(w[b * K + c] ?? 0) !== 0) keep = true;
    if (!keep) continue;
    let d = b - last;
    last = b;
    // LEB128 varint of the gap to the previous kept bucket
    while (d >= 0x80) {
      deltas.push((d & 0x7f) | 0x80);
      d >>>= 7;
    }
    deltas.push(d);
    for (let c = 0; c < K; c++) q.push(quant(w[b * K + c] ?? 0));
  }
  const cues: Record<string, number[]> = {};
  CUE_NAMES.forEach((name, i) => {
    cues[name] = Array.from(model.cueWeights.subarray(i * K, i * K + K), (v) => Math.round(v * 1e4) / 1e4);
  });
  const out: SerializedModel = {
    format: MODEL_FORMAT,
    bits: model.bits,
    classes: [...INTENTS],
    bias: Array.from(model.bias, (v) => Math.round(v * 1e4) / 1e4),
    useCues: model.useCues,
    cues,
    scale,
    buckets: Buffer.from(Uint8Array.from(deltas)).toString('base64'),
    weights: Buffer.from(Int8Array.from(q).buffer).toString('base64'),
    meta: model.meta,
  };
  return JSON.stringify(out);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numbers(v: unknown, length: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== length || !v.every((x): x is number => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`intent model: ${what} must be ${length} finite numbers`);
  }
  return v;
}

/** Parses and validates a serialised model (throws with a clear message on a wrong or damaged file). */
export function parseModel(raw: unknown): IntentModel {
  if (!isRecord(raw) || raw['format'] !== MODEL_FORMAT) throw new Error(`intent model: expected format ${MODEL_FORMAT}`);
  const bits = raw['bits'];
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 8 || bits > 22) throw new Error('intent model: bad bits');
  const classes = raw['classes'];
  if (!Array.isArray(classes) || classes.length !== K || classes.some((c, i) => c !== INTENTS[i])) {
    throw new Error('intent model: classes do not match INTENTS');
  }
  const scale = raw['scale'];
  const bucketsB64 = raw['buckets'];
  const weightsB64 = raw['weights'];
  const cues = raw['cues'];
  if (typeof scale !== 'number' || typeof bucketsB64 !== 'string' || typeof weightsB64 !== 'string' || !isRecord(cues)) {
    throw new Error('intent model: missing scale, buckets, weights or cues');
  }
  const model = emptyModel(bits, raw['useCues'] === true);
  model.bias.set(numbers(raw['bias'], K, 'bias'));
  const bucketBuf = Buffer.from(bucketsB64, 'base64');
  const weightBuf = Buffer.from(weightsB64, 'base64');
  const size = 1 << bits;
  let bucket = 0;
  let kept = 0;
  for (let i = 0; i < bucketBuf.length; ) {
    let d = 0;
    let shift = 0;
    let byte = 0x80;
    while (byte & 0x80) {
      if (i >= bucketBuf.length || shift > 28) throw new Error('intent model: damaged bucket list');
      byte = bucketBuf.readUInt8(i++);
      d |= (byte & 0x7f) << shift;
      shift += 7;
    }
    bucket += d;
    if (bucket >= size || (kept + 1) * K > weightBuf.length) throw new Error('intent model: bucket out of range');
    for (let c = 0; c < K; c++) {
      const q = weightBuf.readInt8(kept * K + c) / 127;
      model.weights[bucket * K + c] = Math.sign(q) * q * q * scale;
    }
    kept++;
  }
  if (kept * K !== weightBuf.length) throw new Error('intent model: buckets and weights disagree');
  CUE_NAMES.forEach((name, i) => {
    const v = cues[name];
    if (v !== undefined) model.cueWeights.set(numbers(v, K, `cue ${name}`), i * K);
  });
  const meta = raw['meta'];
  model.meta = isRecord(meta) ? meta : {};
  return model;
}

/** The class name for an index of INTENTS. */
export function intentAt(i: number): Intent {
  return INTENTS[i] ?? 'other';
}
