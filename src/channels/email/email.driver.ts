import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { Type } from 'typebox';
import { BlockedAddressError, isPrivateAddress } from '../../platform/net/safe-fetch.ts';
import type { ChannelDriver, ConnectionView, DriverRuntime, NativePayload, OutboundMessage, PollResult } from '../driver.ts';
import { addresses, messagePayload, parseEmail, payloadBytes } from './email.parse.ts';

export { messagePayload };
import { mailImportUnits } from './mbox.ts';
import { messageIds, parseHeaderBlock, type HeaderMap } from './mime.ts';

/** Messages fetched per poll at most; the rest follow on the next poll. */
const DEFAULT_MAX_MESSAGES = 200;

const text = (settings: Record<string, unknown>, key: string): string | null => (typeof settings[key] === 'string' && settings[key] !== '' ? settings[key] : null);
const num = (settings: Record<string, unknown>, key: string, fallback: number): number => (typeof settings[key] === 'number' ? settings[key] : fallback);
const bool = (settings: Record<string, unknown>, key: string, fallback: boolean): boolean => (typeof settings[key] === 'boolean' ? settings[key] : fallback);

/**
 * Resolves a mail server's host name once and checks the addresses like the HTTP guard does
 * (mail hosts are user input too); the connection then goes to that address, with the name kept
 * for TLS, so DNS cannot be switched in between.
 */
export async function resolveMailHost(host: string, runtime: Pick<DriverRuntime, 'allowPrivateNetwork'>): Promise<string> {
  const found = await lookup(host, { all: true });
  const first = found[0];
  if (!first) throw new Error(`no address for ${host}`);
  if (!runtime.allowPrivateNetwork) {
    const blocked = found.find((a) => isPrivateAddress(a.address));
    if (blocked) throw new BlockedAddressError(host, blocked.address);
  }
  return first.address;
}

async function openImap(connection: ConnectionView, runtime: DriverRuntime): Promise<ImapFlow> {
  const host = text(connection.settings, 'imapHost');
  const user = text(connection.settings, 'username');
  const pass = connection.secrets['password'];
  if (!host || !user || !pass) throw new Error('IMAP needs settings.imapHost, settings.username and settings.password');
  const address = await resolveMailHost(host, runtime);
  const client = new ImapFlow({
    host: address,
    servername: host,
    port: num(connection.settings, 'imapPort', 993),
    secure: bool(connection.settings, 'imapSecure', true),
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true,
    tls: { servername: host, rejectUnauthorized: bool(connection.settings, 'tlsRejectUnauthorized', true) },
  });
  // Errors after connect surface through the pending command; an unhandled 'error' event would crash the process.
  client.on('error', (error: unknown) => runtime.log.warn({ connectionId: connection.id, err: error instanceof Error ? error.message : String(error) }, 'IMAP connection error'));
  const abort = () => client.close();
  runtime.signal.addEventListener('abort', abort, { once: true });
  client.on('close', () => runtime.signal.removeEventListener('abort', abort));
  await client.connect();
  return client;
}

async function closeImap(client: ImapFlow): Promise<void> {
  try {
    await client.logout();
  } catch {
    client.close();
  }
}

/**
 * Polls one IMAP mailbox (read-only, nothing is marked seen): fetches the source of messages with
 * UID above state.lastUid. When the mailbox's UIDVALIDITY changes the UIDs mean nothing any more, so
 * the mailbox is read again from the start; Message-ID idempotency keeps that from doubling posts.
 */
