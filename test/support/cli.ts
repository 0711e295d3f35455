import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { withDatabase } from './global-setup.ts';
import type { StoreKind } from './stores.ts';

/** The CLI as a user runs it. */
export const BIN = resolve(import.meta.dirname, '../../bin/townhall.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `townhall <args>` with a minimal environment (no demo, quiet logs) plus `env`, and collects its output. */
export function townhall(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', TOWNHALL_DEMO: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Runs `townhall start` until it is up, then stops it with SIGTERM: a data folder with its first workspace, as a user has after one start. */
export async function startOnce(env: Record<string, string>): Promise<void> {
  const server = spawn(process.execPath, [BIN, 'start'], { env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn', TOWNHALL_DEMO: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ready, fail) => {
    let out = '';
    server.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Townhall is running')) ready();
    });
    server.on('close', (code) => fail(new Error(`server exited early with ${code}`)));
  });
  const stopped = new Promise((done) => server.on('close', done));
  server.kill('SIGTERM');
  await stopped;
}

/**
 * For a describe block: an empty data folder (and on PostgreSQL an empty database of its own, named `label`
 * and the pid), removed afterwards. Returns the environment the CLI runs with, filled in by beforeAll.
 */
export function useCliDataFolder(kind: StoreKind, label: string): Record<string, string> {
  const database = `townhall_cli_${label}_${process.pid}`;
  const env: Record<string, string> = {};
  let dataDir = '';
  const admin = async (statement: string) => {
    const template = inject('postgresTemplate');
    if (!template) throw new Error('PostgreSQL template missing');
    const client = new pg.Client({ connectionString: template.url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
    return template.url;
  };
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `townhall-cli-${label}-`));
    env['TOWNHALL_DATA'] = dataDir;
    if (kind === 'postgres') {
      await admin(`drop database if exists ${database}`);
      env['DATABASE_URL'] = withDatabase(await admin(`create database ${database}`), database);
    }
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') await admin(`drop database if exists ${database} with (force)`);
  });
  return env;
}

/**
 * For a describe block: a data folder (and on PostgreSQL a database of its own) that `townhall start` has
 * run on once, as a user has after the first start. Returns the environment the CLI runs with.
 */
export function useCliStore(kind: StoreKind, label: string): Record<string, string> {
  const env = useCliDataFolder(kind, label);
  beforeAll(() => startOnce(env), 180_000);
  return env;
}

/** The lines a run wrote to stderr. */
export function stderrLines(run: Run): string[] {
  return run.stderr.split('\n').filter((line) => line.trim() !== '');
}
