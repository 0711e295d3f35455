/**
 * Webhook intake under load (issue 10): the real server as `townhall start` runs it (startApp on a temp data
 * folder: embedded store, intake worker with analysis, HTTP server on loopback), one WhatsApp (Meta) channel,
 * then BENCH_WEBHOOKS distinct bodies (default 20,000), each correctly signed with the app secret, sent from
 * BENCH_CONNECTIONS keep-alive connections (default 32) with undici. Prints req/s, p50/p99/max latency and
 * errors, then checks in the store that every acknowledged body is stored exactly once (raw_intake) and waits
 * for the worker to turn them into posts. `npm run bench:webhooks`; BENCH_DEMO=on runs the demo stream too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { systemActor } from '../src/auth/actor.ts';
import { createChannel } from '../src/channels/channels.service.ts';
import { hmacSha256Hex } from '../src/channels/signatures.ts';
import { startApp } from '../src/platform/app.ts';
import { loadConfig } from '../src/platform/config.ts';

const REQUESTS = Number(process.env['BENCH_WEBHOOKS'] ?? 20_000);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const APP_SECRET = 'bench-app-secret';

/** A WhatsApp Cloud API delivery of one text message, shaped like test/fixtures/recorded/meta, distinct per i. */
function whatsappBody(i: number): string {
  const phone = `49151${String(i % 5000).padStart(7, '0')}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '101809759215303',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '1234567891', phone_number_id: '10634295353625' },
              contacts: [{ profile: { name: `Customer ${i % 5000}` }, wa_id: phone }],
              messages: [{ from: phone, id: `wamid.bench${i}`, timestamp: String(1_760_000_000 + i), text: { body: `Hallo, meine Bestellung ${i} ist noch nicht da. Wann kommt sie?` }, type: 'text' }],
            },
          },
        ],
      },
    ],
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Sends `count` requests from `connections` concurrent loops; returns per-request latency and outcome. */
async function fire(pool: Pool, count: number, connections: number, request: (i: number) => { path: string; method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }) {
  const latencies: number[] = [];
  const acknowledged = new Map<number, number>();
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        try {
          const res = await pool.request({ ...request(i), headersTimeout: 30_000, bodyTimeout: 30_000 });
          const text = await res.body.text();
          latencies.push(performance.now() - t);
          if (res.statusCode !== 200) errors.push(`${res.statusCode} ${text.slice(0, 200)}`);
          else if (request(i).method === 'POST') {
            const parsed = JSON.parse(text) as { intakeId?: number };
            if (typeof parsed.intakeId === 'number') acknowledged.set(i, parsed.intakeId);
          }
        } catch (error) {
          latencies.push(performance.now() - t);
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, perSecond: Math.round(count / seconds), p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? 0, errors, acknowledged };
}

const dir = await mkdtemp(join(tmpdir(), 'townhall-bench-webhooks-'));
const config = loadConfig({ TOWNHALL_DATA: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', TOWNHALL_DEMO: process.env['BENCH_DEMO'] ?? 'off', TOWNHALL_ADMIN_PASSWORD: 'bench password' });
const running = await startApp(config, { logger: false });
try {
  const db = running.ctx.store.db;
  const channel = await createChannel(db, running.ctx.secrets, systemActor(running.bootstrap.workspaceId), { type: 'meta', name: 'Bench on WhatsApp', settings: { appSecret: APP_SECRET, verifyToken: randomBytes(8).toString('hex') } });
  const address = running.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no address');
  const pool = new Pool(`http://127.0.0.1:${address.port}`, { connections: CONNECTIONS, pipelining: 1 });
  const bodies = Array.from({ length: REQUESTS }, (_, i) => whatsappBody(i));
  const deliver = (i: number) => {
    const body = bodies[i] ?? '';
    return { path: `/webhooks/${channel.webhook_key}`, method: 'POST' as const, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(APP_SECRET, body)}` } };
  };

  // Warm-up (JIT, analyzer models): not counted, bodies not reused.
  process.stderr.write(`warming up, then ${REQUESTS} signed WhatsApp deliveries from ${CONNECTIONS} connections…\n`);
  await fire(pool, 200, CONNECTIONS, (i) => ({ ...deliver(0), body: whatsappBody(REQUESTS + i), headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(APP_SECRET, whatsappBody(REQUESTS + i))}` } }));
  const health = await fire(pool, 5000, CONNECTIONS, () => ({ path: '/healthz', method: 'GET' }));
  const load = loadavg()[0] ?? 0;
  const result = await fire(pool, REQUESTS, CONNECTIONS, deliver);

  // Exactly once: every acknowledged body is in raw_intake once, under the id the server answered.
  const stored = await db
    .selectFrom('raw_intake')
    .select(['id', 'body'])
    .where('channel_connection_id', '=', channel.id)
    .execute();
  const byBody = new Map<string, number[]>();
  for (const row of stored) byBody.set(row.body, [...(byBody.get(row.body) ?? []), row.id]);
  let missing = 0;
  let doubled = 0;
  let wrongId = 0;
  for (const [i, intakeId] of result.acknowledged) {
    const ids = byBody.get(bodies[i] ?? '') ?? [];
    if (ids.length === 0) missing++;
    else if (ids.length > 1) doubled++;
    else if (ids[0] !== intakeId) wrongId++;
  }

  // The worker drains what was acknowledged: time until every message is a post (not part of the request figures).
  const drainStarted = performance.now();
  let posts = 0;
  for (;;) {
    const row = await sql<{ n: number }>`select count(*)::int as n from posts where channel = 'whatsapp' and external_id like 'wamid.bench%'`.execute(db);
    posts = row.rows[0]?.n ?? 0;
    if (posts >= REQUESTS + 200 || performance.now() - drainStarted > 600_000) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  await pool.close();

  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 16)} UTC; load average ${load.toFixed(1)}; embedded store (PGlite data folder), demo ${config.demo ? 'on' : 'off'}\n`);
  console.log('| requests | connections | req/s | p50 ms | p99 ms | max ms | errors | acknowledged | stored once | missing | doubled | /healthz req/s | worker drained all posts after |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${REQUESTS} | ${CONNECTIONS} | ${result.perSecond} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${result.max.toFixed(0)} | ${result.errors.length} | ${result.acknowledged.size} | ${result.acknowledged.size - missing - doubled - wrongId} | ${missing} | ${doubled} | ${health.perSecond} | ${posts >= REQUESTS + 200 ? `${drainSeconds.toFixed(1)} s` : `not within 600 s (${posts} posts)`} |`,
  );
  if (result.errors.length > 0) console.log(`\nfirst errors: ${[...new Set(result.errors)].slice(0, 5).join(' | ')}`);
  if (missing + doubled + wrongId > 0) {
    console.log(`\nNOT exactly once: ${missing} missing, ${doubled} stored more than once, ${wrongId} under another id`);
    process.exitCode = 1;
  }
} finally {
  await running.stop();
  await rm(dir, { recursive: true, force: true });
}
