import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import { CHUNK_ROWS, importContacts, type ImportReport } from '../../src/customers/contacts-import.service.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const counts = (r: ImportReport) => [r.created, r.updated, r.matched, r.rejected];

/** `count` filler rows of distinct people: data rows, so the next row written is data row count + 1 (spreadsheet row count + 2). */
const filler = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `Filler ${tag} ${i},filler-${tag}-${i}@chunks.test,,,`);

describe.each(STORE_KINDS)('contacts import in chunks on %s', { timeout: 120_000 }, (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  const contactsOf = (workspaceId: string) =>
    store.db.selectFrom('contacts').select(['id', 'name', 'emails', 'phones', 'city', 'account_id']).where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();

  it('two rows with the same email in one file make one contact: the second fills it in, a third identical row only matches', async () => {
    const ws = await seedWorkspace(store.db, 'cio-dup');
    const actor = systemActor(ws.workspaceId);
    const csv = [
      'name,email,phone,city,company',
      'Ines Jung,ines@jung.test,,,',
      'Ines Jung,INES@jung.test,+49 30 7654321,Köln,Jung AG',
      'Ines Jung,ines@jung.test,+49 30 7654321,Köln,Jung AG',
      // Matches by the phone the second row added.
      ',,+4930 7654321,,',
    ].join('\n');
    const dry = await importContacts(store.db, actor, csv, { dryRun: true });
    expect(counts(dry)).toEqual([1, 1, 2, 0]);
    const applied = await importContacts(store.db, actor, csv);
    expect(counts(applied)).toEqual(counts(dry));
    const contacts = await contactsOf(ws.workspaceId);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ name: 'Ines Jung', emails: ['ines@jung.test'], phones: ['+49307654321'], city: 'Köln' });
    expect(contacts[0]?.account_id).not.toBeNull();
    const history = await store.db.selectFrom('lifecycle_changes').select('to_stage').where('workspace_id', '=', ws.workspaceId).execute();
    expect(history).toEqual([{ to_stage: 'prospect' }]);
  });

  it('the oldest match wins: a row holding the emails of two contacts created earlier in the file updates the first one', async () => {
    const ws = await seedWorkspace(store.db, 'cio-oldest');
    const actor = systemActor(ws.workspaceId);
    const csv = ['name,email,city', 'First Person,one@oldest.test,', 'Second Person,two@oldest.test,', 'Either,two@oldest.test;one@oldest.test,Graz'].join('\n');
    const report = await importContacts(store.db, actor, csv);
    expect(counts(report)).toEqual([2, 1, 0, 0]);
    const contacts = await contactsOf(ws.workspaceId);
    expect(contacts.map((c) => [c.name, c.emails, c.city])).toEqual([
      ['First Person', ['one@oldest.test', 'two@oldest.test'], 'Graz'],
      ['Second Person', ['two@oldest.test'], null],
    ]);
  });

  it('rows on both sides of a chunk boundary see each other: matches, handles, accounts, row numbers, and a dry run agrees', async () => {
    const ws = await seedWorkspace(store.db, 'cio-boundary');
    const actor = systemActor(ws.workspaceId);
    // Data rows 1..CHUNK_ROWS are the first chunk; spreadsheet row = data row + 1.
    const rows = [
      ...filler(CHUNK_ROWS - 3, 'a'),
      'Kim Lang,kim@boundary.test,,Boundary GmbH,x:@kim_l', // data row CHUNK_ROWS - 2
      'no email here,broken,,,', // rejected, data row CHUNK_ROWS - 1
      'Lou Marr,lou@boundary.test,,,', // last row of the first chunk
      'Kim Lang,kim@boundary.test,+43 1 2345678,,', // first row of the second chunk: updates Kim
      'Impostor,imp@boundary.test,,boundary gmbh,x:KIM_L', // the handle belongs to Kim: warning; the account is reused
      'Lou Marr,lou@boundary.test,,,', // matched
      ...filler(CHUNK_ROWS - 4, 'b'),
      ',,+4312345678,,', // first row of the third chunk: matches Kim by the phone added in the second
    ];
    const csv = ['name,email,phone,company,handles', ...rows].join('\n');
    const dry = await importContacts(store.db, actor, csv, { dryRun: true });
    const applied = await importContacts(store.db, actor, csv);
    for (const report of [dry, applied]) {
      expect(counts(report)).toEqual([2 * CHUNK_ROWS - 4, 1, 2, 1]);
      expect(report.rejections).toEqual([{ row: CHUNK_ROWS, reason: 'email "broken" is not a valid address' }]);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]?.row).toBe(CHUNK_ROWS + 3);
    }
    const contacts = await contactsOf(ws.workspaceId);
    expect(contacts).toHaveLength(2 * CHUNK_ROWS - 4);
    const kim = contacts.find((c) => c.name === 'Kim Lang');
    const impostor = contacts.find((c) => c.name === 'Impostor');
    expect(kim).toMatchObject({ emails: ['kim@boundary.test'], phones: ['+4312345678'] });
    expect(applied.warnings[0]?.reason).toBe(`x:KIM_L is already linked to contact ${kim?.id}; left unchanged`);
    expect(impostor?.account_id).toBe(kim?.account_id);
    const accounts = await store.db.selectFrom('accounts').select('name').where('workspace_id', '=', ws.workspaceId).execute();
    expect(accounts).toEqual([{ name: 'Boundary GmbH' }]);
    const identities = await store.db.selectFrom('social_identities').select(['channel', 'handle', 'external_id', 'contact_id', 'link_status']).where('workspace_id', '=', ws.workspaceId).execute();
    expect(identities).toEqual([{ channel: 'x', handle: 'kim_l', external_id: 'kim_l', contact_id: kim?.id, link_status: 'manual' }]);

    const again = await importContacts(store.db, actor, csv);
    expect(counts(again)).toEqual([0, 0, 2 * CHUNK_ROWS - 1, 1]);
  });
});
