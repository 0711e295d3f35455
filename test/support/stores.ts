import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '../../src/platform/db/store.ts';
import { withDatabase } from './global-setup.ts';

export type StoreKind = 'pglite' | 'postgres';

/** The store kinds this run tests: PGlite always, PostgreSQL when TOWNHALL_TEST_DATABASE_URL is set (always in CI). */
export const STORE_KINDS: StoreKind[] = inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];

let pgliteTemplate: Promise<Blob> | undefined;

/** A fresh, migrated store for one test file: a copy of the template, never a new initdb. */
export async function openTestStore(kind: StoreKind): Promise<Store> {
  if (kind === 'pglite') {
    pgliteTemplate ??= readFile(inject('pgliteTemplate')).then((bytes) => new Blob([bytes]));
    return openStore({ loadDataDir: await pgliteTemplate });
  }
  const template = inject('postgresTemplate');
  if (!template) throw new Error('PostgreSQL tests need TOWNHALL_TEST_DATABASE_URL');
  const database = `townhall_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: template.url });
  await admin.connect();
  try {
    await admin.query(`create database ${database} template ${template.database}`);
  } finally {
    await admin.end();
  }
  const store = await openStore({ databaseUrl: withDatabase(template.url, database), poolSize: 4 });
  return {
    ...store,
    async close() {
      await store.close();
      const cleanup = new pg.Client({ connectionString: template.url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${database} with (force)`);
      await cleanup.end();
    },
  };
}
