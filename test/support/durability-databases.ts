import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from './global-setup.ts';

/**
 * Empty databases on the test PostgreSQL server for tests that run real child processes against
 * DATABASE_URL (the process migrates them, or the test does). dropFreshDatabases() removes them.
 */
const created: string[] = [];

/** A new, empty database; throws when TOWNHALL_TEST_DATABASE_URL is not set. */
export async function freshDatabaseUrl(prefix = 'townhall_durability'): Promise<string> {
  const postgres = inject('postgresTemplate');
  if (!postgres) throw new Error('PostgreSQL durability tests need TOWNHALL_TEST_DATABASE_URL');
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  created.push(database);
  return withDatabase(postgres.url, database);
}

/** Drops the databases freshDatabaseUrl() created (force: a killed child may leave sessions behind). */
export async function dropFreshDatabases(): Promise<void> {
  const postgres = inject('postgresTemplate');
  if (!postgres || created.length === 0) return;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    for (const database of created.splice(0)) await admin.query(`drop database if exists ${database} with (force)`);
  } finally {
    await admin.end();
  }
}
