import type { FastifyBaseLogger } from 'fastify';

/**
 * A role that cannot start says why in one line and exits non-zero; errors main.ts does not know
 * (NATS unreachable, PostgreSQL unreachable) are worded here.
 */
export function failRole(role: string, error: unknown): never {
  if (error instanceof Error && error.name === 'NatsUnavailableError') console.error(`townhall ${role}: ${error.message}`);
  else if (error instanceof Error && 'code' in error && (error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND' || error.code === '3D000' || error.code === '28P01')) {
    console.error(`townhall ${role}: cannot use the database in DATABASE_URL (${error.message})`);
  } else throw error;
  process.exit(1);
}

/** SIGTERM and SIGINT stop the role: in-flight work finishes, then the process exits 0 (1 if that fails or takes over 30 s). */
export function stopOnSignals(log: FastifyBaseLogger, stop: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: finishing work in hand');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
