import { isUtf8 } from 'node:buffer';
import type { NativePayload } from './driver.ts';

/**
 * A payload whose meaning depends on its exact bytes (a feed in ISO-8859-1, a UTF-16 document) is
 * stored so that the bytes come back unchanged: `raw_intake.body` is text, so the bytes are written as
 * UTF-8 text when they are valid UTF-8 (without a byte order mark), one char per byte (latin1) otherwise, and base64 when they hold
 * NUL bytes (which PostgreSQL text cannot). A parameter on the content type says which; decoding to
 * characters is then the parser's job, so a re-parse after a fix sees what the platform sent.
 */

const MARK = /;\s*x-townhall-bytes=(utf8|latin1|base64)/i;

/** The stored form of raw bytes, keeping the content type they came with (for its charset). */
export function bytesPayload(bytes: Buffer, contentType: string | null | undefined, headers?: Record<string, string>): NativePayload {
  const base = (contentType ?? '').replace(MARK, '').trim() || 'application/octet-stream';
  // A leading byte order mark is kept as bytes: the embedded store drops a leading U+FEFF from text.
  const asText = isUtf8(bytes) && !(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);
  const [body, how] = bytes.includes(0) ? [bytes.toString('base64'), 'base64'] : asText ? [bytes.toString('utf8'), 'utf8'] : [bytes.toString('latin1'), 'latin1'];
  return { body, contentType: `${base}; x-townhall-bytes=${how}`, ...(headers ? { headers } : {}) };
}

/** The bytes of a payload stored by bytesPayload, or null for a body stored as decoded text (older rows). */
export function storedBytes(payload: Pick<NativePayload, 'body' | 'contentType'>): Buffer | null {
  const how = MARK.exec(payload.contentType ?? '')?.[1]?.toLowerCase();
  if (how === 'utf8') return Buffer.from(payload.body, 'utf8');
  if (how === 'latin1') return Buffer.from(payload.body, 'latin1');
  if (how === 'base64') return Buffer.from(payload.body, 'base64');
  return null;
}

/** The content type the bytes came with, without the storage mark. */
export function originalContentType(contentType: string | null | undefined): string | null {
  const base = (contentType ?? '').replace(MARK, '').trim();
  return base === '' || base === 'application/octet-stream' ? null : base;
}
