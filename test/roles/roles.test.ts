import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hmacSha256Hex } from '../../src/channels/signatures.ts';
import { insertRawMany } from '../../src/intake/intake.repository.ts';
import { JetStreamIntakeSignal } from '../../src/intake/jetstream-signal.ts';
import type { Database } from '../../src/platform/db/schema.ts';
import { openStore, type Store } from '../../src/platform/db/store.ts';
import { connectNats, type NatsLink } from '../../src/platform/nats.ts';
import { firstWorkspace } from '../../src/workspaces/workspaces.repository.ts';
import { dropFreshDatabases, freshDatabaseUrl } from '../support/durability-databases.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminToken, call, freePort } from '../support/spawned-server.ts';
import { SECRET_KEY, spawnRole, startNats, stopAll, type NatsServer, type RoleProcess } from './processes.ts';

/**
 * `townhall api` and `townhall worker` as real processes on a real PostgreSQL and a real NATS JetStream:
 * every stored payload is processed once in effect (one post per payload, none dead) through a clean run,
 * a SIGKILLed worker, a NATS restart and dropped PostgreSQL connections.
 */
const postgres = inject('postgresTemplate');
const SLOW = 900_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.skipIf(!postgres)('townhall api and worker on PostgreSQL and NATS JetStream', () => {
  let nats: NatsServer;
  let databaseUrl: string;
  let env: Record<string, string>;
  let api: RoleProcess;
  let apiUrl: string;
  const workers: RoleProcess[] = [];
  let store: Store;
  let db: Kysely<Database>;
  let link: NatsLink;
  let signal: JetStreamIntakeSignal;
  let workspaceId: string;
  let fed = 0;

  beforeAll(async () => {
    nats = await startNats();
    databaseUrl = await freshDatabaseUrl('townhall_roles');
    env = {
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      TOWNHALL_SECRET_KEY: SECRET_KEY,
      TOWNHALL_ADMIN_EMAIL: ADMIN_EMAIL,
      TOWNHALL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Short enough that a killed worker's batch and a lost announcement come back within the test.
      TOWNHALL_INTAKE_ACK_WAIT_SECONDS: '10',
      TOWNHALL_INTAKE_STALE_SECONDS: '20',
    };
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = spawnRole('api', { ...env, PORT: String(port), HOST: '127.0.0.1', TOWNHALL_PUBLIC_URL: apiUrl });
    await api.running();
    for (let i = 0; i < 3; i++) workers.push(spawnRole('worker', env));
    await Promise.all(workers.map((w) => w.running()));
    store = await openStore({ databaseUrl });
    db = store.db;
    workspaceId = (await firstWorkspace(db))!.id;
    link = await connectNats(nats.url, 'roles test', pino({ level: 'silent' }));
    signal = new JetStreamIntakeSignal(link, pino({ level: 'silent' }));
  }, SLOW);

  afterAll(async () => {
    await link?.close();
    await store?.close();
    await stopAll();
    await dropFreshDatabases();
  }, SLOW);

  /** Stores `count` small canonical payloads in bulk and announces them, as the intake does after its commit. */
  async function feed(count: number, prefix: string, announce = true): Promise<void> {
    for (let start = 0; start < count; start += 1000) {
      const inputs = Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const n = start + k;
        const body = JSON.stringify({ externalId: `${prefix}-${n}`, text: `Order ${n} arrived, thanks`, postedAt: '2026-11-20T10:00:00Z', author: { externalId: `cust-${n % 400}`, handle: `cust_${n % 400}` } });
        return { workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: 'application/json', headers: {}, body, dedupeKey: `${prefix}-${n}` };
      });
      const stored = await insertRawMany(db, inputs);
      if (announce) await signal.stored(stored.map((s) => ({ id: s.id, workspaceId })));
    }
    fed += count;
  }

  const counts = async () => {
    const rows = await db.selectFrom('raw_intake').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
    const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    return { pending: by['pending'] ?? 0, processed: by['processed'] ?? 0, dead: by['dead'] ?? 0 };
  };

  async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (${JSON.stringify(await counts())})\n${workers.map((w) => w.output()).join('\n')}`);
      await sleep(250);
    }
  }

  /** Every payload fed so far processed, none dead, and exactly one post per payload. */
  async function expectExactlyOnce(): Promise<void> {
    await waitFor(async () => (await counts()).processed + (await counts()).dead >= fed, 'every payload processed');
    expect(await counts()).toEqual({ pending: 0, processed: fed, dead: 0 });
    const posts = await sql<{ posts: number | string; payloads: number | string; ids: number | string }>`
      select count(*) as posts, count(distinct raw_intake_id) as payloads, count(distinct external_id) as ids from posts where workspace_id = ${workspaceId}`.execute(db);
    const row = posts.rows[0]!;
    expect({ posts: Number(row.posts), payloads: Number(row.payloads), ids: Number(row.ids) }).toEqual({ posts: fed, payloads: fed, ids: fed });
  }

  it('three workers process 20,000 payloads exactly once in effect', async () => {
    await feed(20_000, 'bulk');
    await expectExactlyOnce();
  }, SLOW);

  it('loses and doubles nothing when a worker is SIGKILLed mid-batch', async () => {
    const before = (await counts()).processed;
    await feed(2000, 'kill');
    await waitFor(async () => (await counts()).processed >= before + 400, 'some payloads processed');
    const victim = workers.shift()!;
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    const replacement = spawnRole('worker', env);
    workers.push(replacement);
    await replacement.running();
    await expectExactlyOnce();
  }, SLOW);

  it('survives a NATS restart mid-run: workers and api reconnect, nothing is lost', async () => {
    const before = (await counts()).processed;
    await feed(2000, 'nats');
    await waitFor(async () => (await counts()).processed >= before + 400, 'some payloads processed');
    await nats.kill();
    await sleep(1000);
    await nats.start();
    await expectExactlyOnce();

    // The api announces a webhook delivery made after the restart, and a worker processes it.
    const token = await adminToken({ url: apiUrl });
    const secret = 'roles-test-webhook-secret';
    const hook = await call({ url: apiUrl }, 'POST', '/api/v1/channels', { token, body: { type: 'webhook', name: 'After restart', settings: { secret, channel: 'reviews' } } });
    expect(hook.status).toBe(201);
    const body = JSON.stringify({ externalId: 'after-restart', text: 'Still here after the restart', postedAt: '2026-11-20T10:00:00Z', author: { handle: 'ana_b' } });
    const delivered = await fetch(apiUrl + hook.body.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-townhall-signature': `sha256=${hmacSha256Hex(secret, body)}` }, body });
    expect(delivered.status).toBeLessThan(300);
    fed += 1;
    await expectExactlyOnce();
  }, SLOW);

  it('re-announces payloads committed but never announced (a crash between the commit and the publish)', async () => {
    await feed(500, 'unannounced', false);
    // Nothing tells the workers; the sweeper finds them pending past TOWNHALL_INTAKE_STALE_SECONDS.
    await expectExactlyOnce();
    const announced = await db.selectFrom('raw_intake').select('id').where('body', 'like', '%unannounced-%').where('signalled_at', 'is', null).execute();
    expect(announced).toEqual([]);
  }, SLOW);

  it('retries when PostgreSQL drops the workers’ connections', async () => {
    const before = (await counts()).processed;
    await feed(2000, 'pgdrop');
    for (const step of [300, 1000]) {
      await waitFor(async () => (await counts()).processed >= before + step, 'some payloads processed');
      const dropped = await sql<{ n: string }>`
        select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(db);
      expect(Number(dropped.rows[0]?.n)).toBeGreaterThan(0);
    }
    await expectExactlyOnce();
    expect(api.child.exitCode).toBeNull();
    for (const worker of workers) expect(worker.child.exitCode).toBeNull();
  }, SLOW);
});

describe('a role started without what it needs says so in one line and exits non-zero', () => {
  const complete = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', NATS_URL: 'nats://127.0.0.1:4222', TOWNHALL_SECRET_KEY: SECRET_KEY };
  afterAll(stopAll);

  it.each([
    ['api', 'DATABASE_URL', /needs DATABASE_URL/],
    ['worker', 'NATS_URL', /needs NATS_URL/],
    ['worker', 'TOWNHALL_SECRET_KEY', /needs TOWNHALL_SECRET_KEY/],
  ] as const)('%s without %s', async (role, missing, message) => {
    const env: Record<string, string> = { ...complete };
    delete env[missing];
    const { code, stderr } = await spawnRole(role, env).exited;
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  }, 120_000);

  it('api with NATS unreachable', async () => {
    const port = await freePort();
    const database = postgres ? await freshDatabaseUrl('townhall_roles') : complete.DATABASE_URL;
    const { code, stderr } = await spawnRole('api', { ...complete, DATABASE_URL: database, NATS_URL: `nats://127.0.0.1:${port}` }).exited;
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:\d+/);
    await dropFreshDatabases();
  }, 120_000);
});
