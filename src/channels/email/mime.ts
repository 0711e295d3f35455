import iconv from 'iconv-lite';
import libmime from 'libmime';
import libqp from 'libqp';

/**
 * A small synchronous MIME reader (RFC 5322 / 2045-2047 / 2231 / 3676) over libmime, libqp and
 * iconv-lite. Driver parsing must be pure and synchronous (the pipeline calls parse() inside its
 * transaction), and mailparser only offers a streaming, asynchronous API; these are the same
 * building blocks mailparser itself uses. Structure is walked on a byte-preserving latin1 view of
 * the message, so 8-bit parts are decoded with their own charset.
 */

export interface Attachment {
  filename: string | null;
  contentType: string;
  size: number;
}

export interface ParsedMessage {
  headers: HeaderMap;
  /** The readable body: text/plain, else text/html converted later by the caller. */
  text: string | null;
  html: string | null;
  attachments: Attachment[];
}

/** Header fields by lowercase name, values unfolded, raw (not RFC 2047 decoded). */
export class HeaderMap {
  private readonly fields = new Map<string, string[]>();

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    this.fields.set(key, [...(this.fields.get(key) ?? []), value]);
  }

  /** First value of a field, raw. */
  get(name: string): string | null {
    return this.fields.get(name.toLowerCase())?.[0] ?? null;
  }

  /** First value with RFC 2047 encoded words decoded (Subject, display names). */
  decoded(name: string): string | null {
    const raw = this.get(name);
    return raw === null ? null : libmime.decodeWords(raw).trim();
  }

  /** A header fragment (e.g. a display name) with RFC 2047 encoded words decoded. */
  decodedText(value: string): string {
    return libmime.decodeWords(value).trim();
  }

  get size(): number {
    return this.fields.size;
  }
}

const MAX_DEPTH = 20;

/** Splits a latin1 view into header block and body at the first empty line. */
function splitEntity(bin: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(bin);
  if (!match) return { head: bin, body: '' };
  return { head: bin.slice(0, match.index), body: bin.slice(match.index + match[0].length) };
}

/** Parses a header block (latin1 view) into fields; raw 8-bit values are read as UTF-8 (RFC 6532). */
export function parseHeaderBlock(head: string): HeaderMap {
  const headers = new HeaderMap();
  const unfolded = head.replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    headers.add(name, Buffer.from(line.slice(colon + 1), 'latin1').toString('utf8').trim());
  }
  return headers;
}

/** Decodes bytes in a MIME charset; unknown or absent charsets read as UTF-8. */
export function decodeCharset(bytes: Buffer, charset: string | null | undefined): string {
  const name = (charset ?? '').trim().toLowerCase();
  if (!name || name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii') return bytes.toString('utf8');
  return iconv.encodingExists(name) ? iconv.decode(bytes, name) : bytes.toString('utf8');
}

function transferDecode(body: string, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(libqp.decode(body));
    default:
      return Buffer.from(body, 'latin1');
  }
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  let current: string[] | null = null;
  const delimiter = `--${boundary}`;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      const rest = line.slice(delimiter.length);
      if (rest.trimEnd() === '--') {
        if (current) parts.push(current.join('\r\n'));
        return parts;
      }
      if (rest.trim() === '') {
        if (current) parts.push(current.join('\r\n'));
        current = [];
        continue;
      }
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

interface Collected {
  plain: string[];
  html: string[];
  attachments: Attachment[];
}

function walk(bin: string, collected: Collected, depth: number, headersOverride?: HeaderMap): void {
  const { head, body } = splitEntity(bin);
  const headers = headersOverride ?? parseHeaderBlock(head);
  const type = libmime.parseHeaderValue(headers.get('content-type') ?? 'text/plain; charset=us-ascii');
  const mimeType = (type.value || 'text/plain').toLowerCase();
  const disposition = libmime.parseHeaderValue(headers.get('content-disposition') ?? '');
  const filenameRaw = disposition.params['filename'] ?? type.params['name'] ?? null;
  const filename = filenameRaw ? libmime.decodeWords(filenameRaw) : null;
  if (mimeType.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = type.params['boundary'];
    if (boundary) {
      for (const part of splitMultipart(body, boundary)) walk(part, collected, depth + 1);
      return;
    }
  }
  const bytes = transferDecode(body, headers.get('content-transfer-encoding') ?? '7bit');
  const isAttachment = disposition.value.toLowerCase() === 'attachment' || filename !== null || !(mimeType === 'text/plain' || mimeType === 'text/html');
  if (isAttachment) {
    collected.attachments.push({ filename, contentType: mimeType, size: bytes.length });
    return;
  }
  let text = decodeCharset(bytes, type.params['charset']);
  if (mimeType === 'text/html') {
    collected.html.push(text);
    return;
  }
  if ((type.params['format'] ?? '').toLowerCase() === 'flowed') text = libmime.decodeFlowed(text, (type.params['delsp'] ?? '').toLowerCase() === 'yes');
  collected.plain.push(text.replace(/\r\n/g, '\n'));
}

/** Parses one RFC 5322 message given as bytes. */
export function parseMessage(bytes: Buffer): ParsedMessage {
  const bin = bytes.toString('latin1');
  const { head } = splitEntity(bin);
  const headers = parseHeaderBlock(head);
  const collected: Collected = { plain: [], html: [], attachments: [] };
  walk(bin, collected, 0, headers);
  return {
    headers,
    text: collected.plain.length > 0 ? collected.plain.join('\n\n') : null,
    html: collected.html.length > 0 ? collected.html.join('\n') : null,
    attachments: collected.attachments,
  };
}

/** Message ids (without angle brackets) in a Message-ID, In-Reply-To or References field, in order. */
export function messageIds(value: string | null): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] ?? '').filter(Boolean);
  if (bracketed.length > 0) return bracketed;
  // Some mailers omit the brackets.
  return value.split(/[\s,]+/).filter((token) => /^[^@\s]+@[^@\s]+$/.test(token));
}
