/**
 * Loaders for the labelled sentiment data in ../shared/data/sentiment and the split between training and
 * validation. Validation (never trained on): TweetEval val, SemEval twitter-2016test, UMSAB *_val.
 * Training: every other SemEval 2013-2016 file and the UMSAB train splits, minus any tweet whose text
 * also appears in a validation file (TweetEval val and UMSAB English are drawn from the SemEval files).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SentimentLabel } from '../types.ts';

export interface LabelledPost {
  text: string;
  label: SentimentLabel;
  lang: string;
  source: string;
}

export const LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

/** SemEval files used for training; twitter-2016test is held out for validation. */
export const SEMEVAL_TRAIN_FILES = [
  'twitter-2013train-A.tsv',
  'twitter-2013dev-A.tsv',
  'twitter-2013test-A.tsv',
  'twitter-2014test-A.tsv',
  'twitter-2014sarcasm-A.tsv',
  'twitter-2015train-A.tsv',
  'twitter-2015test-A.tsv',
  'twitter-2016train-A.tsv',
  'twitter-2016dev-A.tsv',
  'twitter-2016devtest-A.tsv',
] as const;
export const SEMEVAL_VALIDATION_FILE = 'twitter-2016test-A.tsv';

/** UMSAB languages with their ISO 639-1 codes. */
export const UMSAB_LANGUAGES: ReadonlyArray<readonly [string, string]> = [
  ['en', 'english'],
  ['de', 'german'],
  ['fr', 'french'],
  ['es', 'spanish'],
  ['it', 'italian'],
  ['pt', 'portuguese'],
];

function isLabel(x: string): x is SentimentLabel {
  return x === 'negative' || x === 'neutral' || x === 'positive';
}

/** Reads a SemEval TSV (`id<TAB>label<TAB>text`). */
export function loadSemEval(dataDir: string, file: string): LabelledPost[] {
  const out: LabelledPost[] = [];
  for (const line of readFileSync(join(dataDir, 'sentiment', 'semeval2013-2016', file), 'utf8').split('\n')) {
    const parts = line.split('\t');
    const label = parts[1]?.trim() ?? '';
    let text = parts[2]?.trim() ?? '';
    if (!text || !isLabel(label)) continue;
    if (text.length > 1 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).replace(/""/g, '"');
    out.push({ text, label, lang: 'en', source: file });
  }
  return out;
}

/** Reads a text file and a label file with one 0/1/2 label per line (0 negative, 1 neutral, 2 positive). */
export function loadLinePairs(textFile: string, labelFile: string, lang: string, source: string): LabelledPost[] {
  const texts = readFileSync(textFile, 'utf8').split('\n');
  const labels = readFileSync(labelFile, 'utf8').split('\n');
  const out: LabelledPost[] = [];
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]?.trim() ?? '';
    const label = LABELS[Number(labels[i]?.trim())];
    if (text && label) out.push({ text, label, lang, source });
  }
  return out;
}

export function loadTweetEvalVal(dataDir: string): LabelledPost[] {
  const dir = join(dataDir, 'sentiment', 'tweeteval');
  return loadLinePairs(join(dir, 'val_text.txt'), join(dir, 'val_labels.txt'), 'en', 'tweeteval val');
}

export function loadUmsab(dataDir: string, name: string, lang: string, split: 'train' | 'val'): LabelledPost[] {
  const dir = join(dataDir, 'sentiment', 'umsab');
  return loadLinePairs(join(dir, `${name}_${split}_text.txt`), join(dir, `${name}_${split}_labels.txt`), lang, `umsab ${name} ${split}`);
}

export interface VaderTweet {
  text: string;
  rating: number;
}

/** VADER's tweet ground truth: `id<TAB>mean rating -4..4<TAB>text`. */
export function loadVaderTweets(dataDir: string): VaderTweet[] {
  const out: VaderTweet[] = [];
  for (const line of readFileSync(join(dataDir, 'sentiment', 'vader', 'tweets_GroundTruth.txt'), 'utf8').split('\n')) {
    const parts = line.split('\t');
    const rating = Number(parts[1]);
    const text = parts.slice(2).join('\t').trim();
    if (text && Number.isFinite(rating)) out.push({ text, rating });
  }
  return out;
}

/** Key used to find the same tweet across files (the sets replace handles and URLs differently). */
export function dedupKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+|\bhttps?\b/g, '')
    .replace(/@\w+/g, '@u')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface SentimentSplits {
  train: LabelledPost[];
  /** Named validation sets, never trained on. */
  validation: Record<string, LabelledPost[]>;
  /** Training posts dropped because their text is in a validation set. */
  droppedOverlap: number;
}

/** Builds the training set and the held-out validation sets. */
export function loadSentimentSplits(dataDir: string): SentimentSplits {
  const validation: Record<string, LabelledPost[]> = {
    'en TweetEval val': loadTweetEvalVal(dataDir),
    'en SemEval 2016 test': loadSemEval(dataDir, SEMEVAL_VALIDATION_FILE),
  };
  for (const [lang, name] of UMSAB_LANGUAGES) validation[`${lang} UMSAB val`] = loadUmsab(dataDir, name, lang, 'val');

  const held = new Set<string>();
  for (const set of Object.values(validation)) for (const p of set) held.add(dedupKey(p.text));

  const candidates: LabelledPost[] = [];
  for (const file of SEMEVAL_TRAIN_FILES) candidates.push(...loadSemEval(dataDir, file));
  for (const [lang, name] of UMSAB_LANGUAGES) candidates.push(...loadUmsab(dataDir, name, lang, 'train'));

  const seen = new Set<string>();
  const train: LabelledPost[] = [];
  let droppedOverlap = 0;
  for (const p of candidates) {
    const key = dedupKey(p.text);
    if (held.has(key)) {
      droppedOverlap++;
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    train.push(p);
  }
  return { train, validation, droppedOverlap };
}

/** True when the shared data folder is present (it is not part of the repository). */
export function hasSentimentData(dataDir: string): boolean {
  return existsSync(join(dataDir, 'sentiment', 'tweeteval', 'val_text.txt'));
}
