import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { hmacSha256Hex } from '../../src/channels/signatures.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import type { Database } from '../../src/platform/db/schema.ts';
import { openStore } from '../../src/platform/db/store.ts';
import { ensureWorkspace } from '../../src/workspaces/bootstrap.ts';
import { dropFreshDatabases, freshDatabaseUrl } from '../support/durability-databases.ts';
import { adminToken, call, freshDataDir, killSpawnedServers, removeDataDirs, spawnServer, type SpawnedServer } from '../support/spawned-server.ts';

/**
 * Nothing lost, nothing twice, for intake, against real processes: a SIGKILL in the middle of a large
 * `townhall import` and in the middle of a burst of signed webhook deliveries, then a restart, must
 * leave every line (every acknowledged delivery) stored as exactly one post, with threads linked.
 */
const SLOW = 420_000;
const MODES = inject('postgresTemplate') ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
type Mode = (typeof MODES)[number];
const BIN = resolve(import.meta.dirname, '../../bin/townhall.js');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const children = new Set<ChildProcess>();
async function killChildren(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
  children.clear();
}
afterEach(async () => {
  await killChildren();
  await killSpawnedServers();
});
afterAll(async () => {
  await killChildren();
  await killSpawnedServers();
  await removeDataDirs();
  await dropFreshDatabases();
});

/** Where a test's store lives: a data folder (PGlite) or a database on the test PostgreSQL server. */
interface Target {
  mode: Mode;
  dataDir: string;
  databaseUrl: string | undefined;
  env: Record<string, string>;
}

async function freshTarget(mode: Mode): Promise<Target> {
  const dataDir = await freshDataDir();
  const databaseUrl = mode === 'postgres' ? await freshDatabaseUrl() : undefined;
  return { mode, dataDir, databaseUrl, env: { TOWNHALL_DATA: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } };
}

/** Opens the target's store in this process (only while no child holds a PGlite folder). */
async function withStore<T>(target: Target, action: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: target.databaseUrl, dataDir: target.databaseUrl ? undefined : target.dataDir, poolSize: 2 });
  try {
    return await action(store.db);
  } finally {
    await store.close();
  }
}

