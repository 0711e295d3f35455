import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import { driverFor } from '../../src/channels/registry.ts';
import { createContact } from '../../src/customers/contacts.service.ts';
import { readImportUnits } from '../../src/intake/import-reader.ts';
import { createIntake, NO_SIGNAL } from '../../src/intake/intake.ts';
import { processBatch } from '../../src/pipeline/batch.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/**
 * The pipeline's central promise: the same payloads, in the same arrival order, leave the same rows however
 * they are cut into batches (one by one, all at once, random cuts), also when replies come before their
 * parents and deletes before their items. Rows are compared as a dump without generated ids or times.
 */

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const SOURCES: { channel: string; path: string }[] = [
  { channel: 'x', path: 'x/conversation.jsonl' },
  { channel: 'x', path: 'x/account_activity.jsonl' },
  { channel: 'x', path: 'recorded/x/two_tweets.jsonl' },
  { channel: 'bluesky', path: 'bluesky/thread.jsonl' },
  { channel: 'meta', path: 'meta/facebook-feed-edit-reply-reaction.json' },
  { channel: 'meta', path: 'meta/whatsapp-document-video-statuses.json' },
  { channel: 'meta', path: 'recorded/meta/whatsapp-incoming-message-text.json' },
  { channel: 'meta', path: 'recorded/meta/facebook-feed-comment-add-211.json' },
  { channel: 'meta', path: 'recorded/meta/facebook-feed-comment-remove-25.json' },
  ...[1, 2, 3, 4].map((n) => ({ channel: 'email', path: `email/thread-${n}-${['question', 'reply', 'followup', 'closing'][n - 1]}.eml` })),
];

interface Unit {
  channel: string;
  body: string;
  contentType: string | null;
}

async function loadUnits(): Promise<Unit[]> {
  const units: Unit[] = [];
  for (const { channel, path } of SOURCES) {
    const driver = driverFor(channel);
    if (!driver) throw new Error(`no driver ${channel}`);
    for await (const unit of readImportUnits(fixture(path), driver.importFraming, { decode: driver.decode?.bind(driver), units: driver.importUnits?.bind(driver) })) {
      units.push({ channel, body: unit.body, contentType: unit.contentType ?? null });
    }
  }
  return units;
}

