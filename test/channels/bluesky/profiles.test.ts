import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_TTL_MS, refreshBlueskyProfiles } from '../../../src/channels/bluesky/profiles.service.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, type SeededWorkspace } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { sendJson, startStandIn, type StandIn } from '../meta/standin.ts';

const deps = { analyze: null, now: () => new Date() };
const THREAD = new URL('../../fixtures/bluesky/thread.jsonl', import.meta.url).pathname;

/** Profiles the AppView stand-in knows, in app.bsky.actor.defs#profileViewDetailed shape; the brand's DID is unknown to it. */
const PROFILES: Record<string, Record<string, unknown>> = {
  'did:plc:anabeta00000000000000002': { did: 'did:plc:anabeta00000000000000002', handle: 'anabeta.bsky.social', displayName: 'Ana Beta', avatar: 'https://cdn.bsky.app/img/avatar/plain/did:plc:anabeta00000000000000002/bafkreiava@jpeg', followersCount: 120, followsCount: 80 },
  'did:plc:maxkrueger000000000000003': { did: 'did:plc:maxkrueger000000000000003', handle: 'maxkrueger.de', displayName: 'Max Krüger', description: 'Radfahrer.' },
  'did:plc:leameier0000000000000004': { did: 'did:plc:leameier0000000000000004', handle: 'handle.invalid', displayName: 'Lea Meier' },
};

