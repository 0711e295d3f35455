import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoSettings, writeDemoSettings } from '../../src/demo/demo.repository.ts';
import { demoBackfill } from '../../src/demo/generator.ts';
import { DEMO_SLUG, DEMO_USER_EMAIL, startDemo, type DemoDeps, type DemoRunner } from '../../src/demo/runner.ts';
import { verifyPassword } from '../../src/auth/passwords.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import { defaultAnalyzer } from '../../src/pipeline/analyzer.ts';
import { getAnalysisConfig } from '../../src/analysis-api/analysis-config.service.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { ensureWorkspace } from '../../src/workspaces/bootstrap.ts';
import { findWorkspaceBySlug } from '../../src/workspaces/workspaces.repository.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { createIntake } from '../../src/intake/intake.ts';

const START = new Date('2026-05-04T09:00:00.000Z');
const silent = { info() {}, warn() {}, error() {} };

describe.each(STORE_KINDS)('demo workspace on %s', (kind) => {
  let store: Store;
  let clock: Date;
  let notified = 0;
  const runners: DemoRunner[] = [];
  const deps = (): DemoDeps => ({ db: store.db, now: () => clock, intake: createIntake(store.db, { stored: async () => void notified++ }), log: silent });
  const pipeline = { analyze: null, now: () => clock };

  beforeAll(async () => {
    store = await openTestStore(kind);
    clock = START;
    // As on a first `townhall start`: the default workspace exists before the demo starts.
    await ensureWorkspace(store.db, { email: 'admin@demo.test', password: 'admin password 1' });
  });
  afterAll(async () => {
    for (const runner of runners) await runner.stop();
    await store?.close();
  });

  const demoWorkspaceId = async () => (await findWorkspaceBySlug(store.db, DEMO_SLUG))?.id ?? '';
  const demoRaw = async () => store.db.selectFrom('raw_intake').select(['id', 'dedupe_key', 'status', 'source', 'channel']).where('source', '=', 'demo').execute();
  const demoPosts = async () =>
    store.db
      .selectFrom('posts')
      .select(['external_id', 'channel', 'parent_external_id', 'parent_id', 'thread_id', 'posted_at', 'direction', 'text'])
      .where('workspace_id', '=', await demoWorkspaceId())
      .execute();
  const start = async (seed = 42) => {
    const runner = await startDemo({ enabled: true, seed }, deps(), { autoTick: false });
    if (runner) runners.push(runner);
    return runner;
  };

  it('runs nothing when switched off: no workspace, no user, no payloads', async () => {
    expect(await startDemo({ enabled: false, seed: 42 }, deps())).toBeNull();
    expect(await findWorkspaceBySlug(store.db, DEMO_SLUG)).toBeUndefined();
    expect(await store.db.selectFrom('users').select('id').where('email', '=', DEMO_USER_EMAIL).execute()).toEqual([]);
    expect(await demoRaw()).toEqual([]);
  });

  it('creates the demo workspace with its own user once, and backfills a week of history through the intake', async () => {
    const runner = await start();
    expect(runner).not.toBeNull();
    if (!runner) return;
    const { setup } = runner;
    expect(setup).toMatchObject({ workspaceName: 'Lumio (demo)', createdWorkspace: true, seed: 42 });
    expect(setup.user?.email).toBe(DEMO_USER_EMAIL);
    const user = await store.db.selectFrom('users').selectAll().where('email', '=', DEMO_USER_EMAIL).executeTakeFirstOrThrow();
    expect(user.workspace_id).toBe(setup.workspaceId);
    expect(user.role).toBe('admin');
    expect(await verifyPassword(setup.user?.oneTimePassword ?? '', user.password_hash)).toBe(true);
    // The default workspace stays the first one (CLI commands act on it).
    const first = await store.db.selectFrom('workspaces').select('slug').orderBy('created_at').orderBy('id').executeTakeFirstOrThrow();
    expect(first.slug).toBe('default');

    const expected = demoBackfill(42, START).posts;
    expect(setup.backfilled).toBe(expected.length);
    const raw = await demoRaw();
    expect(raw).toHaveLength(expected.length);
    expect(raw.every((r) => r.channel === 'jsonl' && r.status === 'pending')).toBe(true);
    expect(notified).toBeGreaterThan(0);

    await drainIntake(store.db, pipeline);
    const posts = await demoPosts();
    expect(posts.map((p) => p.external_id).sort()).toEqual(expected.map((p) => p.externalId).sort());
    expect(new Set(posts.map((p) => p.channel))).toEqual(new Set(['x', 'instagram', 'facebook', 'whatsapp', 'reddit', 'mastodon', 'email', 'reviews']));
    const replies = posts.filter((p) => p.parent_external_id !== null);
    expect(replies.length).toBeGreaterThan(50);
    expect(replies.filter((p) => p.parent_id === null || p.thread_id === null)).toEqual([]);
    expect(posts.some((p) => p.direction === 'out')).toBe(true);
    // Identities are reused across posts: far fewer authors than posts.
    const identities = await store.db.selectFrom('social_identities').select('id').where('workspace_id', '=', setup.workspaceId).execute();
    expect(identities.length).toBeGreaterThan(20);
    expect(identities.length).toBeLessThan(posts.length / 2);
  });

  it("gives the demo workspace Lumio's dictionaries and topics, so its posts show brand, competitor and topic mentions", async () => {
    const workspaceId = await demoWorkspaceId();
    const config = await getAnalysisConfig(store.db, workspaceId);
    expect(config.brands.map((b) => b.name)).toEqual(['Lumio']);
    expect(config.competitors.map((c) => c.name).sort()).toEqual(['Brightwave', 'Novaphone']);
    expect(config.topics.length).toBeGreaterThan(3);
    const analyze = { analyze: defaultAnalyzer(), now: () => clock };
    await store.db.updateTable('raw_intake').set({ status: 'pending' }).where('workspace_id', '=', workspaceId).where('source', '=', 'demo').execute();
    await store.db.deleteFrom('posts').where('workspace_id', '=', workspaceId).execute();
    await drainIntake(store.db, analyze);
    const analysed = await store.db.selectFrom('posts').select('analysis').where('workspace_id', '=', workspaceId).execute();
    const entityTypes = new Set(analysed.flatMap((p) => ((p.analysis?.['entities'] as { type: string }[] | undefined) ?? []).map((e) => e.type)));
    expect(entityTypes).toContain('brand');
    expect(entityTypes).toContain('competitor');
    expect(analysed.some((p) => ((p.analysis?.['topics'] as string[] | undefined) ?? []).length > 0)).toBe(true);
  });

  it('emits a live post per tick, stamped with the clock, through the pipeline', async () => {
    const runner = runners[0];
    if (!runner) throw new Error('the previous test did not start the demo');
    const before = (await demoPosts()).length;
    const emitted: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock = new Date(clock.getTime() + 5_000);
      const post = await runner.tick();
      expect(post?.postedAt).toBe(clock.toISOString());
      emitted.push(post?.externalId ?? '');
    }
    await drainIntake(store.db, pipeline);
    const posts = await demoPosts();
    expect(posts).toHaveLength(before + 5);
    const live = posts.filter((p) => emitted.includes(p.external_id));
    expect(live).toHaveLength(5);
    expect(live.map((p) => p.posted_at.toISOString()).sort()).toEqual([1, 2, 3, 4, 5].map((i) => new Date(START.getTime() + i * 5_000).toISOString()));
    expect(await readDemoSettings(store.db, runner.setup.workspaceId)).toMatchObject({ emitted: 5, backfilled: true });
  });

  it('after a restart continues where it stopped: no new workspace or user, no post twice', async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    const rawBefore = (await demoRaw()).length;
    const postsBefore = await demoPosts();
    const restarted = await start(99);
    if (!restarted) throw new Error('the demo did not restart');
    expect(restarted.setup).toMatchObject({ createdWorkspace: false, user: null, backfilled: 0, seed: 42 });
    expect(await store.db.selectFrom('users').select('id').where('email', '=', DEMO_USER_EMAIL).execute()).toHaveLength(1);
    expect(await demoRaw()).toHaveLength(rawBefore);

    clock = new Date(clock.getTime() + 5_000);
    const next = await restarted.tick();
    expect(postsBefore.map((p) => p.external_id)).not.toContain(next?.externalId);
    await drainIntake(store.db, pipeline);
    expect(await demoPosts()).toHaveLength(postsBefore.length + 1);
  });

  it('stores nothing twice when a backfill cut short by a crash runs again', async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    const workspaceId = await demoWorkspaceId();
    const state = await readDemoSettings(store.db, workspaceId);
    if (typeof state !== 'object' || state === null) throw new Error('no demo state');
    // As if the process died before the backfill was recorded as done.
    await writeDemoSettings(store.db, workspaceId, { ...state, backfilled: false, episode: 0, step: 0 });
    const rawBefore = await demoRaw();
    const postsBefore = (await demoPosts()).length;
    const again = await start();
    expect(again?.setup.backfilled).toBeGreaterThan(0);
    const rawAfter = await demoRaw();
    expect(rawAfter).toHaveLength(rawBefore.length);
    expect(new Set(rawAfter.map((r) => r.dedupe_key)).size).toBe(rawAfter.length);
    await drainIntake(store.db, pipeline);
    expect(await demoPosts()).toHaveLength(postsBefore);
  });

  it('leaves alone a workspace that has the demo slug but is not the demo', async () => {
    const other = await openTestStore(kind);
    try {
      await other.db.insertInto('workspaces').values({ name: 'Our demo team', slug: DEMO_SLUG, settings: '{}' }).execute();
      const runner = await startDemo({ enabled: true, seed: 42 }, { ...deps(), db: other.db }, { autoTick: false });
      expect(runner).toBeNull();
      expect(await other.db.selectFrom('raw_intake').select('id').execute()).toEqual([]);
      expect(await other.db.selectFrom('users').select('id').execute()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
