import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

describe.each(STORE_KINDS)('posts API on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'posts');
    other = await seedWorkspace(store.db, 'posts-other');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const create = (body: Record<string, unknown>, token = ws.tokens.manager) => server.request('POST', '/api/v1/posts', { token, body });
  let seq = 0;
  const post = (overrides: Record<string, unknown> = {}, token = ws.tokens.manager) =>
    create({ channel: 'x', externalId: `p-${kind}-${++seq}`, text: 'hello world', postedAt: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(), ...overrides }, token);

  it('creates a post with its author, reads it with the contract fields, and refuses a duplicate with 409', async () => {
    const author = (await server.request('POST', '/api/v1/identities', { token: ws.tokens.agent, body: { channel: 'x', externalId: 'author-1', handle: '@ana_b', displayName: 'Ana B' } })).body;
    const created = await create({ channel: 'x', externalId: '1789', kind: 'post', direction: 'in', visibility: 'public', text: 'Your app keeps crashing', language: 'en', postedAt: '2026-02-01T09:30:00.000Z', url: 'https://x.com/ana_b/status/1789', authorIdentityId: author.id, metrics: { likes: 3 } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ channel: 'x', externalId: '1789', text: 'Your app keeps crashing', createdAt: '2026-02-01T09:30:00.000Z', author: { id: author.id, handle: '@ana_b', displayName: 'Ana B' }, analysis: null, metrics: { likes: 3 }, editedAt: null, deletedAt: null });
    const got = await server.request('GET', `/api/v1/posts/${created.body.id}`, { token: ws.tokens.analyst });
    expect(got.body).toEqual(created.body);
    const dup = await create({ channel: 'x', externalId: '1789', text: 'again' });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await create({ channel: 'x', externalId: '1789', text: 'theirs' }, other.tokens.manager)).status).toBe(201);
    const anonymous = (await post()).body;
    expect(anonymous.author).toBeNull();
  });

  it('finds posts by full text with web search syntax', async () => {
    const fresh = await seedWorkspace(store.db, 'posts-search');
    const token = fresh.tokens.manager;
    const a = (await post({ text: 'The battery drains overnight, very disappointing' }, token)).body;
    const b = (await post({ text: 'Battery life is great after the update' }, token)).body;
    const c = (await post({ text: 'Shipping was slow' }, token)).body;
    const ids = async (q: string) => {
      const res = await server.request('GET', `/api/v1/posts?q=${encodeURIComponent(q)}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('battery')).toEqual([a.id, b.id].sort());
    expect(await ids('battery -update')).toEqual([a.id]);
    expect(await ids('"battery life"')).toEqual([b.id]);
    expect(await ids('slow or overnight')).toEqual([a.id, c.id].sort());
    expect(await ids("'); drop table posts; --")).toEqual([]);
    expect(await ids('nothing-matches-this')).toEqual([]);
  });

  it('filters by channel, channelId, author, kind, direction, language, time range and conversation', async () => {
    const fresh = await seedWorkspace(store.db, 'posts-filters');
    const token = fresh.tokens.manager;
    const author = (await server.request('POST', '/api/v1/identities', { token, body: { channel: 'mastodon', externalId: 'm-1', handle: '@m' } })).body;
    const conversation = (await server.request('POST', '/api/v1/conversations', { token, body: { channel: 'mastodon' } })).body;
    const a = (await post({ channel: 'mastodon', authorIdentityId: author.id, kind: 'reply', language: 'de', postedAt: '2026-03-01T00:00:00.000Z', conversationId: conversation.id }, token)).body;
    const b = (await post({ channel: 'x', direction: 'out', postedAt: '2026-03-02T00:00:00.000Z' }, token)).body;
    const c = (await post({ channel: 'x', kind: 'direct', visibility: 'private', postedAt: '2026-03-03T00:00:00.000Z' }, token)).body;
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/v1/posts?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((x: { id: string }) => x.id).sort();
    };
    expect(await ids('channel=x')).toEqual([b.id, c.id].sort());
    expect(await ids(`authorId=${author.id}`)).toEqual([a.id]);
    expect(await ids('kind=direct')).toEqual([c.id]);
    expect(await ids('direction=out')).toEqual([b.id]);
    expect(await ids('language=de')).toEqual([a.id]);
    expect(await ids('since=2026-03-02T00:00:00.000Z')).toEqual([b.id, c.id].sort());
    expect(await ids('until=2026-03-02T00:00:00.000Z')).toEqual([a.id]);
    expect(await ids('since=2026-03-02T00:00:00.000Z&until=2026-03-03T00:00:00.000Z')).toEqual([b.id]);
    expect(await ids(`conversationId=${conversation.id}`)).toEqual([a.id]);
    expect(await ids('channelId=00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('pages newest first on (postedAt, id), without duplicates or gaps even when posts share a timestamp', async () => {
    const fresh = await seedWorkspace(store.db, 'posts-pages');
    const token = fresh.tokens.manager;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await post({ postedAt: i < 4 ? '2026-04-01T12:00:00.000Z' : `2026-04-0${i}T12:00:00.000Z` }, token)).body.id);
    const { ids: seen } = await collectPages(server, token, '/api/v1/posts', 2);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    const sameTime = ids.slice(0, 4).sort().reverse();
    expect(seen.slice(3)).toEqual(sameTime);
  });

  it('keeps the edit history: an edited text moves the old one to the revisions and sets editedAt', async () => {
    const created = (await post({ text: 'first version', metrics: { likes: 1 } })).body;
    const edited = await server.request('PATCH', `/api/v1/posts/${created.id}`, { token: ws.tokens.manager, body: { text: 'second version' } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.text).toBe('second version');
    expect(edited.body.editedAt).not.toBeNull();
    await server.request('PATCH', `/api/v1/posts/${created.id}`, { token: ws.tokens.manager, body: { metrics: { likes: 5 } } });
    await server.request('PATCH', `/api/v1/posts/${created.id}`, { token: ws.tokens.manager, body: { text: 'third version' } });
    const history = await server.request('GET', `/api/v1/posts/${created.id}/revisions`, { token: ws.tokens.analyst });
    expect(history.status).toBe(200);
    expect(history.body.items.map((r: { text: string }) => r.text)).toEqual(['first version', 'second version']);
    expect(history.body.items[1].metrics).toEqual({ likes: 5 });
    const search = await server.request('GET', '/api/v1/posts?q=third', { token: ws.tokens.analyst });
    expect(search.body.items.map((p: { id: string }) => p.id)).toEqual([created.id]);
    expect((await server.request('PATCH', `/api/v1/posts/${created.id}`, { token: ws.tokens.agent, body: { text: 'agent edit' } })).status).toBe(403);
  });

  it('soft-deletes: a deleted post leaves lists unless includeDeleted=true and cannot be re-created', async () => {
    const fresh = await seedWorkspace(store.db, 'posts-delete');
    const created = (await post({ externalId: 'to-delete', text: 'remove me' }, fresh.tokens.manager)).body;
    expect((await server.request('DELETE', `/api/v1/posts/${created.id}`, { token: fresh.tokens.manager })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/posts/${created.id}`, { token: fresh.tokens.admin })).status).toBe(204);
    expect((await server.request('GET', '/api/v1/posts', { token: fresh.tokens.analyst })).body.items).toEqual([]);
    const withDeleted = await server.request('GET', '/api/v1/posts?includeDeleted=true', { token: fresh.tokens.analyst });
    expect(withDeleted.body.items.map((p: { id: string }) => p.id)).toEqual([created.id]);
    expect(withDeleted.body.items[0].deletedAt).not.toBeNull();
    expect((await server.request('GET', `/api/v1/posts/${created.id}`, { token: fresh.tokens.analyst })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/posts/${created.id}?includeDeleted=true`, { token: fresh.tokens.analyst })).status).toBe(200);
    expect((await server.request('DELETE', `/api/v1/posts/${created.id}`, { token: fresh.tokens.admin })).status).toBe(404);
    expect((await post({ externalId: 'to-delete' }, fresh.tokens.manager)).status).toBe(409);
    const audit = await server.request('GET', `/api/v1/audit?targetId=${created.id}&action=post.deleted`, { token: fresh.tokens.admin });
    expect(audit.body.items).toHaveLength(1);
  });

  it('validates bodies, answers 404 for unknown ids and refuses references to another workspace', async () => {
    for (const body of [{ channel: 'x', text: 'no id' }, { channel: 'x', externalId: '1', text: 'x', kind: 'tweet' }, { channel: 'x', externalId: '1', text: 'x', postedAt: 'yesterday' }, { channel: 'x', externalId: '1', text: 'x', metrics: { likes: 'many' } }, { channel: 'x', externalId: '1', text: 'x', search: 'x' }]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await server.request('GET', '/api/v1/posts?since=last-week', { token: ws.tokens.agent })).status).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await server.request('GET', `/api/v1/posts/${unknown}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('PATCH', `/api/v1/posts/${unknown}`, { token: ws.tokens.manager, body: { text: 'x' } })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/posts/${unknown}/revisions`, { token: ws.tokens.agent })).status).toBe(404);
    const foreignAuthor = (await server.request('POST', '/api/v1/identities', { token: other.tokens.agent, body: { channel: 'x', externalId: 'foreign-author' } })).body;
    expect((await post({ authorIdentityId: foreignAuthor.id })).status).toBe(400);
    const foreignConversation = (await server.request('POST', '/api/v1/conversations', { token: other.tokens.agent, body: { channel: 'x' } })).body;
    expect((await post({ conversationId: foreignConversation.id })).status).toBe(400);
    expect((await post({ channelId: unknown })).status).toBe(400);
    const theirs = (await post({}, other.tokens.manager)).body;
    expect((await server.request('GET', `/api/v1/posts/${theirs.id}`, { token: ws.tokens.agent })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/posts/${theirs.id}`, { token: ws.tokens.admin })).status).toBe(404);
  });
});
