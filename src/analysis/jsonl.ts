/**
 * The `townhall analyze` line format: one JSON object per line in (`text`, optional `id` and `lang`, any other
 * fields), one JSON object per line out (the input's fields plus the analysis), or an error object for a line
 * that cannot be analysed. Pure: the CLI's main thread and its worker threads both call `analyzeJsonl`.
 */
import type { Analysis, Analyzer } from './index.ts';

/** Result of a block of lines. */
export interface JsonlBlockResult {
  /** Output JSONL, one line (ending in "\n") per non-blank input line, in input order. */
  output: string;
  /** Non-blank input lines read. */
  lines: number;
  /** Lines answered with an error object. */
  errors: number;
}

const BLANK = /^\s*$/;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** The output record: the input's fields, then the contract fields (lang, sentiment, intent, topics, entities), then extras. */
export function presentAnalysis(input: Record<string, unknown>, a: Analysis): Record<string, unknown> {
  return {
    ...input,
    lang: a.lang,
    sentiment: { label: a.sentiment.label, score: a.sentiment.score },
    intent: a.intent,
    topics: a.topics,
    entities: a.entities.map((e) => ({ type: e.type, text: e.text })),
    langConfidence: a.langConfidence,
    sentimentConfidence: a.sentiment.confidence,
    intentScores: {
      complaint: round4(a.intentScores.complaint),
      question: round4(a.intentScores.question),
      purchase_intent: round4(a.intentScores.purchase_intent),
      praise: round4(a.intentScores.praise),
      feature_request: round4(a.intentScores.feature_request),
      churn_threat: round4(a.intentScores.churn_threat),
      spam: round4(a.intentScores.spam),
      other: round4(a.intentScores.other),
    },
    urgency: a.urgency,
    spam: a.spam,
  };
}

function errorLine(error: string, line: number, id: unknown): string {
  return JSON.stringify(id === undefined ? { error, line } : { error, line, id }) + '\n';
}

/** Analyses one line; returns its output line, or null for a blank line (skipped, as JSONL readers do). */
export function analyzeJsonLine(raw: string, lineNumber: number, analyze: Analyzer): { out: string; error: boolean } | null {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (BLANK.test(line)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    return { out: errorLine(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, lineNumber, undefined), error: true };
  }
  if (!isPlainObject(parsed)) return { out: errorLine('each line must be a JSON object with a string "text" field', lineNumber, undefined), error: true };
  const text = parsed['text'];
  if (typeof text !== 'string') {
    const problem = text === undefined ? 'missing "text" field' : `"text" must be a string, got ${text === null ? 'null' : Array.isArray(text) ? 'array' : typeof text}`;
    return { out: errorLine(problem, lineNumber, parsed['id']), error: true };
  }
  const lang = parsed['lang'];
  try {
    return { out: JSON.stringify(presentAnalysis(parsed, analyze({ text, lang: typeof lang === 'string' ? lang : undefined }))) + '\n', error: false };
  } catch (e) {
    // createAnalyzer never throws; this keeps the stream going if serialisation ever does.
    return { out: errorLine(`analysis failed: ${e instanceof Error ? e.message : String(e)}`, lineNumber, parsed['id']), error: true };
  }
}

/** Analyses a block of whole lines whose first line has number `firstLine` (1-based). */
export function analyzeJsonl(block: string, firstLine: number, analyze: Analyzer): JsonlBlockResult {
  let output = '';
  let lines = 0;
  let errors = 0;
  let lineNumber = firstLine;
  let start = 0;
  while (start <= block.length) {
    let end = block.indexOf('\n', start);
    if (end === -1) end = block.length;
    if (end > start) {
      const result = analyzeJsonLine(block.slice(start, end), lineNumber, analyze);
      if (result !== null) {
        output += result.out;
        lines++;
        if (result.error) errors++;
      }
    }
    start = end + 1;
    lineNumber++;
  }
  return { output, lines, errors };
}
