import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

/** The one database behind Townhall: embedded PGlite or a PostgreSQL server, same SQL. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: 'pglite' | 'postgres';
  /** True when the store answers a trivial query. */
  ping(): Promise<boolean>;
  /** A tarball of the embedded data folder (PGlite only): backups and test templates. */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

export class StoreLockedError extends Error {}

// int8 (count(*), identity ids) as number: our values stay far below 2^53.
const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (value: string) => Number(value));
// date as the plain 'YYYY-MM-DD' string, never shifted by the server's time zone.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (value: string) => value);

export interface OpenStoreOptions {
  /** PostgreSQL connection string; when absent the embedded store is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded store; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** Start the embedded store from a dumped data folder (tests copy a migrated template). */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
}

/** Opens the store. The embedded store takes a lock file so two processes never share a data folder. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPGlite(options.dataDir, options.loadDataDir);
}

async function openPostgres(connectionString: string, max: number): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client dropped by the server (restart, admin terminate) emits 'error' on the pool; unhandled,
  // that would crash the process. The pool discards the client and the next query opens a new one.
  pool.on('error', () => {});
  // The same for a client dropped while checked out (between the statements of a transaction): its next
  // query fails, the transaction is retried by its caller, and the pool replaces the broken client.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    ping: () => ping(db),
    dump: () => Promise.reject(new Error('dump is only available for the embedded store; use pg_dump for PostgreSQL')),
    close: () => db.destroy(),
  };
}

async function openPGlite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Store> {
  let unlock = async () => {};
  let pgliteDir: string | undefined;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
    pgliteDir = join(dataDir, 'pg');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(pgliteDir ? { dataDir: pgliteDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      // Small WAL: the embedded store checkpoints often instead of letting pg_wal grow to 1 GB on disk.
      postgresqlconf: ['max_wal_size = 128MB', 'min_wal_size = 32MB'],
      parsers: { [INT8_OID]: (value: string) => Number(value), [DATE_OID]: (value: string) => value },
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    ping: () => ping(db),
    // Through a Kysely connection, so the dump waits for running transactions to finish.
    dump: () => db.connection().execute(() => pglite.dumpDataDir('none')),
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      await unlock();
    },
  };
}

async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes data/townhall.lock (our pid); a lock left by a dead process is taken over. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = join(dataDir, 'townhall.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
        throw new StoreLockedError(
          `the data folder ${dataDir} is in use by another Townhall process (pid ${holder}); stop it first, or use the HTTP API of the running server`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new StoreLockedError(`could not lock the data folder ${dataDir}`);
}
