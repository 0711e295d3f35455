import { createReadStream, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailImportUnits } from '../../../src/channels/email/mbox.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { messagePayload, payloadBytes } from '../../../src/channels/email/email.parse.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';

const deps = { analyze: null, now: () => new Date() };
const ownPath = (name: string) => new URL(`../../fixtures/email/${name}`, import.meta.url).pathname;

/** Subject and body of the charsets.mbox messages as they must read after storing and processing. */
const EXPECTED: Record<string, string> = {
  'latin1-8bit-1@example.de':
    'Gepäckträger klappert\n\nHallo Kestrel-Team,\n\nder Gepäckträger meines City 300 klappert seit der Inspektion. Könnt ihr mir eine Werkstatt in Köln empfehlen?\n\nFrom Köln with love\nViele Grüße\nJürgen Weiß',
  'cp1252-8bit-1@example.fr':
    'Facture € erronée\n\nBonjour,\n\nla facture indique 1 249 € au lieu de 1 149 € – pourquoi ? Le vendeur m’a dit „kein Problem“ et “we will refund”.\n\nCordialement,\nRené Lefèvre',
  'utf8-qp-1@example.se': 'Felkod 23 på displayen 🚲\n\nHej!\n\nMin cykel säger ”Fel 23” på displayen. Vad betyder det? 🚲\n\nTack,\nÅsa Öberg',
  'utf8-b64-1@example.pl':
    'Zapasowa bateria do Trail 500 – pilne\n\nDzień dobry,\n\nczy mogę zamówić zapasową baterię do modelu Trail 500? Zależy mi na szybkiej dostawie.\n\nPozdrawiam\nZofia Łukasiewicz',
};

describe.each(STORE_KINDS)('email charsets through raw intake on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  /** What an import does with the driver's import units: store each (keyed by its bytes), then process. */
  const importMbox = async (workspaceId: string, path: string) => {
    const stored: { id: number; duplicate: boolean; bytes: Buffer }[] = [];
    // Small reads: messages straddle many chunks.
    for await (const unit of mailImportUnits(createReadStream(path, { highWaterMark: 64 }))) {
      const { payload } = unit;
      const result = await insertRaw(store.db, { workspaceId, connectionId: null, channel: 'email', source: 'import', contentType: payload.contentType ?? null, headers: payload.headers ?? {}, body: payload.body, dedupeKey: unit.dedupeKey });
      stored.push({ ...result, bytes: payloadBytes(payload.body, payload.contentType) });
    }
    await drainIntake(store.db, deps, { workspaceId });
    return stored;
  };

  it('imports 8-bit ISO-8859-1 and windows-1252, quoted-printable and base64 UTF-8 mail with every character, and stores the exact bytes', async () => {
    const ws = await seedWorkspace(store.db, 'email-charsets');
    const first = await importMbox(ws.workspaceId, ownPath('charsets.mbox'));
    expect(first.map((s) => s.duplicate)).toEqual([false, false, false, false]);
    const rows = await store.db.selectFrom('posts').select(['external_id', 'text']).where('workspace_id', '=', ws.workspaceId).execute();
    expect(Object.fromEntries(rows.map((r) => [r.external_id, r.text]))).toEqual(EXPECTED);
    // The stored bodies give back the bytes of the file's messages.
    const raws = await store.db.selectFrom('raw_intake').select(['id', 'body', 'content_type', 'status']).where('workspace_id', '=', ws.workspaceId).orderBy('id').execute();
    expect(raws.map((r) => r.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    raws.forEach((row, i) => expect(payloadBytes(row.body, row.content_type).equals(first[i]!.bytes)).toBe(true));
    expect(payloadBytes(raws[1]!.body, raws[1]!.content_type).equals(readFileSync(ownPath('charset-windows1252-8bit.eml')).subarray(0, -1))).toBe(true);

    // The same file again: every message is known by its bytes.
    const again = await importMbox(ws.workspaceId, ownPath('charsets.mbox'));
    expect(again.map((s) => s.duplicate)).toEqual([true, true, true, true]);
    expect(await store.db.selectFrom('posts').select('id').where('workspace_id', '=', ws.workspaceId).execute()).toHaveLength(4);
  });

  it('reads the same mail through `townhall import --channel email` (importFile): exact text, and nothing new the second time', async () => {
    const ws = await seedWorkspace(store.db, 'email-charsets-cli');
    const input = { workspaceId: ws.workspaceId, channel: 'email', path: ownPath('charsets.mbox') };
    expect(await importFile(store.db, deps, input)).toMatchObject({ imported: 4, duplicates: 0, rejected: 0 });
    const rows = await store.db.selectFrom('posts').select(['external_id', 'text']).where('workspace_id', '=', ws.workspaceId).execute();
    expect(Object.fromEntries(rows.map((r) => [r.external_id, r.text]))).toEqual(EXPECTED);
    expect(await importFile(store.db, deps, input)).toMatchObject({ imported: 0, duplicates: 4, rejected: 0 });
  });

  it('stores a polled message with NUL bytes as base64, which a text column can hold, and decodes it', async () => {
    const ws = await seedWorkspace(store.db, 'email-nul');
    const bytes = Buffer.concat([
      Buffer.from('From: kunde@example.de\r\nSubject: =?iso-8859-1?Q?Gr=FC=DFe?=\r\nMessage-ID: <nul-1@example.de>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      Buffer.from([0x53, 0xfc, 0xdf, 0x00, 0x21, 0x0d, 0x0a]),
    ]);
    const payload = messagePayload(bytes, { 'x-imap-uid': '7' });
    await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId: null, channel: 'email', source: 'poll', contentType: payload.contentType ?? null, headers: payload.headers ?? {}, body: payload.body, dedupeKey: null });
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const row = await store.db.selectFrom('raw_intake').select(['body', 'content_type', 'status']).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow();
    expect(row.status).toBe('processed');
    expect(payloadBytes(row.body, row.content_type).equals(bytes)).toBe(true);
    const post = await store.db.selectFrom('posts').select(['text']).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow();
    expect(post.text.startsWith('Grüße\n\nSüß')).toBe(true);
  });
});
