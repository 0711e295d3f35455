import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { NativePayload } from '../driver.ts';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { ParseError, type Attachment as PostAttachment, type CanonicalIdentity, type CanonicalPost, type ParseResult } from '../../listening/canonical.ts';
import { htmlLinks, htmlToText, textLinks, tidy } from '../rss/html-text.ts';
import { messageIds, parseMessage, type Attachment, type HeaderMap } from './mime.ts';

/**
 * One RFC 5322 message → one canonical post (kind email, private). Pure. Threading follows RFC 5322
 * §3.6.4: In-Reply-To names the parent, the first References entry the thread's root.
 */

export const CHANNEL = 'email';

/** Content type of a payload whose body holds the message bytes one per char (latin1), for mail that is not UTF-8. */
export const LATIN1_BYTES_CONTENT_TYPE = 'message/rfc822; x-townhall-bytes=latin1';
/** Content type of a payload whose body holds the message bytes in base64: mail with NUL bytes, which a text column cannot hold. */
export const BASE64_BYTES_CONTENT_TYPE = 'message/rfc822; x-townhall-bytes=base64';

/** The bytes of a stored payload: UTF-8 text, or the byte string / base64 its content type names. */
export function payloadBytes(body: string, contentType: string | null | undefined): Buffer {
  const marked = /x-townhall-bytes=(latin1|base64)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return marked === 'latin1' ? Buffer.from(body, 'latin1') : marked === 'base64' ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/**
 * The payload that stores one message exactly (IMAP and import alike): UTF-8 text when it is UTF-8,
 * else its bytes one per char, marked latin1, so the parser decodes each part by its declared
 * charset; base64 when it holds NUL bytes (PostgreSQL text cannot). payloadBytes gives the bytes back.
 */
export function messagePayload(source: Buffer, meta: Record<string, string> = {}): NativePayload {
  if (source.includes(0)) return { body: source.toString('base64'), contentType: BASE64_BYTES_CONTENT_TYPE, headers: meta };
  return isUtf8(source)
    ? { body: source.toString('utf8'), contentType: 'message/rfc822', headers: meta }
    : { body: source.toString('latin1'), contentType: LATIN1_BYTES_CONTENT_TYPE, headers: meta };
}

export interface Address {
  name: string;
  address: string;
}

/** Addresses of an address field (groups flattened), lowercased, display names RFC 2047-decoded. */
export function addresses(headers: HeaderMap, field: string): Address[] {
  const raw = headers.get(field);
  if (!raw) return [];
  return addressparser(raw, { flatten: true })
    .filter((a) => a.address.includes('@'))
    .map((a) => ({ name: headers.decodedText(a.name), address: a.address.toLowerCase() }));
}

const REPLY_HEADER = [
  /^On .{4,200}wrote:\s*$/i,
  /^Am .{4,200}schrieb .{1,200}:\s*$/i,
  /^Le .{4,200}a écrit\s?:\s*$/i,
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Originalnachricht)\s*-{2,}\s*$/i,
  /^_{5,}\s*$/,
];

/** Drops quoted replies and the signature: cheap cues only ("On ... wrote:", "Am ... schrieb ...:", trailing "> " lines, "-- "). */
export function trimQuoted(text: string): string {
  const lines = text.split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const joined = `${line} ${lines[i + 1] ?? ''}`.trim();
    if (REPLY_HEADER.some((re) => re.test(line.trim())) || (/^(On|Am) /.test(line) && REPLY_HEADER.slice(0, 2).some((re) => re.test(joined)))) {
      cut = i;
      break;
    }
    if (line === '-- ') {
      cut = i;
      break;
    }
    if (line.startsWith('>') && lines.slice(i).every((l) => l.trim() === '' || l.startsWith('>'))) {
      cut = i;
      break;
    }
  }
  const kept = tidy(lines.slice(0, cut).join('\n'));
  return kept || tidy(text);
}

function isoDate(value: string | null): string | null {
  if (!value) return null;
  const time = Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function describe(attachments: Attachment[]): string {
  if (attachments.length === 0) return '';
  const names = attachments.map((a) => `${a.filename ?? 'unnamed'} (${a.contentType}, ${Math.max(1, Math.round(a.size / 1024))} KB)`);
  return `\n\n[Attachments: ${names.join(', ')}]`;
}

/** A MIME attachment's metadata (never its content: mail attachments are not fetched or stored). */
function attachmentOf(attachment: Attachment): PostAttachment {
  const major = attachment.contentType.split('/')[0]?.toLowerCase();
  return {
    type: major === 'image' ? 'image' : major === 'video' ? 'video' : major === 'audio' ? 'audio' : 'file',
    mimeType: attachment.contentType,
    name: attachment.filename,
    sizeBytes: attachment.size,
  };
}

export interface EmailContext {
  /** The connection's own address: its mails are outbound. */
  ownAddress: string | null;
  /** IMAP INTERNALDATE, a fallback for messages without a valid Date header. */
  receivedAt: string | null;
}

/** Parses one message (bytes as given). */
export function parseEmail(bytes: Buffer, ctx: EmailContext): ParseResult {
  const message = parseMessage(bytes);
  const { headers } = message;
  if (!headers.get('from') && !headers.get('message-id') && !headers.get('date') && !headers.get('subject')) {
    throw new ParseError('not an RFC 5322 message: none of From, Date, Message-ID or Subject is present');
  }
  const from = addresses(headers, 'from')[0] ?? addresses(headers, 'sender')[0] ?? null;
  const author: CanonicalIdentity | null = from ? { channel: CHANNEL, externalId: from.address, handle: from.address, displayName: from.name || null } : null;
  const subject = headers.decoded('subject') ?? '';
  const bodySource = message.text ?? (message.html ? htmlToText(message.html) : '');
  const body = trimQuoted(bodySource.replace(/\r\n/g, '\n'));
  const references = messageIds(headers.get('references'));
  const parent = messageIds(headers.get('in-reply-to'))[0] ?? references.at(-1) ?? null;
  const ownId = messageIds(headers.get('message-id'))[0];
  const externalId = ownId ?? `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}`;
  const recipients = [...addresses(headers, 'to'), ...addresses(headers, 'cc')].map((a) => a.address);
  const language = headers.get('content-language')?.trim().toLowerCase().match(/^([a-z]{2})\b/)?.[1] ?? null;
  const text = [subject, body].filter(Boolean).join('\n\n') + describe(message.attachments);
  const post: CanonicalPost = {
    channel: CHANNEL,
    externalId,
    author,
    kind: 'email',
    direction: ctx.ownAddress && from?.address === ctx.ownAddress.toLowerCase() ? 'out' : 'in',
    visibility: 'private',
    // NUL bytes in a body (binary junk, broken senders) cannot be stored in a text column.
    text: text.replaceAll('\u0000', '').slice(0, 100_000),
    language,
    postedAt: isoDate(headers.get('date')) ?? ctx.receivedAt ?? new Date(0).toISOString(),
    parentExternalId: parent && parent !== externalId ? parent : null,
    threadExternalId: references[0] ?? parent ?? null,
    mentions: [...new Set(recipients)],
    links: message.text ? textLinks(body) : htmlLinks(message.html ?? ''),
    metrics: {},
    url: null,
    ...(message.attachments.length > 0 ? { attachments: message.attachments.map(attachmentOf) } : {}),
  };
  return { items: [{ type: 'post', post }] };
}
