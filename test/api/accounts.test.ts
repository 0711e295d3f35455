import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

describe.each(STORE_KINDS)('accounts API on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'accounts');
    other = await seedWorkspace(store.db, 'accounts-other');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = (body: Record<string, unknown>, token = ws.tokens.agent) => server.request('POST', '/api/v1/accounts', { token, body });

  it('creates, reads, updates and deletes an account; contacts keep existing without it', async () => {
    const created = await create({ name: ' Acme GmbH ', domains: ['Acme.example', 'acme.example', 'acme.test'], industry: 'Retail', size: '51-200', ownerId: ws.users.manager.id, custom: { crmId: 7 } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme GmbH', domains: ['acme.example', 'acme.test'], industry: 'Retail', size: '51-200', ownerId: ws.users.manager.id, custom: { crmId: 7 } });
    const id = created.body.id;
    expect((await server.request('GET', `/api/v1/accounts/${id}`, { token: ws.tokens.analyst })).body).toEqual(created.body);
    const patched = await server.request('PATCH', `/api/v1/accounts/${id}`, { token: ws.tokens.agent, body: { industry: null, domains: ['acme.io'] } });
    expect(patched.body).toMatchObject({ industry: null, domains: ['acme.io'], name: 'Acme GmbH' });
    const contact = (await server.request('POST', '/api/v1/contacts', { token: ws.tokens.agent, body: { name: 'Worker', accountId: id } })).body;
    expect((await server.request('DELETE', `/api/v1/accounts/${id}`, { token: ws.tokens.agent })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/accounts/${id}`, { token: ws.tokens.manager })).status).toBe(204);
    expect((await server.request('GET', `/api/v1/accounts/${id}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/contacts/${contact.id}`, { token: ws.tokens.agent })).body.accountId).toBeNull();
    const audit = await server.request('GET', `/api/v1/audit?targetId=${id}`, { token: ws.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['account.created', 'account.deleted', 'account.updated']);
  });

  it('pages through accounts with a small limit without duplicates or gaps', async () => {
    const fresh = await seedWorkspace(store.db, 'accounts-pages');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ name: `Co ${i}` }, fresh.tokens.agent)).body.id);
    const { ids: seen, pages } = await collectPages(server, fresh.tokens.agent, '/api/v1/accounts', 2);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by q (name or domain), exact domain and owner', async () => {
    const fresh = await seedWorkspace(store.db, 'accounts-filters');
    const token = fresh.tokens.agent;
    const a = (await create({ name: 'Globex', domains: ['globex.test'] }, token)).body;
    const b = (await create({ name: 'Initech', domains: ['initech.test', 'globex-partner.test'], ownerId: fresh.users.agent.id }, token)).body;
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/v1/accounts?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('q=globex')).toEqual([a.id, b.id].sort());
    expect(await ids('q=INITECH')).toEqual([b.id]);
    expect(await ids('domain=GLOBEX.test')).toEqual([a.id]);
    expect(await ids('domain=globex')).toEqual([]);
    expect(await ids(`ownerId=${fresh.users.agent.id}`)).toEqual([b.id]);
  });

  it('validates bodies, answers 404 for unknown ids and refuses an owner from another workspace', async () => {
    for (const body of [{}, { name: '' }, { name: 'X', domains: ['not a domain'] }, { name: 'X', custom: 'text' }, { name: 'X', extra: true }]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await server.request('GET', `/api/v1/accounts/${unknown}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('PATCH', `/api/v1/accounts/${unknown}`, { token: ws.tokens.agent, body: { name: 'Y' } })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/accounts/${unknown}`, { token: ws.tokens.manager })).status).toBe(404);
    expect((await create({ name: 'Cross', ownerId: other.users.admin.id })).status).toBe(400);
    const foreign = (await create({ name: 'Theirs' }, other.tokens.agent)).body;
    expect((await server.request('GET', `/api/v1/accounts/${foreign.id}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('PATCH', `/api/v1/accounts/${foreign.id}`, { token: ws.tokens.agent, body: { name: 'Stolen' } })).status).toBe(404);
  });
});
