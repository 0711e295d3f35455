import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { openStore } from '../../src/platform/db/store.ts';
import type { Database } from '../../src/platform/db/schema.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: { url: string; database: string } | null;
  }
}

/**
 * Once per test run: a migrated PGlite data folder dumped to a tarball (each test file loads a copy
 * in half a second instead of running initdb), and a migrated PostgreSQL template database that
 * each test file clones with CREATE DATABASE ... TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const dir = resolve('.tmp');
  await mkdir(dir, { recursive: true });
  const template = await openStore({});
  await migrateToLatest(template.db);
  const dumpPath = join(dir, `pglite-template-${process.pid}.tar`);
  const dump = await template.dump();
  await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await template.close();
  project.provide('pgliteTemplate', dumpPath);

  const url = process.env['TOWNHALL_TEST_DATABASE_URL'];
  if (!url) {
    if (process.env['CI']) throw new Error('TOWNHALL_TEST_DATABASE_URL must be set in CI: the PostgreSQL tests may not be skipped');
    console.warn('TOWNHALL_TEST_DATABASE_URL is not set: PostgreSQL variants of the store tests are skipped (they run in CI)');
    project.provide('postgresTemplate', null);
    return;
  }
  const database = `townhall_test_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL at TOWNHALL_TEST_DATABASE_URL (${(error as Error).message})`);
  }
  await admin.query(`drop database if exists ${database}`);
  await admin.query(`create database ${database}`);
  const templateUrl = withDatabase(url, database);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: templateUrl, max: 1 }) }) });
  await migrateToLatest(db);
  await db.destroy();
  project.provide('postgresTemplate', { url, database });

  return async () => {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
