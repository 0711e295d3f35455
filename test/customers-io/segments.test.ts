import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const DAY = 86_400_000;

describe.each(STORE_KINDS)('segments on %s', { timeout: 60_000 }, (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  const ids: Record<string, string> = {};

  /** Five people with different traits; each filter below must pick exactly the expected ones. */
  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'seg');
    const token = ws.tokens.agent;
    const make = async (key: string, body: Record<string, unknown>) => {
      const response = await server.request('POST', '/api/v1/contacts', { token, body });
      expect(response.status, response.text).toBe(201);
      ids[key] = response.body.id;
    };
    await make('ana', { name: 'Ana', lifecycleStage: 'customer', country: 'DE', city: 'Berlin', custom: { tier: 'gold', vip: true } });
    await make('bo', { name: 'Bo', lifecycleStage: 'prospect', country: 'de', city: 'Hamburg', custom: { tier: 'silver' } });
    await make('cleo', { name: 'Cleo', lifecycleStage: 'former_customer', country: 'ES', city: 'Madrid' });
    await make('dan', { name: 'Dan', lifecycleStage: 'customer', country: 'US', city: 'Boston', custom: { score: 7 } });
    await make('eve', { name: 'Eve', lifecycleStage: 'prospect' });

    const now = Date.now();
    const identity = async (contact: string, channel: string, followers: number) =>
      (
        await store.db
          .insertInto('social_identities')
          .values({ workspace_id: ws.workspaceId, channel, external_id: `${channel}-${contact}`, handle: `${contact}_${channel}`, followers, contact_id: ids[contact] ?? null, link_status: 'manual', link_score: 1 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    let n = 0;
    const post = async (identityId: string, score: number, topics: string[], daysAgo: number) =>
      store.db
        .insertInto('posts')
        .values({
          workspace_id: ws.workspaceId,
          channel: 'x',
          external_id: `p${n++}`,
          author_identity_id: identityId,
          text: 'text',
          posted_at: new Date(now - daysAgo * DAY),
          analysis: JSON.stringify({ sentiment: { label: score > 0 ? 'positive' : 'negative', score }, topics }),
        })
        .execute();
    const anaX = await identity('ana', 'x', 120_000);
    const boIg = await identity('bo', 'instagram', 800);
    const cleoX = await identity('cleo', 'x', 50);
    await post(anaX, 0.8, ['battery'], 2);
    await post(anaX, 0.4, ['design'], 5);
    await post(boIg, -0.7, ['battery', 'price'], 1);
    await post(boIg, 0.9, ['shipping'], 60); // outside a 30-day window
    await post(cleoX, -0.2, ['support'], 3);

    await server.request('POST', '/api/v1/deals', { token, body: { title: 'Ana renewal', contactId: ids['ana'], stage: 'negotiation', status: 'open' } });
    await server.request('POST', '/api/v1/deals', { token, body: { title: 'Dan deal', contactId: ids['dan'], stage: 'closed', status: 'won' } });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const names = (items: { id: string }[]) => items.map((c) => Object.keys(ids).find((k) => ids[k] === c.id) ?? c.id).sort();
  async function members(conditions: unknown[], match: 'all' | 'any' = 'all'): Promise<string[]> {
    const created = await server.request('POST', '/api/v1/segments', { token: ws.tokens.agent, body: { name: `s-${Math.random()}`, definition: { match, conditions } } });
    expect(created.status, created.text).toBe(201);
    const page = await server.request('GET', `/api/v1/segments/${created.body.id}/contacts?limit=100`, { token: ws.tokens.analyst });
    expect(page.status, page.text).toBe(200);
    const count = await server.request('GET', `/api/v1/segments/${created.body.id}/count`, { token: ws.tokens.analyst });
    expect(count.body.count).toBe(page.body.items.length);
    return names(page.body.items);
  }

  it('filters by lifecycle stage', async () => {
    expect(await members([{ field: 'lifecycleStage', in: ['customer'] }])).toEqual(['ana', 'dan']);
  });
  it('filters by average sentiment over the last N days', async () => {
    expect(await members([{ field: 'sentiment', days: 30, op: 'above', value: 0.5 }])).toEqual(['ana']);
    expect(await members([{ field: 'sentiment', days: 30, op: 'below', value: 0 }])).toEqual(['bo', 'cleo']);
    expect(await members([{ field: 'sentiment', days: 90, op: 'above', value: 0 }])).toEqual(['ana', 'bo']);
  });
  it('filters by channel', async () => {
    expect(await members([{ field: 'channel', in: ['instagram'] }])).toEqual(['bo']);
  });
  it('filters by topics of the contact’s posts', async () => {
    expect(await members([{ field: 'topic', any: ['battery'] }])).toEqual(['ana', 'bo']);
    expect(await members([{ field: 'topic', any: ['shipping', 'support'], days: 30 }])).toEqual(['cleo']);
  });
  it('filters by influence', async () => {
    expect(await members([{ field: 'influence', minFollowers: 1000 }])).toEqual(['ana']);
  });
  it('filters by deal stage and status', async () => {
    expect(await members([{ field: 'deal', stage: 'negotiation' }])).toEqual(['ana']);
    expect(await members([{ field: 'deal', status: 'won' }])).toEqual(['dan']);
  });
  it('filters by custom fields', async () => {
    expect(await members([{ field: 'custom', key: 'tier', equals: 'gold' }])).toEqual(['ana']);
    expect(await members([{ field: 'custom', key: 'vip', equals: true }])).toEqual(['ana']);
    expect(await members([{ field: 'custom', key: 'score', equals: 7 }])).toEqual(['dan']);
    expect(await members([{ field: 'custom', key: "tier' or '1'='1", equals: 'gold' }])).toEqual([]);
  });
  it('filters by country and city, case-insensitively', async () => {
    expect(await members([{ field: 'country', in: ['DE'] }])).toEqual(['ana', 'bo']);
    expect(await members([{ field: 'city', in: ['madrid', 'boston'] }])).toEqual(['cleo', 'dan']);
  });
  it('combines conditions with all and any; no conditions match everyone', async () => {
    expect(await members([{ field: 'country', in: ['DE'] }, { field: 'lifecycleStage', in: ['prospect'] }])).toEqual(['bo']);
    expect(await members([{ field: 'country', in: ['ES'] }, { field: 'deal', status: 'won' }], 'any')).toEqual(['cleo', 'dan']);
    expect(await members([])).toEqual(['ana', 'bo', 'cleo', 'dan', 'eve']);
  });

  it('creates, lists, updates and deletes segments; refuses duplicate names and bad definitions', async () => {
    const token = ws.tokens.agent;
    const created = await server.request('POST', '/api/v1/segments', { token, body: { name: 'Germans', definition: { conditions: [{ field: 'country', in: ['DE'] }] } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Germans', description: '', createdBy: ws.users.agent.id });
    expect((await server.request('POST', '/api/v1/segments', { token, body: { name: 'Germans', definition: { conditions: [] } } })).status).toBe(409);
    expect((await server.request('POST', '/api/v1/segments', { token, body: { name: 'Bad', definition: { conditions: [{ field: 'shoe_size', in: ['9'] }] } } })).status).toBe(400);
    const listed = await server.request('GET', '/api/v1/segments', { token: ws.tokens.analyst });
    expect(listed.body.items.map((s: { name: string }) => s.name)).toContain('Germans');
    const patched = await server.request('PATCH', `/api/v1/segments/${created.body.id}`, { token, body: { definition: { conditions: [{ field: 'city', in: ['Hamburg'] }] } } });
    expect(patched.status, patched.text).toBe(200);
    expect(names((await server.request('GET', `/api/v1/segments/${created.body.id}/contacts`, { token })).body.items)).toEqual(['bo']);
    expect((await server.request('DELETE', `/api/v1/segments/${created.body.id}`, { token })).status).toBe(204);
    expect((await server.request('GET', `/api/v1/segments/${created.body.id}`, { token })).status).toBe(404);
  });

  it('lets analysts read segments but only contacts:write roles change them', async () => {
    const body = { name: 'Analyst try', definition: { conditions: [] } };
    expect((await server.request('POST', '/api/v1/segments', { token: ws.tokens.analyst, body })).status).toBe(403);
    const created = await server.request('POST', '/api/v1/segments', { token: ws.tokens.manager, body });
    expect(created.status).toBe(201);
    expect((await server.request('PATCH', `/api/v1/segments/${created.body.id}`, { token: ws.tokens.analyst, body: { name: 'x' } })).status).toBe(403);
    expect((await server.request('DELETE', `/api/v1/segments/${created.body.id}`, { token: ws.tokens.analyst })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/segments/${created.body.id}/count`, { token: ws.tokens.analyst })).body).toEqual({ count: 5 });
  });

  it('exports the members of a segment', async () => {
    const segment = await server.request('POST', '/api/v1/segments', { token: ws.tokens.agent, body: { name: 'Customers export', definition: { conditions: [{ field: 'lifecycleStage', in: ['customer'] }] } } });
    const csv = await server.request('GET', `/api/v1/contacts/export.csv?segmentId=${segment.body.id}`, { token: ws.tokens.analyst });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.text.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['Ana', 'Dan']);
    const vcf = await server.request('GET', `/api/v1/contacts/export.vcf?segmentId=${segment.body.id}`, { token: ws.tokens.analyst });
    expect(vcf.text.match(/BEGIN:VCARD/g)).toHaveLength(2);
    expect((await server.request('GET', `/api/v1/contacts/export.csv?segmentId=00000000-0000-4000-8000-000000000000`, { token: ws.tokens.analyst })).status).toBe(404);
  });
});
