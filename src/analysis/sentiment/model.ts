/**
 * The trained linear sentiment model: hashed sparse weights (int8, one scale) and dense weights, three
 * classes (negative, neutral, positive), and per-language logit offsets calibrated for balanced recall.
 * File format (models/sentiment.bin): uint32 LE header length, UTF-8 JSON header, zero padding to a
 * multiple of 4, then int8 weights laid out as [feature * 3 + class].
 */
import { DENSE_COUNT, extractFeatures, type FeatureConfig, type Lexicon } from './features.ts';

export const CLASS_COUNT = 3;

export interface ModelHeader {
  format: 'townhall-sentiment-linear';
  version: number;
  config: FeatureConfig;
  /** Multiply an int8 sparse weight by this to get the float weight. */
  scale: number;
  /** [class][dense feature] weights. */
  dense: number[][];
  bias: number[];
  /** Per language (ISO 639-1, or "*" for any other) logit offsets added at prediction. */
  offsets: Record<string, number[]>;
  /** Facts for the record: how and on what it was trained. */
  trainedOn: Record<string, unknown>;
}

/** Weights as used by both training (float) and inference (dequantised on the fly). */
export interface LinearWeights {
  config: FeatureConfig;
  /** Sparse weight lookup: returns the weight of (feature index, class). */
  sparse: Int8Array | Float32Array;
  scale: number;
  dense: number[][];
  bias: number[];
  offsets: Record<string, number[]>;
}

/** Class probabilities (softmax of the logits, offsets included) for one post; `tokens` is 0 for a post with nothing to read. */
export function predictProbabilities(
  weights: LinearWeights,
  text: string,
  lang: string,
  lexicon: Lexicon,
  out: Float64Array,
): { probabilities: Float64Array; tokens: number } {
  const f = extractFeatures(text, lang, lexicon, weights.config);
  const inv = f.sparseCount > 0 ? 1 / Math.sqrt(f.sparseCount) : 0;
  const offsets = weights.offsets[lang] ?? weights.offsets['*'];
  const sp = weights.sparse;
  // One pass over the features: the three class weights of a feature sit side by side.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < f.sparseCount; i++) {
    const base = (f.sparse[i] ?? 0) * CLASS_COUNT;
    s0 += sp[base] ?? 0;
    s1 += sp[base + 1] ?? 0;
    s2 += sp[base + 2] ?? 0;
  }
  const sums = [s0, s1, s2];
  let max = -Infinity;
  for (let c = 0; c < CLASS_COUNT; c++) {
    let z = (weights.bias[c] ?? 0) + (offsets?.[c] ?? 0) + (sums[c] ?? 0) * weights.scale * inv;
    const dw = weights.dense[c];
    if (dw) for (let k = 0; k < DENSE_COUNT; k++) z += (dw[k] ?? 0) * (f.dense[k] ?? 0);
    out[c] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let c = 0; c < CLASS_COUNT; c++) {
    const e = Math.exp((out[c] ?? 0) - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < CLASS_COUNT; c++) out[c] = (out[c] ?? 0) / sum;
  return { probabilities: out, tokens: f.tokenCount };
}

/** Serialises a model to the file format above. */
export function encodeModel(header: ModelHeader, sparse: Int8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 4 + json.length;
  const pad = (4 - (headerEnd % 4)) % 4;
  const buf = new Uint8Array(headerEnd + pad + sparse.length);
  new DataView(buf.buffer).setUint32(0, json.length, true);
  buf.set(json, 4);
  buf.set(new Uint8Array(sparse.buffer, sparse.byteOffset, sparse.length), headerEnd + pad);
  return buf;
}

/** Parses and validates a model file. Throws on a malformed file (checked once at load, never per post). */
export function decodeModel(bytes: Uint8Array): { header: ModelHeader; weights: LinearWeights } {
  if (bytes.length < 8) throw new Error('sentiment model file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(0, true);
  if (4 + len > bytes.length) throw new Error('sentiment model header is truncated');
  const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len)));
  const header = parseHeader(parsed);
  const start = 4 + len + ((4 - ((4 + len) % 4)) % 4);
  const expected = ((1 << header.config.hashBits) + 0) * CLASS_COUNT;
  const sparse = new Int8Array(bytes.buffer, bytes.byteOffset + start, bytes.length - start);
  if (sparse.length !== expected) throw new Error(`sentiment model has ${sparse.length} weights, expected ${expected}`);
  return {
    header,
    weights: { config: header.config, sparse, scale: header.scale, dense: header.dense, bias: header.bias, offsets: header.offsets },
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function numberArray(x: unknown, length: number, what: string): number[] {
  if (!Array.isArray(x) || x.length !== length || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`sentiment model: ${what} must be ${length} numbers`);
  }
  return x.map(Number);
}

function parseHeader(x: unknown): ModelHeader {
  if (!isRecord(x) || x['format'] !== 'townhall-sentiment-linear') throw new Error('not a townhall sentiment model');
  const c = x['config'];
  if (!isRecord(c)) throw new Error('sentiment model: missing config');
  const hashBits = c['hashBits'];
  const charMin = c['charMin'];
  const charMax = c['charMax'];
  const bigrams = c['bigrams'];
  if (typeof hashBits !== 'number' || hashBits < 8 || hashBits > 24 || typeof charMin !== 'number' || typeof charMax !== 'number' || typeof bigrams !== 'boolean') {
    throw new Error('sentiment model: bad config');
  }
  const scale = x['scale'];
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error('sentiment model: bad scale');
  const denseRaw = x['dense'];
  if (!Array.isArray(denseRaw) || denseRaw.length !== CLASS_COUNT) throw new Error('sentiment model: bad dense weights');
  const dense = denseRaw.map((row: unknown, i) => numberArray(row, DENSE_COUNT, `dense[${i}]`));
  const offsetsRaw = x['offsets'];
  if (!isRecord(offsetsRaw)) throw new Error('sentiment model: bad offsets');
  const offsets: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(offsetsRaw)) offsets[k] = numberArray(v, CLASS_COUNT, `offsets.${k}`);
  const trainedOn = x['trainedOn'];
  return {
    format: 'townhall-sentiment-linear',
    version: typeof x['version'] === 'number' ? x['version'] : 1,
    config: { hashBits, charMin, charMax, bigrams },
    scale,
    dense,
    bias: numberArray(x['bias'], CLASS_COUNT, 'bias'),
    offsets,
    trainedOn: isRecord(trainedOn) ? trainedOn : {},
  };
}
