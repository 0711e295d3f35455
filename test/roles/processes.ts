import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BIN, freePort } from '../support/spawned-server.ts';

/**
 * Real processes for the role tests: a nats-server with JetStream on a free port and its own store folder
 * (so a test can kill and restart it), and `townhall api` / `townhall worker` children.
 */

const NATS_SERVER = process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const children = new Set<ChildProcess>();
const folders: string[] = [];

export interface NatsServer {
  url: string;
  /** SIGKILLs the server (no clean shutdown) and resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store folder; resolves once it accepts connections. */
  start(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((done) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

/** A nats-server -js of this test's own, stopped by stopAll(). */
export async function startNats(): Promise<NatsServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'townhall-nats-'));
  folders.push(dir);
  let child: ChildProcess | undefined;
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    async start() {
      child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
      children.add(child);
      await accepting(port, 30_000);
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
  };
  await server.start();
  return server;
}

export interface RoleProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when stdout says the role runs; fails when the process exits first. */
  running(timeoutMs?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export const SECRET_KEY = randomBytes(32).toString('base64');

/** Spawns `townhall <role>` with only the given environment (plus PATH and HOME). */
export function spawnRole(role: 'api' | 'worker', env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, [BIN, role], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), LOG_LEVEL: 'warn', TOWNHALL_DEMO: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal, stderr: err })),
  );
  let hasExited = false;
  void done.then(() => (hasExited = true));
  return {
    child,
    output: () => out + err,
    exited: done,
    async running(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      while (!/is running/.test(out)) {
        if (hasExited) throw new Error(`townhall ${role} exited before it ran:\n${out}${err}`);
        if (Date.now() > deadline) throw new Error(`townhall ${role} did not start within ${timeoutMs} ms:\n${out}${err}`);
        await sleep(100);
      }
    },
  };
}

/** SIGKILLs every child still running (roles and NATS servers) and removes the NATS store folders. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }),
  );
  children.clear();
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
