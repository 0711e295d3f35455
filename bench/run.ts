/**
 * npm run bench: the analyzer benchmark (bench/analyzers.ts, in its own process so its memory figures are its
 * own), the X import with its ratio to the raw insert ceiling (bench/import.ts, X file only here), the webhook
 * intake under load (bench/webhook-intake.ts), each in its own process, then the foundation's HTTP + store path
 * on this machine. `npm run bench -- analyzers`, `-- import`, `-- webhooks` or `-- http` runs some parts.
 * - sign-in latency (scrypt is deliberately slow)
 * - create throughput (POST /api/v1/teams) sequential and with 16 concurrent clients
 * - list page latency (GET /api/v1/users?limit=50)
 * on the embedded store (PGlite in a temp data folder) and, when BENCH_DATABASE_URL is set, on PostgreSQL.
 * Prints a Markdown table to paste into docs/BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../src/auth/actor.ts';
import { createApiToken } from '../src/auth/auth.service.ts';
import { loadConfig } from '../src/platform/config.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { openStore, type Store } from '../src/platform/db/store.ts';
import { buildServer } from '../src/platform/http/server.ts';
import { createAppContext } from '../src/platform/context.ts';
import { SecretBox } from '../src/platform/secrets.ts';
import { createUser } from '../src/users/users.service.ts';
import { ensureWorkspace } from '../src/workspaces/bootstrap.ts';

const PARTS = ['analyzers', 'import', 'webhooks', 'http'];
const parts = process.argv.slice(2).filter((a) => PARTS.includes(a));
const wants = (part: string) => parts.length === 0 || parts.includes(part);
const runHttp = wants('http');

/** Runs a benchmark script in its own process (its memory figures are its own). */
function runScript(file: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const runner = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const result = spawnSync(process.execPath, [runner, script, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (wants('analyzers')) runScript('./analyzers.ts', process.argv.slice(2).filter((a) => !PARTS.includes(a)));
if (wants('import')) runScript('./import.ts', [], { BENCH_IMPORTS: process.env['BENCH_IMPORTS'] ?? 'x', BENCH_X_TWEETS: process.env['BENCH_X_TWEETS'] ?? '50000' });
if (wants('webhooks')) runScript('./webhook-intake.ts', []);
if (!runHttp) process.exit(0);

const CREATES = Number(process.env['BENCH_CREATES'] ?? 2000);
const CONCURRENCY = 16;

interface Row {
  store: string;
  metric: string;
  value: string;
}

async function timeIt(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function benchStore(label: string, store: Store): Promise<Row[]> {
  await migrateToLatest(store.db);
  const config = loadConfig({ LOG_LEVEL: 'silent', TOWNHALL_DATA: tmpdir(), TOWNHALL_LOGIN_RATE_LIMIT: '10000' });
  const app = await buildServer(createAppContext({ config, store, secrets: SecretBox.fromBase64(randomBytes(32).toString('base64')), now: () => new Date() }), { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;
  const { workspaceId } = await ensureWorkspace(store.db, { email: `bench-${randomBytes(3).toString('hex')}@bench.test`, password: 'bench password' });
  const { user } = await createUser(store.db, systemActor(workspaceId), { email: `agent-${randomBytes(3).toString('hex')}@bench.test`, name: 'Bench', role: 'admin', password: 'bench password' });
  const { token } = await createApiToken(store.db, systemActor(workspaceId), { name: 'bench', userId: user.id }, new Date());
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const rows: Row[] = [];
  const post = async (name: string) => {
    const res = await fetch(`${base}/api/v1/teams`, { method: 'POST', headers, body: JSON.stringify({ name }) });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  };

  const loginTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'bench password' }) });
    if (res.status !== 200) throw new Error(`login failed ${res.status}`);
    loginTimes.push(performance.now() - t);
  }
  rows.push({ store: label, metric: 'sign-in latency p50 (scrypt N=2^15)', value: `${percentile(loginTimes, 50).toFixed(0)} ms` });

  const sequential = await timeIt(CREATES / 4, 1, (i) => post(`seq ${i}`));
  rows.push({ store: label, metric: `create, 1 client (${CREATES / 4} requests)`, value: `${Math.round(CREATES / 4 / sequential)} req/s` });
  const parallel = await timeIt(CREATES, CONCURRENCY, (i) => post(`par ${i}`));
  rows.push({ store: label, metric: `create, ${CONCURRENCY} clients (${CREATES} requests)`, value: `${Math.round(CREATES / parallel)} req/s` });

  const listTimes: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const res: Response = await fetch(`${base}/api/v1/teams?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { headers });
    const page = (await res.json()) as { nextCursor: string | null };
    listTimes.push(performance.now() - t);
    cursor = page.nextCursor;
  }
  rows.push({ store: label, metric: 'list page of 50 (keyset), p50 / p95', value: `${percentile(listTimes, 50).toFixed(1)} / ${percentile(listTimes, 95).toFixed(1)} ms` });
  rows.push({ store: label, metric: 'process RSS after run', value: `${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB` });
  await app.close();
  return rows;
}

const results: Row[] = [];
const dir = await mkdtemp(join(tmpdir(), 'townhall-bench-'));
try {
  process.stderr.write('benchmarking the embedded store (PGlite)…\n');
  const pglite = await openStore({ dataDir: dir });
  results.push(...(await benchStore('PGlite (data folder)', pglite)));
  await pglite.close();
  const url = process.env['BENCH_DATABASE_URL'];
  if (url) {
    process.stderr.write('benchmarking PostgreSQL…\n');
    const pgStore = await openStore({ databaseUrl: url });
    results.push(...(await benchStore('PostgreSQL 15 (loopback)', pgStore)));
    await pgStore.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| store | metric | value |\n|---|---|---|');
for (const row of results) console.log(`| ${row.store} | ${row.metric} | ${row.value} |`);
