import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAnalyzer, type Analysis } from '../../src/analysis/index.ts';
import { insertQueryMatches } from '../../src/listening/listening.repository.ts';
import { insertPost, postsQuery, type PostFilter } from '../../src/posts/posts.repository.ts';
import { seedWorkspace, useTestServer, type SeededWorkspace } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { collectPages } from './collect-pages.ts';

const analyze = createAnalyzer({
  brands: [{ name: 'Telekom', aliases: ['Deutsche Telekom'] }],
  products: [{ name: 'MagentaTV' }, { name: 'Speedport' }],
  competitors: [{ name: 'Vodafone' }],
  topics: [
    { name: 'outage', keywords: ['outage', 'Störung', 'Ausfall'] },
    { name: 'billing', keywords: ['invoice', 'Rechnung'] },
    { name: 'delivery', keywords: ['delivery', 'Lieferung', 'Paket'] },
  ],
});

const TEXTS = [
  'Speedport again 😡😡😡 another outage tonight',
  'MagentaTV 😍😍🔥 best thing this year',
  'Is there an outage in Berlin? My Speedport blinks red',
  'Your invoice charged me twice, this is terrible. Cancel my contract, switching to Vodafone',
  'Die Rechnung ist falsch und der Support antwortet nicht',
  'Thanks Telekom, the technician fixed it in ten minutes, great service',
  'When will MagentaTV support 4K on the new box?',
  'Störung seit drei Tagen, kein Internet. Unfassbar schlecht, Telekom!',
  'The delivery of my router is late again',
  'Vodafone is cheaper and faster #switching',
  'Ich liebe MagentaTV, super Qualität 👍',
  'Can you add a dark mode to the app please?',
];

interface Seeded {
  id: string;
  channel: string;
  analysis: Analysis;
}

/** What posts.analysis holds (the pipeline's StoredAnalysis): the analyzer's output, language under `language`. */
function stored(a: Analysis): string {
  const { lang, langConfidence, ...rest } = a;
  return JSON.stringify({ language: lang, languageConfidence: langConfidence, ...rest, configVersion: 1 });
}

