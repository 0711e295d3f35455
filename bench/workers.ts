/**
 * Pipeline throughput of `townhall worker` processes on PostgreSQL (issue 10): the same X API v2 search
 * response file (BENCH_X_TWEETS tweets, default 50,000: 100 per line with their includes, a quarter
 * replies) is stored in raw_intake of a fresh database, then 1, 2 and 4 worker processes (BENCH_WORKERS)
 * consume its payload ids from JetStream and process them (parse, analyze, resolve identity, thread,
 * persist). Prints posts/s for each count; run with `npm run bench:workers`.
 *
 * Needs a PostgreSQL server (BENCH_DATABASE_URL, default the local one) and starts its own nats-server
 * (NATS_SERVER_BIN, default nats-server on PATH or /usr/sbin/nats-server) for each run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { insertRawMany } from '../src/intake/intake.repository.ts';
import { JetStreamIntakeSignal } from '../src/intake/jetstream-signal.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { openStore } from '../src/platform/db/store.ts';
import { connectNats } from '../src/platform/nats.ts';
import { ensureWorkspace } from '../src/workspaces/bootstrap.ts';
import { xResponseLine } from './generated-posts.ts';

const DATABASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TWEETS = Number(process.env['BENCH_X_TWEETS'] ?? 50_000);
const WORKER_COUNTS = (process.env['BENCH_WORKERS'] ?? '1,2,4').split(',').map(Number);
/** Payloads (X response lines of 100 tweets) per worker batch. */
const BATCH = process.env['BENCH_INTAKE_BATCH'] ?? '10';
const NATS_SERVER = process.env['NATS_SERVER_BIN'] ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');
const BIN = resolve(import.meta.dirname, '../bin/townhall.js');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const quiet = pino({ level: 'silent' });

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((done) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()));
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function run(workerCount: number, lines: string[]): Promise<{ workers: number; posts: number; seconds: number }> {
  const database = `townhall_bench_workers_${process.pid}_${workerCount}`;
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  const natsDir = await mkdtemp(join(tmpdir(), 'townhall-bench-nats-'));
  const port = await freePort();
  const nats = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', natsDir], { stdio: 'ignore' });
  const workers: ChildProcess[] = [];
  await admin(`drop database if exists ${database}`);
  await admin(`create database ${database}`);
  const store = await openStore({ databaseUrl: url.toString() });
  try {
    await listening(port);
    await migrateToLatest(store.db);
    const { workspaceId } = await ensureWorkspace(store.db, { password: 'bench-password' });
    const ids: { id: number; workspaceId: string }[] = [];
    for (let i = 0; i < lines.length; i += 100) {
      const stored = await insertRawMany(
        store.db,
        lines.slice(i, i + 100).map((body) => ({ workspaceId, connectionId: null, channel: 'x', source: 'import' as const, contentType: 'application/json', headers: {}, body, dedupeKey: null })),
      );
      ids.push(...stored.map((s) => ({ id: s.id, workspaceId })));
    }
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      DATABASE_URL: url.toString(),
      NATS_URL: `nats://127.0.0.1:${port}`,
      TOWNHALL_SECRET_KEY: randomBytes(32).toString('base64'),
      TOWNHALL_DEMO: 'off',
      TOWNHALL_INTAKE_BATCH: BATCH,
      LOG_LEVEL: 'warn',
    };
    for (let i = 0; i < workerCount; i++) {
      const child = spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      workers.push(child);
    }
    await Promise.all(
      workers.map(
        (child) =>
          new Promise<void>((done, fail) => {
            let out = '';
            child.stdout?.on('data', (chunk: Buffer) => {
              out += chunk.toString();
              if (out.includes('is running')) done();
            });
            child.once('exit', (code) => fail(new Error(`a worker exited with ${code} before it ran`)));
          }),
      ),
    );
    const link = await connectNats(env.NATS_URL, 'bench', quiet);
    const started = performance.now();
    await new JetStreamIntakeSignal(link, quiet).stored(ids);
    for (;;) {
      const left = await store.db.selectFrom('raw_intake').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      await sleep(200);
    }
    const seconds = (performance.now() - started) / 1000;
    await link.close();
    const posts = await store.db.selectFrom('posts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const dead = await store.db.selectFrom('raw_intake').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'dead').executeTakeFirstOrThrow();
    if (Number(dead.n) > 0) throw new Error(`${dead.n} payloads went to dead-letter`);
    return { workers: workerCount, posts: Number(posts.n), seconds };
  } finally {
    for (const child of workers) child.kill('SIGTERM');
    await Promise.all(workers.map(exited));
    await store.close();
    nats.kill('SIGTERM');
    await exited(nats);
    await rm(natsDir, { recursive: true, force: true });
    await admin(`drop database if exists ${database} with (force)`);
  }
}

const lines = Array.from({ length: Math.ceil(TWEETS / 100) }, (_, page) => xResponseLine(page));
const rows = [];
for (const count of WORKER_COUNTS) {
  process.stderr.write(`${count} worker(s): ${lines.length * 100} tweets…\n`);
  rows.push(await run(count, lines));
}
const single = rows[0] ? rows[0].posts / rows[0].seconds : 1;
console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; PostgreSQL on loopback, NATS JetStream on loopback; analysis on; batch ${BATCH} payloads\n`);
console.log('| worker processes | posts | seconds | posts/s | vs 1 worker |\n|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.workers} | ${r.posts} | ${r.seconds.toFixed(1)} | ${Math.round(r.posts / r.seconds)} | ${(r.posts / r.seconds / single).toFixed(2)}× |`);
