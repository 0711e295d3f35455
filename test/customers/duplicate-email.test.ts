import { describe, expect, it } from 'vitest';
import { seedWorkspace, useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('an email another contact holds on %s', (kind) => {
  const t = useTestServer(kind, 'duplicate-email');

  const create = (body: Record<string, unknown>, token = t.ws.tokens.agent) => t.server.request('POST', '/api/v1/contacts', { token, body });
  const created = async (body: Record<string, unknown>, token = t.ws.tokens.agent) => {
    const res = await create(body, token);
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const patch = (id: string, body: Record<string, unknown>) => t.server.request('PATCH', `/api/v1/contacts/${id}`, { token: t.ws.tokens.agent, body });
  const withEmail = async (email: string) => (await t.server.request('GET', `/api/v1/contacts?email=${encodeURIComponent(email)}`, { token: t.ws.tokens.agent })).body.items.map((c: { id: string }) => c.id);

  it('refuses a new contact with an address another one holds, case-insensitively, naming the holder and the address', async () => {
    const ana = await created({ name: 'Ana Holder', emails: ['ana@dup.test'] });
    const res = await create({ name: 'Ana Again', emails: ['other@dup.test', 'ANA@Dup.Test'] });
    expect(res.status, res.text).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'duplicate_email', duplicates: [{ email: 'ana@dup.test', contactIds: [ana.id] }] });
    expect(res.body.detail).toContain(ana.id);
    expect(res.body.detail).toContain('ana@dup.test');
    expect(await withEmail('other@dup.test')).toEqual([]);
  });

  it('creates it when the request allows the duplicate (a family sharing one address)', async () => {
    const tom = await created({ name: 'Tom Lange', emails: ['lange.family@dup.test'] });
    const eva = await created({ name: 'Eva Lange', emails: ['lange.family@dup.test'], allowDuplicateEmail: true });
    expect(eva).not.toHaveProperty('allowDuplicateEmail');
    const third = await create({ name: 'Kim Lange', emails: ['Lange.Family@dup.test'] });
    expect(third.status).toBe(409);
    expect(third.body.duplicates).toEqual([{ email: 'lange.family@dup.test', contactIds: [tom.id, eva.id] }]);
    expect((await withEmail('lange.family@dup.test')).sort()).toEqual([tom.id, eva.id].sort());
  });

  it('refuses an update adding a held address, but not one keeping its own addresses', async () => {
    const ben = await created({ name: 'Ben Held', emails: ['ben@dup.test'] });
    const cy = await created({ name: 'Cy Adder', emails: ['cy@dup.test'] });
    const adding = await patch(cy.id, { emails: ['cy@dup.test', 'ben@dup.test'], city: 'Bonn' });
    expect(adding.status, adding.text).toBe(409);
    expect(adding.body.duplicates).toEqual([{ email: 'ben@dup.test', contactIds: [ben.id] }]);
    expect((await t.server.request('GET', `/api/v1/contacts/${cy.id}`, { token: t.ws.tokens.agent })).body).toMatchObject({ emails: ['cy@dup.test'], city: null });
    expect((await patch(cy.id, { emails: ['CY@dup.test', 'cy.work@dup.test'] })).status).toBe(200);
    expect((await patch(cy.id, { emails: ['cy@dup.test', 'ben@dup.test'], allowDuplicateEmail: true })).status).toBe(200);
    // Both now share ben@: editing either without touching that address stays allowed.
    expect((await patch(ben.id, { emails: ['ben@dup.test', 'ben.b@dup.test'] })).status).toBe(200);
  });

  it('ignores contacts merged into another and deleted ones', async () => {
    const target = await created({ name: 'Mia Target', emails: ['mia@dup.test'] });
    const source = await created({ name: 'Mia Source', emails: ['mia.old@dup.test'] });
    expect((await t.server.request('POST', `/api/v1/contacts/${target.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: source.id } })).status).toBe(201);
    // The source keeps its row (and address) but is merged away; the target now holds both addresses.
    const afterMerge = await create({ name: 'Mia New', emails: ['mia.old@dup.test'] });
    expect(afterMerge.status).toBe(409);
    expect(afterMerge.body.duplicates).toEqual([{ email: 'mia.old@dup.test', contactIds: [target.id] }]);
    const gone = await created({ name: 'Gone Soon', emails: ['gone@dup.test'] });
    expect((await t.server.request('DELETE', `/api/v1/contacts/${gone.id}`, { token: t.ws.tokens.manager })).status).toBe(204);
    expect((await create({ name: 'Back Again', emails: ['gone@dup.test'] })).status).toBe(201);
  });

  it('never looks into another workspace: its contacts neither block nor show', async () => {
    const other = await seedWorkspace(t.store.db, 'duplicate-email-other');
    const foreign = await created({ name: 'Foreign Holder', emails: ['shared@dup.test'] }, other.tokens.agent);
    const mine = await create({ name: 'Local Holder', emails: ['shared@dup.test'] });
    expect(mine.status, mine.text).toBe(201);
    const again = await create({ name: 'Local Again', emails: ['shared@dup.test'] });
    expect(again.status).toBe(409);
    expect(again.body.duplicates).toEqual([{ email: 'shared@dup.test', contactIds: [mine.body.id] }]);
    expect(again.text).not.toContain(foreign.id);
  });

  it('lets exactly one of several concurrent creates with the same address through', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => create({ name: `Racer ${i}`, emails: ['race@dup.test'] })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await withEmail('race@dup.test')).toHaveLength(1);
  });
});
