/**
 * Analyzer benchmark (part of `npm run bench`): the whole default understanding stack (`createAnalyzer`:
 * language + sentiment + intent + urgency + entities + topics + spam) on real short posts from ../shared/data,
 * in posts/s per core (one thread, CPU time and wall time), per analyzer, with peak memory, beside
 * vader-sentiment in the same run; then `townhall analyze` end to end with its worker pool.
 * Run alone: `npm run bench -- analyzers` (or `node bin/run-ts.js bench/analyzers.ts [--posts N] [--rounds N]`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadSemEval, loadTweetEvalVal, loadUmsab, SEMEVAL_VALIDATION_FILE, UMSAB_LANGUAGES } from '../src/analysis/eval/sentiment.data.ts';
import type { WorkspaceAnalysisConfig } from '../src/analysis/types.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared data folder beside the repository (`TOWNHALL_SHARED_DATA` overrides it). */
export function sharedDataDir(): string {
  const dir = resolve(process.env['TOWNHALL_SHARED_DATA'] ?? resolve(REPO, '../shared/data'));
  if (!existsSync(join(dir, 'sentiment', 'tweeteval', 'val_text.txt'))) {
    throw new Error(`shared data not found in ${dir}: put the labelled data there (see its README) or set TOWNHALL_SHARED_DATA`);
  }
  return dir;
}

/** A realistic workspace: a few brands, products and competitors that tweets talk about, and a small taxonomy. */
export const BENCH_CONFIG: WorkspaceAnalysisConfig = {
  brands: [{ name: 'Apple', aliases: ['Apple Inc'] }, { name: 'Samsung' }, { name: 'Telekom', aliases: ['Deutsche Telekom', 'T-Mobile'] }],
  products: [{ name: 'iPhone' }, { name: 'iPad' }, { name: 'MacBook' }, { name: 'Galaxy S' }, { name: 'PlayStation', aliases: ['PS4'] }, { name: 'MagentaTV' }],
  competitors: [{ name: 'Google' }, { name: 'Microsoft' }, { name: 'Amazon' }, { name: 'Netflix' }, { name: 'Vodafone' }, { name: 'Nintendo' }],
  topics: [
    { name: 'delivery', keywords: ['delivery', 'shipping', 'package', 'Lieferung', 'Versand', 'Paket', 'livraison', 'envío'] },
    { name: 'outage', keywords: ['outage', 'down', 'no signal', 'Störung', 'Ausfall', 'panne'] },
    { name: 'billing', keywords: ['invoice', 'bill', 'refund', 'charged', 'Rechnung', 'facture', 'factura'] },
    { name: 'price', keywords: ['price', 'expensive', 'cheap', 'Preis', 'teuer', 'prix', 'precio', 'prezzo'] },
    { name: 'support', keywords: ['customer service', 'support', 'hotline', 'Kundenservice', 'service client'] },
    { name: 'music', keywords: ['album', 'concert', 'song', 'tour', 'Konzert', 'concierto'] },
    { name: 'sports', keywords: ['game', 'match', 'football', 'soccer', 'Spiel', 'partido', 'partita'] },
    { name: 'politics', keywords: ['election', 'vote', 'president', 'Wahl', 'élection', 'elecciones'] },
  ],
};

interface Post {
  text: string;
  lang: string;
}

/** 20,000 short posts: TweetEval val, UMSAB val in six languages, then SemEval 2016 test (all held-out sets). */
export function loadBenchPosts(dataDir: string, count = 20_000): Post[] {
  const posts: Post[] = loadTweetEvalVal(dataDir).map((p) => ({ text: p.text, lang: 'en' }));
  for (const [lang, name] of UMSAB_LANGUAGES) for (const p of loadUmsab(dataDir, name, lang, 'val')) posts.push({ text: p.text, lang });
  for (const p of loadSemEval(dataDir, SEMEVAL_VALIDATION_FILE)) {
    if (posts.length >= count) break;
    posts.push({ text: p.text, lang: 'en' });
  }
  return posts.slice(0, count);
}

interface Timing {
  name: string;
  /** CPU µs per post, best round. */
  cpuMicros: number;
  /** Wall µs per post, best round. */
  wallMicros: number;
}

let heapPeak = 0;
function sampleHeap(): void {
  const used = getHeapStatistics().used_heap_size;
  if (used > heapPeak) heapPeak = used;
}

