import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRawMany } from '../../src/intake/intake.repository.ts';
import { processBatch } from '../../src/pipeline/batch.ts';
import {
  analyzeStage,
  newWorkspaceBatch,
  parseStage,
  persistChangesStage,
  persistPostsStage,
  threadKeyOf,
  threadStage,
  upsertIdentitiesStage,
  type WorkspaceBatch,
} from '../../src/pipeline/stages.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/platform/db/schema.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const now = new Date('2026-12-01T10:00:00Z');
const post = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ externalId: id, kind: 'comment', text: `post ${id}`, postedAt: '2026-11-20T10:00:00Z', author: { externalId: 'cust-1', handle: 'ana_b', displayName: 'Ana B.' }, ...extra });

describe('thread keys (pure)', () => {
  const known = (posts: Record<string, { key: string | null; stored?: boolean }>) => (id: string) => {
    const p = posts[id];
    return p ? { ownKey: p.key, stored: p.stored ?? false } : undefined;
  };

  it('keeps a root without a thread id as its own thread, and a root the platform names as its own', () => {
    expect(threadKeyOf({ externalId: 'a' }, known({}))).toBeNull();
    expect(threadKeyOf({ externalId: 'a', threadExternalId: 'a' }, known({}))).toBe('a');
  });

  it('follows parents known in the batch up to the root, and stops at a stored post whose key is final', () => {
    expect(threadKeyOf({ externalId: 'c', parentExternalId: 'b' }, known({ b: { key: 'a' }, a: { key: null } }))).toBe('a');
    expect(threadKeyOf({ externalId: 'c', parentExternalId: 'b' }, known({ b: { key: 'root', stored: true }, root: { key: 'elsewhere' } }))).toBe('root');
    // An unknown parent is the best key until its ancestors arrive.
    expect(threadKeyOf({ externalId: 'c', parentExternalId: 'b' }, known({}))).toBe('b');
  });

  it('ends on a cycle instead of looping', () => {
    expect(threadKeyOf({ externalId: 'a', parentExternalId: 'b' }, known({ b: { key: 'c' }, c: { key: 'b' } }))).toBe('b');
  });
});

