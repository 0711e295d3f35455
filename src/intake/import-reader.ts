import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import type { ImportFraming } from '../channels/driver.ts';

/** One native payload cut from an import file, with a key that identifies it if the same file is imported again. */
export interface ImportUnit {
  body: string;
  dedupeKey: string;
  /** Bytes of the file consumed so far, for progress. */
  bytesRead: number;
}

const keyOf = (body: string) => createHash('sha256').update(body).digest('hex');

/**
 * Streams an import file as payload units in constant memory (except 'document': one unit per file).
 * `decode` turns a document's bytes into text when its format declares an encoding (default UTF-8).
 */
export async function* readImportUnits(path: string, framing: ImportFraming, decode?: (bytes: Buffer) => string): AsyncGenerator<ImportUnit> {
  const stream = createReadStream(path);
  const bytes = () => stream.bytesRead;
  if (framing === 'document') {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const content = Buffer.concat(chunks);
    const body = decode ? decode(content) : content.toString('utf8');
    if (body.trim()) yield { body, dedupeKey: keyOf(body), bytesRead: bytes() };
    return;
  }
  if (framing === 'csv') {
    const parser = stream.pipe(parseCsv({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }));
    for await (const record of parser) {
      const body = JSON.stringify(record);
      yield { body, dedupeKey: keyOf(body), bytesRead: bytes() };
    }
    return;
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  if (framing === 'lines') {
    for await (const line of lines) {
      if (line.trim()) yield { body: line, dedupeKey: keyOf(line), bytesRead: bytes() };
    }
    return;
  }
  // mbox: messages start at lines "From " at the beginning of a line; ">From " quoting is undone.
  // A file whose first line is not a "From " line is not an mbox but one message (.eml): kept whole.
  let message: string[] = [];
  let single: boolean | undefined;
  const flush = function* (): Generator<ImportUnit> {
    const body = message.join('\n').trim();
    message = [];
    if (body) yield { body, dedupeKey: keyOf(body), bytesRead: bytes() };
  };
  for await (const line of lines) {
    single ??= !line.startsWith('From ');
    if (single) {
      message.push(line);
      continue;
    }
    if (line.startsWith('From ')) {
      yield* flush();
      continue;
    }
    message.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  yield* flush();
}