async function pollMailbox(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult> {
  // Import-only or send-only connections have no mailbox to read.
  if (!text(connection.settings, 'imapHost')) return { payloads: [], state: connection.state, retryAfterSeconds: 3600 };
  const mailbox = text(connection.settings, 'mailbox') ?? 'INBOX';
  const max = num(connection.settings, 'maxMessagesPerPoll', DEFAULT_MAX_MESSAGES);
  const client = await openImap(connection, runtime);
  try {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      if (!client.mailbox) throw new Error(`mailbox ${mailbox} could not be opened`);
      const uidValidity = String(client.mailbox.uidValidity);
      const known = connection.state['uidValidity'];
      const lastUid = known === uidValidity && typeof connection.state['lastUid'] === 'number' ? connection.state['lastUid'] : 0;
      if (typeof known === 'string' && known !== uidValidity) runtime.log.warn({ connectionId: connection.id, mailbox }, 'UIDVALIDITY changed: reading the mailbox again from the start');
      const state = { ...connection.state, uidValidity, lastUid, mailbox };
      if (client.mailbox.exists === 0) return { payloads: [], state };
      // "n:*" always matches the highest UID, even below n, hence the filter.
      const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
      const uids = (found || []).filter((uid) => uid > lastUid).sort((a, b) => a - b).slice(0, max);
      if (uids.length === 0) return { payloads: [], state };
      const messages = await client.fetchAll(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true });
      messages.sort((a, b) => a.uid - b.uid);
      const payloads: NativePayload[] = [];
      for (const message of messages) {
        if (!message.source) continue;
        const internal = message.internalDate ? new Date(message.internalDate) : null;
        payloads.push(
          messagePayload(message.source, {
            'x-imap-mailbox': mailbox,
            'x-imap-uidvalidity': uidValidity,
            'x-imap-uid': String(message.uid),
            ...(internal && !Number.isNaN(internal.getTime()) ? { 'x-imap-internaldate': internal.toISOString() } : {}),
          }),
        );
      }
      return { payloads, state: { ...state, lastUid: Math.max(lastUid, ...messages.map((m) => m.uid)) } };
    } finally {
      lock.release();
    }
  } finally {
    await closeImap(client);
  }
}

export interface ReplyHeaders {
  to: string;
  subject: string;
  inReplyTo: string;
  references: string[];
}

/** RFC 5322 §3.6.4 reply fields from the parent's header: References = parent's References (or In-Reply-To) + its Message-ID. */
export function replyHeaders(parent: HeaderMap): ReplyHeaders {
  const id = messageIds(parent.get('message-id'))[0];
  if (!id) throw new Error('the message replied to has no Message-ID');
  const to = addresses(parent, 'reply-to')[0] ?? addresses(parent, 'from')[0];
  if (!to) throw new Error('the message replied to has no From or Reply-To address');
  const earlier = messageIds(parent.get('references'));
  const chain = earlier.length > 0 ? earlier : messageIds(parent.get('in-reply-to')).slice(0, 1);
  const subject = parent.decoded('subject') ?? '';
  return {
    to: to.address,
    subject: /^\s*(re|aw|sv|antw)\s*:/i.test(subject) ? subject : `Re: ${subject}`.trim(),
    inReplyTo: `<${id}>`,
    references: [...new Set([...chain, id])].map((ref) => `<${ref}>`),
  };
}

/** The header of the message with this Message-ID in the connection's mailbox, if it is there. */
async function findParentHeader(connection: ConnectionView, runtime: DriverRuntime, messageId: string): Promise<HeaderMap | null> {
  const client = await openImap(connection, runtime);
  try {
    const lock = await client.getMailboxLock(text(connection.settings, 'mailbox') ?? 'INBOX', { readOnly: true });
    try {
      const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      const uid = (uids || []).at(-1);
      if (uid === undefined) return null;
      const [message] = await client.fetchAll(String(uid), { uid: true, headers: true }, { uid: true });
      return message?.headers ? parseHeaderBlock(message.headers.toString('latin1')) : null;
    } finally {
      lock.release();
    }
  } finally {
    await closeImap(client);
  }
}

/**
 * Replies by SMTP with the threading headers mail clients need: In-Reply-To = the parent's
 * Message-ID, References = the parent's References + its Message-ID, Subject "Re: ...". The parent's
 * header is read from the IMAP mailbox; when it is not there, the thread root and parent stored in
 * Townhall are used as References.
 */