describe.each(STORE_KINDS)('pipeline stages on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Stores bodies as pending jsonl payloads and runs the parse stage over them in a transaction of the caller. */
  const parsedBatch = async (trx: Kysely<Database>, workspaceId: string, bodies: string[]): Promise<WorkspaceBatch> => {
    const stored = await insertRawMany(trx, bodies.map((body) => ({ workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: null, headers: {}, body, dedupeKey: null })));
    const raws = await trx.selectFrom('raw_intake').selectAll().where('id', 'in', stored.map((s) => s.id)).orderBy('id').execute();
    const { parsed, dead } = await parseStage(trx, raws, 1000, now);
    expect(dead).toEqual([]);
    return newWorkspaceBatch(workspaceId, parsed, now);
  };

  it('parse: dead-letters a payload that does not parse, with the reason, and stops at the item cap', async () => {
    const ws = await seedWorkspace(store.db, 'stage-parse');
    await store.db.transaction().execute(async (trx) => {
      const stored = await insertRawMany(trx, ['{not json', post('p1'), post('p2'), post('p3')].map((body) => ({ workspaceId: ws.workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: null, headers: {}, body, dedupeKey: null })));
      const raws = await trx.selectFrom('raw_intake').selectAll().where('id', 'in', stored.map((s) => s.id)).orderBy('id').execute();
      const out = await parseStage(trx, raws, 2, now);
      expect(out.dead.map((d) => d.id)).toEqual([stored[0]?.id]);
      expect(out.dead[0]?.reason).toMatch(/^parse: /);
      expect(out.parsed.map((p) => p.raw.id)).toEqual([stored[1]?.id, stored[2]?.id]);
      expect(out.deferred).toEqual([stored[3]?.id]);
    });
  });

  it('upsert identities: one row per author, a field a later delivery leaves out keeps its earlier value', async () => {
    const ws = await seedWorkspace(store.db, 'stage-identities');
    await store.db.transaction().execute(async (trx) => {
      const batch = await parsedBatch(trx, ws.workspaceId, [post('i1', { author: { externalId: 'au-1', handle: 'first' } }), post('i2', { author: { externalId: 'au-1', displayName: 'Later Name' } })]);
      await upsertIdentitiesStage(trx, batch);
      expect(batch.identityIds.size).toBe(1);
      const row = await trx.selectFrom('social_identities').select(['handle', 'display_name']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'au-1').executeTakeFirstOrThrow();
      expect(row).toEqual({ handle: 'first', display_name: 'Later Name' });
    });
  });

  it('thread and persist posts: a reply before its parent and grandparent in one batch hangs under the root', async () => {
    const ws = await seedWorkspace(store.db, 'stage-thread');
    await store.db.transaction().execute(async (trx) => {
      const batch = await parsedBatch(trx, ws.workspaceId, [post('t3', { parentExternalId: 't2' }), post('t2', { parentExternalId: 't1' }), post('t1')]);
      await upsertIdentitiesStage(trx, batch);
      analyzeStage(batch, null);
      await threadStage(trx, batch);
      expect([...batch.threads.values()].map((t) => t.threadExternalId)).toEqual(['t1', 't1', null]);
      await persistPostsStage(trx, batch);
      const rows = await trx.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id', 'thread_external_id']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
      const id = (externalId: string) => rows.find((r) => r.external_id === externalId)?.id;
      expect(rows.map((r) => [r.external_id, r.parent_id, r.thread_id, r.thread_external_id])).toEqual([
        ['t1', null, null, null],
        ['t2', id('t1'), id('t1'), 't1'],
        ['t3', id('t2'), id('t1'), 't1'],
      ]);
    });
  });

  it('thread: replies stored before their ancestors move to the root thread when the ancestors arrive', async () => {
    const ws = await seedWorkspace(store.db, 'stage-rethread');
    const deps = { analyze: null, now: () => now };
    const ids = async (bodies: string[]) =>
      (await insertRawMany(store.db, bodies.map((body) => ({ workspaceId: ws.workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: null, headers: {}, body, dedupeKey: null })))).map((s) => s.id);
    await processBatch(store.db, deps, await ids([post('r3', { parentExternalId: 'r2' })]));
    await processBatch(store.db, deps, await ids([post('r2', { parentExternalId: 'r1' })]));
    await processBatch(store.db, deps, await ids([post('r1')]));
    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'thread_id', 'thread_external_id']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    const root = rows.find((r) => r.external_id === 'r1')?.id;
    expect(rows.map((r) => [r.external_id, r.thread_id, r.thread_external_id])).toEqual([
      ['r1', null, null],
      ['r2', root, 'r1'],
      ['r3', root, 'r1'],
    ]);
  });

  it('persist changes: a delete before its post in one batch deletes it and leaves the tombstone a lone delete would', async () => {
    const ws = await seedWorkspace(store.db, 'stage-changes');
    await store.db.transaction().execute(async (trx) => {
      const batch = await parsedBatch(trx, ws.workspaceId, [post('d1')]);
      // The jsonl driver has no deletes: the item is placed before the post as a platform's delete would arrive.
      batch.payloads[0]?.items.unshift({ type: 'delete', channel: 'import', externalId: 'd1', at: '2026-11-21T00:00:00.000Z' });
      await upsertIdentitiesStage(trx, batch);
      analyzeStage(batch, null);
      await threadStage(trx, batch);
      await persistPostsStage(trx, batch);
      await persistChangesStage(trx, batch);
      const row = await trx.selectFrom('posts').select('deleted_at').where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'd1').executeTakeFirstOrThrow();
      expect(row.deleted_at?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
      const tombstones = await trx.selectFrom('intake_tombstones').select('external_id').where('workspace_id', '=', ws.workspaceId).execute();
      expect(tombstones).toEqual([{ external_id: 'd1' }]);
      expect(batch.outcomes.get(batch.payloads[0]?.raw.id ?? 0)).toMatchObject({ created: 1, deleted: 1 });
    });
  });

  it('bisects a failing batch: the payload the store refuses is dead-lettered with the reason, the others commit', async () => {
    const ws = await seedWorkspace(store.db, 'stage-bisect');
    const bodies = [post('b1'), post('b2'), post('b3', { text: 'nul \u0000 byte' }), post('b4'), post('b5')];
    const stored = await insertRawMany(store.db, bodies.map((body) => ({ workspaceId: ws.workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: null, headers: {}, body, dedupeKey: null })));
    const results = await processBatch(store.db, { analyze: null, now: () => now }, stored.map((s) => s.id));
    expect(stored.map((s) => results.get(s.id)?.status)).toEqual(['processed', 'processed', 'dead', 'processed', 'processed']);
    const dead = await store.db.selectFrom('raw_intake').select(['status', 'error']).where('id', '=', stored[2]?.id ?? 0).executeTakeFirstOrThrow();
    expect(dead.status).toBe('dead');
    expect(dead.error).toMatch(/0x00|null character|\\u0000/i);
    const posts = await store.db.selectFrom('posts').select('external_id').where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(posts.map((p) => p.external_id)).toEqual(['b1', 'b2', 'b4', 'b5']);
  });

  it.skipIf(kind !== 'postgres')('retries a batch whose store connection drops, without dead-lettering or counting an attempt', async () => {
    const ws = await seedWorkspace(store.db, 'stage-dropped');
    const stored = await insertRawMany(store.db, [post('c1'), post('c2')].map((body) => ({ workspaceId: ws.workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: null, headers: {}, body, dedupeKey: null })));
    const ids = stored.map((s) => s.id);
    // The analyzer is asked for inside the batch's transaction: this one ends the transaction's connection there.
    const dropping = {
      analyze: {
        async forWorkspace(trx: Kysely<Database>): Promise<never> {
          await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
          throw new Error('the connection should have dropped');
        },
      },
      now: () => now,
    };
    const first = await processBatch(store.db, dropping, ids);
    expect(ids.map((id) => first.get(id)?.status)).toEqual(['retry', 'retry']);
    const rows = await store.db.selectFrom('raw_intake').select(['status', 'attempts']).where('id', 'in', ids).execute();
    expect(rows).toEqual([{ status: 'pending', attempts: 0 }, { status: 'pending', attempts: 0 }]);
    const again = await processBatch(store.db, { analyze: null, now: () => now }, ids);
    expect(ids.map((id) => again.get(id)?.status)).toEqual(['processed', 'processed']);
  });
});
