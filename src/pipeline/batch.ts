import { sql, type Kysely } from 'kysely';
import { findConnection } from '../channels/channels.repository.ts';
import type { ChannelDriver } from '../channels/driver.ts';
import { driverFor } from '../channels/registry.ts';
import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParsedItem } from '../listening/canonical.ts';
import {
  applyTombstones,
  engagementCountsFor,
  findPostsByExternalIds,
  insertPostsIfNew,
  insertQueryMatchRows,
  linkParents,
  updatePostMetrics,
  upsertIdentities,
  type NewPost,
  type StoredPostRef,
} from '../listening/listening.repository.ts';
import { matchingQueryIds } from '../listening/query-matcher.ts';
import { systemActor } from '../auth/actor.ts';
import { resolveNewIdentities } from '../identity-resolution/resolution.service.ts';
import type { ChannelConnectionRow, Database, RawIntakeRow } from '../platform/db/schema.ts';
import { lockPendingMany, markDead, markProcessedMany } from '../intake/intake.repository.ts';
import { enrichPending } from './enrich.ts';
import { processIntakeItem, queriesOf, type ItemResult } from './process.ts';
import { analyzeStage, emptyOutcome, parseStage, persistOtherStage, persistPostStage, type AnalyzedPost, type Outcome, type PersistContext, type PipelineDeps } from './stages.ts';

/**
 * The same stages as processIntakeItem, set-based: one transaction for many payloads, one statement
 * per stage for the common case (new posts), per-item handling for the rest (edits, re-deliveries,
 * deletes, engagements). If anything in the batch fails, it falls back to one payload at a time so a
 * bad payload cannot hold up good ones.
 */
export async function processBatch(db: Kysely<Database>, deps: PipelineDeps, ids: number[]): Promise<Map<number, ItemResult>> {
  const results = new Map<number, ItemResult>();
  let todo = ids;
  if (deps.enrich) {
    const enriched = await enrichPending(db, deps.enrich, ids, deps.now, (error, rawId) => deps.log?.warn({ err: error, intakeId: rawId }, 'enrichment failed; the delivery is processed as received'));
    for (const original of enriched.replaced.keys()) results.set(original, { status: 'processed', outcome: emptyOutcome() });
    todo = enriched.ids;
  }
  const maxItems = (await isEmbedded(db)) ? MAX_ITEMS_EMBEDDED : MAX_ITEMS_SERVER;
  while (todo.length > 0) {
    const batch = todo;
    try {
      const done = await db.transaction().execute((trx) => processLocked(trx, deps, batch, maxItems));
      await refreshStatisticsIfDue(db, done.results);
      for (const [id, result] of done.results) results.set(id, result);
      todo = done.deferred;
    } catch {
      for (const id of batch) results.set(id, await processIntakeItem(db, deps, id));
      todo = [];
    }
  }
  return results;
}

/**
 * Parsed items (posts, engagements, deletes) per transaction; payloads beyond it wait for the next
 * transaction of the same call. An X search page holds 100 posts, so 200 pending payloads can be
 * 20,000 posts. PGlite 0.5 was seen to corrupt its state (a PANIC, ERRORDATA_STACK_SIZE exceeded, on
 * the next statement) after a transaction of 1,000 new posts; 250 never did (1M-post imports).
 */
const MAX_ITEMS_EMBEDDED = 250;
const MAX_ITEMS_SERVER = 5000;

/** Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters, and PGlite is happier with far fewer. */
const POST_INSERT_CHUNK = 100;
const ROWS_PER_STATEMENT = 500;

function* chunked<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** New posts since the planner statistics were last refreshed, per store. */
const postsSinceAnalyze = new WeakMap<Kysely<Database>, number>();
const ANALYZE_EVERY_POSTS = 5000;

/**
 * The embedded store has no autovacuum, so its planner would keep the empty-table statistics of the
 * first start and turn the linking joins into full scans as posts grow (measured: 3× slower at 5k
 * posts, worse beyond). Refreshing statistics every few thousand new posts keeps plans on the indexes.
 */