describe.each(STORE_KINDS)('post analysis filters on %s', (kind) => {
  const t = useTestServer(kind, 'post-filters');
  const posts: Seeded[] = [];
  let other: SeededWorkspace;

  async function seed(): Promise<void> {
    if (posts.length > 0) return;
    const db = t.store.db;
    other = await seedWorkspace(db, 'post-filters-other');
    for (const [i, text] of TEXTS.entries()) {
      const analysis = analyze({ text });
      const channel = i % 2 === 0 ? 'x' : 'mastodon';
      for (const workspaceId of [t.ws.workspaceId, other.workspaceId]) {
        const id = await insertPost(db, {
          workspace_id: workspaceId,
          channel,
          external_id: `f-${i}`,
          text,
          language: analysis.lang,
          posted_at: new Date(Date.UTC(2026, 2, 1, 12, i)),
          analysis: stored(analysis),
        });
        if (!id) throw new Error('seed post not inserted');
        if (workspaceId === t.ws.workspaceId) posts.push({ id, channel, analysis });
      }
    }
    // A post without analysis, and a deleted one that matches everything the first post matches.
    await insertPost(db, { workspace_id: t.ws.workspaceId, channel: 'x', external_id: 'f-unanalysed', text: 'not analysed yet', posted_at: new Date(Date.UTC(2026, 2, 1, 13)) });
    const first = posts[0];
    if (!first) throw new Error('no seed posts');
    await insertPost(db, { workspace_id: t.ws.workspaceId, channel: first.channel, external_id: 'f-deleted', text: TEXTS[0] ?? '', posted_at: new Date(Date.UTC(2026, 2, 1, 14)), analysis: stored(first.analysis), deleted_at: new Date() });
  }

  /** Ids newest first, as the API orders them. */
  const expected = (keep: (p: Seeded) => boolean) => posts.filter(keep).map((p) => p.id).reverse();
  const list = async (query: string) => (await collectPages(t.server, t.ws.tokens.analyst, `/api/v1/posts?${query}`, 2)).ids;

  it('filters by sentiment, intent, language, topic and entity as the analyzer labelled the posts, page by page', async () => {
    await seed();
    // The data has each kind of value the filters must tell apart.
    const labels = new Set(posts.map((p) => p.analysis.sentiment.label));
    expect(labels).toEqual(new Set(['positive', 'negative', 'neutral']));
    expect(posts.find((p) => p.analysis.entities.some((e) => e.canonical === 'Speedport'))).toBeDefined();

    for (const label of ['positive', 'negative', 'neutral'] as const) {
      expect(await list(`sentiment=${label}`), label).toEqual(expected((p) => p.analysis.sentiment.label === label));
    }
    for (const intent of new Set(posts.map((p) => p.analysis.intent))) {
      expect(await list(`intent=${intent}`), intent).toEqual(expected((p) => p.analysis.intent === intent));
    }
    for (const language of ['en', 'de']) {
      expect(await list(`language=${language}`), language).toEqual(expected((p) => p.analysis.lang === language));
    }
    for (const topic of ['outage', 'billing', 'delivery']) {
      const ids = await list(`topic=${topic}`);
      expect(ids.length, topic).toBeGreaterThan(0);
      expect(ids, topic).toEqual(expected((p) => p.analysis.topics.includes(topic)));
    }
    for (const entity of ['Speedport', 'MagentaTV', 'Vodafone', 'Telekom', 'switching']) {
      const ids = await list(`entity=${encodeURIComponent(entity)}`);
      expect(ids.length, entity).toBeGreaterThan(0);
      expect(ids, entity).toEqual(expected((p) => p.analysis.entities.some((e) => e.canonical === entity)));
    }
    expect(await list('topic=no-such-topic')).toEqual([]);
  });

  it('combines analysis filters with each other and with the existing ones', async () => {
    await seed();
    const negativeOutage = expected((p) => p.analysis.sentiment.label === 'negative' && p.analysis.topics.includes('outage'));
    expect(negativeOutage.length).toBeGreaterThan(0);
    expect(await list('sentiment=negative&topic=outage')).toEqual(negativeOutage);
    expect(await list('sentiment=negative&topic=outage&channel=x')).toEqual(expected((p) => p.channel === 'x' && p.analysis.sentiment.label === 'negative' && p.analysis.topics.includes('outage')));
    expect(await list('entity=MagentaTV&q=MagentaTV&since=2026-03-01T12:05:00Z')).toEqual(
      expected((p) => p.analysis.entities.some((e) => e.canonical === 'MagentaTV') && posts.indexOf(p) >= 5),
    );
  });

  it('filters by listening query: only the posts that query matched, in this workspace', async () => {
    await seed();
    const created = await t.server.request('POST', '/api/v1/listening-queries', { token: t.ws.tokens.admin, body: { name: 'outages', keywords: ['outage'] } });
    expect(created.status, created.text).toBe(201);
    const queryId: string = created.body.id;
    const matched = posts.filter((p) => p.analysis.topics.includes('outage'));
    for (const p of matched) await insertQueryMatches(t.store.db, t.ws.workspaceId, p.id, [queryId]);
    expect(await list(`queryId=${queryId}`)).toEqual(matched.map((p) => p.id).reverse());
    expect(await list(`queryId=${queryId}&sentiment=positive`)).toEqual(expected((p) => matched.includes(p) && p.analysis.sentiment.label === 'positive'));

    const unknown = await t.server.request('GET', `/api/v1/posts?queryId=${randomUUID()}`, { token: t.ws.tokens.analyst });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/^queryId: listening query .* does not exist in this workspace$/);
    const theirs = await t.server.request('GET', `/api/v1/posts?queryId=${queryId}`, { token: other.tokens.analyst });
    expect(theirs.status).toBe(400);
  });

  it('keeps workspaces apart: the other workspace sees only its own copies', async () => {
    await seed();
    const mine = new Set(await list('sentiment=negative'));
    const theirs = (await collectPages(t.server, other.tokens.analyst, '/api/v1/posts?sentiment=negative', 50)).ids;
    expect(theirs.length).toBe(mine.size);
    expect(theirs.some((id) => mine.has(id))).toBe(false);
  });

  it('refuses a sentiment or intent the analyzer does not give, listing the ones it does', async () => {
    const res = await t.server.request('GET', '/api/v1/posts?sentiment=angry', { token: t.ws.tokens.analyst });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.detail).toBe('querystring/sentiment must be one of: positive, neutral, negative');
    const intent = await t.server.request('GET', '/api/v1/posts?intent=rant', { token: t.ws.tokens.analyst });
    expect(intent.status).toBe(400);
    expect(intent.body.detail).toContain('complaint, question, purchase_intent');
    expect((await t.server.request('GET', '/api/v1/posts?queryId=nope', { token: t.ws.tokens.analyst })).status).toBe(400);
  });

  it('documents the filters and their values in the OpenAPI document', async () => {
    const doc = (await t.server.request('GET', '/api/openapi.json')).body;
    const parameters: { name: string; in: string; schema: { enum?: string[]; format?: string } }[] = doc.paths['/api/v1/posts'].get.parameters;
    const byName = Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
    expect(byName['sentiment']?.enum).toEqual(['positive', 'neutral', 'negative']);
    expect(byName['intent']?.enum).toContain('churn_threat');
    expect(byName['queryId']?.format).toBe('uuid');
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['topic', 'entity', 'language']));
  });

  it('answers each analysis filter from its index, in a workspace where each value is rare', async () => {
    // 3,000 posts, each filtered value on 1 in 100 of them: the planner, given statistics, must pick
    // the filter's own index over walking the whole workspace (it only can when the expressions match).
    const db = t.store.db;
    const big = await seedWorkspace(db, 'post-filters-explain');
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const rare = i % 100 === 0;
      return {
        workspace_id: big.workspaceId,
        channel: 'x',
        external_id: `e-${i}`,
        text: `post ${i}`,
        language: rare ? 'nl' : 'en',
        posted_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        analysis: JSON.stringify({
          sentiment: { label: rare ? 'negative' : 'positive', score: 0, confidence: 1 },
          intent: rare ? 'churn_threat' : 'other',
          topics: rare ? ['outage'] : [`topic-${i % 7}`],
          entities: rare ? [{ type: 'product', text: 'Speedport', canonical: 'Speedport' }] : [{ type: 'hashtag', text: `#t${i % 5}`, canonical: `t${i % 5}` }],
        }),
      };
    });
    await db.insertInto('posts').values(rows).execute();
    await sql`analyze posts`.execute(db);
    const cases: [PostFilter, string][] = [
      [{ sentiment: 'negative' }, 'posts_sentiment_idx'],
      [{ intent: 'churn_threat' }, 'posts_intent_idx'],
      [{ language: 'nl' }, 'posts_language_idx'],
      [{ topic: 'outage' }, 'posts_topics_idx'],
      [{ entity: 'Speedport' }, 'posts_entities_idx'],
    ];
    for (const [filter, index] of cases) {
      const plan = (await postsQuery(db, big.workspaceId, filter, undefined, 50).explain()).map((row) => String(Object.values(row)[0])).join('\n');
      expect(plan, plan).toContain(index);
      expect(plan).not.toContain('Seq Scan on posts');
      expect((await postsQuery(db, big.workspaceId, filter, undefined, 50).execute()).length).toBe(30);
    }
  });
});
