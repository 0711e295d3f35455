/**
 * A `townhall analyze` worker thread: compiles the workspace's analyzer once, then analyses blocks of JSONL
 * lines sent by the main thread and posts back their output (the main thread restores input order).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer, EMPTY_ANALYSIS_CONFIG } from '../analysis/index.ts';
import { analyzeJsonl } from '../analysis/jsonl.ts';
import { parseWorkspaceConfig } from '../analysis/config.ts';

const port = parentPort;
if (port === null) throw new Error('analyze.worker.ts runs as a worker thread');

const config: unknown = workerData;
const analyze = createAnalyzer(config === undefined || config === null ? EMPTY_ANALYSIS_CONFIG : parseWorkspaceConfig(config));
const decoder = new TextDecoder();

port.on('message', (message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const seq: unknown = Reflect.get(message, 'seq');
  const bytes: unknown = Reflect.get(message, 'bytes');
  const firstLine: unknown = Reflect.get(message, 'firstLine');
  if (typeof seq !== 'number' || !(bytes instanceof Uint8Array) || typeof firstLine !== 'number') return;
  const result = analyzeJsonl(decoder.decode(bytes), firstLine, analyze);
  port.postMessage({ seq, ...result });
});
port.postMessage({ ready: true });
