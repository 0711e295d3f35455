import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const PEOPLE = [
  'name,email,phone,company,city,country,handles',
  'Ana Berg,Ana.Berg@Example.com,+49 30 1234567,Acme,Berlin,DE,x:@ana_b;instagram:ana.b',
  'Bo Chen,bo@example.com,,Acme,Hamburg,DE,',
  'Cleo Diaz,,+34 612 345 678,Sol SL,Madrid,ES,mastodon:@cleo@mastodon.social',
].join('\n');

/** A contacts export as a generic CRM writes it: BOM, CRLF, other header names, quoted commas and quotes. */
const CRM_EXPORT =
  '\uFEFF"First Name","Last Name","E-mail Address","Mobile Phone","Organization","City","Country/Region","Notes"\r\n' +
  '"Dana","Evans","dana@evans.test","(415) 555-0132","Evans, Fisher & Co","San Francisco","US","Met at ""Expo"", 2025"\r\n' +
  '"Eli","Fox","ELI@fox.test","","Fox Labs","Boston","US",""\r\n' +
  '"","","broken-address","","","","",""\r\n' +
  '"Gus","","","12","","","",""\r\n';

describe.each(STORE_KINDS)('contacts import and export on %s', { timeout: 60_000 }, (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'cio');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const importCsv = (csv: string, token: string, query = '') => server.request('POST', `/api/v1/contacts/import${query}`, { token, body: csv, headers: { 'content-type': 'text/csv' } });
  const contactCount = async (workspaceId: string) =>
    Number((await store.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()).n);
  const counts = (body: { created: number; updated: number; matched: number; rejected: number }) => [body.created, body.updated, body.matched, body.rejected];

  it('a dry run writes nothing and reports exactly what the real import then does; a re-import only matches', async () => {
    const fresh = await seedWorkspace(store.db, 'cio-dry');
    const dry = await importCsv(PEOPLE, fresh.tokens.agent, '?dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, created: 3, updated: 0, matched: 0, rejected: 0 });
    expect(await contactCount(fresh.workspaceId)).toBe(0);
    const accounts = await store.db.selectFrom('accounts').select('id').where('workspace_id', '=', fresh.workspaceId).execute();
    expect(accounts).toHaveLength(0);

    const applied = await server.request('POST', '/api/v1/contacts/import', { token: fresh.tokens.agent, body: { csv: PEOPLE } });
    expect(applied.status, applied.text).toBe(200);
    expect(counts(applied.body)).toEqual(counts(dry.body));
    expect(await contactCount(fresh.workspaceId)).toBe(3);

    const again = await importCsv(PEOPLE, fresh.tokens.agent);
    expect(counts(again.body)).toEqual([0, 0, 3, 0]);

    const list = await server.request('GET', '/api/v1/contacts?email=ana.berg@example.com', { token: fresh.tokens.agent });
    expect(list.body.items).toHaveLength(1);
    const ana = list.body.items[0];
    expect(ana).toMatchObject({ name: 'Ana Berg', emails: ['ana.berg@example.com'], phones: ['+49301234567'], city: 'Berlin', country: 'DE' });
    const account = await server.request('GET', `/api/v1/accounts/${ana.accountId}`, { token: fresh.tokens.agent });
    expect(account.body.name).toBe('Acme');
    const bo = (await server.request('GET', '/api/v1/contacts?email=bo@example.com', { token: fresh.tokens.agent })).body.items[0];
    expect(bo.accountId).toBe(ana.accountId);
  });

  it('updates a matched contact by filling its empty fields and merging new emails and phones', async () => {
    const fresh = await seedWorkspace(store.db, 'cio-merge');
    await importCsv('name,email\nHana Iwata,hana@iwata.test\n', fresh.tokens.agent);
    const update = await importCsv('email,phone,city\nhana@iwata.test;h.iwata@work.test,+81 3-1234-5678,Tokyo\n', fresh.tokens.agent);
    expect(counts(update.body)).toEqual([0, 1, 0, 0]);
    const hana = (await server.request('GET', '/api/v1/contacts?email=hana@iwata.test', { token: fresh.tokens.agent })).body.items[0];
    expect(hana).toMatchObject({ name: 'Hana Iwata', emails: ['hana@iwata.test', 'h.iwata@work.test'], phones: ['+81312345678'], city: 'Tokyo' });
    // Matching by phone when the row has no known email.
    const byPhone = await importCsv('phone,city\n+81312345678,Osaka\n', fresh.tokens.agent);
    expect(counts(byPhone.body)).toEqual([0, 0, 1, 0]);
  });

  it('imports a generic CRM export (BOM, CRLF, quoted commas, other header names) without editing, rejecting bad rows with reasons', async () => {
    const fresh = await seedWorkspace(store.db, 'cio-crm');
    const report = await importCsv(CRM_EXPORT, fresh.tokens.agent, '?defaultCountry=US');
    expect(report.status, report.text).toBe(200);
    expect(counts(report.body)).toEqual([2, 0, 0, 2]);
    expect(report.body.columns.ignored).toEqual(['Notes']);
    expect(report.body.rejections).toEqual([
      { row: 4, reason: 'email "broken-address" is not a valid address' },
      { row: 5, reason: 'phone "12" is not a valid phone number' },
    ]);
    const dana = (await server.request('GET', '/api/v1/contacts?email=dana@evans.test', { token: fresh.tokens.agent })).body.items[0];
    expect(dana).toMatchObject({ name: 'Dana Evans', firstName: 'Dana', lastName: 'Evans', phones: ['+14155550132'], city: 'San Francisco', country: 'US' });
    expect((await server.request('GET', `/api/v1/accounts/${dana.accountId}`, { token: fresh.tokens.agent })).body.name).toBe('Evans, Fisher & Co');
  });

  it('accepts an explicit mapping and refuses a CSV whose header maps to nothing', async () => {
    const fresh = await seedWorkspace(store.db, 'cio-map');
    const mapped = await server.request('POST', '/api/v1/contacts/import', { token: fresh.tokens.agent, body: { csv: 'Kontakt;Mail\nJo Kim;jo@kim.test\n', mapping: { Kontakt: 'name', Mail: 'email' } } });
    expect(counts(mapped.body)).toEqual([1, 0, 0, 0]);
    const nothing = await importCsv('foo,bar\n1,2\n', fresh.tokens.agent);
    expect(nothing.status).toBe(400);
    expect(nothing.body.detail).toMatch(/no column of the header maps/);
  });

  it('creates social identities for handles, linked manually, and reports a handle already linked to someone else', async () => {
    const fresh = await seedWorkspace(store.db, 'cio-handles');
    await importCsv(PEOPLE, fresh.tokens.agent);
    const identities = await server.request('GET', '/api/v1/identities?limit=50', { token: fresh.tokens.agent });
    const byHandle = Object.fromEntries(identities.body.items.map((i: { channel: string; handle: string }) => [`${i.channel}:${i.handle}`, i]));
    expect(Object.keys(byHandle).sort()).toEqual(['instagram:ana.b', 'mastodon:cleo@mastodon.social', 'x:ana_b']);
    const ana = (await server.request('GET', '/api/v1/contacts?email=ana.berg@example.com', { token: fresh.tokens.agent })).body.items[0];
    expect(byHandle['x:ana_b']).toMatchObject({ contactId: ana.id, link: { status: 'manual', score: 1 } });

    // An unlinked identity seen on the channel gets linked; a linked one is left alone with a warning.
    await server.request('POST', '/api/v1/identities', { token: fresh.tokens.agent, body: { channel: 'x', externalId: '99001', handle: 'Zed_Q' } });
    const second = await importCsv('name,email,handles\nZed Quist,zed@q.test,x:@zed_q\nImpostor,imp@q.test,x:ANA_B\n', fresh.tokens.agent);
    expect(counts(second.body)).toEqual([2, 0, 0, 0]);
    expect(second.body.warnings).toEqual([{ row: 3, reason: `x:ANA_B is already linked to contact ${ana.id}; left unchanged` }]);
    const zed = (await server.request('GET', '/api/v1/identities?q=zed_q', { token: fresh.tokens.agent })).body.items;
    expect(zed).toHaveLength(1);
    expect(zed[0]).toMatchObject({ externalId: '99001', link: { status: 'manual' } });
    expect(zed[0].contactId).not.toBeNull();
  });

  it('exports CSV in the import columns with the injection guard, and vCard 4.0', async () => {
    const fresh = await seedWorkspace(store.db, 'cio-export');
    await importCsv(PEOPLE + '\n"=cmd|\' /C calc\'!A0",evil@x.test,,"@SUM(1,2)",,,\n', fresh.tokens.agent);
    const csv = await server.request('GET', '/api/v1/contacts/export.csv', { token: fresh.tokens.analyst });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('name,first_name,last_name,email,phone,company,city,country,handles,lifecycle_stage');
    expect(lines).toHaveLength(5);
    expect(lines).toContain(`'=cmd|' /C calc'!A0,,,evil@x.test,,"'@SUM(1,2)",,,,prospect`);
    expect(lines).toContain(`Ana Berg,,,ana.berg@example.com,'+49301234567,Acme,Berlin,DE,instagram:ana.b;x:ana_b,prospect`);

    const vcf = await server.request('GET', '/api/v1/contacts/export.vcf?q=cleo', { token: fresh.tokens.analyst });
    expect(vcf.status).toBe(200);
    expect(vcf.headers.get('content-type')).toMatch(/^text\/vcard/);
    expect(vcf.text.match(/BEGIN:VCARD\r\n/g)).toHaveLength(1);
    expect(vcf.text).toContain('FN:Cleo Diaz\r\n');
    expect(vcf.text).toContain('TEL;VALUE=uri;PREF=1:tel:+34612345678\r\n');
    expect(vcf.text).toContain('ORG:Sol SL\r\n');
    expect(vcf.text).toContain('ADR:;;;Madrid;;;ES\r\n');
    // That line is longer than 75 octets, so it arrives folded.
    for (const line of vcf.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(vcf.text.replace(/\r\n /g, '')).toContain('X-SOCIALPROFILE;TYPE=mastodon;X-USER=cleo@mastodon.social:https://mastodon.social/@cleo\r\n');
  });

  it('round-trips: export, import into a new workspace, the same contacts', async () => {
    const source = await seedWorkspace(store.db, 'cio-rt-a');
    const target = await seedWorkspace(store.db, 'cio-rt-b');
    await importCsv(PEOPLE, source.tokens.agent);
    await importCsv(CRM_EXPORT, source.tokens.agent, '?defaultCountry=US');
    const exported = await server.request('GET', '/api/v1/contacts/export.csv', { token: source.tokens.agent });
    const imported = await importCsv(exported.text, target.tokens.agent);
    expect(counts(imported.body)).toEqual([5, 0, 0, 0]);
    const again = await server.request('GET', '/api/v1/contacts/export.csv', { token: target.tokens.agent });
    const sorted = (text: string) => text.trimEnd().split('\r\n').slice(1).sort();
    expect(sorted(again.text)).toEqual(sorted(exported.text));
  });

  it('requires contacts:write to import and contacts:read to export', async () => {
    expect((await importCsv(PEOPLE, ws.tokens.analyst)).status).toBe(403);
    expect((await importCsv(PEOPLE, ws.tokens.analyst, '?dryRun=true')).status).toBe(403);
    expect((await server.request('GET', '/api/v1/contacts/export.csv')).status).toBe(401);
    expect((await server.request('GET', '/api/v1/contacts/export.vcf', { token: ws.tokens.analyst })).status).toBe(200);
  });
});
