import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalPost } from '../../src/listening/canonical.ts';
import { insertPostsIfNew, linkThreads, type NewPost } from '../../src/listening/listening.repository.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('posts stored with their parent and thread on %s', (kind) => {
  let store: Store;
  let workspaceId: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    workspaceId = (await seedWorkspace(store.db, 'links')).workspaceId;
  });
  afterAll(async () => {
    await store?.close();
  });

  const post = (externalId: string, parent: string | null, thread: string | null): NewPost => {
    const canonical: CanonicalPost = { channel: 'forum', externalId, author: null, kind: parent ? 'reply' : 'post', direction: 'in', visibility: 'public', text: `post ${externalId}`, postedAt: '2026-12-01T10:00:00Z', parentExternalId: parent };
    return { workspaceId, connectionId: null, rawIntakeId: null, post: canonical, authorIdentityId: null, parentId: null, threadId: null, threadExternalId: thread, conversationId: null, language: null, analysis: null };
  };
  const links = async () => {
    const rows = await store.db.selectFrom('posts as c').leftJoin('posts as p', 'p.id', 'c.parent_id').leftJoin('posts as t', 't.id', 'c.thread_id').select(['c.external_id as id', 'p.external_id as parent', 't.external_id as thread']).where('c.workspace_id', '=', workspaceId).orderBy('c.external_id').execute();
    return Object.fromEntries(rows.map((r) => [r.id, { parent: r.parent, thread: r.thread }]));
  };

  it('links replies to a parent inserted in the same statement or stored before, without a later rewrite', async () => {
    const first = await insertPostsIfNew(store.db, [post('a1', null, null), post('a2', 'a1', 'a1'), post('a3', 'a2', 'a1')]);
    expect(first).toHaveLength(3);
    await insertPostsIfNew(store.db, [post('a4', 'a3', 'a1'), post('a1', null, null)]);
    expect(await links()).toEqual({
      a1: { parent: null, thread: null },
      a2: { parent: 'a1', thread: 'a1' },
      a3: { parent: 'a2', thread: 'a1' },
      a4: { parent: 'a3', thread: 'a1' },
    });
  });

  it('leaves a reply whose parent is not stored yet to linkThreads, which links it when the parent arrives', async () => {
    const [reply] = await insertPostsIfNew(store.db, [post('b2', 'b1', 'b1')]);
    expect((await links())['b2']).toEqual({ parent: null, thread: null });
    const [root] = await insertPostsIfNew(store.db, [post('b1', null, null)]);
    await linkThreads(store.db, workspaceId, [root?.id ?? '', reply?.id ?? '']);
    expect((await links())['b2']).toEqual({ parent: 'b1', thread: 'b1' });
  });
});
