/**
 * `townhall analyze`: JSONL posts on stdin, one JSONL analysis per line on stdout, in input order (PRODUCT.md).
 * Streams in bounded memory: stdin is cut into blocks of whole lines; small inputs are analysed on the main
 * thread, large ones by a pool of worker threads (one per core), at most a few blocks in flight, and stdin
 * is only read on when stdout has drained. Nothing but results goes to stdout.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import process from 'node:process';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, type Command } from 'commander';
import { AnalysisConfigError, parseWorkspaceConfig } from '../analysis/config.ts';
import type { JsonlBlockResult } from '../analysis/jsonl.ts';
import { EMPTY_ANALYSIS_CONFIG, type WorkspaceAnalysisConfig } from '../analysis/types.ts';
import { AppError } from '../platform/errors.ts';

/** Input is cut into blocks of whole lines of about this size (a few hundred short posts). */
const BLOCK_BYTES = 64 * 1024;
/** Input up to this size is analysed on the main thread only: starting workers costs more than it saves. */
const POOL_THRESHOLD_BYTES = 128 * 1024;
/** While the workers load their models the main thread analyses at most this many blocks itself. */
const BOOT_INLINE_BLOCKS = 8;
/** Blocks in flight per worker: one being analysed, one waiting, so a worker never idles. */
const IN_FLIGHT_PER_WORKER = 2;
const NEWLINE = 0x0a;

interface AnalyzeOptions {
  workspaceConfig?: string;
  threads?: number;
  verbose?: boolean;
}

interface RunSummary {
  lines: number;
  errors: number;
  workers: number;
  /** Blocks of lines analysed on the main thread and by the workers. */
  blocksInline: number;
  blocksPooled: number;
}

interface Block {
  seq: number;
  bytes: Uint8Array;
  firstLine: number;
}

function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return n;
}

async function loadConfig(file: string | undefined): Promise<WorkspaceAnalysisConfig> {
  if (file === undefined) return EMPTY_ANALYSIS_CONFIG;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AppError('bad_request', 400, 'Cannot read the workspace configuration', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return parseWorkspaceConfig(JSON.parse(text));
  } catch (e) {
    const reason = e instanceof AnalysisConfigError ? e.message : `invalid JSON (${e instanceof Error ? e.message : String(e)})`;
    throw new AppError('bad_request', 400, 'Invalid workspace configuration', `${file}: ${reason}`);
  }
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/**
 * The worker thread's entry: compiled, the worker module beside this one; run from sources, a small bootstrap
 * registers tsx in the worker first (Node 20 does not apply `--import tsx` from a worker's execArgv to its entry).
 */
function startWorker(config: WorkspaceAnalysisConfig): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./analyze.worker.js', import.meta.url), { workerData: config });
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./analyze.worker.ts', import.meta.url).href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: config });
}

