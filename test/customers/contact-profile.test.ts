import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, useTestServer, type SeededWorkspace } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('contact social profile on %s', (kind) => {
  const t = useTestServer(kind, 'profile');
  let other: SeededWorkspace;
  beforeAll(async () => {
    other = await seedWorkspace(t.store.db, 'profile-other');
  });

  const post = async (path: string, body: unknown, token = t.ws.tokens.admin) => {
    const res = await t.server.request('POST', path, { token, body });
    expect([200, 201], `${path}: ${res.text}`).toContain(res.status);
    return res.body;
  };
  const unique = () => Math.random().toString(36).slice(2, 10);

  /** A post by an identity with the given analysis (as the analyzers store it). */
  async function analysed(identityId: string, postedAt: string, analysis: unknown, channel = 'x') {
    const created = await post('/api/v1/posts', { channel, externalId: `p-${unique()}`, text: 'some text', postedAt, authorIdentityId: identityId });
    await sql`update posts set analysis = ${JSON.stringify(analysis)}::jsonb where id = ${created.id}`.execute(t.store.db);
    return created;
  }

  it('sums reach, and aggregates weekly sentiment, topics, intents, last contact and open conversations', async () => {
    const contact = await post('/api/v1/contacts', { name: 'Paula Profile' });
    const x = await post('/api/v1/identities', { channel: 'x', externalId: `x-${unique()}`, handle: '@paula', followers: 1200, verified: true, contactId: contact.id });
    const insta = await post('/api/v1/identities', { channel: 'instagram', externalId: `i-${unique()}`, handle: 'paula.p', followers: 300, contactId: contact.id });
    const stranger = await post('/api/v1/identities', { channel: 'x', externalId: `x-${unique()}`, followers: 99999 });

    const a = (label: string, score: number, intent: string, topics: unknown) => ({ language: 'en', sentiment: { label, score }, intent, topics, entities: [] });
    await analysed(x.id, '2026-03-02T09:00:00.000Z', a('positive', 0.8, 'praise', ['shipping', 'app']));
    await analysed(insta.id, '2026-03-04T09:00:00.000Z', a('negative', -0.4, 'complaint', ['shipping']), 'instagram');
    await analysed(x.id, '2026-03-10T09:00:00.000Z', a('negative', -0.6, 'complaint', ['billing']));
    // malformed analysis is skipped, not an error; unanalysed posts and strangers' posts do not count
    await analysed(x.id, '2026-03-11T09:00:00.000Z', { sentiment: { label: 'neutral', score: 'high' }, intent: 7, topics: 'shipping' });
    await post('/api/v1/posts', { channel: 'x', externalId: `u-${unique()}`, text: 'not analysed yet', postedAt: '2026-03-12T09:00:00.000Z', authorIdentityId: x.id });
    await analysed(stranger.id, '2026-03-03T09:00:00.000Z', a('negative', -1, 'churn_threat', ['shipping']));

    const open = await post('/api/v1/conversations', { channel: 'x', subject: 'Late parcel', contactId: contact.id });
    const closed = await post('/api/v1/conversations', { channel: 'x', subject: 'Old question', status: 'closed', contactId: contact.id });
    await sql`update conversations set last_activity_at = '2026-03-12T10:00:00Z' where id = ${open.id}`.execute(t.store.db);
    await sql`update conversations set last_activity_at = '2026-02-01T10:00:00Z' where id = ${closed.id}`.execute(t.store.db);
    await post('/api/v1/posts', { channel: 'x', externalId: `o-${unique()}`, direction: 'out', text: 'Sorry, checking', postedAt: '2026-03-12T11:00:00.000Z', conversationId: open.id });

    const res = await t.server.request('GET', `/api/v1/contacts/${contact.id}/profile`, { token: t.ws.tokens.analyst });
    expect(res.status, res.text).toBe(200);
    const profile = res.body;
    expect(profile.identities.map((i: { handle: string }) => i.handle)).toEqual(['@paula', 'paula.p']);
    expect(profile.identities[0]).toMatchObject({ channel: 'x', followers: 1200, verified: true });
    expect(profile.reach).toBe(1500);
    expect(profile.sentiment).toEqual([
      { week: '2026-03-02', count: 2, averageScore: 0.2, positive: 1, neutral: 0, negative: 1 },
      { week: '2026-03-09', count: 1, averageScore: -0.6, positive: 0, neutral: 0, negative: 1 },
    ]);
    expect(profile.topics).toEqual([
      { topic: 'shipping', count: 2 },
      { topic: 'app', count: 1 },
      { topic: 'billing', count: 1 },
    ]);
    expect(profile.intents).toEqual([
      { intent: 'complaint', count: 2 },
      { intent: 'praise', count: 1 },
    ]);
    expect(profile.lastInboundAt).toBe('2026-03-12T09:00:00.000Z');
    expect(profile.lastOutboundAt).toBe('2026-03-12T11:00:00.000Z');
    expect(profile.lastConversationActivityAt).toBe('2026-03-12T10:00:00.000Z');
    expect(profile.lastContactAt).toBe('2026-03-12T11:00:00.000Z');
    expect(profile.openConversations).toEqual([expect.objectContaining({ id: open.id, subject: 'Late parcel', status: 'open' })]);
  });

  it('answers an empty profile for a contact without identities, and 404 to another workspace', async () => {
    const contact = await post('/api/v1/contacts', { name: 'Quiet Quentin' });
    const res = await t.server.request('GET', `/api/v1/contacts/${contact.id}/profile`, { token: t.ws.tokens.agent });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ identities: [], reach: 0, sentiment: [], topics: [], intents: [], lastContactAt: null, openConversations: [] });
    expect((await t.server.request('GET', `/api/v1/contacts/${contact.id}/profile`, { token: other.tokens.admin })).status).toBe(404);
  });
});
