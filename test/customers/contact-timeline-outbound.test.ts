import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertOutbox } from '../../src/outbox/outbox.repository.ts';
import { useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

interface Item {
  kind: string;
  at: string;
  id: string;
  [field: string]: string | null;
}

describe.each(STORE_KINDS)('contact timeline with the brand replies on %s', (kind) => {
  const t = useTestServer(kind, 'timeline-out');

  const post = async (path: string, body: unknown, token = t.ws.tokens.admin) => {
    const res = await t.server.request('POST', path, { token, body });
    expect([200, 201], `${path}: ${res.text}`).toContain(res.status);
    return res.body;
  };
  const unique = () => Math.random().toString(36).slice(2, 10);
  const at = (day: number, hour = 10) => `2026-05-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

  /**
   * A contact writing on X (a public post and a DM) and by email, the brand answering on each,
   * the brand answering a stranger too, and outbox messages in every state. Several inbound and
   * outbound items on different channels share a timestamp.
   */
  async function conversationWithBrand() {
    const contact = await post('/api/v1/contacts', { name: `Uma ${unique()}` });
    const x = await post('/api/v1/identities', { channel: 'x', externalId: `x-${unique()}`, handle: '@uma', contactId: contact.id });
    const mail = await post('/api/v1/identities', { channel: 'email', externalId: `uma-${unique()}@mail.test`, contactId: contact.id });
    const brand = await post('/api/v1/identities', { channel: 'x', externalId: `brand-${unique()}`, handle: '@acme' });
    const stranger = await post('/api/v1/identities', { channel: 'x', externalId: `x-${unique()}`, handle: '@stranger' });
    const dmThread = `dm:${unique()}`;
    const mailThread = `root-${unique()}@mail.test`;

    const tweet = await post('/api/v1/posts', { channel: 'x', externalId: `t-${unique()}`, text: 'Where is my parcel?', postedAt: at(1), authorIdentityId: x.id });
    const dm = await post('/api/v1/posts', { channel: 'x', externalId: `d-${unique()}`, kind: 'direct', visibility: 'private', threadExternalId: dmThread, text: 'order 42', postedAt: at(2), authorIdentityId: x.id });
    const email = await post('/api/v1/posts', { channel: 'email', externalId: mailThread, kind: 'email', visibility: 'private', threadExternalId: mailThread, text: 'Invoice?', postedAt: at(3), authorIdentityId: mail.id });
    // The brand's public reply to the tweet, at the time of the inbound DM.
    const reply = await post('/api/v1/posts', { channel: 'x', externalId: `r-${unique()}`, kind: 'reply', direction: 'out', parentExternalId: tweet.externalId, text: 'Sorry! DM us', postedAt: at(2), authorIdentityId: brand.id });
    // The brand's DM in the contact's DM thread and its email answer, both at the time of the inbound email.
    const dmAnswer = await post('/api/v1/posts', { channel: 'x', externalId: `da-${unique()}`, kind: 'direct', direction: 'out', visibility: 'private', threadExternalId: dmThread, text: 'It ships today', postedAt: at(3), authorIdentityId: brand.id });
    const mailAnswer = await post('/api/v1/posts', { channel: 'email', externalId: `ma-${unique()}@acme.test`, kind: 'email', direction: 'out', visibility: 'private', parentExternalId: mailThread, threadExternalId: mailThread, text: 'Attached', postedAt: at(3) });
    // Not the contact's: the brand answering a stranger, publicly and in another DM thread.
    const strangerPost = await post('/api/v1/posts', { channel: 'x', externalId: `s-${unique()}`, text: 'me too', postedAt: at(2), authorIdentityId: stranger.id });
    await post('/api/v1/posts', { channel: 'x', externalId: `sr-${unique()}`, kind: 'reply', direction: 'out', parentExternalId: strangerPost.externalId, text: 'Hi stranger', postedAt: at(2) });
    await post('/api/v1/posts', { channel: 'x', externalId: `sd-${unique()}`, kind: 'direct', direction: 'out', visibility: 'private', threadExternalId: `dm:${unique()}`, text: 'other DM', postedAt: at(3) });

    const connection = await t.store.db
      .insertInto('channel_connections')
      .values({ workspace_id: t.ws.workspaceId, type: 'x', name: `X ${unique()}`, settings: '{}', state: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const outbox = async (kind: 'reply' | 'message', inReplyTo: { id: string; externalId: string }, text: string, status: 'pending' | 'failed' | 'sent', createdAt: string, externalId: string | null = null) => {
      const row = await insertOutbox(t.store.db, {
        workspaceId: t.ws.workspaceId,
        connectionId: connection.id,
        kind,
        inReplyToPostId: inReplyTo.id,
        body: { text, channel: 'x', inReplyTo: { externalId: inReplyTo.externalId } },
        createdBy: t.ws.users.agent.id,
      });
      await sql`update outbox set status = ${status}, external_id = ${externalId}, created_at = ${createdAt}::timestamptz where id = ${row.id}`.execute(t.store.db);
      return row;
    };
    // Queued: a reply to the tweet; failed: a private message about the DM, created at the DM's very time.
    const queued = await outbox('reply', tweet, 'We are on it', 'pending', at(4));
    const failed = await outbox('message', dm, 'Can you send a photo?', 'failed', at(2));
    // Sent and stored as the outbound post (as the outbox worker does): shown once, as the post.
    const sentExternalId = `sent-${unique()}`;
    const sent = await outbox('reply', tweet, 'Delivered!', 'sent', at(4, 11), sentExternalId);
    const sentPost = await post('/api/v1/posts', { channel: 'x', channelId: connection.id, externalId: sentExternalId, kind: 'reply', direction: 'out', parentExternalId: tweet.externalId, text: 'Delivered!', postedAt: at(4, 12) });
    await outbox('reply', strangerPost, 'not for the contact', 'pending', at(4));
    return { contact, tweet, dm, email, reply, dmAnswer, mailAnswer, queued, failed, sent, sentPost };
  }

  const byKey = (a: Item, b: Item) => (a.at === b.at ? (a.kind === b.kind ? (a.id < b.id ? 1 : -1) : a.kind < b.kind ? 1 : -1) : a.at < b.at ? 1 : -1);

  it('shows the brand replies, DMs, emails and outbox messages as their own items, ordered with the inbound ones', async () => {
    const c = await conversationWithBrand();
    const res = await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline?limit=200`, { token: t.ws.tokens.analyst });
    expect(res.status, res.text).toBe(200);
    const items: Item[] = res.body.items;
    const messages = items.filter((i) => i.kind === 'post' || i.kind === 'outbox');
    expect(messages.map((i) => [i.at, i.kind, i.id, i.direction])).toEqual(
      [
        [at(4, 12), 'post', c.sentPost.id, 'out'],
        [at(4), 'outbox', c.queued.id, 'out'],
        [at(3), 'post', c.email.id, 'in'],
        [at(3), 'post', c.dmAnswer.id, 'out'],
        [at(3), 'post', c.mailAnswer.id, 'out'],
        [at(2), 'post', c.dm.id, 'in'],
        [at(2), 'post', c.reply.id, 'out'],
        [at(2), 'outbox', c.failed.id, 'out'],
        [at(1), 'post', c.tweet.id, 'in'],
      ].sort((a, b) => byKey({ at: a[0] ?? '', kind: a[1] ?? '', id: a[2] ?? '' }, { at: b[0] ?? '', kind: b[1] ?? '', id: b[2] ?? '' })),
    );
    const item = (id: string) => items.find((i) => i.id === id);
    expect(item(c.reply.id)).toMatchObject({ postKind: 'reply', channel: 'x', direction: 'out', visibility: 'public', text: 'Sorry! DM us', status: 'sent', inReplyToPostId: c.tweet.id });
    expect(item(c.dmAnswer.id)).toMatchObject({ postKind: 'direct', channel: 'x', direction: 'out', visibility: 'private', status: 'sent' });
    expect(item(c.mailAnswer.id)).toMatchObject({ postKind: 'email', channel: 'email', direction: 'out', text: 'Attached', status: 'sent', inReplyToPostId: c.email.id });
    expect(item(c.sentPost.id)).toMatchObject({ direction: 'out', status: 'sent', outboxId: c.sent.id, authorId: t.ws.users.agent.id });
    expect(item(c.queued.id)).toMatchObject({ postKind: 'reply', channel: 'x', direction: 'out', visibility: 'public', text: 'We are on it', status: 'pending', inReplyToPostId: c.tweet.id, outboxId: c.queued.id, authorId: t.ws.users.agent.id });
    expect(item(c.failed.id)).toMatchObject({ postKind: 'direct', visibility: 'private', status: 'failed', inReplyToPostId: c.dm.id });
    expect(item(c.tweet.id)).toMatchObject({ direction: 'in', status: null });
    expect(items.some((i) => i.id === c.sent.id)).toBe(false);

    const profile = await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/profile`, { token: t.ws.tokens.analyst });
    expect(profile.body.lastOutboundAt).toBe(at(4, 12));
  });

  it('pages across inbound and outbound items of equal timestamps with exact cursors: no gaps, no repeats', async () => {
    const c = await conversationWithBrand();
    const all = (await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline?limit=200`, { token: t.ws.tokens.agent })).body.items.map((i: Item) => `${i.kind}:${i.id}`);
    expect(new Set(all).size).toBe(all.length);
    for (const limit of [1, 2, 3, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.server.request('GET', `/api/v1/contacts/${c.contact.id}/timeline?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: t.ws.tokens.agent });
        expect(res.status, res.text).toBe(200);
        seen.push(...res.body.items.map((i: Item) => `${i.kind}:${i.id}`));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
  });
});
