import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import { createContact } from '../../src/customers/contacts.service.ts';
import type { PipelineEvent } from '../../src/events/events.ts';
import { InProcessEventBus } from '../../src/events/in-process.ts';
import { startOutboxRelay } from '../../src/events/outbox-relay.ts';
import { prunePublished } from '../../src/events/outbox.repository.ts';
import { createIntake, NO_SIGNAL } from '../../src/intake/intake.ts';
import { processBatch } from '../../src/pipeline/batch.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const THREAD = fileURLToPath(new URL('../fixtures/bluesky/thread.jsonl', import.meta.url));
const deps = { analyze: null, now: () => new Date() };

/** A subscriber that collects events and lets a test wait for a number of them (no clock involved). */
function collector(bus: InProcessEventBus, name: string) {
  const received: PipelineEvent[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  bus.subscribe(name, async (event) => {
    received.push(event);
    for (const w of waiting.filter((w) => received.length >= w.n)) w.resolve();
  });
  return { received, until: (n: number) => new Promise<void>((resolve) => (received.length >= n ? resolve() : waiting.push({ n, resolve }))) };
}

describe.each(STORE_KINDS)('pipeline events on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  const submit = async (workspaceId: string, channel: string, bodies: string[]) =>
    (await createIntake(store.db, NO_SIGNAL).submit(bodies.map((body) => ({ workspaceId, connectionId: null, channel, source: 'import' as const, contentType: null, headers: {}, body, dedupeKey: null })))).map((r) => r.id);
  const outbox = (workspaceId: string) => store.db.selectFrom('pipeline_events').select(['id', 'event_id', 'type', 'data', 'published_at']).where('workspace_id', '=', workspaceId).orderBy('id').execute();

  it('writes an event of each kind with its stable id in the transaction of the change', async () => {
    const ws = await seedWorkspace(store.db, 'events-kinds');
    const lines = (await readFile(THREAD, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    const ids = await submit(ws.workspaceId, 'bluesky', lines);
    await processBatch(store.db, deps, ids);
    const rows = await outbox(ws.workspaceId);
    const posts = await store.db.selectFrom('posts').select(['id', 'external_id', 'raw_intake_id', 'deleted_at']).where('workspace_id', '=', ws.workspaceId).execute();
    const engagements = await store.db.selectFrom('engagements').select(['id', 'external_id', 'removed_at']).where('workspace_id', '=', ws.workspaceId).execute();

    expect(rows.filter((r) => r.type === 'post.stored').map((r) => r.event_id).sort()).toEqual(posts.map((p) => `post.stored:${p.id}`).sort());
    const deleted = posts.filter((p) => p.deleted_at !== null);
    expect(rows.filter((r) => r.type === 'post.deleted').map((r) => r.event_id)).toEqual(deleted.map((p) => `post.deleted:${p.id}`));
    const added = engagements.map((e) => `engagement.changed:${e.id}:added`);
    const removed = engagements.filter((e) => e.removed_at !== null).map((e) => `engagement.changed:${e.id}:removed`);
    expect(rows.filter((r) => r.type === 'engagement.changed').map((r) => r.event_id).sort()).toEqual([...added, ...removed].sort());
    const stored = rows.find((r) => r.type === 'post.stored');
    const post = posts.find((p) => `post.stored:${p.id}` === stored?.event_id);
    expect(stored?.data).toEqual({ postId: post?.id, rawIntakeId: post?.raw_intake_id, channel: 'bluesky', externalId: post?.external_id });
    expect(rows.every((r) => r.published_at === null)).toBe(true);

    // An edit, a payload that does not parse, and an author identity resolution links to a contact.
    const contact = await createContact(store.db, systemActor(ws.workspaceId), { name: 'Lea Vogt', custom: { handles: 'import:lea_v' } });
    const post1 = JSON.stringify({ externalId: 'e-1', kind: 'review', text: 'Zip broke', postedAt: '2026-11-20T10:00:00Z', author: { externalId: 'lea-1', handle: 'lea_v' } });
    await processBatch(store.db, deps, await submit(ws.workspaceId, 'jsonl', [post1]));
    const edit = JSON.stringify({ externalId: 'e-1', kind: 'review', text: 'Zip broke, replaced', postedAt: '2026-11-20T10:00:00Z', editedAt: '2026-11-21T10:00:00Z', author: { externalId: 'lea-1', handle: 'lea_v' } });
    const [editId, badId] = await submit(ws.workspaceId, 'jsonl', [edit, '{not json']);
    await processBatch(store.db, deps, [editId ?? 0, badId ?? 0]);
    const e1 = await store.db.selectFrom('posts').select('id').where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'e-1').executeTakeFirstOrThrow();
    const identity = await store.db.selectFrom('social_identities').select(['id', 'contact_id']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'lea-1').executeTakeFirstOrThrow();
    expect(identity.contact_id).toBe(contact.id);
    const later = (await outbox(ws.workspaceId)).slice(rows.length);
    const dead = await store.db.selectFrom('raw_intake').select('processed_at').where('id', '=', badId ?? 0).executeTakeFirstOrThrow();
    expect(later.map((r) => r.event_id)).toEqual([
      `post.stored:${e1.id}`,
      `identity.linked:${identity.id}:${contact.id}`,
      `intake.dead:${badId}:${dead.processed_at?.getTime()}`,
      `post.updated:${e1.id}:${editId}`,
    ]);
  });

  it('delivers events committed while no relay ran (a crash between commit and publish) when the relay starts, in order', async () => {
    const ws = await seedWorkspace(store.db, 'events-crash');
    const bodies = ['a', 'b', 'c'].map((id) => JSON.stringify({ externalId: id, kind: 'review', text: `post ${id}`, postedAt: '2026-11-20T10:00:00Z' }));
    await processBatch(store.db, deps, await submit(ws.workspaceId, 'jsonl', bodies));
    const written = await outbox(ws.workspaceId);
    expect(written.map((r) => r.type)).toEqual(['post.stored', 'post.stored', 'post.stored']);

    const bus = new InProcessEventBus();
    const consumer = collector(bus, 'test');
    const relay = startOutboxRelay(store.db, bus);
    try {
      // Other workspaces of this store may have unpublished events too: wait for this one's.
      while (!written.every((w) => consumer.received.some((e) => e.id === w.event_id))) await consumer.until(consumer.received.length + 1);
      const mine = consumer.received.filter((e) => e.workspaceId === ws.workspaceId);
      expect(mine.map((e) => e.id)).toEqual(written.map((r) => r.event_id));
      expect(mine[0]).toMatchObject({ type: 'post.stored', workspaceId: ws.workspaceId, data: { channel: 'import', externalId: 'a' } });
      await relay.drain();
      expect((await outbox(ws.workspaceId)).every((r) => r.published_at !== null)).toBe(true);

      // Published but not marked (a crash right after publishing): delivered again, with the same ids.
      await store.db.updateTable('pipeline_events').set({ published_at: null }).where('workspace_id', '=', ws.workspaceId).execute();
      const before = consumer.received.length;
      await relay.drain();
      await consumer.until(before + written.length);
      expect(consumer.received.slice(before).map((e) => e.id)).toEqual(written.map((r) => r.event_id));
    } finally {
      await relay.stop();
      await bus.close();
    }

    // Published events are kept for the retention window, then pruned.
    await prunePublished(store.db, new Date(Date.now() + 60_000));
    expect(await outbox(ws.workspaceId)).toEqual([]);
  });
});