describe.each(STORE_KINDS)('Bluesky author profiles through an AppView stand-in on %s', (kind) => {
  let store: Store;
  let appView: StandIn;
  let failing = false;
  let ws: SeededWorkspace;
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);

  beforeAll(async () => {
    store = await openTestStore(kind);
    appView = await startStandIn((request, response) => {
      if (request.path !== '/xrpc/app.bsky.actor.getProfiles') return sendJson(response, 404, { error: 'MethodNotImplemented', message: 'Method Not Implemented' });
      if (failing) return sendJson(response, 502, { error: 'UpstreamFailure', message: 'Upstream Failure' });
      const actors = request.url.searchParams.getAll('actors');
      if (actors.length > 25) return sendJson(response, 400, { error: 'InvalidRequest', message: 'Error: actors must not have more than 25 elements' });
      sendJson(response, 200, { profiles: actors.flatMap((did) => (PROFILES[did] ? [PROFILES[did]] : did.startsWith('did:plc:crowd') ? [{ did, handle: `${did.slice(8)}.bsky.social` }] : [])) });
    });
  });
  afterAll(async () => {
    controller.abort();
    await appView?.close();
    await store?.close();
  });
  beforeEach(async () => {
    failing = false;
    ws = await seedWorkspace(store.db, 'bsky-profiles');
  });

  const identities = async (workspaceId: string) =>
    store.db.selectFrom('social_identities').select(['external_id', 'handle', 'display_name', 'avatar_url', 'bio']).where('workspace_id', '=', workspaceId).where('channel', '=', 'bluesky').orderBy('external_id').execute();
  const requests = () => appView.requests.filter((r) => r.path === '/xrpc/app.bsky.actor.getProfiles').length;

  it('takes a handle from a Jetstream identity event, and gives the other DID-only authors handle and name from one getProfiles call', async () => {
    await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'bluesky', path: THREAD });
    // Ana's identity event in the stream carries her handle; the others are known by DID only.
    expect((await identities(ws.workspaceId)).map((i) => i.handle)).toEqual([null, 'ana-b.bsky.social', null, null]);
    const before = requests();
    const result = await refreshBlueskyProfiles(store.db, runtime, { workspaceId: ws.workspaceId, appViewUrl: appView.url, now: new Date() });
    expect(result).toMatchObject({ unresolved: 3, fromCache: 0, fetched: 2, failed: 0 });
    expect(requests() - before).toBe(1);
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const after = await identities(ws.workspaceId);
    expect(after.map((i) => i.handle)).toEqual([null, 'ana-b.bsky.social', null, 'maxkrueger.de']);
    expect(after[2]).toMatchObject({ external_id: 'did:plc:leameier0000000000000004', display_name: 'Lea Meier' });
    expect(after[3]).toMatchObject({ external_id: 'did:plc:maxkrueger000000000000003', display_name: 'Max Krüger', bio: 'Radfahrer.' });
  });

  it('answers another workspace from the cache without asking the AppView, and remembers an unknown DID', async () => {
    await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'bluesky', path: THREAD });
    await refreshBlueskyProfiles(store.db, runtime, { workspaceId: ws.workspaceId, appViewUrl: appView.url, now: new Date() });
    const other = await seedWorkspace(store.db, 'bsky-profiles-2');
    await importFile(store.db, deps, { workspaceId: other.workspaceId, channel: 'bluesky', path: THREAD });
    const before = requests();
    const result = await refreshBlueskyProfiles(store.db, runtime, { workspaceId: other.workspaceId, appViewUrl: appView.url, now: new Date() });
    expect(result).toMatchObject({ unresolved: 3, fromCache: 2, fetched: 0 });
    expect(requests()).toBe(before);
    await drainIntake(store.db, deps, { workspaceId: other.workspaceId });
    expect((await identities(other.workspaceId)).map((i) => i.handle)).toEqual([null, 'ana-b.bsky.social', null, 'maxkrueger.de']);
  });

  it('keeps ingesting when the AppView fails, and resolves the authors once the failure has expired', async () => {
    failing = true;
    await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'bluesky', path: THREAD });
    const now = new Date('2030-01-01T00:00:00Z');
    const failed = await refreshBlueskyProfiles(store.db, runtime, { workspaceId: ws.workspaceId, appViewUrl: appView.url, now });
    expect(failed).toMatchObject({ failed: 3, intakeId: null, error: 'getProfiles answered HTTP 502 (UpstreamFailure: Upstream Failure)' });
    const posts = await store.db.selectFrom('posts').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    expect(posts.length).toBeGreaterThan(0);
    // Within the failure's expiry the AppView is not asked again.
    const before = requests();
    await refreshBlueskyProfiles(store.db, runtime, { workspaceId: ws.workspaceId, appViewUrl: appView.url, now: new Date(now.getTime() + 60_000) });
    expect(requests()).toBe(before);
    failing = false;
    const later = await refreshBlueskyProfiles(store.db, runtime, { workspaceId: ws.workspaceId, appViewUrl: appView.url, now: new Date(now.getTime() + FAILURE_TTL_MS + 60_000) });
    expect(later).toMatchObject({ fetched: 2, failed: 0 });
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    expect((await identities(ws.workspaceId)).filter((i) => i.handle !== null)).toHaveLength(2);
  });

  it('asks for at most 25 actors per call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bsky-crowd-'));
    const path = join(dir, 'crowd.jsonl');
    const events = Array.from({ length: 30 }, (_, i) => {
      const did = `did:plc:crowd${String(i).padStart(19, '0')}`;
      return JSON.stringify({ did, time_us: 1732100000000000 + i, kind: 'commit', commit: { rev: `r${i}`, operation: 'create', collection: 'app.bsky.feed.post', rkey: `3lcrowd${i}`, cid: `bafyc${i}`, record: { $type: 'app.bsky.feed.post', createdAt: '2024-11-20T10:00:00.000Z', text: `post ${i}` } } });
    });
    await writeFile(path, events.join('\n'));
    await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'bluesky', path });
    const before = appView.requests.length;
    const result = await refreshBlueskyProfiles(store.db, runtime, { workspaceId: ws.workspaceId, appViewUrl: appView.url, now: new Date() });
    expect(result).toMatchObject({ unresolved: 30, fetched: 30 });
    expect(appView.requests.slice(before).map((r) => r.url.searchParams.getAll('actors').length)).toEqual([25, 5]);
  });
});