async function refreshStatisticsIfDue(db: Kysely<Database>, results: Map<number, ItemResult>): Promise<void> {
  let created = 0;
  for (const result of results.values()) if (result.status === 'processed') created += result.outcome.created;
  const total = (postsSinceAnalyze.get(db) ?? ANALYZE_EVERY_POSTS - 500) + created;
  if (total < ANALYZE_EVERY_POSTS) {
    postsSinceAnalyze.set(db, total);
    return;
  }
  postsSinceAnalyze.set(db, 0);
  await sql`analyze posts, social_identities, raw_intake, engagements`.execute(db);
  // PGlite (single-user PostgreSQL) was seen to let pg_wal grow past 3 GB during a long import and then
  // PANIC; an explicit checkpoint recycles the WAL. Real servers have their own checkpointer.
  if (await isEmbedded(db)) await sql`checkpoint`.execute(db);
}

const embedded = new WeakMap<Kysely<Database>, Promise<boolean>>();
function isEmbedded(db: Kysely<Database>): Promise<boolean> {
  let known = embedded.get(db);
  if (!known) {
    known = sql<{ version: string }>`select version() as version`.execute(db).then((r) => /PGlite/i.test(r.rows[0]?.version ?? ''));
    embedded.set(db, known);
  }
  return known;
}

const keyOf = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

interface PendingPost {
  rawId: number;
  workspaceId: string;
  connectionId: string | null;
  analyzed: AnalyzedPost;
}