interface Run {
  child: ChildProcess;
  stdout(): string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node bin/townhall.js <args>` with only the given environment (plus PATH and HOME). */
function spawnCli(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', TOWNHALL_DEMO: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let all = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    all += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => (all += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  void exited.then(() => children.delete(child));
  return { child, stdout: () => stdout, output: () => all, exited };
}

/** Bytes of all files under a folder: the embedded store's relation files grow as rows are written. */
async function folderBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const child = join(path, entry.name);
    total += entry.isDirectory() ? await folderBytes(child) : await stat(child).then((s) => s.size, () => 0);
  }
  return total;
}

async function countPosts(db: Kysely<Database>, channel: string): Promise<{ rows: number; distinct: number }> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('external_id').distinct().as('distinct')])
    .where('channel', '=', channel)
    .executeTakeFirstOrThrow();
  return { rows: Number(row.rows), distinct: Number(row.distinct) };
}

describe.each(MODES)('SIGKILL in the middle of a large import (%s)', (mode) => {
  const LINES = 20_000;
  const CHANNEL = 'crashimport';

  /**
   * Canonical JSON lines with threads: every fourth line answers the line two before it, and some
   * lines answer a line further down the file (an orphan until its parent arrives, maybe after the crash).
   */
  function canonicalLines(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) {
      const parent = i % 4 === 3 ? `c-${i - 2}` : i % 20 === 5 && i + 7 < LINES ? `c-${i + 7}` : null;
      lines.push(
        JSON.stringify({
          channel: CHANNEL,
          externalId: `c-${i}`,
          kind: parent ? 'reply' : 'post',
          text: `Line ${i}: the Lumio One ${i % 3 === 0 ? 'battery drains overnight' : i % 3 === 1 ? 'is great value' : 'arrived today'}`,
          postedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          author: { externalId: `author-${i % 700}`, handle: `author_${i % 700}`, displayName: `Author ${i % 700}` },
          parentExternalId: parent,
        }),
      );
    }
    return lines;
  }

  it(
    'stores every line exactly once after a kill and a re-run, with a consistent summary and linked threads',
    async () => {
      const target = await freshTarget(mode);
      await withStore(target, async (db) => {
        await migrateToLatest(db);
        await ensureWorkspace(db, { email: 'admin@import-crash.test', password: 'import crash password' });
      });
      const file = join(target.dataDir, 'big.jsonl');
      await writeFile(file, canonicalLines().join('\n') + '\n');

      // First run: killed once a good part of the file is in, observed without touching the child.
      const baseline = await folderBytes(join(target.dataDir, 'pg', 'base'));
      const first = spawnCli(['import', '--channel', 'jsonl', file], target.env);
      let exitedEarly = false;
      void first.exited.then(() => (exitedEarly = true));
      const observer = mode === 'postgres' ? await openStore({ databaseUrl: target.databaseUrl, poolSize: 1 }) : undefined;
      try {
        const deadline = Date.now() + 300_000;
        for (;;) {
          if (exitedEarly) throw new Error(`the import ended before the kill:\n${first.output()}`);
          if (Date.now() > deadline) throw new Error(`the import made no visible progress:\n${first.output()}`);
          // PGlite allows one process per folder, so progress is read from the size of its relation
          // files; PostgreSQL is simply asked.
          const progressed = observer ? (await countPosts(observer.db, CHANNEL)).rows >= LINES * 0.3 : (await folderBytes(join(target.dataDir, 'pg', 'base'))) >= baseline + 10 * 1024 * 1024;
          if (progressed) break;
          await sleep(observer ? 100 : 250);
        }
      } finally {
        await observer?.close();
      }
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      const afterKill = await withStore(target, (db) => countPosts(db, CHANNEL));
      console.log(`${mode}: ${afterKill.rows} of ${LINES} posts stored when the import was killed`);
      expect(afterKill.rows).toBeGreaterThan(0);
      expect(afterKill.rows).toBeLessThan(LINES);
      expect(afterKill.distinct).toBe(afterKill.rows);

      // Second run: the same file to the end.
      const second = spawnCli(['import', '--channel', 'jsonl', file], target.env);
      const exit = await second.exited;
      expect(exit, second.output()).toEqual({ code: 0, signal: null });
      const summary = /imported (\d+), duplicates (\d+), rejected (\d+)\s*$/.exec(second.stdout());
      expect(summary, second.output()).not.toBeNull();
      const [imported, duplicates, rejected] = (summary ?? []).slice(1).map(Number);
      expect(rejected).toBe(0);
      expect((imported ?? 0) + (duplicates ?? 0)).toBe(LINES);
      // What the first run committed counts as duplicates; everything else, including payloads it
      // stored but never processed, is imported now.
      expect(imported).toBe(LINES - afterKill.rows);

      await withStore(target, async (db) => {
        expect(await countPosts(db, CHANNEL)).toEqual({ rows: LINES, distinct: LINES });
        const pending = await db.selectFrom('raw_intake').select('id').where('status', '!=', 'processed').execute();
        expect(pending).toEqual([]);
        // Every reply points at the post its line named, including parents that arrived after it.
        const misLinked = await sql<{ external_id: string }>`
          select p.external_id from posts p
          left join posts q on q.workspace_id = p.workspace_id and q.channel = p.channel and q.external_id = p.parent_external_id
          where p.channel = ${CHANNEL} and p.parent_external_id is not null and (p.parent_id is distinct from q.id or p.thread_id is null)`.execute(db);
        expect(misLinked.rows.map((r) => r.external_id)).toEqual([]);
        const replies = await db.selectFrom('posts').select('id').where('channel', '=', CHANNEL).where('parent_id', 'is not', null).execute();
        expect(replies.length).toBe(canonicalLines().filter((line) => !line.includes('"parentExternalId":null')).length);
      });
    },
    SLOW,
  );
});

describe.each(MODES)('SIGKILL in the middle of a webhook burst (%s)', (mode) => {
  const SECRET = 'burst-webhook-shared-secret';

  /** Fires signed deliveries from 32 concurrent senders and SIGKILLs the server after `killAfter` 200s. */
  async function burstThenKill(server: SpawnedServer, webhookUrl: string, run: string, killAfter: number): Promise<{ issued: string[]; acknowledged: string[] }> {
    const issued: string[] = [];
    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let killed = false;
    const sender = async () => {
      while (!killed && issued.length < 3_000) {
        const externalId = `burst-${run}-${issued.length}`;
        issued.push(externalId);
        const body = JSON.stringify({
          externalId,
          text: `Delivery ${externalId}: my Lumio Fiber keeps dropping`,
          postedAt: new Date().toISOString(),
          author: { externalId: `sender-${issued.length % 40}`, handle: `sender_${issued.length % 40}` },
        });
        try {
          const response = await fetch(server.url + webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-townhall-signature': `sha256=${hmacSha256Hex(SECRET, body)}` }, body });
          await response.arrayBuffer();
          // Every 200 counts, even one that arrives after the kill: the payload was stored before it was sent.
          if (response.status === 200) acknowledged.push(externalId);
          else if (!killed) unexpected.push(`${externalId}: ${response.status}`);
        } catch (error) {
          if (!killed) unexpected.push(`${externalId}: ${String(error)}`);
        }
        if (!killed && acknowledged.length >= killAfter) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, sender));
    expect(killed, 'the burst ended before the kill').toBe(true);
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(unexpected, 'deliveries failed before the kill').toEqual([]);
    return { issued, acknowledged };
  }

  /** Polls the intake until no payload is pending: the restarted worker has caught up. */
  async function waitDrained(server: SpawnedServer, token: string): Promise<void> {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const pending = await call(server, 'GET', '/api/v1/intake?status=pending&limit=1', { token });
      expect(pending.status).toBe(200);
      if (pending.body.items.length === 0) return;
      await sleep(500);
    }
    throw new Error('the intake worker did not drain the pending payloads');
  }

  async function postsOf(server: SpawnedServer, token: string, channelId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { externalId: string }[]; nextCursor: string | null } } = await call(server, 'GET', `/api/v1/posts?channelId=${channelId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((item) => item.externalId));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  }

  it(
    'keeps every acknowledged delivery as exactly one post after a restart, and doubles none',
    async () => {
      const target = await freshTarget(mode);
      const env = { TOWNHALL_DEMO: 'off', ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}) };
      const run = randomBytes(3).toString('hex');
      const server = await spawnServer(target.dataDir, env);
      await server.waitReady();
      const token = await adminToken(server);
      const created = await call(server, 'POST', '/api/v1/channels', { token, body: { type: 'webhook', name: 'Burst', settings: { secret: SECRET, channel: 'burst' } } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const { id: channelId, webhookUrl } = created.body as { id: string; webhookUrl: string };

      const burst = await burstThenKill(server, webhookUrl, run, 300);
      console.log(`${mode}: ${burst.issued.length} deliveries issued, ${burst.acknowledged.length} acknowledged before the SIGKILL`);

      const restarted = await spawnServer(target.dataDir, env);
      await restarted.waitReady();
      await waitDrained(restarted, token);
      const dead = await call(restarted, 'GET', '/api/v1/intake?status=dead&limit=10', { token });
      expect(dead.body.items).toEqual([]);

      const counts = new Map<string, number>();
      for (const id of await postsOf(restarted, token, channelId)) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect(burst.acknowledged.filter((id) => counts.get(id) !== 1), 'acknowledged deliveries missing or doubled').toEqual([]);
      expect([...counts].filter(([, n]) => n > 1), 'posts stored twice').toEqual([]);
      const issued = new Set(burst.issued);
      expect([...counts.keys()].filter((id) => !issued.has(id))).toEqual([]);

      restarted.child.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
    },
    SLOW,
  );
});