describe.each(STORE_KINDS)('batch partitions on %s', (kind) => {
  let store: Store;
  let units: Unit[];
  beforeAll(async () => {
    store = await openTestStore(kind);
    units = await loadUnits();
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Stores the units in the given arrival order in a new workspace, processes them cut into the given batch sizes, and dumps the rows. */
  async function run(order: number[], sizes: number[]): Promise<unknown> {
    const ws = await seedWorkspace(store.db, 'partition');
    // A customer whose address the email thread uses: identity resolution links to her from what is stored.
    await createContact(store.db, systemActor(ws.workspaceId), { name: 'Jörg Müller', emails: ['joerg.mueller@mailbox.example'] });
    const stored = await createIntake(store.db, NO_SIGNAL).submit(
      order.map((i) => {
        const unit = units[i] as Unit;
        return { workspaceId: ws.workspaceId, connectionId: null, channel: unit.channel, source: 'import' as const, contentType: unit.contentType, headers: {}, body: unit.body, dedupeKey: null };
      }),
    );
    const ids = stored.map((s) => s.id);
    const unitOf = new Map(ids.map((id, position) => [id, order[position]]));
    let at = 0;
    for (const size of sizes) {
      const results = await processBatch(store.db, { analyze: null, now: () => new Date() }, ids.slice(at, at + size));
      for (const result of results.values()) expect(result.status).not.toBe('retry');
      at += size;
    }
    return dump(ws.workspaceId, (id) => (id === null ? null : unitOf.get(id) ?? 'unknown'));
  }

  async function dump(workspaceId: string, unit: (rawId: number | null) => number | string | null): Promise<unknown> {
    const rows = async (query: ReturnType<typeof sql>) => (await query.execute(store.db)).rows as Record<string, unknown>[];
    const posts = await rows(sql`
      select p.channel, p.external_id, p.kind, p.direction, p.visibility, p.text, p.language, p.posted_at, p.edited_at, p.deleted_at, p.metrics,
        p.parent_external_id, parent.external_id as parent, p.thread_external_id, root.external_id as thread_root, p.quoted_external_id, p.url,
        p.mentions, p.hashtags, p.links, p.geo, a.channel || ':' || a.external_id as author, p.raw_intake_id
      from posts p left join posts parent on parent.id = p.parent_id left join posts root on root.id = p.thread_id
        left join social_identities a on a.id = p.author_identity_id
      where p.workspace_id = ${workspaceId} order by p.channel, p.external_id`);
    const revisions = await rows(sql`
      select p.channel, p.external_id, r.text, r.metrics from post_revisions r join posts p on p.id = r.post_id
      where r.workspace_id = ${workspaceId} order by p.channel, p.external_id, r.text`);
    const engagements = await rows(sql`
      select e.channel, e.external_id, e.target_external_id, e.kind, e.occurred_at, e.removed_at, a.channel || ':' || a.external_id as actor, e.raw_intake_id
      from engagements e left join social_identities a on a.id = e.actor_identity_id
      where e.workspace_id = ${workspaceId} order by e.channel, e.external_id`);
    const identities = await rows(sql`
      select i.channel, i.external_id, i.handle, i.display_name, i.profile_url, i.avatar_url, i.bio, i.location, i.language, i.followers, i.following, i.verified,
        c.name as contact, i.link_status
      from social_identities i left join contacts c on c.id = i.contact_id
      where i.workspace_id = ${workspaceId} order by i.channel, i.external_id`);
    const tombstones = await rows(sql`
      select channel, external_id, deleted_at, raw_intake_id from intake_tombstones where workspace_id = ${workspaceId} order by channel, external_id`);
    const intake = await rows(sql`select id as raw_intake_id, status, error from raw_intake where workspace_id = ${workspaceId} order by id`);
    const events = await rows(sql`select type, count(*)::int as n from pipeline_events where workspace_id = ${workspaceId} group by type order by type`);
    const withUnit = (list: Record<string, unknown>[]) => list.map(({ raw_intake_id, ...rest }) => ({ ...rest, unit: unit(typeof raw_intake_id === 'number' ? raw_intake_id : raw_intake_id === null ? null : Number(raw_intake_id)) }));
    return { posts: withUnit(posts), revisions, engagements: withUnit(engagements), identities, tombstones: withUnit(tombstones), intake: withUnit(intake).sort((a, b) => String(a.unit).localeCompare(String(b.unit))), events };
  }

  const oneByOne = (n: number) => Array.from({ length: n }, () => 1);

  it('stores the fixtures meaningfully: posts of every channel, threads, deletes, engagements, a linked contact', async () => {
    const all = units.map((_, i) => i);
    const state = (await run(all, [all.length])) as { posts: { channel: string; deleted_at: unknown; parent: unknown }[]; engagements: unknown[]; identities: { contact: unknown }[] };
    expect([...new Set(state.posts.map((p) => p.channel))].sort()).toEqual(['bluesky', 'email', 'facebook', 'whatsapp', 'x']);
    expect(state.posts.some((p) => p.parent !== null)).toBe(true);
    expect(state.posts.some((p) => p.deleted_at !== null)).toBe(true);
    expect(state.engagements.length).toBeGreaterThan(0);
    expect(state.identities.some((i) => i.contact === 'Jörg Müller')).toBe(true);
  }, 60_000);

  it('leaves the same rows one by one and all at once, in arrival order and reversed', async () => {
    const inOrder = units.map((_, i) => i);
    for (const order of [inOrder, [...inOrder].reverse()]) {
      expect(await run(order, [order.length])).toEqual(await run(order, oneByOne(order.length)));
    }
  }, 120_000);

  it('leaves the same rows for any shuffled arrival cut anywhere into batches', async () => {
    const n = units.length;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(units.map((_, i) => i), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 1, max: n }), { minLength: 1, maxLength: n }),
        async (order, cuts) => {
          const sizes: number[] = [];
          let left = n;
          for (const cut of cuts) {
            if (left === 0) break;
            const size = Math.min(cut, left);
            sizes.push(size);
            left -= size;
          }
          if (left > 0) sizes.push(left);
          expect(await run(order, sizes)).toEqual(await run(order, oneByOne(n)));
        },
      ),
      { numRuns: kind === 'pglite' ? 6 : 3 },
    );
  }, 300_000);
});
