import { ConfigError } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';

/** What to do about a database that cannot be reached or refuses the connection. */
const DATABASE_HINT = 'check DATABASE_URL (host, port, user, password, database) or unset it to use the embedded store';

/** Connection failures of the PostgreSQL client: network errors and the server's refusals (auth, unknown database). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '28P01', '28000', '3D000']);

function codeOf(error: unknown): string | undefined {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The error and its causes (a failed migration wraps the connection error), outermost first. */
function chainOf(error: Error): Error[] {
  const chain = [error];
  for (let cause = error.cause; cause instanceof Error && chain.length < 5; cause = cause.cause) chain.push(cause);
  return chain;
}

/** The message of an error; an AggregateError (a host with several addresses) has its first one's. */
function messageOf(error: Error): string {
  if (error.message) return error.message;
  const first: unknown = error instanceof AggregateError ? error.errors[0] : undefined;
  return first instanceof Error ? first.message : String(error);
}

/** A file the command was given that cannot be read, worded by what is wrong with it. */
function fileLine(error: Error, code: string): string | undefined {
  const path: unknown = Reflect.get(error, 'path');
  if (typeof path !== 'string') return undefined;
  if (code === 'ENOENT') return `${path} does not exist; check the path`;
  if (code === 'EISDIR') return `${path} is a folder; give a file`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot read ${path}: permission denied`;
  return undefined;
}

/**
 * One line for a failed command, saying what went wrong and, where we know, what to do. Errors of the
 * store are recognised by class, imported here only when needed (they would load the database drivers).
 */
export async function errorLine(error: unknown): Promise<string> {
  if (error instanceof ConfigError) return `configuration error: ${error.message}`;
  if (error instanceof AppError) return error.message;
  if (!(error instanceof Error)) return `${String(error)}; run with LOG_LEVEL=debug for details`;
  const code = codeOf(error) ?? codeOf(error instanceof AggregateError ? error.errors[0] : undefined);
  const file = code === undefined ? undefined : fileLine(error, code);
  if (file !== undefined) return file;
  const refused = chainOf(error).find((link) => CONNECTION_CODES.has(codeOf(link) ?? codeOf(link instanceof AggregateError ? link.errors[0] : undefined) ?? ''));
  if (refused) return `cannot use the database (${messageOf(refused)}); ${DATABASE_HINT}`;
  const [{ StoreLockedError }, { MigrationError }] = await Promise.all([import('../platform/db/store.ts'), import('../platform/db/migrate.ts')]);
  if (error instanceof StoreLockedError || error instanceof MigrationError) return error.message;
  return `${messageOf(error)}; run with LOG_LEVEL=debug for details`;
}
