/**
 * The identity evaluation through the store: a generated set is written to a fresh in-memory PGlite
 * store (contacts with their handles and accounts, identities), `resolveAll` runs twice (the second
 * pass sees the first pass's links for the same-handle evidence), and the stored links are compared
 * with the truth. Measures the SQL blocking and the service, not only the pure model.
 * Usage: node bin/run-ts.js scripts/eval-identity-store.ts [--people N] [--seed N]
 */
import { sql } from 'kysely';
import { systemActor } from '../src/auth/actor.ts';
import { generate } from '../src/identity-resolution/eval/generate.ts';
import { resolveAll } from '../src/identity-resolution/resolution.service.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { openStore } from '../src/platform/db/store.ts';
import { insertWorkspace } from '../src/workspaces/workspaces.repository.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const people = option('people', 1000);
const seed = option('seed', 1);

const set = generate({ seed, people });
const store = await openStore({});
try {
  await migrateToLatest(store.db);
  const workspace = await insertWorkspace(store.db, 'Identity eval', 'identity-eval');
  const accounts = new Map<string, string>();
  const contactIds = new Map<string, string>();
  for (const c of set.contacts) {
    let accountId: string | null = null;
    const company = c.keywords[0];
    if (company) {
      if (!accounts.has(company)) {
        const row = await store.db.insertInto('accounts').values({ workspace_id: workspace.id, name: company, domains: c.accountDomains, custom: '{}' }).returning('id').executeTakeFirstOrThrow();
        accounts.set(company, row.id);
      }
      accountId = accounts.get(company) ?? null;
    }
    const orders = c.orderIds ?? [];
    const custom = {
      ...(c.handles.length > 0 ? { handles: c.handles.map((h) => `${h.channel}:${h.handle}`).join(';') } : {}),
      ...(orders[0] ? { customer_number: orders[0], orders: orders.slice(1).join(';') } : {}),
    };
    const row = await store.db
      .insertInto('contacts')
      .values({ workspace_id: workspace.id, name: c.name, emails: c.emails.map((e) => e.toLowerCase()), phones: c.phones, city: c.city, country: c.country, languages: c.languages, account_id: accountId, custom: JSON.stringify(custom), consent: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    contactIds.set(c.id, row.id);
  }
  const identityIds = new Map<string, string>();
  for (const i of set.identities) {
    const row = await store.db
      .insertInto('social_identities')
      .values({ workspace_id: workspace.id, channel: i.channel, external_id: i.externalId, handle: i.handle, display_name: i.displayName, profile_url: i.profileUrl, bio: i.bio, location: i.location, language: i.language })
      .returning('id')
      .executeTakeFirstOrThrow();
    identityIds.set(i.id, row.id);
  }
  // The identities' messages as inbound posts: private ones as direct messages (emails for the email channel).
  const posts = set.identities.flatMap((i) =>
    (i.messages ?? []).map((m, n) => ({
      workspace_id: workspace.id,
      channel: i.channel,
      external_id: `${i.id}-m${n}`,
      author_identity_id: identityIds.get(i.id) ?? null,
      kind: i.channel === 'email' ? ('email' as const) : m.private ? ('direct' as const) : ('reply' as const),
      direction: 'in' as const,
      visibility: m.private ? ('private' as const) : ('public' as const),
      text: m.text,
      posted_at: m.at ?? '2026-11-01',
    })),
  );
  for (let n = 0; n < posts.length; n += 500) await store.db.insertInto('posts').values(posts.slice(n, n + 500)).execute();
  // Statistics as a live store has them (autovacuum, the embedded store's refresh), so the planner picks the blocking index.
  await sql`analyze`.execute(store.db);
  const started = performance.now();
  const actor = systemActor(workspace.id);
  await resolveAll(store.db, actor);
  const first = performance.now() - started;
  await resolveAll(store.db, actor);
  const rows = await store.db.selectFrom('social_identities').select(['id', 'contact_id', 'link_status', 'link_evidence']).where('workspace_id', '=', workspace.id).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  let linkable = 0, auto = 0, autoCorrect = 0, suggested = 0, suggestedCorrect = 0;
  for (const i of set.identities) {
    const truth = set.truth.get(i.id);
    const expected = truth ? contactIds.get(truth) ?? null : null;
    if (expected) linkable++;
    const row = byId.get(identityIds.get(i.id) ?? '');
    if (row?.link_status === 'auto') {
      auto++;
      if (row.contact_id === expected) autoCorrect++;
    } else if (row?.link_status === 'suggested') {
      suggested++;
      const suggestion = (row.link_evidence ?? []).find((e): e is { type: string; contactId: string } => typeof e === 'object' && e !== null && 'type' in e && e.type === 'suggested_contact');
      if (suggestion && suggestion.contactId === expected) suggestedCorrect++;
    }
  }
  const pct = (a: number, b: number) => `${((b === 0 ? 1 : a / b) * 100).toFixed(2)}%`;
  console.log(`through the store (PGlite), seed ${seed}, ${people} people: ${set.identities.length} identities, ${linkable} linkable, ${set.contacts.length} contacts, ${posts.length} messages`);
  console.log(`auto ${auto}: precision ${pct(autoCorrect, auto)}, recall ${pct(autoCorrect, linkable)}; suggested ${suggested}: precision ${pct(suggestedCorrect, suggested)}; recall with review ${pct(autoCorrect + suggestedCorrect, linkable)}`);
  console.log(`first resolve-all pass: ${(first / 1000).toFixed(1)} s (${Math.round(set.identities.length / (first / 1000))} identities/s)`);
} finally {
  await store.close();
}