/** Best of `rounds` passes over the posts, after one warm-up pass; CPU time counts less of other processes' load. */
function measure(name: string, posts: readonly Post[], rounds: number, run: (p: Post) => unknown): Timing {
  let sink = 0;
  for (const p of posts) if (run(p) !== undefined) sink++;
  let cpu = Infinity;
  let wall = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < posts.length; i++) {
      const p = posts[i];
      if (p !== undefined && run(p) !== undefined) sink++;
      if ((i & 1023) === 0) sampleHeap();
    }
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(c0);
    cpu = Math.min(cpu, (used.user + used.system) / posts.length);
    wall = Math.min(wall, (wallMs * 1000) / posts.length);
  }
  if (sink < 0) console.log(name);
  return { name, cpuMicros: cpu, wallMicros: wall };
}

/** Heap still in use after a full collection: what the analyzers keep (models, caches), without garbage. */
function liveHeapAfterGc(): number | undefined {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof gc !== 'function') return undefined;
  gc();
  return getHeapStatistics().used_heap_size;
}

function vaderScorer(): ((text: string) => unknown) | undefined {
  const require = createRequire(import.meta.url);
  const vader: unknown = require('vader-sentiment');
  if (typeof vader !== 'object' || vader === null) return undefined;
  const analyzer: unknown = Reflect.get(vader, 'SentimentIntensityAnalyzer');
  const polarity: unknown = typeof analyzer === 'function' || (typeof analyzer === 'object' && analyzer !== null) ? Reflect.get(analyzer, 'polarity_scores') : undefined;
  if (typeof polarity !== 'function') return undefined;
  return (text) => Reflect.apply(polarity, analyzer, [text]);
}

