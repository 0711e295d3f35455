import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Turns for PGlite's single backend. A holder (one statement, or a whole transaction) keeps it until it
 * releases; waiters are served first from the priority lane, then in arrival order. Short writes that a
 * caller is waiting on (a webhook's acknowledgement) take the priority lane, so they wait for the statement
 * or transaction in progress, never for the queue of background work behind it.
 */
export class PGliteTurns {
  private held = false;
  private readonly priority: (() => void)[] = [];
  private readonly normal: (() => void)[] = [];

  take(lane: 'priority' | 'normal'): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (lane === 'priority' ? this.priority : this.normal).push(resolve));
  }

  give(): void {
    const next = this.priority.shift() ?? this.normal.shift();
    if (next) next();
    else this.held = false;
  }

  /** Waiters in the priority lane: a long holder may check it to yield between transactions. */
  get priorityWaiting(): number {
    return this.priority.length;
  }
}

/**
 * Kysely dialect for the embedded PGlite store. PGlite has exactly one backend, so the driver
 * hands out one connection at a time: a transaction holds it until commit or rollback, and
 * every other query waits its turn instead of running inside someone else's transaction.
 * Two dialects may share one PGliteTurns: the priority one's queries go ahead of the normal one's queue.
 */
export class PGliteDialect implements Dialect {
  constructor(
    private readonly pglite: PGlite,
    private readonly turns: PGliteTurns = new PGliteTurns(),
    private readonly lane: 'priority' | 'normal' = 'normal',
  ) {}

  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.turns, this.lane);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  /** Acquisitions of this driver not yet released (destroy waits for them). */
  private inUse = 0;
  private idle: (() => void) | undefined;

  constructor(
    pglite: PGlite,
    private readonly turns: PGliteTurns,
    private readonly lane: 'priority' | 'normal',
  ) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    this.inUse++;
    await this.turns.take(this.lane);
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.turns.give();
    this.inUse--;
    if (this.inUse === 0) this.idle?.();
  }

  async destroy(): Promise<void> {
    if (this.inUse > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    const affected = result.affectedRows;
    const command = compiledQuery.sql.trimStart().slice(0, 6).toLowerCase();
    const changesRows = command === 'insert' || command === 'update' || command === 'delete' || command === 'merge ';
    return {
      rows: result.rows,
      ...(changesRows && affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // PGlite materialises results in memory; callers that need streams page with keyset queries.
    yield await this.executeQuery<R>(compiledQuery);
  }
}
