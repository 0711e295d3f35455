import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, useTestServer, type SeededWorkspace } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

interface Item {
  kind: string;
  at: string;
  id: string;
  [field: string]: string | null;
}

describe.each(STORE_KINDS)('contact timeline on %s', (kind) => {
  const t = useTestServer(kind, 'timeline');
  let other: SeededWorkspace;
  beforeAll(async () => {
    other = await seedWorkspace(t.store.db, 'timeline-other');
  });

  const post = async (path: string, body: unknown, token = t.ws.tokens.agent) => {
    const res = await t.server.request('POST', path, { token, body });
    expect([200, 201], `${path}: ${res.text}`).toContain(res.status);
    return res.body;
  };
  const unique = () => Math.random().toString(36).slice(2, 10);

  async function timeline(contactId: string, query = ''): Promise<Item[]> {
    const res = await t.server.request('GET', `/api/v1/contacts/${contactId}/timeline?limit=200${query}`, { token: t.ws.tokens.analyst });
    expect(res.status, res.text).toBe(200);
    return res.body.items;
  }

  /** A contact with an X and an email identity, posts on both, a conversation, a deal that changes stage, a note and a lifecycle change. */
  async function busyContact() {
    const contact = await post('/api/v1/contacts', { name: `Tia ${unique()}` });
    const x = await post('/api/v1/identities', { channel: 'x', externalId: `x-${unique()}`, handle: '@tia', contactId: contact.id });
    const mail = await post('/api/v1/identities', { channel: 'email', externalId: `tia-${unique()}@mail.test`, contactId: contact.id });
    const stranger = await post('/api/v1/identities', { channel: 'x', externalId: `x-${unique()}`, handle: '@stranger' });
    const at = (day: number, hour = 10) => `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const tweet = await post('/api/v1/posts', { channel: 'x', externalId: `t-${unique()}`, text: 'Loving the new app', postedAt: at(1), authorIdentityId: x.id }, t.ws.tokens.admin);
    const reply = await post('/api/v1/posts', { channel: 'x', externalId: `r-${unique()}`, kind: 'reply', text: 'still broken?', postedAt: at(3), authorIdentityId: x.id }, t.ws.tokens.admin);
    const dm = await post('/api/v1/posts', { channel: 'x', externalId: `d-${unique()}`, kind: 'direct', visibility: 'private', text: 'my order id is 42', postedAt: at(5), authorIdentityId: x.id }, t.ws.tokens.admin);
    const email = await post('/api/v1/posts', { channel: 'email', externalId: `e-${unique()}`, kind: 'email', visibility: 'private', text: 'Invoice question', postedAt: at(4), authorIdentityId: mail.id }, t.ws.tokens.admin);
    const gone = await post('/api/v1/posts', { channel: 'x', externalId: `g-${unique()}`, text: 'deleted later', postedAt: at(6), authorIdentityId: x.id }, t.ws.tokens.admin);
    await t.store.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', gone.id).execute();
    await post('/api/v1/posts', { channel: 'x', externalId: `s-${unique()}`, text: 'not the contact', postedAt: at(2), authorIdentityId: stranger.id }, t.ws.tokens.admin);
    const conversation = await post('/api/v1/conversations', { channel: 'email', subject: 'Invoice', contactId: contact.id });
    await sql`update conversations set created_at = ${at(4, 11)}::timestamptz where id = ${conversation.id}`.execute(t.store.db);
    const note = await post(`/api/v1/contacts/${contact.id}/notes`, { body: 'Called her about the invoice' });
    await sql`update notes set created_at = ${at(4, 12)}::timestamptz where id = ${note.id}`.execute(t.store.db);
    // A note at exactly the time of the tweet: the tie is broken by kind, then id.
    const tie = await post(`/api/v1/contacts/${contact.id}/notes`, { body: 'Same second as the tweet' });
    await sql`update notes set created_at = ${at(1)}::timestamptz where id = ${tie.id}`.execute(t.store.db);
    const deal = await post('/api/v1/deals', { title: 'Annual plan', stage: 'qualified', contactId: contact.id });
    await t.server.request('PATCH', `/api/v1/deals/${deal.id}`, { token: t.ws.tokens.agent, body: { stage: 'proposal' } });
    await t.server.request('PATCH', `/api/v1/deals/${deal.id}`, { token: t.ws.tokens.agent, body: { status: 'won' } });
    await t.server.request('PATCH', `/api/v1/contacts/${contact.id}`, { token: t.ws.tokens.agent, body: { lifecycleStage: 'customer' } });
    return { contact, tweet, reply, dm, email, conversation, note, tie, deal };
  }

  it('merges posts on every channel, conversations, deal changes, notes and lifecycle into one stream, newest first', async () => {
    const c = await busyContact();
    const items = await timeline(c.contact.id);
    const sorted = [...items].sort((a, b) => (a.at === b.at ? (a.kind === b.kind ? (a.id < b.id ? 1 : -1) : a.kind < b.kind ? 1 : -1) : a.at < b.at ? 1 : -1));
    expect(items).toEqual(sorted);

    const past = items.filter((i) => i.at < '2026-04-01');
    expect(past.map((i) => [i.kind, i.id])).toEqual([
      ['post', c.dm.id],
      ['note', c.note.id],
      ['conversation', c.conversation.id],
      ['post', c.email.id],
      ['post', c.reply.id],
      ['post', c.tweet.id],
      ['note', c.tie.id],
    ]);
    expect(past[0]).toMatchObject({ postKind: 'direct', channel: 'x', visibility: 'private', text: 'my order id is 42' });
    expect(past[3]).toMatchObject({ postKind: 'email', channel: 'email', text: 'Invoice question' });
    expect(past[2]).toMatchObject({ subject: 'Invoice', status: 'open', channel: 'email' });
    expect(past[1]).toMatchObject({ body: 'Called her about the invoice', authorId: t.ws.users.agent.id });

    const deals = items.filter((i) => i.kind === 'deal_change');
    expect(deals.map((d) => [d.change, d.stage, d.dealStatus, d.fromStage])).toEqual([
      ['stage_changed', 'proposal', 'won', 'proposal'],
      ['stage_changed', 'proposal', 'open', 'qualified'],
      ['created', 'qualified', 'open', null],
    ]);
    expect(deals[0]).toMatchObject({ dealId: c.deal.id, title: 'Annual plan', fromStatus: 'open' });
    const lifecycle = items.filter((i) => i.kind === 'lifecycle');
    expect(lifecycle.map((l) => [l.fromStage, l.toStage])).toEqual([
      ['prospect', 'customer'],
      [null, 'prospect'],
    ]);
    expect(items).toHaveLength(7 + 3 + 2);
  });

  it('pages through the timeline without gaps or duplicates, whatever the page size', async () => {
    const c = await busyContact();
    const all = (await timeline(c.contact.id)).map((i) => `${i.kind}:${i.id}`);
    for (const limit of [1, 2, 5]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: t.ws.tokens.agent });
        expect(res.status, res.text).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.items.map((i: Item) => `${i.kind}:${i.id}`));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
  });

  it('shows what a merge brought to the target, refuses bad cursors and other workspaces', async () => {
    const c = await busyContact();
    const target = await post('/api/v1/contacts', { name: 'Target' });
    await post(`/api/v1/contacts/${target.id}/merge`, { sourceId: c.contact.id });
    const merged = await timeline(target.id);
    expect(merged.filter((i) => i.kind === 'post')).toHaveLength(4);
    await post(`/api/v1/contacts/${c.contact.id}/unmerge`, {});
    expect((await timeline(target.id)).map((i) => i.kind)).toEqual(['lifecycle']);

    expect((await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline?cursor=garbage`, { token: t.ws.tokens.agent })).status).toBe(400);
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', 'secret', 'x'])).toString('base64url');
    expect((await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline?cursor=${forged}`, { token: t.ws.tokens.agent })).status).toBe(400);
    expect((await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline`, { token: other.tokens.admin })).status).toBe(404);
    expect((await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/notes`, { token: other.tokens.admin })).status).toBe(404);
    expect((await t.server.request('POST', `/api/v1/contacts/${c.contact.id}/notes`, { token: other.tokens.admin, body: { body: 'x' } })).status).toBe(404);
  });
});
