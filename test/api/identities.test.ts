import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

describe.each(STORE_KINDS)('identities API on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'identities');
    other = await seedWorkspace(store.db, 'identities-other');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = (body: Record<string, unknown>, token = ws.tokens.agent) => server.request('POST', '/api/v1/identities', { token, body });
  const contactOf = async (token: string, name = 'Contact') => (await server.request('POST', '/api/v1/contacts', { token, body: { name } })).body.id as string;

  it('creates an unlinked identity with the contract fields, reads, updates and deletes it', async () => {
    const created = await create({ channel: 'x', externalId: '1001', handle: '@ana_b', displayName: 'Ana B', profileUrl: 'https://x.com/ana_b', followers: 0, following: 12, verified: true, location: 'Berlin', language: 'de', bio: 'hi' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ channel: 'x', externalId: '1001', handle: '@ana_b', displayName: 'Ana B', contactId: null, link: null, followers: 0, following: 12, verified: true, avatarUrl: null });
    for (const field of ['id', 'channel', 'externalId', 'handle', 'displayName', 'contactId', 'link', 'profileUrl', 'avatarUrl', 'bio', 'location', 'language', 'followers', 'following', 'verified', 'createdAt', 'updatedAt']) {
      expect(created.body).toHaveProperty(field);
    }
    const id = created.body.id;
    expect((await server.request('GET', `/api/v1/identities/${id}`, { token: ws.tokens.analyst })).body).toEqual(created.body);
    const patched = await server.request('PATCH', `/api/v1/identities/${id}`, { token: ws.tokens.agent, body: { displayName: 'Ana Berg', followers: 5, bio: null } });
    expect(patched.body).toMatchObject({ displayName: 'Ana Berg', followers: 5, bio: null, handle: '@ana_b' });
    expect((await server.request('DELETE', `/api/v1/identities/${id}`, { token: ws.tokens.agent })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/identities/${id}`, { token: ws.tokens.manager })).status).toBe(204);
    expect((await server.request('GET', `/api/v1/identities/${id}`, { token: ws.tokens.agent })).status).toBe(404);
    const audit = await server.request('GET', `/api/v1/audit?targetId=${id}`, { token: ws.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['identity.created', 'identity.deleted']);
  });

  it('answers 409 for a duplicate (channel, externalId) and allows the same id on another channel or workspace', async () => {
    expect((await create({ channel: 'mastodon', externalId: 'dup-1' })).status).toBe(201);
    const dup = await create({ channel: 'mastodon', externalId: 'dup-1', handle: 'other' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('conflict');
    expect((await create({ channel: 'bluesky', externalId: 'dup-1' })).status).toBe(201);
    expect((await create({ channel: 'mastodon', externalId: 'dup-1' }, other.tokens.agent)).status).toBe(201);
  });

  it('links an identity manually to a contact and unlinks it, with audit entries', async () => {
    const contactId = await contactOf(ws.tokens.agent, 'Linked Person');
    const identity = (await create({ channel: 'instagram', externalId: 'ig-7', handle: 'ana.b' })).body;
    const linked = await server.request('PATCH', `/api/v1/identities/${identity.id}`, { token: ws.tokens.agent, body: { contactId } });
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body.contactId).toBe(contactId);
    expect(linked.body.link).toEqual({ score: 1, status: 'manual', evidence: [{ type: 'manual', by: ws.users.agent.id }] });

    const unlinked = await server.request('PATCH', `/api/v1/identities/${identity.id}`, { token: ws.tokens.manager, body: { contactId: null } });
    expect(unlinked.body).toMatchObject({ contactId: null, link: null });
    const audit = await server.request('GET', `/api/v1/audit?targetId=${identity.id}`, { token: ws.tokens.admin });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('identity.linked');
    expect(actions).toContain('identity.unlinked');

    const createdLinked = await create({ channel: 'instagram', externalId: 'ig-8', contactId });
    expect(createdLinked.body.link).toMatchObject({ status: 'manual', score: 1 });
  });

  it('refuses to link to a contact of another workspace', async () => {
    const foreign = await contactOf(other.tokens.agent, 'Theirs');
    expect((await create({ channel: 'x', externalId: 'cross-1', contactId: foreign })).status).toBe(400);
    const identity = (await create({ channel: 'x', externalId: 'cross-2' })).body;
    expect((await server.request('PATCH', `/api/v1/identities/${identity.id}`, { token: ws.tokens.agent, body: { contactId: foreign } })).status).toBe(400);
    expect((await server.request('GET', `/api/v1/identities/${identity.id}`, { token: ws.tokens.agent })).body.contactId).toBeNull();
    const theirs = (await create({ channel: 'x', externalId: 'theirs' }, other.tokens.agent)).body;
    expect((await server.request('PATCH', `/api/v1/identities/${theirs.id}`, { token: ws.tokens.agent, body: { contactId: await contactOf(ws.tokens.agent) } })).status).toBe(404);
  });

  it('filters by channel, contact, linked and q, and pages without duplicates or gaps', async () => {
    const fresh = await seedWorkspace(store.db, 'identities-filters');
    const token = fresh.tokens.agent;
    const contactId = await contactOf(token);
    const a = (await create({ channel: 'x', externalId: 'a', handle: '@zed_fan', displayName: 'Zed' }, token)).body;
    const b = (await create({ channel: 'reddit', externalId: 'b', handle: 'u/builder', displayName: 'Bob the Builder', contactId }, token)).body;
    const c = (await create({ channel: 'x', externalId: 'c', handle: '@carol', displayName: 'Carol ZED' }, token)).body;
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/v1/identities?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('channel=x')).toEqual([a.id, c.id].sort());
    expect(await ids(`contactId=${contactId}`)).toEqual([b.id]);
    expect(await ids('linked=true')).toEqual([b.id]);
    expect(await ids('linked=false')).toEqual([a.id, c.id].sort());
    expect(await ids('q=zed')).toEqual([a.id, c.id].sort());
    expect(await ids('q=builder')).toEqual([b.id]);
    const { ids: seen, pages } = await collectPages(server, token, '/api/v1/identities', 1);
    expect(pages).toBe(3);
    expect(seen).toEqual([c.id, b.id, a.id]);
  });

  it('validates bodies and answers 404 for unknown ids', async () => {
    for (const body of [{}, { channel: 'x' }, { channel: 'X Twitter', externalId: '1' }, { channel: 'x', externalId: '' }, { channel: 'x', externalId: '1', followers: -1 }, { channel: 'x', externalId: '1', profileUrl: 'javascript:alert(1)' }, { channel: 'x', externalId: '1', link: {} }]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await server.request('GET', '/api/v1/identities?linked=maybe', { token: ws.tokens.agent })).status).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await server.request('GET', `/api/v1/identities/${unknown}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('PATCH', `/api/v1/identities/${unknown}`, { token: ws.tokens.agent, body: { handle: 'x' } })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/identities/${unknown}`, { token: ws.tokens.manager })).status).toBe(404);
  });
});
