import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/intake/import.service.ts';
import { insertRaw } from '../../src/intake/intake.repository.ts';
import { processIntakeItem } from '../../src/pipeline/process.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/**
 * Deletes that arrive before what they delete (webhook retries out of order, a stream replayed from
 * an older cursor) must end in the same state as the same events in order: a tombstone remembers them.
 * The Bluesky thread fixture has a deleted reply and a withdrawn like; played backwards, each delete
 * comes first.
 */
const deps = { analyze: null, now: () => new Date() };
const FIXTURE = fileURLToPath(new URL('../fixtures/bluesky/thread.jsonl', import.meta.url));

describe.each(STORE_KINDS)('deletes before their items on %s', (kind) => {
  let store: Store;
  let events: string[];
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    events = (await readFile(FIXTURE, 'utf8')).split('\n').filter((line) => line.trim() !== '');
    dir = await mkdtemp(join(tmpdir(), 'townhall-tombstones-'));
  });
  afterAll(async () => {
    await store?.close();
  });

  const stateOf = async (workspaceId: string) => ({
    posts: (await store.db.selectFrom('posts').select(['external_id', 'deleted_at', 'metrics']).where('workspace_id', '=', workspaceId).orderBy('external_id').execute()).map((p) => ({
      externalId: p.external_id,
      deletedAt: p.deleted_at?.toISOString() ?? null,
      metrics: p.metrics,
    })),
    engagements: (await store.db.selectFrom('engagements').select(['external_id', 'kind', 'removed_at']).where('workspace_id', '=', workspaceId).orderBy('external_id').execute()).map((e) => ({
      externalId: e.external_id,
      kind: e.kind,
      removedAt: e.removed_at?.toISOString() ?? null,
    })),
  });

  const importLines = async (name: string, lines: string[]) => {
    const ws = await seedWorkspace(store.db, name);
    const path = join(dir, `${name}.jsonl`);
    await writeFile(path, lines.join('\n') + '\n');
    const summary = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'bluesky', path });
    return { ws, summary };
  };

  it('ends in the same state whether the deletes come after or before their post and like (batch path)', async () => {
    const inOrder = await importLines('tomb-in-order', events);
    const reversed = await importLines('tomb-reversed', [...events].reverse());
    const expected = await stateOf(inOrder.ws.workspaceId);
    // The fixture's deleted reply and withdrawn like really are in the expected state.
    expect(expected.posts.filter((p) => p.deletedAt !== null).map((p) => p.externalId)).toEqual(['at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002']);
    expect(expected.engagements.filter((e) => e.removedAt !== null).map((e) => e.externalId)).toEqual(['at://did:plc:leameier0000000000000004/app.bsky.feed.like/3lblike00002']);
    expect(await stateOf(reversed.ws.workspaceId)).toEqual(expected);
    expect(reversed.summary.rejected).toBe(0);

    // Both deletes came before their items within one batch: their tombstones are on record, as when each payload is processed alone.
    const tombstones = await store.db.selectFrom('intake_tombstones').select('external_id').where('workspace_id', '=', reversed.ws.workspaceId).orderBy('external_id').execute();
    expect(tombstones.map((t) => t.external_id)).toEqual([
      'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002',
      'at://did:plc:leameier0000000000000004/app.bsky.feed.like/3lblike00002',
    ]);
    // A re-import changes nothing.
    const again = await importFile(store.db, deps, { workspaceId: reversed.ws.workspaceId, channel: 'bluesky', path: join(dir, 'tomb-reversed.jsonl') });
    expect(again.imported).toBe(0);
    expect(await stateOf(reversed.ws.workspaceId)).toEqual(expected);
  });

  it('ends in the same state when each payload is processed on its own (one-payload path)', async () => {
    const inOrder = await importLines('tomb-in-order-single-ref', events);
    const ws = await seedWorkspace(store.db, 'tomb-reversed-single');
    for (const body of [...events].reverse()) {
      const stored = await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId: null, channel: 'bluesky', source: 'import', contentType: null, headers: {}, body, dedupeKey: null });
      const result = await processIntakeItem(store.db, deps, stored.id);
      expect(result.status).toBe('processed');
    }
    expect(await stateOf(ws.workspaceId)).toEqual(await stateOf(inOrder.ws.workspaceId));
    // One payload at a time, both deletes came first and left tombstones.
    const tombstones = await store.db.selectFrom('intake_tombstones').select('external_id').where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    expect(tombstones.map((t) => t.external_id)).toEqual([
      'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002',
      'at://did:plc:leameier0000000000000004/app.bsky.feed.like/3lblike00002',
    ]);
  });

  it('keeps a delete of a post already deleted from leaving a tombstone behind', async () => {
    const { ws } = await importLines('tomb-redelivered', events);
    const deleteEvent = events.find((line) => line.includes('"operation":"delete"') && line.includes('app.bsky.feed.post'));
    if (!deleteEvent) throw new Error('fixture without a post delete');
    const stored = await insertRaw(store.db, { workspaceId: ws.workspaceId, connectionId: null, channel: 'bluesky', source: 'import', contentType: null, headers: {}, body: deleteEvent, dedupeKey: null });
    expect((await processIntakeItem(store.db, deps, stored.id)).status).toBe('processed');
    expect(await store.db.selectFrom('intake_tombstones').select('external_id').where('workspace_id', '=', ws.workspaceId).execute()).toEqual([]);
  });
});
