/**
 * EXPLAIN ANALYZE of the posts list with each analysis filter, over N generated posts (default
 * 1,000,000) in one workspace: which index serves the filter and how long a first page takes.
 * Usage: node --import tsx bench/post-filters.ts [--posts N] [--database-url postgres://...]
 * Without --database-url it runs on an embedded PGlite store in memory.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { openStore } from '../src/platform/db/store.ts';
import { postsQuery, type PostFilter } from '../src/posts/posts.repository.ts';
import { insertWorkspace } from '../src/workspaces/workspaces.repository.ts';

const { values } = parseArgs({ options: { posts: { type: 'string', default: '1000000' }, 'database-url': { type: 'string' } } });
const total = Number(values.posts);
const store = await openStore(values['database-url'] ? { databaseUrl: values['database-url'] } : {});
await migrateToLatest(store.db);
const workspace = await insertWorkspace(store.db, 'filters bench', `filters-${Date.now()}`);

const started = performance.now();
// Realistic spreads: three sentiments, eight intents, 40 topics (one or two per post), 200 entities (0-2 per post), 7 languages.
await sql`
  insert into posts (workspace_id, channel, external_id, text, language, posted_at, analysis)
  select ${workspace.id}::uuid, 'x', 'b-' || i, 'post ' || i,
    (array['en','de','fr','es','it','nl','pt'])[1 + i % 7],
    timestamptz '2026-01-01' + (i || ' seconds')::interval,
    jsonb_build_object(
      'sentiment', jsonb_build_object('label', (array['negative','neutral','neutral','positive','positive'])[1 + (i * 7) % 5]),
      'intent', (array['complaint','question','purchase_intent','praise','feature_request','churn_threat','spam','other','other','other'])[1 + (i * 13) % 10],
      'topics', case when i % 3 = 0 then jsonb_build_array('topic-' || (i % 40), 'topic-' || ((i / 40) % 40)) else jsonb_build_array('topic-' || (i % 40)) end,
      'entities', case when i % 4 = 0 then '[]'::jsonb else jsonb_build_array(jsonb_build_object('type', 'product', 'text', 'Product ' || (i % 200), 'canonical', 'Product ' || (i % 200))) end)
  from generate_series(1, ${total}) as i`.execute(store.db);
await sql`analyze posts`.execute(store.db);
console.log(`${total} posts inserted and analysed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const cases: [string, PostFilter][] = [
  ['none', {}],
  ['sentiment=negative', { sentiment: 'negative' }],
  ['intent=churn_threat', { intent: 'churn_threat' }],
  ['language=nl', { language: 'nl' }],
  ['topic=topic-7', { topic: 'topic-7' }],
  ['entity=Product 42', { entity: 'Product 42' }],
  ['sentiment=negative&topic=topic-7', { sentiment: 'negative', topic: 'topic-7' }],
];
for (const [name, filter] of cases) {
  const plan = (await postsQuery(store.db, workspace.id, filter, undefined, 50).explain('text', sql`analyze`)).map((row) => String(Object.values(row)[0]));
  const index = plan.join('\n').match(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (posts_\w+)/g)?.join(', ') ?? 'no index';
  const time = plan.find((line) => line.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '?';
  console.log(`${name.padEnd(36)} ${time.padStart(12)}  ${index}`);
}
await store.close();
