import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { openStore, type Store } from '../src/platform/db/store.ts';
import { ensureWorkspace } from '../src/workspaces/bootstrap.ts';

/**
 * Runs a benchmark against a fresh, migrated store with one workspace: a new PGlite data folder, or a
 * new database on the PostgreSQL server at `databaseUrl`. Everything is removed afterwards.
 */
export async function withFreshStore<T>(options: { databaseUrl?: string | undefined; name: string }, run: (store: Store, workspaceId: string) => Promise<T>): Promise<T> {
  const { databaseUrl } = options;
  const dir = await mkdtemp(join(tmpdir(), 'townhall-bench-store-'));
  const database = `townhall_bench_${process.pid}_${options.name}`;
  if (databaseUrl) {
    await adminQuery(databaseUrl, `drop database if exists ${database}`);
    await adminQuery(databaseUrl, `create database ${database}`);
  }
  const store = databaseUrl ? await openStore({ databaseUrl: withDatabase(databaseUrl, database) }) : await openStore({ dataDir: dir });
  try {
    await migrateToLatest(store.db);
    const { workspaceId } = await ensureWorkspace(store.db, { password: 'bench-password' });
    return await run(store, workspaceId);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
    if (databaseUrl) await adminQuery(databaseUrl, `drop database if exists ${database} with (force)`);
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
