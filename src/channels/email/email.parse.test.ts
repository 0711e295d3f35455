import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost } from '../../listening/canonical.ts';
import { emailDriver, messagePayload, replyHeaders } from './email.driver.ts';
import { trimQuoted } from './email.parse.ts';
import { parseHeaderBlock } from './mime.ts';

const raw = (name: string) => readFileSync(new URL(`../../../test/fixtures/email/${name}`, import.meta.url));
const post = (body: string, contentType?: string, settings: Record<string, unknown> = {}): CanonicalPost => {
  const items = emailDriver.parse({ body, contentType }, { settings }).items;
  expect(items).toHaveLength(1);
  const item = items[0];
  if (item?.type !== 'post') throw new Error('expected a post');
  return item.post;
};

describe('email message parsing', () => {
  it('reads a quoted-printable ISO-8859-1 question with an encoded-word sender and subject', () => {
    expect(post(raw('thread-1-question.eml').toString('utf8'))).toEqual({
      channel: 'email',
      externalId: '20260302091500.4711@mailbox.example',
      author: { channel: 'email', externalId: 'joerg.mueller@mailbox.example', handle: 'joerg.mueller@mailbox.example', displayName: 'Jörg Müller' },
      kind: 'email',
      direction: 'in',
      visibility: 'private',
      text: 'Akku lädt nicht mehr voll\n\nGuten Tag,\n\nseit dem Update auf Firmware 2.3 lädt der Akku meines Trail 500 nur noch bis 80 %. Das ist für meine Pendelstrecke (42 km) zu wenig.\n\nMit freundlichen Grüßen\nJörg Müller',
      language: 'de',
      postedAt: '2026-03-02T08:15:00.000Z',
      parentExternalId: null,
      threadExternalId: null,
      mentions: ['support@kestrel-bikes.example'],
      links: [],
      metrics: {},
      url: null,
    });
  });

  it('prefers the plain part of multipart/alternative and trims the quoted original', () => {
    const reply = post(raw('thread-2-reply.eml').toString('utf8'), undefined, { address: 'support@kestrel-bikes.example' });
    expect(reply).toMatchObject({ externalId: 'kb-support-7f3a9c21@kestrel-bikes.example', parentExternalId: '20260302091500.4711@mailbox.example', threadExternalId: '20260302091500.4711@mailbox.example', direction: 'out' });
    expect(reply.text).toBe('Re: Akku lädt nicht mehr voll\n\nHallo Herr Müller,\n\nmit Firmware 2.3 ist der Akkuschonmodus ab Werk aktiv. Sie können ihn unter Einstellungen → Akku → Schonladen ausschalten. Anleitung: https://kestrel-bikes.example/hilfe/schonladen\n\nViele Grüße\nIhr Kestrel-Support');
    expect(reply.links).toEqual(['https://kestrel-bikes.example/hilfe/schonladen']);
  });

  it('threads the follow-up by In-Reply-To and the first References entry, decodes format=flowed, lists the attachment by name', () => {
    const followUp = post(raw('thread-3-followup.eml').toString('utf8'));
    expect(followUp).toMatchObject({ externalId: 'CAF=k9x2Tq@mail.mailbox.example', parentExternalId: 'kb-support-7f3a9c21@kestrel-bikes.example', threadExternalId: '20260302091500.4711@mailbox.example', postedAt: '2026-03-02T11:40:57.000Z' });
    expect(followUp.text).toBe("Re: Akku lädt nicht mehr voll\n\nDanke, das war's! Nach dem Ausschalten lädt er wieder auf 100 %. Foto vom Display anbei.\n\nGrüße\nJörg\n\n[Attachments: Akkuanzeige 100%.jpg (image/jpeg, 2 KB)]");
    expect(followUp.text).not.toContain('/9j/');
    expect(post(raw('thread-4-closing.eml').toString('utf8'))).toMatchObject({ parentExternalId: 'CAF=k9x2Tq@mail.mailbox.example', threadExternalId: '20260302091500.4711@mailbox.example' });
  });

  it('turns an HTML-only mail into text without scripts or styles and keeps its links', () => {
    const mail = post(raw('html-only.eml').toString('utf8'));
    expect(mail).toMatchObject({ externalId: 'b7e2a1f0.88213@example.org', language: 'en', author: { displayName: 'Priya Shah', externalId: 'priya.shah@example.org' }, mentions: ['support@kestrel-bikes.example', 'orders@kestrel-bikes.example'], links: ['https://photos.example.org/album/kb88213'] });
    expect(mail.text).toBe("Order KB-88213 arrived damaged\n\nOrder KB-88213\n\nHi Kestrel team,\n\nmy Commuter 300 arrived today with a bent rear derailleur hanger & a scratched frame. The box was clearly dropped.\n\nOrder KB-88213\nDelivered 14 March 2026\n\nPhotos are here: my album. I'd like a replacement, not a refund.\n\nThanks,\nPriya");
  });

  it('gives a message without Message-ID a stable hash id', () => {
    const body = raw('no-message-id.eml').toString('utf8');
    const first = post(body);
    expect(first.externalId).toMatch(/^sha256:[0-9a-f]{40}$/);
    expect(post(body).externalId).toBe(first.externalId);
    expect(first).toMatchObject({ author: { externalId: 'ben@example.net', displayName: null }, postedAt: '2026-03-15T15:12:40.000Z' });
  });

  it('decodes 8-bit ISO-8859-1 mail stored as a byte string', () => {
    const bytes = Buffer.concat([Buffer.from('From: kunde@example.de\r\nSubject: Frage\r\nMessage-ID: <l1@example.de>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65])]);
    const payload = messagePayload(bytes, {});
    expect(payload.contentType).toMatch(/x-townhall-bytes=latin1/);
    expect(post(payload.body, payload.contentType ?? undefined).text).toBe('Frage\n\nGrüße');
    expect(messagePayload(Buffer.from('Subject: ü\r\n\r\nü'), {}).contentType).toBe('message/rfc822');
  });

  it('rejects text that is not a message', () => {
    expect(() => emailDriver.parse({ body: 'hello world\nthis is not mail' })).toThrow(ParseError);
  });
});

describe('email replies and quoting', () => {
  it('builds In-Reply-To, References (parent References + parent id) and a single "Re: " subject', () => {
    const parent = parseHeaderBlock(raw('thread-3-followup.eml').toString('latin1').split('\n\n')[0] ?? '');
    expect(replyHeaders(parent)).toEqual({
      to: 'joerg.mueller@mailbox.example',
      subject: 'Re: Akku lädt nicht mehr voll',
      inReplyTo: '<CAF=k9x2Tq@mail.mailbox.example>',
      references: ['<20260302091500.4711@mailbox.example>', '<kb-support-7f3a9c21@kestrel-bikes.example>', '<CAF=k9x2Tq@mail.mailbox.example>'],
    });
    const first = parseHeaderBlock(raw('thread-1-question.eml').toString('latin1').split('\n\n')[0] ?? '');
    expect(replyHeaders(first)).toMatchObject({ subject: 'Re: Akku lädt nicht mehr voll', references: ['<20260302091500.4711@mailbox.example>'], to: 'joerg.mueller@mailbox.example' });
  });

  it('trims English and German reply headers, trailing quotes and signatures, but keeps an all-quoted text', () => {
    expect(trimQuoted('Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Ann <a@x.example> wrote:\n> hi')).toBe('Thanks!');
    expect(trimQuoted('Danke!\n\nAm 02.03.2026 um 10:00 schrieb Ann\n<a@x.example>:\n> hallo')).toBe('Danke!');
    expect(trimQuoted('Yes.\n> quoted\n>\n> more')).toBe('Yes.');
    expect(trimQuoted('> a\ninline answer\n> b\nsecond answer')).toBe('> a\ninline answer\n> b\nsecond answer');
    expect(trimQuoted('Body\n-- \nSig')).toBe('Body');
    expect(trimQuoted('> only quoted')).toBe('> only quoted');
  });
});

describe('email attachments as metadata', () => {
  it('keeps the name, MIME type and size of each attachment, never its content', () => {
    const followUp = post(raw('thread-3-followup.eml').toString('utf8'));
    expect(followUp.attachments).toEqual([{ type: 'image', mimeType: 'image/jpeg', name: 'Akkuanzeige 100%.jpg', sizeBytes: expect.any(Number) }]);
  });
});
