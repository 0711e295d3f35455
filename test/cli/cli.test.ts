import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOnce, townhall } from '../support/cli.ts';
import { withDatabase } from '../support/global-setup.ts';

// Each case spawns the CLI, which opens the store: slow on a busy machine, so generous limits.
describe('townhall CLI on the embedded store', { timeout: 180_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'townhall-cli-'));
    env = { TOWNHALL_DATA: dataDir };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows help for every command', async () => {
    const top = await townhall(['--help'], env);
    expect(top.code).toBe(0);
    for (const command of ['start', 'migrate', 'user', 'token']) expect(top.stdout).toContain(command);
    for (const args of [['start', '--help'], ['migrate', '--help'], ['user', 'create', '--help'], ['token', 'create', '--help']]) {
      const run = await townhall(args, env);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/Usage: townhall/);
    }
  });

  it('migrates a new data folder and then reports the schema current', async () => {
    const first = await townhall(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied \d+: 0001_foundation, 0002_listening, 0003_intake_indexes/);
    const status = await townhall(['migrate', '--status'], env);
    expect(status.stdout).toMatch(/schema is current/);
  });

  it('says to start once before creating users when there is no workspace', async () => {
    const run = await townhall(['user', 'create', '--email', 'early@example.com'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/run "townhall start" once first/);
  });

  it('creates a user with a one-time password and a token for that user, in a workspace made by start', async () => {
    // The workspace comes from the first start; run it briefly and stop it with SIGTERM.
    await startOnce(env);

    const created = await townhall(['user', 'create', '--email', 'dana@example.com', '--role', 'manager'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/created manager dana@example.com/);
    expect(created.stdout).toMatch(/one-time password: \S{23}/);

    const token = await townhall(['token', 'create', '--email', 'dana@example.com', '--name', 'ci'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim()).toMatch(/^th_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).toMatch(/not shown again/);
  });

  it('fails with a clear message and a non-zero exit on bad input', async () => {
    const duplicate = await townhall(['user', 'create', '--email', 'dana@example.com'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);

    const badRole = await townhall(['user', 'create', '--email', 'x@example.com', '--role', 'owner'], env);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/Allowed choices are admin, manager, agent, analyst/);

    const unknownUser = await townhall(['token', 'create', '--email', 'ghost@example.com'], env);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toMatch(/no user with email ghost@example.com/);

    const badConfig = await townhall(['migrate'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/configuration error: DATABASE_URL must use postgres/);

    const unknownCommand = await townhall(['frobnicate'], env);
    expect(unknownCommand.code).not.toBe(0);
    expect(unknownCommand.stderr).toMatch(/unknown command/);
  });
});

describe.runIf(inject('postgresTemplate'))('townhall CLI on PostgreSQL (DATABASE_URL)', { timeout: 180_000 }, () => {
  const database = `townhall_cli_${process.pid}`;
  let url: string;
  let admin: pg.Client;

  beforeAll(async () => {
    const template = inject('postgresTemplate');
    if (!template) throw new Error('PostgreSQL template missing');
    admin = new pg.Client({ connectionString: template.url });
    await admin.connect();
    await admin.query(`drop database if exists ${database}`);
    await admin.query(`create database ${database}`);
    url = withDatabase(template.url, database);
  });
  afterAll(async () => {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it('runs the same migrations on a real server', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'townhall-cli-pg-'));
    const first = await townhall(['migrate'], { TOWNHALL_DATA: dataDir, DATABASE_URL: url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied \d+: 0001_foundation, 0002_listening, 0003_intake_indexes/);
    const again = await townhall(['migrate'], { TOWNHALL_DATA: dataDir, DATABASE_URL: url });
    expect(again.stdout).toMatch(/nothing to apply/);
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const tables = await check.query(`select tablename from pg_tables where schemaname = 'public'`);
    await check.end();
    expect(tables.rows.map((r: { tablename: string }) => r.tablename)).toEqual(expect.arrayContaining(['workspaces', 'users', 'posts', 'raw_intake', 'audit_log']));
  });
});
