import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('contacts: search by phone, names, merged references on %s', (kind) => {
  const t = useTestServer(kind, 'contact-gaps');

  const create = async (body: Record<string, unknown>) => {
    const res = await t.server.request('POST', '/api/v1/contacts', { token: t.ws.tokens.agent, body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('finds a contact by its phone however the number is written, in the list and the export', async () => {
    const pia = await create({ name: 'Pia Phone', phones: ['+49 30 9876543'] });
    const ids = async (q: string) => (await t.server.request('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`, { token: t.ws.tokens.agent })).body.items.map((c: { id: string }) => c.id);
    for (const q of ['+49 30 9876543', '030 9876543', '9876543', '(030) 987-6543']) expect(await ids(q), q).toEqual([pia.id]);
    expect(await ids('987')).toEqual([]);
    const csv = await t.server.request('GET', `/api/v1/contacts/export.csv?q=${encodeURIComponent('030 9876543')}`, { token: t.ws.tokens.agent });
    expect(csv.text).toContain('Pia Phone');
  });

  it('an emptied name falls back to the first and last name or email; a contact cannot lose every identifier', async () => {
    const ivo = await create({ name: 'Ivo', firstName: 'Ivo', lastName: 'Ilic', emails: ['ivo@ilic.test'] });
    const renamed = await t.server.request('PATCH', `/api/v1/contacts/${ivo.id}`, { token: t.ws.tokens.agent, body: { name: '  ' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.name).toBe('Ivo Ilic');
    const bare = await create({ name: 'Bare' });
    const emptied = await t.server.request('PATCH', `/api/v1/contacts/${bare.id}`, { token: t.ws.tokens.agent, body: { name: '' } });
    expect(emptied.status).toBe(400);
    expect((await t.server.request('GET', `/api/v1/contacts/${bare.id}`, { token: t.ws.tokens.agent })).body.name).toBe('Bare');
  });

  it('refuses to link a deal, conversation or identity to a contact merged into another', async () => {
    const target = await create({ name: 'Target' });
    const source = await create({ name: 'Source' });
    const merged = await t.server.request('POST', `/api/v1/contacts/${target.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: source.id } });
    expect(merged.status, merged.text).toBe(201);
    const attempts = [
      t.server.request('POST', '/api/v1/deals', { token: t.ws.tokens.agent, body: { title: 'Late deal', contactId: source.id } }),
      t.server.request('POST', '/api/v1/conversations', { token: t.ws.tokens.agent, body: { channel: 'email', subject: 'Late', contactId: source.id } }),
      t.server.request('POST', '/api/v1/identities', { token: t.ws.tokens.agent, body: { channel: 'x', externalId: `late-${source.id}`, contactId: source.id } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, res.text).toBe(409);
      expect(res.body.detail).toContain(`merged into contact ${target.id}`);
    }
    const deal = await t.server.request('POST', '/api/v1/deals', { token: t.ws.tokens.agent, body: { title: 'Right deal', contactId: target.id } });
    expect(deal.status).toBe(201);
  });
});
