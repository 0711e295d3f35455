import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRawMany } from '../../src/intake/intake.repository.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/**
 * Pending payloads are taken 200 at a time, but one X search page holds 100 posts: 60 pages are 6,000
 * posts. The pipeline splits such a batch into transactions by item count (250 on the embedded store,
 * which was seen to corrupt its state after a 1,000-post transaction; 5,000 on PostgreSQL).
 */
const PAGES = 60;
const PER_PAGE = 100;
const tweetId = (i: number) => String(1_800_000_000_000_000_000n + BigInt(i));

function searchPage(page: number): string {
  const data = [];
  const users = new Map<string, unknown>();
  for (let j = 0; j < PER_PAGE; j++) {
    const i = page * PER_PAGE + j;
    const authorId = String(2_000_000 + (i % 700));
    users.set(authorId, { id: authorId, username: `fan${i % 700}`, name: `Fan ${i % 700}` });
    data.push({
      id: tweetId(i),
      text: `router keeps dropping, day ${i} @acme_help`,
      author_id: authorId,
      created_at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      conversation_id: tweetId(i - (i % 4)),
      // Three in four reply to the previous tweet of their conversation.
      ...(i % 4 !== 0 ? { referenced_tweets: [{ type: 'replied_to', id: tweetId(i - 1) }] } : {}),
    });
  }
  return JSON.stringify({ data, includes: { users: [...users.values()] }, meta: { result_count: PER_PAGE } });
}

describe.each(STORE_KINDS)('pending batches larger than one transaction on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('stores every post of 60 X search pages (6,000 posts) exactly once, threaded, and the store keeps answering', async () => {
    const ws = await seedWorkspace(store.db, 'big-batches');
    const bodies = Array.from({ length: PAGES }, (_, page) => searchPage(page));
    await insertRawMany(store.db, bodies.map((body, page) => ({ workspaceId: ws.workspaceId, connectionId: null, channel: 'x', source: 'poll' as const, contentType: null, headers: {}, body, dedupeKey: `page-${page}` })));

    const statuses: Record<string, number> = {};
    await drainIntake(store.db, { analyze: null, now: () => new Date() }, { workspaceId: ws.workspaceId, onResult: (_id, result) => void (statuses[result.status] = (statuses[result.status] ?? 0) + 1) });
    expect(statuses).toEqual({ processed: PAGES });

    const count = async (table: 'posts' | 'raw_intake', where?: 'pending') => {
      let query = store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.workspaceId);
      if (where && table === 'raw_intake') query = query.where('status', '=', 'pending');
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    expect(await count('posts')).toBe(PAGES * PER_PAGE);
    expect(await count('raw_intake', 'pending')).toBe(0);

    // Replies are linked to their parents, also across transaction boundaries (tweet 250 replies to 249 on the embedded store's cut).
    const unlinked = await store.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.workspaceId)
      .where('parent_external_id', 'is not', null)
      .where('parent_id', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(unlinked.n)).toBe(0);
    const last = await store.db.selectFrom('posts').select(['external_id', 'thread_external_id']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', tweetId(PAGES * PER_PAGE - 1)).executeTakeFirstOrThrow();
    expect(last.thread_external_id).toBe(tweetId(PAGES * PER_PAGE - 4));
  });
});
