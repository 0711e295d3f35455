import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emailDriver } from './email.driver.ts';
import { messagePayload, payloadBytes } from './email.parse.ts';
import { mailImportUnits, splitMbox } from './mbox.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/email/${name}`, import.meta.url));

/** The decoded text of every charset fixture: subject (RFC 2047), blank line, body. */
const CHARSET_TEXTS: Record<string, { text: string; author: string }> = {
  'charset-latin1-8bit.eml': {
    text: 'Gepäckträger klappert\n\nHallo Kestrel-Team,\n\nder Gepäckträger meines City 300 klappert seit der Inspektion. Könnt ihr mir eine Werkstatt in Köln empfehlen?\n\nViele Grüße\nJürgen Weiß',
    author: 'Jürgen Weiß',
  },
  'charset-windows1252-8bit.eml': {
    text: 'Facture € erronée\n\nBonjour,\n\nla facture indique 1 249 € au lieu de 1 149 € – pourquoi ? Le vendeur m’a dit „kein Problem“ et “we will refund”.\n\nCordialement,\nRené Lefèvre',
    author: 'René Lefèvre',
  },
  'charset-utf8-qp.eml': { text: 'Felkod 23 på displayen 🚲\n\nHej!\n\nMin cykel säger ”Fel 23” på displayen. Vad betyder det? 🚲\n\nTack,\nÅsa Öberg', author: 'Åsa Öberg' },
  'charset-utf8-base64.eml': {
    text: 'Zapasowa bateria do Trail 500 – pilne\n\nDzień dobry,\n\nczy mogę zamówić zapasową baterię do modelu Trail 500? Zależy mi na szybkiej dostawie.\n\nPozdrawiam\nZofia Łukasiewicz',
    author: 'Zofia Łukasiewicz',
  },
};

const postOf = (bytes: Buffer) => {
  const item = emailDriver.parse(messagePayload(bytes)).items[0];
  if (item?.type !== 'post') throw new Error('no post');
  return item.post;
};

/** A stream of small chunks, so lines and "From " separators straddle chunk boundaries. */
async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('email charsets', () => {
  it.each(Object.entries(CHARSET_TEXTS))('decodes %s by its declared charset and transfer encoding', (name, expected) => {
    const post = postOf(fixture(name));
    expect(post.text).toBe(expected.text);
    expect(post.author?.displayName).toBe(expected.author);
  });

  it('stores UTF-8 mail as text, other 8-bit mail as a latin1 byte string, mail with NUL bytes as base64; each gives its bytes back', () => {
    const cases: [Buffer, RegExp][] = [
      [fixture('charset-utf8-qp.eml'), /^message\/rfc822$/],
      [fixture('charset-latin1-8bit.eml'), /x-townhall-bytes=latin1/],
      [fixture('charset-windows1252-8bit.eml'), /x-townhall-bytes=latin1/],
      [Buffer.concat([fixture('charset-latin1-8bit.eml'), Buffer.from([0x00, 0x0a])]), /x-townhall-bytes=base64/],
    ];
    for (const [bytes, type] of cases) {
      const payload = messagePayload(bytes);
      expect(payload.contentType).toMatch(type);
      expect(payload.body).not.toContain('\u0000');
      expect(payloadBytes(payload.body, payload.contentType).equals(bytes)).toBe(true);
    }
  });
});

describe('mbox splitting on bytes', () => {
  const files = ['charset-latin1-8bit.eml', 'charset-windows1252-8bit.eml', 'charset-utf8-qp.eml', 'charset-utf8-base64.eml'];

  it('cuts an mbox into its messages byte for byte, undoing >From quoting, whatever the chunk size', async () => {
    const mbox = fixture('charsets.mbox');
    for (const size of [1, 7, 64, 1 << 16]) {
      const messages = await collect(splitMbox(chunks(mbox, size)));
      expect(messages).toHaveLength(4);
      const first = fixture(files[0]!);
      expect(messages[0]!.equals(Buffer.concat([first.subarray(0, first.indexOf('Viele Gr')), Buffer.from('From K\xf6ln with love\n', 'latin1'), first.subarray(first.indexOf('Viele Gr'))]).subarray(0, -1))).toBe(true);
      for (let i = 1; i < 4; i++) expect(messages[i]!.equals(fixture(files[i]!).subarray(0, -1))).toBe(true);
    }
  });

  it('keeps a file that does not start with "From " whole, as one message', async () => {
    const eml = fixture('charset-windows1252-8bit.eml');
    const [only, ...rest] = await collect(splitMbox(chunks(eml, 5)));
    expect(rest).toEqual([]);
    expect(only?.equals(eml.subarray(0, -1))).toBe(true);
  });

  it('turns each message into the payload IMAP would store, keyed by its bytes', async () => {
    const units = await collect(mailImportUnits(chunks(fixture('charsets.mbox'), 100)));
    expect(units.map((u) => u.payload.contentType)).toEqual(['message/rfc822; x-townhall-bytes=latin1', 'message/rfc822; x-townhall-bytes=latin1', 'message/rfc822', 'message/rfc822']);
    expect(new Set(units.map((u) => u.dedupeKey)).size).toBe(4);
    const texts = units.map((u) => {
      const item = emailDriver.parse(u.payload).items[0];
      return item?.type === 'post' ? item.post.text : null;
    });
    expect(texts[0]).toContain('From Köln with love\nViele Grüße');
    expect(texts.slice(1)).toEqual([CHARSET_TEXTS['charset-windows1252-8bit.eml']?.text, CHARSET_TEXTS['charset-utf8-qp.eml']?.text, CHARSET_TEXTS['charset-utf8-base64.eml']?.text]);
  });
});
