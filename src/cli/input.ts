import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { AppError, errors } from '../platform/errors.ts';
import { Uuid } from '../platform/http/schemas.ts';
import type { Page } from '../platform/pagination.ts';

/**
 * Input and output shared by the CRM commands (contacts, accounts, deals): options become the API's
 * request body or query and are checked against the API's own schema, and service errors are worded
 * for the command line.
 */

/** How the options of one command name the API's fields, for messages about invalid values. */
export interface Fields {
  /** The option that sets each API field (`accountId` → `--account-id`). */
  options: Record<string, string>;
  /** What a field expects, where the schema's own message (a regular expression) would not help. */
  expects?: Record<string, string>;
}

/** Validates CLI input with the API's own schema, so the CLI accepts exactly what the API accepts. */
export function checked<S extends TSchema>(schema: S, value: unknown, fields: Fields): Static<S> {
  if (Value.Check(schema, value)) return value;
  const problems = [...Value.Errors(schema, value)];
  const first = problems[0];
  if (first?.keyword === 'minProperties' && first.instancePath === '') throw errors.validation('nothing to change: give at least one field option (see --help)');
  const field = first?.instancePath.split('/')[1] ?? '';
  const message = fields.expects?.[field] ?? first?.message ?? 'is not valid';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw errors.validation(`${fields.options[field] ?? (field || 'options')}: ${message}${more}`);
}

/** The options given: one not given is left out (absent, not undefined), as in a request body. */
export function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** Collects a repeatable option into a list. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** A nullable field's option: `""` sends null (clears the field), as a client sends null to the API. */
export function clearable(value: string | undefined): string | null | undefined {
  return value === '' ? null : value;
}

/** A `--limit` as the API's query has it: a number, or absent. */
export function limitOf(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

/** Custom fields given as a JSON object; the schema then checks its shape. */
export function customOf(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.validation(`--custom: is not JSON; write an object such as '{"tier":"gold"}'`);
  }
}

/** Refuses an argument that is not a record id before any query runs. */
export function requireId(id: string, what: string): string {
  if (!Value.Check(Uuid, id)) throw errors.validation(`"${id}" is not ${what} id (a UUID)`);
  return id;
}

/**
 * A service error worded for the command line: a leading API field name (`accountId: …`) becomes
 * its option, and a missing record says how to find the right id.
 */
export function forCli(error: unknown, fields: Fields, notFoundHint: string): unknown {
  if (!(error instanceof AppError)) return error;
  if (error.code === 'not_found') return new AppError(error.code, error.status, error.title, `${error.message.replace(/\.$/, '')}; ${notFoundHint}`, error.extra);
  const field = /^(\w+): /.exec(error.message)?.[1];
  const option = field === undefined ? undefined : fields.options[field];
  if (option === undefined) return error;
  return new AppError(error.code, error.status, error.title, `${option}${error.message.slice(field?.length ?? 0)}`, error.extra);
}

/** Prints a page as JSON lines; when more remain, the next page's option goes to stderr. */
export function printPage<T>(page: Page<T>): void {
  for (const item of page.items) console.log(JSON.stringify(item));
  if (page.nextCursor) process.stderr.write(`next page: --cursor ${page.nextCursor}\n`);
}

/**
 * Writes text chunks to a stream, waiting when it is full, so a large export never piles up in memory.
 * A stream error (a reader that went away: EPIPE) rejects instead of crashing the process.
 */
export async function writeAll(out: Writable, chunks: AsyncIterable<string>): Promise<void> {
  let failure: Error | undefined;
  const onError = (error: Error) => (failure = error);
  out.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failure) throw failure;
      if (chunk !== '' && !out.write(chunk)) await once(out, 'drain');
    }
    if (failure) throw failure;
  } finally {
    out.off('error', onError);
  }
}
