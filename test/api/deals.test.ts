import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

describe.each(STORE_KINDS)('deals API on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'deals');
    other = await seedWorkspace(store.db, 'deals-other');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = (body: Record<string, unknown>, token = ws.tokens.agent) => server.request('POST', '/api/v1/deals', { token, body });

  it('creates, reads, updates and deletes a deal, keeping the amount exact and auditing stage changes', async () => {
    const contact = (await server.request('POST', '/api/v1/contacts', { token: ws.tokens.agent, body: { name: 'Buyer' } })).body;
    const account = (await server.request('POST', '/api/v1/accounts', { token: ws.tokens.agent, body: { name: 'Buyer Co' } })).body;
    const created = await create({ title: 'Renewal', amount: '9999999999999999.99', currency: 'USD', stage: 'proposal', pipeline: 'renewals', closeDate: '2026-03-31', contactId: contact.id, accountId: account.id, ownerId: ws.users.agent.id });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ title: 'Renewal', amount: '9999999999999999.99', currency: 'USD', stage: 'proposal', pipeline: 'renewals', status: 'open', closeDate: '2026-03-31', contactId: contact.id, accountId: account.id });
    const id = created.body.id;
    expect((await server.request('GET', `/api/v1/deals/${id}`, { token: ws.tokens.analyst })).body).toEqual(created.body);

    const defaults = (await create({ title: 'Small' })).body;
    expect(defaults).toMatchObject({ amount: null, currency: 'EUR', stage: 'lead', pipeline: 'default', status: 'open', closeDate: null });

    const won = await server.request('PATCH', `/api/v1/deals/${id}`, { token: ws.tokens.agent, body: { status: 'won', amount: '10.5', stage: 'closed' } });
    expect(won.status, won.text).toBe(200);
    expect(won.body).toMatchObject({ status: 'won', amount: '10.50', stage: 'closed' });
    const audit = await server.request('GET', `/api/v1/audit?targetId=${id}&action=deal.stage_changed`, { token: ws.tokens.admin });
    expect(audit.body.items[0].detail).toEqual({ from: { stage: 'proposal', status: 'open' }, to: { stage: 'closed', status: 'won' } });

    expect((await server.request('DELETE', `/api/v1/deals/${id}`, { token: ws.tokens.agent })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/deals/${id}`, { token: ws.tokens.manager })).status).toBe(204);
    expect((await server.request('GET', `/api/v1/deals/${id}`, { token: ws.tokens.agent })).status).toBe(404);
    const deleted = await server.request('GET', `/api/v1/audit?targetId=${id}&action=deal.deleted`, { token: ws.tokens.admin });
    expect(deleted.body.items).toHaveLength(1);
  });

  it('pages through deals with a small limit without duplicates or gaps', async () => {
    const fresh = await seedWorkspace(store.db, 'deals-pages');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await create({ title: `Deal ${i}` }, fresh.tokens.agent)).body.id);
    const { ids: seen, pages } = await collectPages(server, fresh.tokens.agent, '/api/v1/deals', 4);
    expect(pages).toBe(2);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status, stage, pipeline, contact and account', async () => {
    const fresh = await seedWorkspace(store.db, 'deals-filters');
    const token = fresh.tokens.agent;
    const contact = (await server.request('POST', '/api/v1/contacts', { token, body: { name: 'C' } })).body;
    const account = (await server.request('POST', '/api/v1/accounts', { token, body: { name: 'A' } })).body;
    const a = (await create({ title: 'A', status: 'won', stage: 'closed', contactId: contact.id }, token)).body;
    const b = (await create({ title: 'B', pipeline: 'partners', accountId: account.id }, token)).body;
    const c = (await create({ title: 'C', status: 'lost' }, token)).body;
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/v1/deals?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('status=won')).toEqual([a.id]);
    expect(await ids('status=lost')).toEqual([c.id]);
    expect(await ids('stage=lead')).toEqual([b.id, c.id].sort());
    expect(await ids('pipeline=partners')).toEqual([b.id]);
    expect(await ids(`contactId=${contact.id}`)).toEqual([a.id]);
    expect(await ids(`accountId=${account.id}`)).toEqual([b.id]);
  });

  it('rejects malformed amounts, currencies and dates with 400', async () => {
    const bad = [{ title: 'X', amount: '1.234' }, { title: 'X', amount: '12345678901234567' }, { title: 'X', amount: '1e5' }, { title: 'X', currency: 'usd' }, { title: 'X', currency: 'EURO' }, { title: 'X', closeDate: '31.03.2026' }, { title: 'X', status: 'pending' }, { amount: '1' }];
    for (const body of bad) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await create({ title: 'Negative', amount: '-5' })).body.amount).toBe('-5.00');
    expect((await server.request('GET', '/api/v1/deals/not-a-uuid', { token: ws.tokens.agent })).status).toBe(400);
    expect((await server.request('GET', '/api/v1/deals/00000000-0000-4000-8000-000000000000', { token: ws.tokens.agent })).status).toBe(404);
  });

  it('never links a deal to a contact, account or owner of another workspace', async () => {
    const foreignContact = (await server.request('POST', '/api/v1/contacts', { token: other.tokens.agent, body: { name: 'Theirs' } })).body;
    const foreignAccount = (await server.request('POST', '/api/v1/accounts', { token: other.tokens.agent, body: { name: 'Theirs' } })).body;
    expect((await create({ title: 'X', contactId: foreignContact.id })).status).toBe(400);
    expect((await create({ title: 'X', accountId: foreignAccount.id })).status).toBe(400);
    expect((await create({ title: 'X', ownerId: other.users.agent.id })).status).toBe(400);
    const mine = (await create({ title: 'Mine' })).body;
    expect((await server.request('PATCH', `/api/v1/deals/${mine.id}`, { token: ws.tokens.agent, body: { contactId: foreignContact.id } })).status).toBe(400);
    const theirs = (await create({ title: 'Theirs' }, other.tokens.agent)).body;
    expect((await server.request('PATCH', `/api/v1/deals/${theirs.id}`, { token: ws.tokens.agent, body: { title: 'Stolen' } })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/deals/${theirs.id}`, { token: ws.tokens.admin })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/deals/${theirs.id}`, { token: other.tokens.agent })).body.title).toBe('Theirs');
  });
});
