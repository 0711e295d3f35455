import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('contacts: search by phone, names, merged references on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'contact-gaps');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = async (body: Record<string, unknown>) => {
    const res = await server.request('POST', '/api/v1/contacts', { token: ws.tokens.agent, body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('finds a contact by its phone however the number is written, in the list and the export', async () => {
    const pia = await create({ name: 'Pia Phone', phones: ['+49 30 9876543'] });
    const ids = async (q: string) => (await server.request('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`, { token: ws.tokens.agent })).body.items.map((c: { id: string }) => c.id);
    for (const q of ['+49 30 9876543', '030 9876543', '9876543', '(030) 987-6543']) expect(await ids(q), q).toEqual([pia.id]);
    expect(await ids('987')).toEqual([]);
    const csv = await server.request('GET', `/api/v1/contacts/export.csv?q=${encodeURIComponent('030 9876543')}`, { token: ws.tokens.agent });
    expect(csv.text).toContain('Pia Phone');
  });

  it('an emptied name falls back to the first and last name or email; a contact cannot lose every identifier', async () => {
    const ivo = await create({ name: 'Ivo', firstName: 'Ivo', lastName: 'Ilic', emails: ['ivo@ilic.test'] });
    const renamed = await server.request('PATCH', `/api/v1/contacts/${ivo.id}`, { token: ws.tokens.agent, body: { name: '  ' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.name).toBe('Ivo Ilic');
    const bare = await create({ name: 'Bare' });
    const emptied = await server.request('PATCH', `/api/v1/contacts/${bare.id}`, { token: ws.tokens.agent, body: { name: '' } });
    expect(emptied.status).toBe(400);
    expect((await server.request('GET', `/api/v1/contacts/${bare.id}`, { token: ws.tokens.agent })).body.name).toBe('Bare');
  });

  it('refuses to link a deal, conversation or identity to a contact merged into another', async () => {
    const target = await create({ name: 'Target' });
    const source = await create({ name: 'Source' });
    const merged = await server.request('POST', `/api/v1/contacts/${target.id}/merge`, { token: ws.tokens.agent, body: { sourceId: source.id } });
    expect(merged.status, merged.text).toBe(201);
    const attempts = [
      server.request('POST', '/api/v1/deals', { token: ws.tokens.agent, body: { title: 'Late deal', contactId: source.id } }),
      server.request('POST', '/api/v1/conversations', { token: ws.tokens.agent, body: { channel: 'email', subject: 'Late', contactId: source.id } }),
      server.request('POST', '/api/v1/identities', { token: ws.tokens.agent, body: { channel: 'x', externalId: `late-${source.id}`, contactId: source.id } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, res.text).toBe(409);
      expect(res.body.detail).toContain(`merged into contact ${target.id}`);
    }
    const deal = await server.request('POST', '/api/v1/deals', { token: ws.tokens.agent, body: { title: 'Right deal', contactId: target.id } });
    expect(deal.status).toBe(201);
  });
});
