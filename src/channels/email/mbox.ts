import { createHash } from 'node:crypto';
import type { NativePayload } from '../driver.ts';
import { messagePayload } from './email.parse.ts';

/**
 * Cuts an mbox file (RFC 4155, mboxrd quoting) or a single .eml into messages on bytes, never
 * decoding them: 8-bit bodies in any charset reach the parser as they are in the file. Streaming:
 * memory holds one message (and one line) at a time, whatever the file size.
 */

const FROM = Buffer.from('From ');
const LF = 0x0a;

/** True for the bytes of an mboxrd-quoted line: one or more ">" then "From ". */
function isQuotedFrom(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && line[i] === 0x3e) i++;
  return i > 0 && line.subarray(i, i + FROM.length).equals(FROM);
}

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;

/** The message without the blank lines around it (mbox separates messages with an empty line). */
function trimmed(parts: Buffer[]): Buffer {
  const bytes = Buffer.concat(parts);
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}

/** Lines of a byte stream, each with its line ending; the last one may have none. */
async function* byteLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1');
    if (rest.length > 0) data = Buffer.concat([rest, data]);
    let start = 0;
    for (let at = data.indexOf(LF, start); at !== -1; at = data.indexOf(LF, start)) {
      yield data.subarray(start, at + 1);
      start = at + 1;
    }
    rest = Buffer.from(data.subarray(start));
  }
  if (rest.length > 0) yield rest;
}

/**
 * The messages of an mbox, as bytes: a "From " line at the start of a line opens the next message
 * (and is not part of it); mboxrd's ">From " quoting loses one ">". A file whose first line is not a
 * "From " line is one message (.eml), kept whole.
 */
export async function* splitMbox(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let single: boolean | undefined;
  for await (const line of byteLines(source)) {
    single ??= !line.subarray(0, FROM.length).equals(FROM);
    if (single) {
      parts.push(line);
      continue;
    }
    if (line.subarray(0, FROM.length).equals(FROM)) {
      const message = trimmed(parts);
      parts = [];
      if (message.length > 0) yield message;
      continue;
    }
    parts.push(isQuotedFrom(line) ? line.subarray(1) : line);
  }
  const message = trimmed(parts);
  if (message.length > 0) yield message;
}

/** One message of an import file: the payload to store (exact bytes, see messagePayload) and its dedupe key. */
export interface MailImportUnit {
  payload: NativePayload;
  /** sha256 of the message bytes: importing the same file again finds the same keys. */
  dedupeKey: string;
}

/** The import units of an .eml or mbox byte stream, stored the way IMAP stores a message. */
export async function* mailImportUnits(source: AsyncIterable<Buffer | string>): AsyncGenerator<MailImportUnit> {
  for await (const message of splitMbox(source)) {
    yield { payload: messagePayload(message), dedupeKey: createHash('sha256').update(message).digest('hex') };
  }
}