async function processLocked(trx: Kysely<Database>, deps: PipelineDeps, ids: number[], maxItems: number): Promise<{ results: Map<number, ItemResult>; deferred: number[] }> {
  const results = new Map<number, ItemResult>();
  const locked = await lockPendingMany(trx, ids);
  const lockedIds = new Set(locked.map((r) => r.id));
  for (const id of ids) if (!lockedIds.has(id)) results.set(id, { status: 'skipped' });

  const connections = new Map<string, ChannelConnectionRow | undefined>();
  const parsed: { raw: RawIntakeRow; items: ParsedItem[] }[] = [];
  let items = 0;
  const deferred: number[] = [];
  for (const raw of locked) {
    // Full: the rest waits for the next transaction (still pending, only locked until this one ends).
    if (items >= maxItems) {
      deferred.push(raw.id);
      continue;
    }
    let connection: ChannelConnectionRow | undefined;
    if (raw.channel_connection_id) {
      if (!connections.has(raw.channel_connection_id)) connections.set(raw.channel_connection_id, await findConnection(trx, raw.workspace_id, raw.channel_connection_id));
      connection = connections.get(raw.channel_connection_id);
    }
    const driver: ChannelDriver | undefined = driverFor(connection?.type ?? raw.channel);
    if (!driver) {
      await markDead(trx, raw.id, `no driver for channel "${raw.channel}"`, deps.now());
      results.set(raw.id, { status: 'dead', reason: `no driver for channel "${raw.channel}"` });
      continue;
    }
    try {
      const entry = { raw, items: parseStage(raw, driver, connection ? { settings: connection.settings } : undefined) };
      parsed.push(entry);
      items += entry.items.length;
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      await markDead(trx, raw.id, `parse: ${error.message}`, deps.now());
      results.set(raw.id, { status: 'dead', reason: error.message });
    }
  }

  // Payloads of several workspaces can share a batch: every set-based step runs per workspace.
  const byWorkspace = new Map<string, typeof parsed>();
  for (const entry of parsed) byWorkspace.set(entry.raw.workspace_id, [...(byWorkspace.get(entry.raw.workspace_id) ?? []), entry]);
  const outcomes = new Map<number, Outcome>(parsed.map((p) => [p.raw.id, emptyOutcome()]));
  const outcomeOf = (rawId: number): Outcome => {
    const outcome = outcomes.get(rawId) ?? emptyOutcome();
    outcomes.set(rawId, outcome);
    return outcome;
  };

  for (const [workspaceId, entries] of byWorkspace) {
    // Stage: resolve identity, once per distinct identity.
    const identities = new Map<string, CanonicalIdentity>();
    const addIdentity = (identity: CanonicalIdentity | null | undefined) => {
      if (!identity?.externalId) return;
      const key = `${identity.channel}:${identity.externalId}`;
      identities.set(key, { ...identities.get(key), ...identity });
    };
    for (const { items } of entries) {
      for (const item of items) {
        if (item.type === 'post') addIdentity(item.post.author);
        else if (item.type === 'engagement') addIdentity(item.actor);
        else if (item.type === 'identity') addIdentity(item.identity);
      }
    }
    const identityIds = new Map<string, string>();
    for (const chunk of chunked([...identities.values()], ROWS_PER_STATEMENT)) {
      for (const [key, id] of await upsertIdentities(trx, workspaceId, chunk)) identityIds.set(key, id);
    }

    // Stage: analyze with the workspace's analyzer (resolved once per batch), and pick the first occurrence of each new post for the bulk insert.
    const analyzer = deps.analyze ? await deps.analyze.forWorkspace(trx, workspaceId) : null;
    const fresh: PendingPost[] = [];
    const later: { rawId: number; item: ParsedItem }[] = [];
    const seen = new Set<string>();
    for (const { raw, items } of entries) {
      for (const item of items) {
        if (item.type === 'post' && !seen.has(keyOf(item.post.channel, item.post.externalId))) {
          seen.add(keyOf(item.post.channel, item.post.externalId));
          fresh.push({ rawId: raw.id, workspaceId, connectionId: raw.channel_connection_id, analyzed: analyzeStage(item.post, analyzer) });
        } else {
          later.push({ rawId: raw.id, item });
        }
      }
    }

    // Stage: thread. Parents in this batch or already stored give the thread key; ids are linked after insert.
    const inBatch = new Map<string, CanonicalPost>(fresh.map((p) => [keyOf(p.analyzed.post.channel, p.analyzed.post.externalId), p.analyzed.post]));
    const outsideParents = fresh
      .map((p) => p.analyzed.post)
      .filter((post) => post.parentExternalId && !inBatch.has(keyOf(post.channel, post.parentExternalId)))
      .map((post) => ({ channel: post.channel, externalId: post.parentExternalId ?? '' }));
    const stored = new Map<string, StoredPostRef>();
    for (const chunk of chunked(outsideParents, ROWS_PER_STATEMENT)) {
      for (const p of await findPostsByExternalIds(trx, workspaceId, chunk)) stored.set(keyOf(p.channel, p.external_id), p);
    }
    const threadKey = (post: CanonicalPost, depth = 0): string | null => {
      if (post.threadExternalId) return post.threadExternalId;
      if (!post.parentExternalId) return null;
      const parentKey = keyOf(post.channel, post.parentExternalId);
      const parentInBatch = inBatch.get(parentKey);
      if (parentInBatch && depth < 50) return threadKey(parentInBatch, depth + 1) ?? post.parentExternalId;
      return stored.get(parentKey)?.thread_external_id ?? post.parentExternalId;
    };

    // Stage: persist new posts in one statement.
    const rows: NewPost[] = fresh.map(({ rawId, connectionId, analyzed }) => {
      const post = analyzed.post;
      const parent = post.parentExternalId ? stored.get(keyOf(post.channel, post.parentExternalId)) : undefined;
      return {
        workspaceId,
        connectionId,
        rawIntakeId: rawId,
        post,
        authorIdentityId: post.author ? identityIds.get(`${post.author.channel}:${post.author.externalId}`) ?? null : null,
        parentId: parent?.id ?? null,
        threadId: parent ? parent.thread_id ?? parent.id : null,
        threadExternalId: threadKey(post),
        conversationId: parent?.conversation_id ?? null,
        language: analyzed.language,
        analysis: analyzed.analysis,
      };
    });
    const inserted = new Map<string, string>();
    for (const chunk of chunked(rows, POST_INSERT_CHUNK)) {
      for (const row of await insertPostsIfNew(trx, chunk)) inserted.set(keyOf(row.channel, row.external_id), row.id);
    }
    await linkParents(trx, workspaceId, [...inserted.values()]);
    // Posts whose delete arrived first are stored as deleted.
    for (const chunk of chunked([...inserted.values()], ROWS_PER_STATEMENT)) await applyTombstones(trx, workspaceId, chunk);

    // Engagements that arrived before their post count now.
    const newKeys = fresh.filter((p) => inserted.has(keyOf(p.analyzed.post.channel, p.analyzed.post.externalId))).map((p) => ({ channel: p.analyzed.post.channel, externalId: p.analyzed.post.externalId }));
    const early = [];
    for (const chunk of chunked(newKeys, ROWS_PER_STATEMENT)) early.push(...(await engagementCountsFor(trx, workspaceId, chunk)));
    const metricName: Record<string, string> = { like: 'likes', share: 'shares', reaction: 'reactions', view: 'views' };
    for (const row of early) {
      const id = inserted.get(keyOf(row.channel, row.target_external_id));
      const post = inBatch.get(keyOf(row.channel, row.target_external_id));
      if (!id || !post) continue;
      const key = metricName[row.kind] ?? row.kind;
      post.metrics = { ...(post.metrics ?? {}), [key]: Math.max(post.metrics?.[key] ?? 0, Number(row.count)) };
      await updatePostMetrics(trx, id, post.metrics);
    }

    // Listening queries tag the new posts.
    const queries = await queriesOf(trx, workspaceId);
    const matches: { workspace_id: string; post_id: string; query_id: string }[] = [];
    for (const p of fresh) {
      const id = inserted.get(keyOf(p.analyzed.post.channel, p.analyzed.post.externalId));
      if (!id) continue;
      outcomeOf(p.rawId).created++;
      for (const queryId of matchingQueryIds(queries, p.analyzed.post, p.analyzed.language)) matches.push({ workspace_id: workspaceId, post_id: id, query_id: queryId });
    }
    await insertQueryMatchRows(trx, matches);

    // Everything else goes item by item: re-deliveries and edits of stored posts, deletes, engagements.
    const ctxFor = (rawId: number): PersistContext => {
      const raw = entries.find((e) => e.raw.id === rawId)?.raw;
      return { workspaceId, connectionId: raw?.channel_connection_id ?? null, rawIntakeId: rawId, identityIds, queries, now: deps.now() };
    };
    for (const p of fresh) {
      if (inserted.has(keyOf(p.analyzed.post.channel, p.analyzed.post.externalId))) continue;
      await persistPostStage(trx, ctxFor(p.rawId), p.analyzed, { parentId: null, threadId: null, threadExternalId: null, conversationId: null }, outcomeOf(p.rawId));
    }
    for (const { rawId, item } of later) {
      const outcome = outcomeOf(rawId);
      if (item.type === 'post') await persistPostStage(trx, ctxFor(rawId), analyzeStage(item.post, analyzer), { parentId: null, threadId: null, threadExternalId: null, conversationId: null }, outcome);
      else await persistOtherStage(trx, ctxFor(rawId), item, outcome);
    }

    // Stage: identity resolution for identities never resolved before (new arrivals), once their posts are stored.
    await resolveNewIdentities(trx, systemActor(workspaceId), [...identityIds.values()], deps.log);
  }

  await markProcessedMany(trx, parsed.map((p) => p.raw.id), deps.now());
  for (const { raw } of parsed) results.set(raw.id, { status: 'processed', outcome: outcomes.get(raw.id) ?? emptyOutcome() });
  return { results, deferred };
}
