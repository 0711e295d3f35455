import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

/**
 * The character set of a feed document, found as RFC 7303 and the XML spec (appendix F) say, with the
 * leniency real feeds need: a byte order mark, then the HTTP Content-Type charset, then the XML prolog,
 * then (nothing declared) UTF-8 when the bytes are valid UTF-8, else a statistical guess (chardet).
 * A feed served as UTF-8 whose bytes are not UTF-8 is guessed too: the header is wrong, the text is not.
 */

export type CharsetSource = 'bom' | 'header' | 'prolog' | 'utf8' | 'guess';

export interface DetectedCharset {
  charset: string;
  source: CharsetSource;
  /** Bytes of a byte order mark to skip. */
  skip: number;
}

/** Charset named by a Content-Type header. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const match = contentType?.match(/charset\s*=\s*"?([^";\s]+)/i);
  return match?.[1] ?? null;
}

/** Charset declared in an XML prolog (<?xml ... encoding="..."?>), read as ASCII from the first bytes. */
export function charsetFromProlog(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 512).toString('latin1');
  const match = head.match(/^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/);
  return match?.[1] ?? null;
}

const GUESS_SAMPLE_BYTES = 64 * 1024;

const isUtf8Name = (name: string) => /^utf-?8$/i.test(name);
const usable = (name: string | null): name is string => name !== null && iconv.encodingExists(name);

/** Finds the charset of a feed's bytes (see the module comment for the order). */
export function detectFeedCharset(bytes: Buffer, contentType?: string | null): DetectedCharset {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', source: 'bom', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', source: 'bom', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', source: 'bom', skip: 2 };
  // "<?" in UTF-16 without a mark (XML appendix F): the prolog cannot be read as ASCII then.
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return { charset: 'utf-16le', source: 'prolog', skip: 0 };
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return { charset: 'utf-16be', source: 'prolog', skip: 0 };
  const header = charsetFromContentType(contentType);
  const prolog = charsetFromProlog(bytes);
  for (const [declared, source] of [[header, 'header'], [prolog, 'prolog']] as const) {
    if (!usable(declared)) continue;
    if (isUtf8Name(declared) && !isUtf8(bytes)) break;
    // A 16-bit charset declared in an 8-bit prolog is impossible: the bytes read as ASCII.
    if (/^utf-?16/i.test(declared) && source === 'prolog') continue;
    return { charset: declared, source, skip: 0 };
  }
  if (isUtf8(bytes)) return { charset: 'utf-8', source: 'utf8', skip: 0 };
  // The first 64 KB say as much about a charset as the whole feed, at a fraction of the time.
  const guess = chardet.detect(bytes.subarray(0, GUESS_SAMPLE_BYTES));
  // Windows-1252 is what undeclared Western text usually is, and a superset of ISO-8859-1's printable range.
  return { charset: usable(guess) && !isUtf8Name(guess) ? guess : 'windows-1252', source: 'guess', skip: 0 };
}

/** Decodes a feed's bytes to text by its detected charset. */
export function decodeFeed(bytes: Buffer, contentType?: string | null): string {
  const { charset, skip } = detectFeedCharset(bytes, contentType);
  const content = bytes.subarray(skip);
  return isUtf8Name(charset) ? content.toString('utf8') : iconv.decode(content, charset);
}