/** Worker threads that analyse blocks; each block's promise settles with its result. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Block[] = [];
  private readonly waiting = new Map<number, { resolve: (r: JsonlBlockResult) => void; reject: (e: Error) => void }>();
  private readonly busy = new Map<Worker, number>();
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;

  private ready = 0;

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** True once a worker has loaded the models and can take blocks. */
  get started(): boolean {
    return this.ready > 0;
  }

  constructor(size: number, config: WorkspaceAnalysisConfig) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(config);
      worker.on('message', (message: unknown) => this.onMessage(worker, message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.busy.has(worker) || code !== 0) this.fail(new Error(`an analyze worker stopped (exit code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  run(bytes: Uint8Array, seq: number, firstLine: number): Promise<JsonlBlockResult> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting.set(seq, { resolve, reject });
      this.queue.push({ seq, bytes, firstLine });
      this.dispatch();
    });
  }

  private onMessage(worker: Worker, message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    if (Reflect.get(message, 'ready') === true) {
      this.ready++;
      this.idle.push(worker);
      this.dispatch();
      return;
    }
    const seq: unknown = Reflect.get(message, 'seq');
    const output: unknown = Reflect.get(message, 'output');
    const lines: unknown = Reflect.get(message, 'lines');
    const errors: unknown = Reflect.get(message, 'errors');
    if (typeof seq !== 'number' || typeof output !== 'string' || typeof lines !== 'number' || typeof errors !== 'number') return;
    this.busy.delete(worker);
    this.idle.push(worker);
    this.waiting.get(seq)?.resolve({ output, lines, errors });
    this.waiting.delete(seq);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop();
      const block = this.queue.shift();
      if (worker === undefined || block === undefined) return;
      this.busy.set(worker, block.seq);
      // Copied, not transferred: the main thread keeps the block in case the worker fails.
      worker.postMessage({ seq: block.seq, bytes: block.bytes, firstLine: block.firstLine });
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.waiting.values()) reject(this.failure);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.busy.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Writes to stdout, waiting for 'drain' when its buffer is full (backpressure up to stdin). */
async function write(text: string): Promise<void> {
  if (text.length === 0) return;
  if (!process.stdout.write(text)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

/** Streams stdin to stdout; returns counts for the summary. */
async function runAnalyze(config: WorkspaceAnalysisConfig, threads: number, onProgress: (lines: number) => void): Promise<RunSummary> {
  // Loaded here, not at the top: the models would otherwise load for every townhall command.
  const [{ createAnalyzer }, { analyzeJsonl }] = await Promise.all([import('../analysis/index.ts'), import('../analysis/jsonl.ts')]);
  const analyze = createAnalyzer(config);
  let pool: WorkerPool | undefined;
  const inFlight: Array<{ promise: Promise<JsonlBlockResult>; result?: JsonlBlockResult }> = [];
  const maxInFlight = Math.max(1, threads * IN_FLIGHT_PER_WORKER);
  let lines = 0;
  let errors = 0;
  let seq = 0;
  let nextLine = 1;
  let bytesSeen = 0;
  let warned = false;
  let bootInline = 0;
  let blocksInline = 0;
  let blocksPooled = 0;

  const emit = async (r: JsonlBlockResult): Promise<void> => {
    lines += r.lines;
    errors += r.errors;
    await write(r.output);
    onProgress(lines);
  };
  /** Writes every finished block at the head of the queue; with `wait`, waits for the head first. */
  const flush = async (wait: boolean): Promise<void> => {
    while (inFlight.length > 0) {
      const head = inFlight[0];
      if (head === undefined) break;
      if (head.result === undefined) {
        if (!wait) break;
        head.result = await head.promise;
      }
      inFlight.shift();
      await emit(head.result);
    }
  };

  const submit = async (bytes: Uint8Array): Promise<void> => {
    const firstLine = nextLine;
    nextLine += countNewlines(bytes);
    bytesSeen += bytes.length;
    if (pool === undefined && (threads <= 1 || bytesSeen <= POOL_THRESHOLD_BYTES)) {
      await flush(true);
      blocksInline++;
      await emit(analyzeJsonl(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), firstLine, analyze));
      return;
    }
    pool ??= new WorkerPool(threads, config);
    const inline = (): JsonlBlockResult => analyzeJsonl(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), firstLine, analyze);
    // A pool that cannot start or loses a worker must not lose lines: its blocks are analysed here instead.
    // Until the first worker has loaded its models, the main thread keeps analysing (a few blocks) rather than wait.
    const here = pool.failed || (!pool.started && bootInline++ < BOOT_INLINE_BLOCKS);
    if (here) blocksInline++;
    else blocksPooled++;
    const promise = here ? Promise.resolve(inline()) : pool.run(bytes, seq++, firstLine).catch((error: unknown) => {
      if (!warned) process.stderr.write(`townhall: worker threads failed (${error instanceof Error ? error.message : String(error)}); continuing on the main thread\n`);
      warned = true;
      return inline();
    });
    const entry: { promise: Promise<JsonlBlockResult>; result?: JsonlBlockResult } = { promise };
    entry.promise.then(
      (r) => (entry.result = r),
      () => undefined,
    );
    inFlight.push(entry);
    await flush(false);
    while (inFlight.length >= maxInFlight) {
      const head = inFlight.shift();
      if (head === undefined) break;
      await emit(head.result ?? (await head.promise));
    }
  };

  try {
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let first = true;
    for await (const chunk of process.stdin) {
      let data: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (first) {
        first = false;
        // A UTF-8 byte order mark is not part of the first line.
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
      }
      carry.push(data);
      carryBytes += data.length;
      if (carryBytes < BLOCK_BYTES) continue;
      const all = Buffer.concat(carry, carryBytes);
      const cut = all.lastIndexOf(NEWLINE);
      if (cut === -1) {
        // One very long line: keep reading until it ends.
        carry = [all];
        continue;
      }
      await submit(new Uint8Array(all.subarray(0, cut + 1)));
      const rest = all.subarray(cut + 1);
      carry = rest.length > 0 ? [Buffer.from(rest)] : [];
      carryBytes = rest.length;
    }
    if (carryBytes > 0) await submit(new Uint8Array(Buffer.concat(carry, carryBytes)));
    await flush(true);
  } finally {
    await pool?.close();
  }
  return { lines, errors, workers: pool === undefined ? 0 : threads, blocksInline, blocksPooled };
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse JSONL posts from stdin ({"text", "id"?, "lang"?} per line); writes one JSONL line per input with lang, sentiment, intent, topics, entities')
    .option('--workspace-config <file.json>', 'brands, products, competitors and topics: {"brands": [{"name", "aliases"?}], ..., "topics": [{"name", "keywords"}]}')
    .option('--threads <n>', `worker threads for large inputs (default: ${availableParallelism()}, the cores available)`, parseThreads)
    .option('--verbose', 'print a summary on stderr when done')
    .action(async (options: AnalyzeOptions) => {
      const config = await loadConfig(options.workspaceConfig);
      const threads = options.threads ?? availableParallelism();
      // stdout is for results only: a consumer that stops reading (`| head`) ends the run quietly.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      const tty = process.stderr.isTTY === true;
      let lastProgress = 0;
      const started = performance.now();
      const onProgress = (lines: number): void => {
        if (!tty || performance.now() - lastProgress < 250) return;
        lastProgress = performance.now();
        process.stderr.write(`\ranalysed ${lines} lines`);
      };
      const summary = await runAnalyze(config, threads, onProgress);
      if (tty && lastProgress > 0) process.stderr.write('\n');
      if (options.verbose) {
        const seconds = (performance.now() - started) / 1000;
        const pooled = summary.workers === 0 ? '' : `, ${summary.blocksPooled} by ${summary.workers} worker threads`;
        const peakRss = Math.round(process.resourceUsage().maxRSS / 1024);
        process.stderr.write(`analysed ${summary.lines} lines (${summary.errors} errors) in ${seconds.toFixed(2)} s: blocks ${summary.blocksInline} on the main thread${pooled}; peak RSS ${peakRss} MiB\n`);
      }
    });
}
