import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The real `townhall start` as a child process, for durability tests (SIGKILL, SIGTERM, lock file).
 * Every spawned server is tracked so that afterEach can kill what a failing test left running.
 */
export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Polls /readyz until it answers 200; fails early if the process exits. */
  waitReady(timeoutMs?: number): Promise<void>;
}

export const ADMIN_EMAIL = 'admin@durability.test';
export const ADMIN_PASSWORD = 'durable admin password';

/** The CLI entry point the durability and role tests spawn. */
export const BIN = resolve(import.meta.dirname, '../../bin/townhall.js');
const running = new Set<SpawnedServer>();
const dataDirs: string[] = [];

/** A fresh, empty data folder under the OS temp folder; removeDataDirs() deletes it. */
export async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'townhall-durability-'));
  dataDirs.push(dir);
  return dir;
}

/** Deletes the data folders this file created (call after the servers are stopped). */
export async function removeDataDirs(): Promise<void> {
  await Promise.all(dataDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Spawns `node bin/townhall.js start` on the data folder with the durability admin credentials. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<SpawnedServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      TOWNHALL_DATA: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      TOWNHALL_PUBLIC_URL: url,
      TOWNHALL_ADMIN_EMAIL: ADMIN_EMAIL,
      TOWNHALL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      TOWNHALL_DEMO: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      done({ code, signal });
    });
  });
  const server: SpawnedServer = {
    child,
    url,
    dataDir,
    output: () => log,
    exited,
    async waitReady(timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (hasExited) throw new Error(`the server exited before it was ready:\n${log}`);
        try {
          const response = await fetch(`${url}/readyz`);
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        await sleep(200);
      }
      throw new Error(`the server was not ready within ${timeoutMs} ms:\n${log}`);
    },
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

/** SIGKILLs every spawned server still running and waits for it to go: for afterEach/afterAll. */
export async function killSpawnedServers(): Promise<void> {
  await Promise.all(
    [...running].map(async (server) => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }),
  );
}

export interface JsonResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** fetch with a JSON body, a bearer token or a session cookie; the cookie also sends our own Origin (CSRF check). */
export async function call(
  server: Pick<SpawnedServer, 'url'>,
  method: string,
  path: string,
  options: { token?: string; cookie?: string; body?: unknown } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.cookie) {
    headers['cookie'] = options.cookie;
    headers['origin'] = server.url;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(server.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** Signs in as the durability admin and returns the session cookie. */
export async function signIn(server: Pick<SpawnedServer, 'url'>): Promise<string> {
  const login = await call(server, 'POST', '/api/v1/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (login.status !== 200) throw new Error(`sign-in failed with ${login.status}: ${JSON.stringify(login.body)}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!cookie.startsWith('townhall_session=')) throw new Error('sign-in set no session cookie');
  return cookie;
}

/** Signs in and creates an API token the way a user does: session cookie plus Origin. */
export async function adminToken(server: Pick<SpawnedServer, 'url'>): Promise<string> {
  const cookie = await signIn(server);
  const created = await call(server, 'POST', '/api/v1/tokens', { cookie, body: { name: 'durability' } });
  if (created.status !== 201 || typeof created.body?.token !== 'string') throw new Error(`token creation failed with ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.token;
}

/** Every item of a cursor-paginated list. */
export async function listAll(server: Pick<SpawnedServer, 'url'>, path: string, token: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await call(server, 'GET', path + query, { token });
    if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}: ${JSON.stringify(page.body)}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}
