import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

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