async function sendReply(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  const from = text(connection.settings, 'address');
  const smtpHost = text(connection.settings, 'smtpHost');
  if (!from || !smtpHost) throw new Error('sending email needs settings.address and settings.smtpHost');
  if (message.kind === 'publish') throw new Error('email has no public posts; send replies or messages');
  const target = message.inReplyTo;
  if (!target) throw new Error('an email reply needs the message it answers');
  const parent = text(connection.settings, 'imapHost') ? await findParentHeader(connection, runtime, target.externalId) : null;
  let headers: ReplyHeaders;
  if (parent) {
    headers = replyHeaders(parent);
  } else {
    if (!target.authorExternalId) throw new Error('the message replied to is not in the mailbox and has no known sender');
    const chain = [target.threadExternalId, target.externalId].filter((id): id is string => !!id && !id.startsWith('sha256:'));
    headers = { to: target.authorExternalId, subject: 'Re: your message', inReplyTo: `<${target.externalId}>`, references: [...new Set(chain)].map((id) => `<${id}>`) };
  }
  const domain = from.split('@')[1] ?? 'townhall.invalid';
  const messageId = `${randomUUID()}@${domain}`;
  const address = await resolveMailHost(smtpHost, runtime);
  const user = text(connection.settings, 'smtpUsername') ?? text(connection.settings, 'username');
  const pass = connection.secrets['smtpPassword'] ?? connection.secrets['password'];
  const transport = nodemailer.createTransport({
    host: address,
    port: num(connection.settings, 'smtpPort', 465),
    secure: bool(connection.settings, 'smtpSecure', true),
    ...(user && pass ? { auth: { user, pass } } : {}),
    tls: { servername: smtpHost, rejectUnauthorized: bool(connection.settings, 'tlsRejectUnauthorized', true) },
  });
  try {
    const fromName = text(connection.settings, 'fromName');
    await transport.sendMail({
      from: fromName ? { name: fromName, address: from } : from,
      to: headers.to,
      subject: headers.subject,
      text: message.text,
      messageId: `<${messageId}>`,
      inReplyTo: headers.inReplyTo,
      references: headers.references,
    });
  } finally {
    transport.close();
  }
  return { externalId: messageId };
}

/**
 * Email: IMAP polling, .eml/mbox import, SMTP replies. `importUnits` cuts an import file on bytes and
 * stores each message like IMAP does (mbox.ts); the import reader is to use it for this driver.
 */
export const emailDriver: ChannelDriver = {
  type: 'email',
  label: 'Email (IMAP/SMTP)',
  settingsSchema: Type.Object(
    {
      address: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 320, description: 'The mailbox\'s own address: From of replies; its mails count as outbound' })),
      fromName: Type.Optional(Type.String({ maxLength: 200, description: 'Display name for replies' })),
      imapHost: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      imapPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'default 993' })),
      imapSecure: Type.Optional(Type.Boolean({ description: 'TLS from the start (default true); false for plain or STARTTLS' })),
      username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
      password: Type.Optional(Type.String({ minLength: 1, description: 'IMAP password (and SMTP, unless smtpPassword is set)' })),
      mailbox: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Mailbox to read (default INBOX)' })),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400, description: 'Seconds between polls (default 60)' })),
      maxMessagesPerPoll: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
      smtpHost: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      smtpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'default 465' })),
      smtpSecure: Type.Optional(Type.Boolean({ description: 'TLS from the start (default true); false for STARTTLS on 587' })),
      smtpUsername: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
      smtpPassword: Type.Optional(Type.String({ minLength: 1 })),
      tlsRejectUnauthorized: Type.Optional(Type.Boolean({ description: 'Verify server certificates (default true)' })),
    },
    { additionalProperties: false },
  ),
  secretKeys: ['password', 'smtpPassword'],
  receivesWebhooks: false,
  // mbox files and single .eml files alike: a file not starting with a "From " line is one message.
  importFraming: 'mbox',
  parse(payload, connection) {
    const own = connection?.settings['address'];
    return parseEmail(payloadBytes(payload.body, payload.contentType), {
      ownAddress: typeof own === 'string' ? own : null,
      receivedAt: payload.headers?.['x-imap-internaldate'] ?? null,
    });
  },
  poll: pollMailbox,
  send: sendReply,
  importUnits: mailImportUnits,
};
