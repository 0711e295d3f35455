import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

describe.each(STORE_KINDS)('contacts API on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'contacts');
    other = await seedWorkspace(store.db, 'contacts-other');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = (body: Record<string, unknown>, token = ws.tokens.agent) => server.request('POST', '/api/v1/contacts', { token, body });

  it('creates, reads, updates and deletes a contact, auditing each change', async () => {
    const created = await create({ firstName: 'Ana', lastName: 'Berg', emails: ['Ana@Example.COM', 'ana@example.com'], phones: ['+49 30 123456'], city: 'Berlin', country: 'DE', languages: ['de', 'en'], custom: { tier: 'gold' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Ana Berg', firstName: 'Ana', emails: ['ana@example.com'], lifecycleStage: 'prospect', accountId: null, custom: { tier: 'gold' } });
    expect(created.body).not.toHaveProperty('workspace_id');
    expect(created.body).not.toHaveProperty('consent');

    const got = await server.request('GET', `/api/v1/contacts/${created.body.id}`, { token: ws.tokens.analyst });
    expect(got.body).toEqual(created.body);

    const patched = await server.request('PATCH', `/api/v1/contacts/${created.body.id}`, { token: ws.tokens.agent, body: { city: 'Hamburg', ownerId: ws.users.agent.id } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ city: 'Hamburg', ownerId: ws.users.agent.id, name: 'Ana Berg' });

    expect((await server.request('DELETE', `/api/v1/contacts/${created.body.id}`, { token: ws.tokens.agent })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/contacts/${created.body.id}`, { token: ws.tokens.manager })).status).toBe(204);
    expect((await server.request('GET', `/api/v1/contacts/${created.body.id}`, { token: ws.tokens.agent })).status).toBe(404);
    const audit = await server.request('GET', `/api/v1/audit?targetId=${created.body.id}`, { token: ws.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['contact.created', 'contact.deleted', 'contact.updated']);
  });

  it('records lifecycle stage changes in the history and the audit log', async () => {
    const created = await create({ name: 'Lia Lifecycle' });
    const id = created.body.id;
    await server.request('PATCH', `/api/v1/contacts/${id}`, { token: ws.tokens.agent, body: { lifecycleStage: 'customer' } });
    await server.request('PATCH', `/api/v1/contacts/${id}`, { token: ws.tokens.agent, body: { lifecycleStage: 'customer', city: 'Bonn' } });
    await server.request('PATCH', `/api/v1/contacts/${id}`, { token: ws.tokens.manager, body: { lifecycleStage: 'former_customer' } });
    const history = await server.request('GET', `/api/v1/contacts/${id}/lifecycle`, { token: ws.tokens.analyst });
    expect(history.status).toBe(200);
    expect(history.body.items.map((c: { fromStage: string | null; toStage: string }) => [c.fromStage, c.toStage])).toEqual([
      [null, 'prospect'],
      ['prospect', 'customer'],
      ['customer', 'former_customer'],
    ]);
    expect(history.body.items[2].changedBy).toBe(ws.users.manager.id);
    const audit = await server.request('GET', `/api/v1/audit?targetId=${id}&action=contact.lifecycle_changed`, { token: ws.tokens.admin });
    expect(audit.body.items).toHaveLength(2);
    expect((await server.request('GET', `/api/v1/contacts/00000000-0000-4000-8000-000000000000/lifecycle`, { token: ws.tokens.agent })).status).toBe(404);
  });

  it('pages through contacts with a small limit without duplicates or gaps', async () => {
    const fresh = await seedWorkspace(store.db, 'contacts-pages');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ name: `Page ${i}` }, fresh.tokens.agent)).body.id);
    const { ids: seen, pages } = await collectPages(server, fresh.tokens.agent, '/api/v1/contacts', 3);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by q, lifecycle stage, account, owner and exact email', async () => {
    const fresh = await seedWorkspace(store.db, 'contacts-filters');
    const token = fresh.tokens.agent;
    const account = await server.request('POST', '/api/v1/accounts', { token, body: { name: 'Acme' } });
    const a = (await create({ name: 'Zoe Quinn', emails: ['zoe@acme.test'], accountId: account.body.id, lifecycleStage: 'customer' }, token)).body;
    const b = (await create({ name: 'Max Power', emails: ['max@power.test'], ownerId: fresh.users.manager.id }, token)).body;
    const c = (await create({ name: '100%_literal', emails: ['other@zoe.test'] }, token)).body;
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/v1/contacts?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('q=zoe')).toEqual([a.id, c.id].sort());
    expect(await ids('q=POWER')).toEqual([b.id]);
    expect(await ids('q=%25_')).toEqual([c.id]);
    expect(await ids('lifecycleStage=customer')).toEqual([a.id]);
    expect(await ids(`accountId=${account.body.id}`)).toEqual([a.id]);
    expect(await ids(`ownerId=${fresh.users.manager.id}`)).toEqual([b.id]);
    expect(await ids('email=MAX@power.test')).toEqual([b.id]);
    expect(await ids('email=max@power')).toEqual([]);
  });

  it('rejects invalid bodies and queries with 400 problem+json', async () => {
    const cases: Record<string, unknown>[] = [{ emails: ['not-an-email'] }, { name: 'X', lifecycleStage: 'lead' }, { name: 'X', unknownField: 1 }, {}, { name: 'X', accountId: 'nope' }];
    for (const body of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await server.request('GET', '/api/v1/contacts?lifecycleStage=lead', { token: ws.tokens.agent })).status).toBe(400);
    expect((await server.request('GET', '/api/v1/contacts?cursor=garbage', { token: ws.tokens.agent })).status).toBe(400);
    expect((await server.request('PATCH', '/api/v1/contacts/00000000-0000-4000-8000-000000000000', { token: ws.tokens.agent, body: {} })).status).toBe(400);
  });

  it('answers 404 for unknown ids and for contacts of another workspace', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await server.request('GET', `/api/v1/contacts/${unknown}`, { token: ws.tokens.agent })).body.code).toBe('not_found');
    expect((await server.request('PATCH', `/api/v1/contacts/${unknown}`, { token: ws.tokens.agent, body: { city: 'X' } })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/contacts/${unknown}`, { token: ws.tokens.admin })).status).toBe(404);
    const foreign = (await create({ name: 'Foreign' }, other.tokens.agent)).body;
    expect((await server.request('GET', `/api/v1/contacts/${foreign.id}`, { token: ws.tokens.agent })).status).toBe(404);
  });

  it('refuses to link an account or owner of another workspace', async () => {
    const foreignAccount = (await server.request('POST', '/api/v1/accounts', { token: other.tokens.agent, body: { name: 'Other Co' } })).body;
    const viaAccount = await create({ name: 'Cross', accountId: foreignAccount.id });
    expect(viaAccount.status).toBe(400);
    expect(viaAccount.body.detail).toMatch(/accountId/);
    expect((await create({ name: 'Cross', ownerId: other.users.agent.id })).status).toBe(400);
    const mine = (await create({ name: 'Mine' })).body;
    expect((await server.request('PATCH', `/api/v1/contacts/${mine.id}`, { token: ws.tokens.agent, body: { accountId: foreignAccount.id } })).status).toBe(400);
    expect((await server.request('GET', `/api/v1/contacts/${mine.id}`, { token: ws.tokens.agent })).body.accountId).toBeNull();
    const ownAccount = (await server.request('POST', '/api/v1/accounts', { token: ws.tokens.agent, body: { name: 'Own Co' } })).body;
    const linked = await server.request('PATCH', `/api/v1/contacts/${mine.id}`, { token: ws.tokens.agent, body: { accountId: ownAccount.id } });
    expect(linked.body.accountId).toBe(ownAccount.id);
    const unlinked = await server.request('PATCH', `/api/v1/contacts/${mine.id}`, { token: ws.tokens.agent, body: { accountId: null, city: null } });
    expect(unlinked.status, unlinked.text).toBe(200);
    expect(unlinked.body).toMatchObject({ accountId: null, city: null });
  });
});
