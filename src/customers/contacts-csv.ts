import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/**
 * Streaming CSV records for the contacts import. The delimiter is sniffed from the header line
 * (comma, semicolon as in European spreadsheet exports, or tab); a UTF-8 BOM is dropped; quoted
 * cells may hold delimiters and line breaks. Memory stays bounded: records are pulled one by one.
 */

/** The delimiter that splits the header line into the most cells, quotes respected. */
export function sniffDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const delimiter of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

async function* asStrings(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** CSV records (arrays of cells) from a text source, the header first. */
export async function* csvRecords(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string> | string): AsyncGenerator<string[]> {
  const strings = asStrings(typeof source === 'string' ? [source] : source);
  let head = '';
  let done = false;
  while (!/\r|\n/.test(head)) {
    const next = await strings.next();
    if (next.done) {
      done = true;
      break;
    }
    head += next.value;
  }
  const delimiter = sniffDelimiter(head.replace(/^\uFEFF/, '').split(/\r?\n|\r/, 1)[0] ?? '');
  async function* all(): AsyncGenerator<string> {
    if (head) yield head;
    if (!done) yield* strings;
  }
  const parser = Readable.from(all()).pipe(parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_empty_values: true }));
  for await (const record of parser) {
    if (Array.isArray(record)) yield record.map((cell) => String(cell));
  }
}
