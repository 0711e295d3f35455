import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import type { ChannelDriver, ImportFraming } from '../channels/driver.ts';

/** One native payload cut from an import file, with a key that identifies it if the same file is imported again. */
export interface ImportUnit {
  body: string;
  /** How the body is stored when it is not plain UTF-8 text (a latin1 or base64 mail message). */
  contentType?: string | null;
  dedupeKey: string;
  /** Bytes of the file consumed so far, for progress. */
  bytesRead: number;
}

const keyOf = (body: string) => createHash('sha256').update(body).digest('hex');

export interface ImportReaderOptions {
  /** Turns a document's bytes into text when its format declares an encoding (default UTF-8). */
  decode?: ((bytes: Buffer) => string) | undefined;
  /** Turns a document's bytes into the payload to store, bytes kept faithfully (the driver's storeBytes). */
  store?: ChannelDriver['storeBytes'];
  /** Cuts the file into payloads on bytes (the driver's importUnits; required for 'mbox'). */
  units?: ChannelDriver['importUnits'];
}

/** Streams an import file as payload units in constant memory (except 'document': one unit per file). */
export async function* readImportUnits(path: string, framing: ImportFraming, options: ImportReaderOptions = {}): AsyncGenerator<ImportUnit> {
  const { decode } = options;
  const stream = createReadStream(path);
  const bytes = () => stream.bytesRead;
  if (framing === 'document') {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const content = Buffer.concat(chunks);
    if (options.store) {
      const payload = options.store(content);
      if (content.length > 0) yield { body: payload.body, contentType: payload.contentType ?? null, dedupeKey: keyOf(payload.body), bytesRead: bytes() };
      return;
    }
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
  if (framing === 'mbox') {
    if (!options.units) throw new Error('the mbox framing needs the driver to cut messages (importUnits)');
    for await (const { payload, dedupeKey } of options.units(stream)) yield { body: payload.body, contentType: payload.contentType ?? null, dedupeKey, bytesRead: bytes() };
    return;
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) yield { body: line, dedupeKey: keyOf(line), bytesRead: bytes() };
  }
}
