/**
 * Import throughput and memory (issue: listening). Generates, in a temp folder:
 * - a canonical JSONL file of BENCH_IMPORT_POSTS posts (default 1,000,000; a third are replies),
 * - an X API v2 search-response file of BENCH_X_TWEETS tweets (default 100,000; 100 per response line,
 *   with includes.users, replies and quotes), shaped like ../shared/fixtures/x,
 * and imports each into a fresh embedded store (PGlite data folder), or into a fresh database on
 * BENCH_DATABASE_URL, as `townhall import` does.
 * Analysis is on, as `townhall import` runs it (BENCH_ANALYSIS=off leaves it out). BENCH_IMPORTS=x imports only
 * the X file (or `jsonl` only the canonical one).
 * The raw insert ceiling: the same number of post rows (same columns and sizes, no pipeline) inserted into the
 * posts table of another fresh store by plain multi-row INSERTs, in the same run; the import's ratio to it is printed.
 * Prints posts/s and peak RSS; run with `npm run bench:import`.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../src/intake/import.service.ts';
import { defaultAnalyzer } from '../src/pipeline/analyzer.ts';
import { withFreshStore } from './fresh-store.ts';
import { textOf, xResponseLine } from './generated-posts.ts';

const POSTS = Number(process.env['BENCH_IMPORT_POSTS'] ?? 1_000_000);
/** A PostgreSQL server to import into instead of the embedded store (a fresh database is created there). */
const DATABASE_URL = process.env['BENCH_DATABASE_URL'];
const TWEETS = Number(process.env['BENCH_X_TWEETS'] ?? 100_000);
const ANALYSIS = (process.env['BENCH_ANALYSIS'] ?? 'on') !== 'off';
const IMPORTS = (process.env['BENCH_IMPORTS'] ?? 'jsonl,x').split(',');

async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    if (!out.write(line(i) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function canonicalLine(i: number): string {
  return JSON.stringify({
    channel: 'forum',
    externalId: `p${i}`,
    text: textOf(i),
    postedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    author: { externalId: `u${i % 20_000}`, handle: `user${i % 20_000}`, followers: i % 5000 },
    metrics: { likes: i % 17 },
    ...(i % 3 === 1 ? { parentExternalId: `p${i - 1}`, kind: 'reply' } : {}),
  });
}

async function run(label: string, channel: string, path: string, expected: number) {
  return withFreshStore({ databaseUrl: DATABASE_URL, name: channel }, async (store, workspaceId) => {
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
    const started = performance.now();
    let lastReport = 0;
    const summary = await importFile(store.db, { analyze: ANALYSIS ? defaultAnalyzer() : null, now: () => new Date() }, { workspaceId, channel, path }, (p) => {
      // On a terminal a progress line; in a log, a line every 100,000 payloads.
      const every = process.stderr.isTTY ? 10_000 : 100_000;
      if (p.units - lastReport >= every) {
        lastReport = p.units;
        const elapsed = Math.round((performance.now() - started) / 1000);
        process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${label}: ${p.units} payloads, ${p.summary.imported} posts, ${elapsed} s${process.stderr.isTTY ? '' : '\n'}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (summary.imported !== expected) throw new Error(`${label}: expected ${expected} posts, imported ${summary.imported} (rejected ${summary.rejected})`);
    return { label, posts: summary.imported, seconds, postsPerSecond: Math.round(summary.imported / seconds), peakRssMiB: Math.round(peakRss / 2 ** 20) };
  });
}

/**
 * The raw insert ceiling: `count` post rows shaped like the X import's (text, author, thread keys, metrics,
 * hashtags, analysis of the same size) stored by plain multi-row INSERTs of 250 rows, 5,000 rows per
 * transaction, into a fresh store's posts table with all its indexes. No parsing, analysis or lookups.
 */
async function ceiling(count: number) {
  return withFreshStore({ databaseUrl: DATABASE_URL, name: 'ceiling' }, async (store, workspaceId) => {
    const analysis = { sentiment: { label: 'neutral', score: 0.1 }, intent: { label: 'question', score: 0.5 }, urgency: 0, spam: false, topics: ['support'], entities: [] };
    const row = (i: number) => ({
      workspace_id: workspaceId,
      channel: 'x',
      external_id: String(1_500_000_000_000_000_000n + BigInt(i)),
      kind: i % 4 === 0 ? ('post' as const) : ('reply' as const),
      direction: 'in' as const,
      visibility: 'public' as const,
      channel_connection_id: null,
      author_identity_id: null,
      parent_id: null,
      thread_id: null,
      quoted_external_id: null,
      conversation_id: null,
      url: null,
      raw_intake_id: null,
      edited_at: null,
      text: textOf(i),
      language: 'en',
      posted_at: new Date(1_700_000_000_000 + i * 1000),
      parent_external_id: i % 4 === 0 ? null : String(1_500_000_000_000_000_000n + BigInt(i - 1)),
      thread_external_id: String(1_500_000_000_000_000_000n + BigInt(i - (i % 4))),
      mentions: ['acme_help'],
      hashtags: ['acme'],
      links: [],
      metrics: JSON.stringify({ likes: i % 11, shares: i % 5, replies: i % 3 }),
      analysis: JSON.stringify(analysis),
    });
    const started = performance.now();
    for (let from = 0; from < count; from += 5000) {
      await store.db.transaction().execute(async (trx) => {
        for (let at = from; at < Math.min(count, from + 5000); at += 250) {
          await trx.insertInto('posts').values(Array.from({ length: Math.min(250, count - at) }, (_, k) => row(at + k))).execute();
        }
      });
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, postsPerSecond: Math.round(count / seconds) };
  });
}

const dir = await mkdtemp(join(tmpdir(), 'townhall-bench-import-'));
try {
  const jsonl = join(dir, 'posts.jsonl');
  const x = join(dir, 'x-search.jsonl');
  process.stderr.write(`generating ${POSTS} canonical posts and ${TWEETS} X tweets…\n`);
  if (IMPORTS.includes('jsonl')) await writeLines(jsonl, POSTS, canonicalLine);
  await writeLines(x, Math.ceil(TWEETS / 100), xResponseLine);
  const rows = [];
  if (IMPORTS.includes('jsonl')) rows.push(await run(`canonical JSONL, ${POSTS} posts`, 'jsonl', jsonl, POSTS));
  if (IMPORTS.includes('x')) rows.push(await run(`X API v2 search responses, ${TWEETS} tweets`, 'x', x, Math.ceil(TWEETS / 100) * 100));
  process.stderr.write('measuring the raw insert ceiling…\n');
  const raw = await ceiling(Math.ceil(TWEETS / 100) * 100);
  const store = DATABASE_URL ? 'PostgreSQL 15 on loopback' : 'embedded store (PGlite) on local disk';
  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 16)} UTC; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${store}; analysis ${ANALYSIS ? 'on' : 'off'}\n`);
  console.log('| import | posts | seconds | posts/s | ratio to raw insert ceiling | peak RSS |\n|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.label} | ${r.posts} | ${r.seconds.toFixed(1)} | ${r.postsPerSecond} | ${(r.postsPerSecond / raw.postsPerSecond).toFixed(3)} | ${r.peakRssMiB} MiB |`);
  console.log(`| raw insert ceiling: ${Math.ceil(TWEETS / 100) * 100} post rows, plain multi-row INSERT | ${Math.ceil(TWEETS / 100) * 100} | ${raw.seconds.toFixed(1)} | ${raw.postsPerSecond} | 1 | |`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
