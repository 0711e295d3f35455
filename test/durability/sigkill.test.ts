import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../support/global-setup.ts';
import { adminToken, call, freshDataDir, killSpawnedServers, listAll, removeDataDirs, signIn, spawnServer, type SpawnedServer } from '../support/spawned-server.ts';

/**
 * Nothing lost, nothing twice, against the real process: a SIGKILL in the middle of a write burst
 * must lose no acknowledged write and leave a store that opens again (taking over the stale lock);
 * SIGTERM must finish in-flight requests and exit cleanly; a second server on a data folder in use
 * must refuse to start.
 */
const SLOW = 240_000;
const postgres = inject('postgresTemplate');
const MODES = postgres ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const lockFile = (dataDir: string) => join(dataDir, 'townhall.lock');

afterEach(killSpawnedServers);

const databases: string[] = [];
afterAll(async () => {
  await killSpawnedServers();
  await removeDataDirs();
  if (!postgres || databases.length === 0) return;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    for (const database of databases) await admin.query(`drop database if exists ${database} with (force)`);
  } finally {
    await admin.end();
  }
});

/** An empty database on the test PostgreSQL server; the server migrates it on first start. */
async function freshDatabaseUrl(): Promise<string> {
  if (!postgres) throw new Error('PostgreSQL durability tests need TOWNHALL_TEST_DATABASE_URL');
  const database = `townhall_durability_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  databases.push(database);
  return withDatabase(postgres.url, database);
}

/** Counts how often each name occurs. */
function tally(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Stops a server with SIGTERM and returns its exit code. */
async function stop(server: SpawnedServer): Promise<number | null> {
  server.child.kill('SIGTERM');
  return (await server.exited).code;
}

/**
 * Posts teams from 16 concurrent workers and SIGKILLs the server once `killAfter` writes were
 * acknowledged; every 201 that arrives, even after the kill, counts as acknowledged.
 */
async function burstThenKill(server: SpawnedServer, token: string, prefix: string, killAfter: number): Promise<{ issued: number; acknowledged: string[] }> {
  const acknowledged: string[] = [];
  const unexpected: string[] = [];
  let issued = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && issued < 2_000) {
      const name = `${prefix} ${issued++}`;
      try {
        const response = await call(server, 'POST', '/api/v1/teams', { token, body: { name } });
        if (response.status === 201) acknowledged.push(name);
        else if (!killed) unexpected.push(`${name}: ${response.status} ${JSON.stringify(response.body)}`);
      } catch (error) {
        if (!killed) unexpected.push(`${name}: ${String(error)}`);
      }
      if (!killed && acknowledged.length >= killAfter) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  expect(killed, 'the burst ended before the kill').toBe(true);
  expect((await server.exited).signal).toBe('SIGKILL');
  expect(unexpected, 'writes failed before the kill').toEqual([]);
  return { issued, acknowledged };
}

describe.each(MODES)('SIGKILL in the middle of a write burst (%s)', (mode) => {
  it(
    'keeps every acknowledged write exactly once across repeated kills, and the store opens again each time',
    async () => {
      const dataDir = await freshDataDir();
      const env: Record<string, string> = mode === 'postgres' ? { DATABASE_URL: await freshDatabaseUrl() } : {};
      const run = randomBytes(3).toString('hex');
      const acknowledged: string[] = [];
      let token = '';
      // Kill points vary so that the kill lands in different phases of the store's work.
      for (const [round, killAfter] of [40, 7, 90].entries()) {
        const server = await spawnServer(dataDir, env);
        await server.waitReady();
        if (round === 0) token = await adminToken(server);
        else await expectAllStored(server, token, run, acknowledged);
        const burst = await burstThenKill(server, token, `burst ${run} ${round}`, killAfter);
        acknowledged.push(...burst.acknowledged);
        console.log(`${mode} round ${round}: ${burst.issued} writes issued, ${burst.acknowledged.length} acknowledged before the SIGKILL`);
        if (mode === 'pglite') expect(existsSync(lockFile(dataDir)), 'SIGKILL should leave the lock file behind').toBe(true);
      }

      const last = await spawnServer(dataDir, env);
      await last.waitReady();
      await expectAllStored(last, token, run, acknowledged);
      expect((await call(last, 'GET', '/readyz')).status).toBe(200);
      await signIn(last);
      expect((await call(last, 'POST', '/api/v1/teams', { token, body: { name: `after restart ${run}` } })).status).toBe(201);
      expect(await stop(last)).toBe(0);
    },
    SLOW,
  );
});

/** Every acknowledged burst write is stored exactly once, and no burst team is stored twice. */
async function expectAllStored(server: SpawnedServer, token: string, run: string, acknowledged: string[]): Promise<void> {
  const teams = (await listAll(server, '/api/v1/teams', token)).map((team: { name: string }) => team.name);
  const counts = tally(teams.filter((name) => name.startsWith(`burst ${run} `)));
  const missing = acknowledged.filter((name) => counts.get(name) !== 1);
  expect(missing, `acknowledged writes missing or duplicated after the restart (${acknowledged.length} acknowledged)`).toEqual([]);
  expect([...counts].filter(([, count]) => count !== 1), 'teams stored twice').toEqual([]);
}

interface HeldRequest {
  /** Sends the body and resolves with the response. */
  finish(): Promise<{ status: number; body: string }>;
}

/**
 * Starts a POST whose headers the server has accepted (it answered 100 Continue) but whose body is
 * not sent yet: a request that is certainly in flight when the server is told to stop.
 */
function holdRequest(server: SpawnedServer, path: string, token: string, body: unknown): Promise<HeldRequest> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((accepted, reject) => {
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = httpRequest(server.url + path, {
        method: 'POST',
        agent: false,
        headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(payload.length), 'expect': '100-continue' },
      });
      req.on('continue', () => accepted({ finish: () => (req.end(payload), response) }));
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
        res.on('error', fail);
      });
      req.on('error', (error) => {
        fail(error);
        reject(error);
      });
      req.flushHeaders();
    });
    response.catch(() => {});
  });
}

/** Resolves once the server no longer accepts connections: it has begun shutting down. */
async function untilListenerClosed(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  for (;;) {
    const refused = await new Promise<boolean>((done) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        done(false);
      });
      socket.once('error', () => done(true));
    });
    if (refused) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('graceful shutdown', () => {
  it(
    'on SIGTERM finishes in-flight requests, exits 0, removes the lock file, and the data is there on restart',
    async () => {
      const dataDir = await freshDataDir();
      const first = await spawnServer(dataDir);
      await first.waitReady();
      const token = await adminToken(first);
      const run = randomBytes(3).toString('hex');
      const names = Array.from({ length: 5 }, (_, i) => `before ${run} ${i}`);
      for (const name of names) expect((await call(first, 'POST', '/api/v1/teams', { token, body: { name } })).status).toBe(201);

      const inFlightNames = Array.from({ length: 6 }, (_, i) => `in flight ${run} ${i}`);
      const held = await Promise.all(inFlightNames.map((name) => holdRequest(first, '/api/v1/teams', token, { name })));
      first.child.kill('SIGTERM');
      await untilListenerClosed(first.url);
      const results = await Promise.all(held.map((request) => request.finish()));
      expect(results.map((result) => result.status), JSON.stringify(results)).toEqual(inFlightNames.map(() => 201));

      const exit = await first.exited;
      expect(exit, first.output()).toEqual({ code: 0, signal: null });
      expect(existsSync(lockFile(dataDir)), 'the lock file is left behind after a clean shutdown').toBe(false);

      const second = await spawnServer(dataDir);
      await second.waitReady();
      const stored = tally((await listAll(second, '/api/v1/teams', token)).map((team: { name: string }) => team.name));
      expect([...names, ...inFlightNames].filter((name) => stored.get(name) !== 1)).toEqual([]);
      await signIn(second);
      expect(await stop(second)).toBe(0);
    },
    SLOW,
  );
});

describe('data folder lock', () => {
  it(
    'refuses to start a second server on a data folder in use, naming the folder, and leaves the first running',
    async () => {
      const dataDir = await freshDataDir();
      const first = await spawnServer(dataDir);
      await first.waitReady();

      const second = await spawnServer(dataDir);
      const exit = await second.exited;
      expect(exit.code, second.output()).not.toBe(0);
      expect(exit.code, second.output()).not.toBeNull();
      expect(second.output()).toContain(dataDir);
      expect(second.output()).toMatch(/in use/);

      expect(readFileSync(lockFile(dataDir), 'utf8').trim()).toBe(String(first.child.pid));
      expect((await call(first, 'GET', '/readyz')).status).toBe(200);
      await signIn(first);
      expect(await stop(first)).toBe(0);
    },
    SLOW,
  );
});
