import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import { importContacts } from '../../src/customers/contacts-import.service.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/** A generated CSV as a stream of small chunks that split rows (and multi-byte characters) anywhere. */
function* chunks(rows: number): Generator<Buffer> {
  let text = 'name,email,phone,company\n';
  for (let i = 0; i < rows; i++) text += `"Zoë Nummer ${i}",person${i}@stream.test,+4930${String(1000000 + i)},"Firma ${i % 7}, GmbH"\n`;
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += 997) yield bytes.subarray(at, at + 997);
}

describe.each(STORE_KINDS)('contacts import from a stream on %s', { timeout: 120_000 }, (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('imports a file read in chunks across batches, and a dry run over it writes nothing', async () => {
    const ws = await seedWorkspace(store.db, 'cio-stream');
    const actor = systemActor(ws.workspaceId);
    const dry = await importContacts(store.db, actor, Readable.from(chunks(600)), { dryRun: true });
    expect([dry.created, dry.updated, dry.matched, dry.rejected]).toEqual([600, 0, 0, 0]);
    const applied = await importContacts(store.db, actor, Readable.from(chunks(600)));
    expect([applied.created, applied.updated, applied.matched, applied.rejected]).toEqual([600, 0, 0, 0]);
    const rows = await store.db.selectFrom('contacts').select(['name', 'account_id']).where('workspace_id', '=', ws.workspaceId).execute();
    expect(rows).toHaveLength(600);
    expect(rows.some((r) => r.name === 'Zoë Nummer 599')).toBe(true);
    expect(new Set(rows.map((r) => r.account_id)).size).toBe(7);
  });
});