/** Runs `townhall analyze` over the posts as JSONL and returns wall seconds (the process's own start included). */
function runCli(posts: readonly Post[], threads: number): Promise<{ seconds: number; lines: number; summary: string }> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(REPO, 'bin/townhall.js'), 'analyze', '--threads', String(threads), '--verbose'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`townhall analyze exited with ${code}: ${stderr}`));
      else resolvePromise({ seconds: (performance.now() - started) / 1000, lines, summary: stderr.trim() });
    });
    child.stdin.end(posts.map((p, i) => JSON.stringify({ id: String(i), text: p.text })).join('\n') + '\n');
  });
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** Runs the whole analyzer benchmark and prints Markdown tables. */
export async function benchAnalyzers(): Promise<void> {
  const dataDir = sharedDataDir();
  const posts = loadBenchPosts(dataDir, option('--posts', 20_000));
  const rounds = option('--rounds', 3);
  const meanChars = Math.round(posts.reduce((n, p) => n + p.text.length, 0) / posts.length);
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = getHeapStatistics().used_heap_size;

  // The analyzers load their models when imported: imported here so the memory they take can be measured.
  const [{ createAnalyzer }, { compileEntityMatcher }, { classifyIntent }, { detectLanguage }, { analyzeSentiment }, { scoreSpam }, { compileTopicMatcher }, { detectUrgency }] = await Promise.all([
    import('../src/analysis/index.ts'),
    import('../src/analysis/entities/entities.ts'),
    import('../src/analysis/intent/classify.ts'),
    import('../src/analysis/language/detect.ts'),
    import('../src/analysis/sentiment/analyze.ts'),
    import('../src/analysis/spam/spam.ts'),
    import('../src/analysis/topics/topics.ts'),
    import('../src/analysis/urgency/urgency.ts'),
  ]);
  const analyze = createAnalyzer(BENCH_CONFIG);
  const rssLoaded = process.memoryUsage().rss;
  const heapLoaded = getHeapStatistics().used_heap_size;
  const entities = compileEntityMatcher(BENCH_CONFIG);
  const topics = compileTopicMatcher(BENCH_CONFIG.topics);
  const detected = posts.map((p) => detectLanguage({ text: p.text }).lang);
  const langOf = new Map(posts.map((p, i) => [p, detected[i] === 'und' ? 'en' : (detected[i] ?? 'en')]));
  const lang = (p: Post): string => langOf.get(p) ?? 'en';

  process.stderr.write(`analyzers: ${posts.length} posts, mean ${meanChars} chars, best of ${rounds} rounds…\n`);
  heapPeak = 0;
  const whole = measure('**whole stack (`createAnalyzer`)**', posts, rounds, (p) => analyze({ text: p.text }));
  const wholeHeapPeak = heapPeak;
  const wholeRssPeak = process.resourceUsage().maxRSS * 1024;
  const liveHeap = liveHeapAfterGc();
  const parts: Timing[] = [
    measure('language (`detectLanguage`)', posts, rounds, (p) => detectLanguage({ text: p.text })),
    measure('sentiment (`analyzeSentiment`)', posts, rounds, (p) => analyzeSentiment(p.text, lang(p))),
    measure('intent (`classifyIntent`)', posts, rounds, (p) => classifyIntent(p.text, lang(p))),
    measure('urgency (`detectUrgency`)', posts, rounds, (p) => detectUrgency(p.text, lang(p))),
    measure('entities (`extractEntities`)', posts, rounds, (p) => entities.extractEntities(p.text)),
    measure('topics (`matchTopics`)', posts, rounds, (p) => topics.matchTopics(p.text, lang(p))),
    measure('spam (`scoreSpam`)', posts, rounds, (p) => scoreSpam(p.text)),
  ];
  const vader = vaderScorer();
  const peers = vader ? [measure('vader-sentiment (sentiment only, English lexicon)', posts, rounds, (p) => vader(p.text))] : [];

  const rate = (t: Timing): string => Math.round(1e6 / t.cpuMicros).toLocaleString('en-US');
  const wallRate = (t: Timing): string => Math.round(1e6 / t.wallMicros).toLocaleString('en-US');
  const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString().slice(0, 10)}`);
  console.log(`Posts: ${posts.length} held-out tweets (TweetEval val, UMSAB val en/de/fr/es/it/pt, SemEval 2016 test), mean ${meanChars} characters; one thread, best of ${rounds} rounds after a warm-up pass.\n`);
  console.log('| analyzer | CPU µs/post | posts/s per core (CPU) | wall µs/post | posts/s (wall) |\n|---|---:|---:|---:|---:|');
  for (const t of [whole, ...parts, ...peers]) {
    console.log(`| ${t.name} | ${t.cpuMicros.toFixed(1)} | ${rate(t)} | ${t.wallMicros.toFixed(1)} | ${wallRate(t)} |`);
  }
  const sum = parts.reduce((n, t) => n + t.cpuMicros, 0);
  console.log(`\nSum of the parts: ${sum.toFixed(1)} µs/post (the whole stack shares one language detection and the entities with spam).`);
  console.log('\n| memory (whole stack) | value |\n|---|---:|');
  console.log(`| RSS with the posts loaded, before the analyzers | ${mib(rssBefore)} |`);
  console.log(`| RSS after importing the analyzers and \`createAnalyzer\` (models and dictionaries loaded) | ${mib(rssLoaded)} |`);
  console.log(`| peak RSS during the whole-stack run | ${mib(wholeRssPeak)} |`);
  console.log(`| V8 heap used before the analyzers / with them loaded / peak during the run (uncollected garbage included) | ${mib(heapBefore)} / ${mib(heapLoaded)} / ${mib(wholeHeapPeak)} |`);
  console.log(`| V8 heap live after the run (after a full GC) | ${liveHeap === undefined ? 'n/a' : mib(liveHeap)} |`);

  const threads = availableParallelism();
  process.stderr.write(`analyzers: townhall analyze end to end (1 and ${threads} threads)…\n`);
  const cliRows: string[] = [];
  for (const n of threads > 1 ? [1, threads] : [1]) {
    const run = await runCli(posts, n);
    if (run.lines !== posts.length) throw new Error(`townhall analyze wrote ${run.lines} lines for ${posts.length} posts`);
    const rss = /peak RSS (\d+) MiB/.exec(run.summary)?.[1] ?? '?';
    const inside = /in ([\d.]+) s/.exec(run.summary)?.[1] ?? '?';
    cliRows.push(`| \`townhall analyze --threads ${n}\` | ${posts.length} | ${run.seconds.toFixed(2)} s (${inside} s after start-up) | ${Math.round(posts.length / run.seconds).toLocaleString('en-US')} | ${rss} MiB |`);
  }
  console.log('\n| end to end (JSONL in and out, process start and model loading included) | posts | wall time | posts/s | peak RSS (all threads) |\n|---|---:|---:|---:|---:|');
  for (const row of cliRows) console.log(row);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await benchAnalyzers();
