import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/channels/signatures.ts';
import { importFile } from '../../src/intake/import.service.ts';
import { defaultAnalyzer } from '../../src/pipeline/analyzer.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/**
 * Per-workspace analysis through the real server: the configuration API, the intake pipeline analysing
 * posts with the workspace's dictionaries and taxonomy, re-analysis, emerging topics and campaigns.
 */

const SECRET = 'a-long-shared-webhook-secret-for-analysis';
const HOUR = 3600_000;

const ACME_CONFIG = {
  brands: [{ name: 'Acme', aliases: ['#acme'] }],
  products: [{ name: 'Roadrunner 3' }],
  competitors: [{ name: 'Globex', aliases: ['Globex Corp'] }],
  topics: [{ name: 'Delivery', keywords: ['delivery', 'Lieferung', 'parcel'] }],
};

interface Hook {
  id: string;
  webhookUrl: string;
}

describe.each(STORE_KINDS)('workspace analysis on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  // One analyzer source for the whole file, as the worker of `townhall start` has.
  const deps = { analyze: defaultAnalyzer(), now: () => new Date() };

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  async function webhookFor(ws: SeededWorkspace, channel: string): Promise<Hook> {
    const created = await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'webhook', name: `Hook ${channel}`, settings: { secret: SECRET, channel } } });
    expect(created.status, created.text).toBe(201);
    return created.body;
  }

  /** Delivers canonical posts in one signed webhook call, then runs the intake pipeline. */
  async function deliver(ws: SeededWorkspace, hook: Hook, posts: Record<string, unknown>[]): Promise<void> {
    const body = JSON.stringify(posts);
    const response = await fetch(server.url + hook.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-townhall-signature': `sha256=${hmacSha256Hex(SECRET, body)}` }, body });
    expect(response.status).toBe(200);
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
  }

  const post = (externalId: string, text: string, author: string, postedAt = new Date(Date.now() - HOUR), extra: Record<string, unknown> = {}) => ({
    externalId,
    text,
    postedAt: postedAt.toISOString(),
    author: { externalId: author, handle: author, displayName: author.toUpperCase() },
    ...extra,
  });

  async function postsOf(ws: SeededWorkspace, channel: string): Promise<any[]> {
    const page = await server.request('GET', `/api/v1/posts?channel=${channel}&limit=200`, { token: ws.tokens.analyst });
    expect(page.status, page.text).toBe(200);
    return page.body.items;
  }

  async function configure(ws: SeededWorkspace, config: Record<string, unknown>) {
    const saved = await server.request('PUT', '/api/v1/analysis/config', { token: ws.tokens.manager, body: config });
    expect(saved.status, saved.text).toBe(200);
    return saved.body;
  }

  describe('configuration API', () => {
    let ws: SeededWorkspace;
    beforeAll(async () => {
      ws = await seedWorkspace(store.db, 'config');
    });

    it('starts with empty dictionaries and taxonomy at version 0', async () => {
      const config = await server.request('GET', '/api/v1/analysis/config', { token: ws.tokens.analyst });
      expect(config.status).toBe(200);
      expect(config.body).toEqual({ brands: [], products: [], competitors: [], topics: [], version: 0, updatedAt: null });
    });

    it('stores dictionaries and taxonomy set by a manager, shows them to an analyst and audits the change', async () => {
      const saved = await configure(ws, ACME_CONFIG);
      expect(saved).toMatchObject({ version: 1, brands: [{ name: 'Acme', aliases: ['#acme'] }], products: [{ name: 'Roadrunner 3', aliases: [] }], topics: ACME_CONFIG.topics });
      expect(Date.parse(saved.updatedAt)).not.toBeNaN();
      const read = await server.request('GET', '/api/v1/analysis/config', { token: ws.tokens.analyst });
      expect(read.body).toEqual(saved);
      const byAdmin = await server.request('PUT', '/api/v1/analysis/config', { token: ws.tokens.admin, body: { ...ACME_CONFIG, version: 1 } });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.version).toBe(2);
      const audit = await server.request('GET', '/api/v1/audit?action=analysis_config.updated', { token: ws.tokens.admin });
      expect(audit.body.items).toHaveLength(2);
      expect(audit.body.items[0]).toMatchObject({ action: 'analysis_config.updated', detail: { version: 2, brands: 1, topics: 1 } });
    });

    it('keeps the rest of the workspace settings when the configuration is saved', async () => {
      await store.db.updateTable('workspaces').set({ settings: JSON.stringify({ timezone: 'Europe/Berlin' }) }).where('id', '=', ws.workspaceId).execute();
      await configure(ws, ACME_CONFIG);
      const row = await store.db.selectFrom('workspaces').select('settings').where('id', '=', ws.workspaceId).executeTakeFirstOrThrow();
      expect(row.settings['timezone']).toBe('Europe/Berlin');
      expect(row.settings['analysis']).toMatchObject({ version: 1, brands: [{ name: 'Acme' }] });
    });

    it('refuses a change from an agent or an analyst with 403 and leaves the configuration as it was', async () => {
      const before = await server.request('GET', '/api/v1/analysis/config', { token: ws.tokens.analyst });
      for (const role of ['agent', 'analyst'] as const) {
        const denied = await server.request('PUT', '/api/v1/analysis/config', { token: ws.tokens[role], body: { ...ACME_CONFIG, brands: [] } });
        expect(denied.status).toBe(403);
      }
      expect((await server.request('GET', '/api/v1/analysis/config', { token: ws.tokens.analyst })).body).toEqual(before.body);
    });

    it('rejects a missing list, an unknown field, a topic without keywords and a repeated name with 400', async () => {
      const bodies = [
        { brands: [], products: [], competitors: [] },
        { ...ACME_CONFIG, colour: 'red' },
        { ...ACME_CONFIG, topics: [{ name: 'Empty', keywords: [] }] },
        { ...ACME_CONFIG, topics: [{ name: 'Blank', keywords: ['  '] }] },
        { ...ACME_CONFIG, competitors: [{ name: 'Globex' }, { name: 'globex' }] },
        { ...ACME_CONFIG, brands: [{ name: '' }] },
      ];
      for (const body of bodies) {
        const refused = await server.request('PUT', '/api/v1/analysis/config', { token: ws.tokens.manager, body });
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.body.code).toBe('validation_failed');
      }
    });

    it('refuses an edit based on a stale version with 409', async () => {
      const current = (await server.request('GET', '/api/v1/analysis/config', { token: ws.tokens.analyst })).body;
      const stale = await server.request('PUT', '/api/v1/analysis/config', { token: ws.tokens.manager, body: { ...ACME_CONFIG, version: current.version - 1 } });
      expect(stale.status).toBe(409);
      const fresh = await server.request('PUT', '/api/v1/analysis/config', { token: ws.tokens.manager, body: { ...ACME_CONFIG, version: current.version } });
      expect(fresh.body.version).toBe(current.version + 1);
    });
  });

  describe('intake analysis', () => {
    let ws: SeededWorkspace;
    let other: SeededWorkspace;
    let hook: Hook;
    beforeAll(async () => {
      ws = await seedWorkspace(store.db, 'intake-an');
      other = await seedWorkspace(store.db, 'intake-other');
      await configure(ws, ACME_CONFIG);
      hook = await webhookFor(ws, 'reviews');
    });

    it('analyses a webhook post with the workspace dictionaries: brand and competitor, taxonomy topic, sentiment and intent, in posts.analysis and GET /api/v1/posts', async () => {
      await deliver(ws, hook, [post('w-1', 'My Acme parcel arrived damaged and the delivery took three weeks. Globex is faster and cheaper.', 'ana')]);
      const [item] = await postsOf(ws, 'reviews');
      expect(item.language).toBe('en');
      expect(item.analysis).toMatchObject({ language: 'en', sentiment: { label: 'negative' }, intent: 'complaint', topics: ['Delivery'], configVersion: 1 });
      expect(item.analysis.entities).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'brand', canonical: 'Acme' }), expect.objectContaining({ type: 'competitor', canonical: 'Globex' })]),
      );
      expect(item.analysis.sentiment.score).toBeLessThan(0);
      expect(Object.keys(item.analysis.intentScores)).toContain('complaint');
      const row = await store.db.selectFrom('posts').select(['language', 'analysis']).where('id', '=', item.id).executeTakeFirstOrThrow();
      expect(row.language).toBe('en');
      expect(row.analysis).toMatchObject({ intent: 'complaint', topics: ['Delivery'] });
    });

    it('analyses a German post with German taxonomy keywords', async () => {
      await deliver(ws, hook, [post('w-de', 'Meine Acme Bestellung ist immer noch nicht da, die Lieferung ist eine Katastrophe!', 'bernd')]);
      const item = (await postsOf(ws, 'reviews')).find((p) => p.externalId === 'w-de');
      expect(item.language).toBe('de');
      expect(item.analysis).toMatchObject({ language: 'de', sentiment: { label: 'negative' }, intent: 'complaint', topics: ['Delivery'] });
    });

    it('keeps the platform language tag when the analyzer accepts it', async () => {
      await deliver(ws, hook, [post('w-lang', 'Danke Acme, alles super angekommen', 'carla', undefined, { language: 'de' })]);
      const item = (await postsOf(ws, 'reviews')).find((p) => p.externalId === 'w-lang');
      expect(item.language).toBe('de');
      expect(item.analysis.language).toBe('de');
    });

    it('analyses an imported post the same way', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'townhall-analysis-'));
      const file = join(dir, 'posts.jsonl');
      await writeFile(file, JSON.stringify(post('i-1', 'Still waiting for my #acme order, worst delivery ever, Globex delivers in two days', 'dan')) + '\n');
      const summary = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'jsonl', path: file });
      expect(summary).toMatchObject({ imported: 1, rejected: 0 });
      const [item] = await postsOf(ws, 'import');
      expect(item.analysis).toMatchObject({ intent: 'complaint', sentiment: { label: 'negative' }, topics: ['Delivery'] });
      expect(item.analysis.entities.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['hashtag', 'brand', 'competitor']));
    });

    it("uses each workspace's own dictionaries: the same text finds no brand where none is configured", async () => {
      const otherHook = await webhookFor(other, 'reviews');
      await deliver(other, otherHook, [post('w-1', 'My Acme parcel arrived damaged and the delivery took three weeks. Globex is faster and cheaper.', 'ana')]);
      const [item] = await postsOf(other, 'reviews');
      expect(item.analysis.topics).toEqual([]);
      expect(item.analysis.entities.filter((e: { type: string }) => ['brand', 'competitor'].includes(e.type))).toEqual([]);
      expect(item.analysis.configVersion).toBe(0);
    });

    it('tags later posts with a taxonomy change at once, without a restart', async () => {
      await configure(ws, { ...ACME_CONFIG, topics: [...ACME_CONFIG.topics, { name: 'Returns', keywords: ['refund', 'return'] }] });
      await deliver(ws, hook, [post('w-ret', 'How do I return my Acme shoes and get a refund?', 'erin')]);
      const item = (await postsOf(ws, 'reviews')).find((p) => p.externalId === 'w-ret');
      expect(item.analysis.topics).toContain('Returns');
      expect(item.analysis.configVersion).toBe(2);
    });
  });

  describe('re-analysis', () => {
    let ws: SeededWorkspace;
    let hook: Hook;
    beforeAll(async () => {
      ws = await seedWorkspace(store.db, 'reanalyze');
      await configure(ws, ACME_CONFIG);
      hook = await webhookFor(ws, 'forum');
    });

    it('tags posts stored before a taxonomy change once they are re-analysed, in keyset batches', async () => {
      await deliver(ws, hook, [
        post('f-1', 'Acme app keeps crashing at checkout since the update', 'ana', new Date(Date.now() - 3 * HOUR)),
        post('f-2', 'The Acme app crashed twice today while paying', 'ben', new Date(Date.now() - 2 * HOUR)),
        post('f-3', 'Great service from Acme today', 'cem', new Date(Date.now() - HOUR)),
      ]);
      expect((await postsOf(ws, 'forum')).map((p) => p.analysis.topics)).toEqual([[], [], []]);

      await configure(ws, { ...ACME_CONFIG, topics: [...ACME_CONFIG.topics, { name: 'App stability', keywords: ['crash', 'freeze'] }] });
      const first = await server.request('POST', '/api/v1/analysis/reanalyze', { token: ws.tokens.manager, body: { maxPosts: 2 } });
      expect(first.status, first.text).toBe(200);
      expect(first.body).toMatchObject({ analyzed: 2, skipped: 0, configVersion: 2 });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await server.request('POST', '/api/v1/analysis/reanalyze', { token: ws.tokens.manager, body: { maxPosts: 2, cursor: first.body.nextCursor } });
      expect(rest.body).toMatchObject({ analyzed: 1, nextCursor: null });

      const posts = await postsOf(ws, 'forum');
      const topicsOf = (id: string) => posts.find((p) => p.externalId === id)?.analysis.topics;
      expect(topicsOf('f-1')).toEqual(['App stability']);
      expect(topicsOf('f-2')).toEqual(['App stability']);
      expect(topicsOf('f-3')).toEqual([]);
      expect(posts.every((p) => p.analysis.configVersion === 2)).toBe(true);
      const audit = await server.request('GET', '/api/v1/audit?action=posts.reanalyzed', { token: ws.tokens.admin });
      expect(audit.body.items).toHaveLength(2);
    });

    it('analyses posts that were stored without analysis', async () => {
      const created = await server.request('POST', '/api/v1/posts', { token: ws.tokens.manager, body: { channel: 'manual', externalId: 'm-1', text: 'Globex delivery was quick, Acme should learn from them' } });
      expect(created.status, created.text).toBe(201);
      expect(created.body.analysis).toBeNull();
      const done = await server.request('POST', '/api/v1/analysis/reanalyze', { token: ws.tokens.admin, body: {} });
      expect(done.body.nextCursor).toBeNull();
      const [item] = await postsOf(ws, 'manual');
      expect(item.analysis.topics).toEqual(['Delivery']);
      expect(item.analysis.entities.map((e: { canonical?: string }) => e.canonical)).toEqual(expect.arrayContaining(['Globex', 'Acme']));
    });

    it('refuses re-analysis to an analyst and a malformed cursor with 400', async () => {
      expect((await server.request('POST', '/api/v1/analysis/reanalyze', { token: ws.tokens.analyst, body: {} })).status).toBe(403);
      expect((await server.request('POST', '/api/v1/analysis/reanalyze', { token: ws.tokens.manager, body: { cursor: 'not-a-cursor' } })).status).toBe(400);
    });
  });

  describe('emerging topics', () => {
    let ws: SeededWorkspace;
    let hook: Hook;
    beforeAll(async () => {
      ws = await seedWorkspace(store.db, 'emerging');
      await configure(ws, ACME_CONFIG);
      hook = await webhookFor(ws, 'social');
    });

    it('finds a keyphrase that surged in the last day against the week before, and a promoted candidate tags later posts', async () => {
      const everyday = ['Love the new Acme sneakers', 'Where is the nearest Acme store?', 'Acme customer service was friendly today', 'Is the Acme sale still on?', 'My Acme jacket keeps me warm', 'Ordered Acme socks for the whole family', 'The Acme website looks nice', 'Acme shoes fit perfectly'];
      const baseline = Array.from({ length: 40 }, (_, i) => post(`b-${i}`, `${everyday[i % everyday.length]} #${i}`, `base${i % 9}`, new Date(Date.now() - 30 * HOUR - i * 3 * HOUR)));
      const surge = [
        'Battery drain on the Acme watch since the update',
        'My Acme watch battery drain is terrible, dead by noon',
        'Anyone else seeing battery drain after updating the Acme watch?',
        'Battery drain again, the Acme watch lasted only six hours',
        'Acme watch update caused massive battery drain for me',
        'Huge battery drain overnight on my Acme watch',
        'Is there a fix for the battery drain on Acme watches?',
        'Battery drain is killing my Acme watch experience',
      ];
      const current = [
        ...surge.map((text, i) => post(`s-${i}`, text, `user${i}`, new Date(Date.now() - (i + 1) * HOUR))),
        ...everyday.slice(0, 4).map((text, i) => post(`c-${i}`, text, `calm${i}`, new Date(Date.now() - (i + 1) * 2 * HOUR))),
      ];
      await deliver(ws, hook, [...baseline, ...current]);

      const emerging = await server.request('GET', '/api/v1/topics/emerging?hours=24&baselineDays=7', { token: ws.tokens.analyst });
      expect(emerging.status, emerging.text).toBe(200);
      expect(emerging.body.window).toMatchObject({ posts: current.length, truncated: false });
      expect(emerging.body.baseline).toMatchObject({ posts: baseline.length, truncated: false });
      const candidate = emerging.body.candidates[0];
      expect(candidate.keyphrases.join(' ')).toMatch(/battery/i);
      expect(candidate.count).toBeGreaterThanOrEqual(surge.length - 1);
      expect(candidate.baselineCount).toBe(0);
      expect(emerging.body.candidates.flatMap((c: { keyphrases: string[] }) => c.keyphrases).join(' ')).not.toMatch(/sneakers|store/i);

      expect((await server.request('POST', '/api/v1/topics/promote', { token: ws.tokens.analyst, body: { name: 'Battery', keyphrases: candidate.keyphrases } })).status).toBe(403);
      const promoted = await server.request('POST', '/api/v1/topics/promote', { token: ws.tokens.manager, body: { name: 'Battery life', keyphrases: candidate.keyphrases } });
      expect(promoted.status, promoted.text).toBe(200);
      expect(promoted.body.topic).toEqual({ name: 'Battery life', keywords: candidate.keyphrases });
      expect(promoted.body.config.topics.map((t: { name: string }) => t.name)).toEqual(['Delivery', 'Battery life']);

      await deliver(ws, hook, [post('later-1', 'Battery drain still there after the latest Acme watch update', 'late')]);
      const later = (await postsOf(ws, 'social')).find((p) => p.externalId === 'later-1');
      expect(later.analysis.topics).toContain('Battery life');

      const again = await server.request('POST', '/api/v1/topics/promote', { token: ws.tokens.manager, body: { name: 'battery LIFE', keyphrases: ['charging'] } });
      expect(again.body.topic).toEqual({ name: 'Battery life', keywords: [...candidate.keyphrases, 'charging'] });
      const audit = await server.request('GET', '/api/v1/audit?action=analysis_topic.promoted', { token: ws.tokens.admin });
      expect(audit.body.items).toHaveLength(2);
    });

    it('returns no candidates for a quiet window', async () => {
      const quiet = await seedWorkspace(store.db, 'quiet');
      const none = await server.request('GET', '/api/v1/topics/emerging', { token: quiet.tokens.agent });
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({ window: { posts: 0 }, baseline: { posts: 0 }, candidates: [] });
    });
  });

  describe('campaigns and bot-like authors', () => {
    let ws: SeededWorkspace;
    let hook: Hook;
    beforeAll(async () => {
      ws = await seedWorkspace(store.db, 'campaigns');
      hook = await webhookFor(ws, 'x-like');
    });

    it('reports a copy-paste campaign posted by five authors with its posts and authors, and an author posting near-identical links as bot-like', async () => {
      const pasted = 'Acme shoes fall apart after one week, do not buy them! Everyone should switch to Globex, share this with your friends';
      const campaign = ['', '!!', ' #boycott', ' please', '.'].map((suffix, i) => post(`camp-${i}`, pasted + suffix, `paster${i}`, new Date(Date.now() - (i + 1) * HOUR)));
      const bot = Array.from({ length: 6 }, (_, i) =>
        post(`bot-${i}`, `Win a free gift card today, click the link now to claim your prize number ${i}`, 'deals_bot_8812345', new Date(Date.now() - (i + 1) * 2 * HOUR), { links: ['https://prizes.example/claim'] }),
      );
      const normal = [
        post('n-1', 'My Acme running shoes are holding up well after a year', 'runner'),
        post('n-2', 'Does Acme ship to Austria?', 'traveller'),
      ];
      await deliver(ws, hook, [...campaign, ...bot, ...normal]);
      const ids = new Map((await postsOf(ws, 'x-like')).map((p) => [p.externalId, p.id]));

      const found = await server.request('GET', '/api/v1/posts/campaigns?hours=24&minAuthors=5', { token: ws.tokens.analyst });
      expect(found.status, found.text).toBe(200);
      expect(found.body.window).toMatchObject({ posts: campaign.length + bot.length + normal.length, truncated: false });
      expect(found.body.campaigns).toHaveLength(1);
      const [group] = found.body.campaigns;
      expect(group.size).toBe(5);
      expect([...group.postIds].sort()).toEqual(campaign.map((c) => ids.get(c.externalId)).sort());
      expect(group.authors.map((a: { handle: string }) => a.handle).sort()).toEqual(['paster0', 'paster1', 'paster2', 'paster3', 'paster4']);
      expect(group.example).toContain('fall apart');
      expect(Date.parse(group.firstSeen)).toBeLessThan(Date.parse(group.lastSeen));

      expect(found.body.botLikeAuthors.map((a: { handle: string }) => a.handle)).toEqual(['deals_bot_8812345']);
      expect(found.body.botLikeAuthors[0]).toMatchObject({ posts: 6, duplicatePosts: 6 });
      expect(found.body.botLikeAuthors[0].reasons).toEqual(expect.arrayContaining(['mostly_duplicates', 'mostly_links']));

      const stricter = await server.request('GET', '/api/v1/posts/campaigns?hours=24&minAuthors=6', { token: ws.tokens.analyst });
      expect(stricter.body.campaigns).toEqual([]);
    });

    it('rejects a window longer than a week with 400', async () => {
      expect((await server.request('GET', '/api/v1/posts/campaigns?hours=1000', { token: ws.tokens.analyst })).status).toBe(400);
    });
  });
});
