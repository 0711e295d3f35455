import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

describe.each(STORE_KINDS)('conversations API on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'conversations');
    other = await seedWorkspace(store.db, 'conversations-other');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = (body: Record<string, unknown>, token = ws.tokens.agent) => server.request('POST', '/api/v1/conversations', { token, body });

  it('creates, reads, updates and deletes a conversation; closing sets resolvedAt and reopening clears it', async () => {
    const team = (await server.request('POST', '/api/v1/teams', { token: ws.tokens.manager, body: { name: `Support ${kind}` } })).body;
    const contact = (await server.request('POST', '/api/v1/contacts', { token: ws.tokens.agent, body: { name: 'Caller' } })).body;
    const created = await create({ channel: 'x', subject: 'Crash on login', priority: 80, teamId: team.id, contactId: contact.id, firstResponseDueAt: '2026-05-01T10:00:00.000Z' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ channel: 'x', subject: 'Crash on login', status: 'open', priority: 80, teamId: team.id, assigneeId: null, contactId: contact.id, firstResponseDueAt: '2026-05-01T10:00:00.000Z', resolvedAt: null });
    const id = created.body.id;
    expect((await server.request('GET', `/api/v1/conversations/${id}`, { token: ws.tokens.analyst })).body).toEqual(created.body);

    const closed = await server.request('PATCH', `/api/v1/conversations/${id}`, { token: ws.tokens.agent, body: { status: 'closed' } });
    expect(closed.body.status).toBe('closed');
    expect(closed.body.resolvedAt).not.toBeNull();
    const stillClosed = await server.request('PATCH', `/api/v1/conversations/${id}`, { token: ws.tokens.agent, body: { status: 'closed', priority: 10 } });
    expect(stillClosed.body.resolvedAt).toBe(closed.body.resolvedAt);
    const reopened = await server.request('PATCH', `/api/v1/conversations/${id}`, { token: ws.tokens.agent, body: { status: 'open' } });
    expect(reopened.body.resolvedAt).toBeNull();
    expect((await create({ channel: 'x', status: 'closed' })).body.resolvedAt).not.toBeNull();

    expect((await server.request('DELETE', `/api/v1/conversations/${id}`, { token: ws.tokens.agent })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/conversations/${id}`, { token: ws.tokens.manager })).status).toBe(204);
    expect((await server.request('GET', `/api/v1/conversations/${id}`, { token: ws.tokens.agent })).status).toBe(404);
    const audit = await server.request('GET', `/api/v1/audit?targetId=${id}&action=conversation.deleted`, { token: ws.tokens.admin });
    expect(audit.body.items).toHaveLength(1);
  });

  it('audits assignment changes and only assigns active users of the same workspace', async () => {
    const conversation = (await create({ channel: 'email' })).body;
    const assigned = await server.request('PATCH', `/api/v1/conversations/${conversation.id}`, { token: ws.tokens.agent, body: { assigneeId: ws.users.agent.id } });
    expect(assigned.body.assigneeId).toBe(ws.users.agent.id);
    await server.request('PATCH', `/api/v1/conversations/${conversation.id}`, { token: ws.tokens.manager, body: { assigneeId: null } });
    const audit = await server.request('GET', `/api/v1/audit?targetId=${conversation.id}&action=conversation.assigned`, { token: ws.tokens.admin });
    expect(audit.body.items.map((e: { detail: { to: { assigneeId: string | null } } }) => e.detail.to.assigneeId)).toEqual([null, ws.users.agent.id]);

    const cross = await server.request('PATCH', `/api/v1/conversations/${conversation.id}`, { token: ws.tokens.agent, body: { assigneeId: other.users.agent.id } });
    expect(cross.status).toBe(400);
    expect(cross.body.detail).toMatch(/assigneeId/);
    expect((await create({ channel: 'x', assigneeId: other.users.agent.id })).status).toBe(400);
    const foreignTeam = (await server.request('POST', '/api/v1/teams', { token: other.tokens.manager, body: { name: `Theirs ${kind}` } })).body;
    expect((await create({ channel: 'x', teamId: foreignTeam.id })).status).toBe(400);
    const foreignContact = (await server.request('POST', '/api/v1/contacts', { token: other.tokens.agent, body: { name: 'Theirs' } })).body;
    expect((await create({ channel: 'x', contactId: foreignContact.id })).status).toBe(400);
    await server.request('PATCH', `/api/v1/users/${ws.users.analyst.id}`, { token: ws.tokens.admin, body: { status: 'disabled' } });
    expect((await create({ channel: 'x', assigneeId: ws.users.analyst.id })).status).toBe(400);
  });

  it('filters by status, team, assignee, contact and channel, and pages without duplicates or gaps', async () => {
    const fresh = await seedWorkspace(store.db, 'conversations-filters');
    const token = fresh.tokens.manager;
    const team = (await server.request('POST', '/api/v1/teams', { token, body: { name: 'PR' } })).body;
    const contact = (await server.request('POST', '/api/v1/contacts', { token, body: { name: 'C' } })).body;
    const a = (await create({ channel: 'x', status: 'pending', teamId: team.id }, token)).body;
    const b = (await create({ channel: 'email', assigneeId: fresh.users.agent.id, contactId: contact.id }, token)).body;
    const c = (await create({ channel: 'x', status: 'snoozed', snoozedUntil: '2030-01-01T00:00:00.000Z' }, token)).body;
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/v1/conversations?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('status=pending')).toEqual([a.id]);
    expect(await ids('status=snoozed')).toEqual([c.id]);
    expect(await ids(`teamId=${team.id}`)).toEqual([a.id]);
    expect(await ids(`assigneeId=${fresh.users.agent.id}`)).toEqual([b.id]);
    expect(await ids(`contactId=${contact.id}`)).toEqual([b.id]);
    expect(await ids('channel=x')).toEqual([a.id, c.id].sort());
    const { ids: seen, pages } = await collectPages(server, token, '/api/v1/conversations', 2);
    expect(pages).toBe(2);
    expect(seen).toEqual([c.id, b.id, a.id]);
  });

  it('lists the posts of a conversation in time order, page by page', async () => {
    const conversation = (await create({ channel: 'x' })).body;
    const times = ['2026-06-01T10:05:00.000Z', '2026-06-01T10:00:00.000Z', '2026-06-01T10:10:00.000Z'];
    const ids: string[] = [];
    for (const [i, postedAt] of times.entries()) {
      const res = await server.request('POST', '/api/v1/posts', { token: ws.tokens.manager, body: { channel: 'x', externalId: `conv-${kind}-${i}`, text: `message ${i}`, postedAt, conversationId: conversation.id } });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
    await server.request('POST', '/api/v1/posts', { token: ws.tokens.manager, body: { channel: 'x', externalId: `conv-${kind}-other`, text: 'elsewhere' } });
    const { ids: seen } = await collectPages(server, ws.tokens.agent, `/api/v1/conversations/${conversation.id}/posts`, 2);
    expect(seen).toEqual([ids[1], ids[0], ids[2]]);
    expect((await server.request('GET', '/api/v1/conversations/00000000-0000-4000-8000-000000000000/posts', { token: ws.tokens.agent })).status).toBe(404);
  });

  it('validates bodies and answers 404 for unknown or foreign ids', async () => {
    for (const body of [{}, { channel: 'x', priority: 101 }, { channel: 'x', priority: -1 }, { channel: 'x', status: 'done' }, { channel: 'x', assigneeId: 'me' }, { channel: 'x', firstResponseDueAt: 'soon' }]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await server.request('GET', `/api/v1/conversations/${unknown}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('PATCH', `/api/v1/conversations/${unknown}`, { token: ws.tokens.agent, body: { priority: 1 } })).status).toBe(404);
    const theirs = (await create({ channel: 'x' }, other.tokens.agent)).body;
    expect((await server.request('PATCH', `/api/v1/conversations/${theirs.id}`, { token: ws.tokens.agent, body: { priority: 1 } })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/conversations/${theirs.id}/posts`, { token: ws.tokens.agent })).status).toBe(404);
  });
});
