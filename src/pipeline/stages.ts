import type { Kysely } from 'kysely';
import type { Analysis, AnalysisInput } from '../analysis/types.ts';
import { findConnection } from '../channels/channels.repository.ts';
import type { ChannelDriver, ConnectionView } from '../channels/driver.ts';
import { driverFor } from '../channels/registry.ts';
import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParsedItem } from '../listening/canonical.ts';
import {
  applyPostEdit,
  applyTombstones,
  engagementCountsFor,
  enabledQueries,
  findPostByExternalId,
  findPostsByExternalIds,
  findTombstone,
  identityContacts,
  insertEngagementIfNew,
  insertPostsIfNew,
  insertQueryMatchRows,
  linkThreads,
  markPostDeleted,
  recordTombstone,
  removeEngagement,
  updatePostMetrics,
  upsertIdentities,
  type NewPost,
  type StoredPostRef,
} from '../listening/listening.repository.ts';
import { matchingQueryIds, type ListeningQuery } from '../listening/query-matcher.ts';
import { systemActor } from '../auth/actor.ts';
import { resolveNewIdentities, type ResolutionLogger } from '../identity-resolution/resolution.service.ts';
import type { ChannelConnectionRow, Database, RawIntakeRow } from '../platform/db/schema.ts';
import { markDead, markProcessedMany } from '../intake/intake.repository.ts';
import type { PipelineEvent } from '../events/events.ts';
import { pipelineEvent } from '../events/outbox.ts';
import { insertEvents } from '../events/outbox.repository.ts';
import type { PayloadEnricher } from './enrich.ts';

/**
 * The intake chain, one set-based implementation for every batch size (one payload is a batch of one):
 *
 *   parse → upsert identities → analyze → thread → persist posts → persist changes → resolve identities → mark processed
 *
 * Each stage is a function over one batch value of one workspace, inside the batch's transaction. Items keep
 * their arrival order (payload id, then position in the payload), and every stage that depends on order
 * follows it, so the same payloads leave the same rows however they are cut into batches
 * (test/pipeline/partition.property.test.ts).
 */

export type AnalyzeFn = (input: AnalysisInput) => Analysis;

/** A workspace's compiled analyzer and the version of the configuration it was compiled from. */
export interface WorkspaceAnalyzer {
  analyze: AnalyzeFn;
  configVersion: number;
}

/**
 * Gives the analyzer of a workspace; called once per workspace and batch (never per post), inside the
 * batch's transaction. Implementations may memoise compiled analyzers by configuration version: that is
 * derived data, so two workers with different memos still store the same analysis.
 */
export interface AnalyzerSource {
  forWorkspace(db: Kysely<Database>, workspaceId: string): Promise<WorkspaceAnalyzer>;
}

export interface PipelineDeps {
  /** Null stores posts without analysis (they can be re-analysed later). */
  analyze: AnalyzerSource | null;
  now: () => Date;
  /** Where stage failures that do not fail ingestion (identity resolution) are reported. */
  log?: ResolutionLogger;
  /** Completes deliveries from the platform's API before parsing (src/pipeline/enrich.ts); absent in imports and tests. */
  enrich?: PayloadEnricher;
  /** Told after a commit that wrote events (src/events/outbox-relay.ts); without it they wait for the relay's poll. */
  relay?: { wake(): void };
}

/** Counts of what one payload did, for import summaries and intake metrics. */
export interface Outcome {
  created: number;
  duplicates: number;
  updated: number;
  deleted: number;
  engagements: number;
}

export const emptyOutcome = (): Outcome => ({ created: 0, duplicates: 0, updated: 0, deleted: 0, engagements: 0 });

/** One parsed payload of a batch. */
export interface Payload {
  raw: RawIntakeRow;
  items: ParsedItem[];
}

/** A post item with its analysis and, once threaded, where it hangs. */
export interface AnalyzedPost {
  post: CanonicalPost;
  language: string | null;
  analysis: Record<string, unknown> | null;
}

/** The value every stage works on: the parsed payloads of one workspace, in arrival order, and what stages learnt. */
export interface WorkspaceBatch {
  workspaceId: string;
  payloads: Payload[];
  now: Date;
  outcomes: Map<number, Outcome>;
  /** Identity ids by `channel:externalId` (upsert identities). */
  identityIds: Map<string, string>;
  /** Each post item analysed, in item order per payload (analyze). */
  analyzed: Map<ParsedItem, AnalyzedPost>;
  /** Thread key and stored parent of each first occurrence of a post (thread). */
  threads: Map<string, { threadExternalId: string | null; parent: StoredPostRef | undefined }>;
  /** Post ids inserted by this batch, by post key, and the arrival position of their first occurrence (persist posts). */
  inserted: Map<string, { id: string; position: number }>;
  queries: ListeningQuery[];
  /** What the stages changed, written to the event outbox in the batch's transaction. */
  events: PipelineEvent[];
}

export const postKey = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;
const identityKey = (identity: Pick<CanonicalIdentity, 'channel' | 'externalId'>) => `${identity.channel}:${identity.externalId}`;

/** A new batch value for the parsed payloads of one workspace. */
export function newWorkspaceBatch(workspaceId: string, payloads: Payload[], now: Date): WorkspaceBatch {
  return {
    workspaceId,
    payloads,
    now,
    outcomes: new Map(payloads.map((p) => [p.raw.id, emptyOutcome()])),
    identityIds: new Map(),
    analyzed: new Map(),
    threads: new Map(),
    inserted: new Map(),
    queries: [],
    events: [],
  };
}

/** Every item of the batch in arrival order, with its payload and position. */
function* itemsInOrder(batch: WorkspaceBatch): Generator<{ raw: RawIntakeRow; item: ParsedItem; position: number }> {
  let position = 0;
  for (const { raw, items } of batch.payloads) for (const item of items) yield { raw, item, position: position++ };
}

function outcomeOf(batch: WorkspaceBatch, rawId: number): Outcome {
  let outcome = batch.outcomes.get(rawId);
  if (!outcome) batch.outcomes.set(rawId, (outcome = emptyOutcome()));
  return outcome;
}

/** Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters, and PGlite is happier with far fewer. */
const POST_INSERT_CHUNK = 100;
const ROWS_PER_STATEMENT = 500;

function* chunked<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Pure: raw payload → canonical items via the channel's driver. Throws ParseError for what cannot be stored. */
export function parsePayload(raw: RawIntakeRow, driver: ChannelDriver, connection: Pick<ConnectionView, 'settings'> | undefined): ParsedItem[] {
  const result = driver.parse({ body: raw.body, contentType: raw.content_type, headers: raw.headers }, connection);
  for (const item of result.items) {
    if (item.type === 'post' && !item.post.externalId) throw new ParseError('a post without an id cannot be stored idempotently');
  }
  return result.items;
}

export interface ParsedPayloads {
  parsed: Payload[];
  dead: { id: number; reason: string }[];
  /** intake.dead events of the dead-lettered payloads, for the outbox. */
  events: PipelineEvent[];
  /** Locked payloads beyond the item cap: left pending for the next transaction. */
  deferred: number[];
}

/**
 * Stage parse: each locked payload through its driver, until `maxItems` parsed items; the rest waits. A payload
 * without a driver or that does not parse is dead-lettered here with the reason (in this transaction).
 */
export async function parseStage(trx: Kysely<Database>, raws: RawIntakeRow[], maxItems: number, now: Date): Promise<ParsedPayloads> {
  const connections = new Map<string, ChannelConnectionRow | undefined>();
  const out: ParsedPayloads = { parsed: [], dead: [], events: [], deferred: [] };
  let items = 0;
  for (const raw of raws) {
    // Full: the rest waits for the next transaction (still pending, only locked until this one ends).
    if (items >= maxItems) {
      out.deferred.push(raw.id);
      continue;
    }
    let connection: ChannelConnectionRow | undefined;
    if (raw.channel_connection_id) {
      if (!connections.has(raw.channel_connection_id)) connections.set(raw.channel_connection_id, await findConnection(trx, raw.workspace_id, raw.channel_connection_id));
      connection = connections.get(raw.channel_connection_id);
    }
    const driver = driverFor(connection?.type ?? raw.channel);
    let reason: string;
    if (driver) {
      try {
        const parsed = parsePayload(raw, driver, connection ? { settings: connection.settings } : undefined);
        out.parsed.push({ raw, items: parsed });
        items += parsed.length;
        continue;
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        reason = `parse: ${error.message}`;
      }
    } else {
      reason = `no driver for channel "${raw.channel}"`;
    }
    await markDead(trx, raw.id, reason, now);
    out.dead.push({ id: raw.id, reason });
    out.events.push(pipelineEvent.intakeDead(raw.workspace_id, now, { rawIntakeId: raw.id }));
  }
  return out;
}

/**
 * Stage upsert identities: every author and actor of the batch once. A field a later item leaves out keeps
 * the earlier value (as the store's upsert does), so one upsert of the merge equals upserts in arrival order.
 */
export async function upsertIdentitiesStage(trx: Kysely<Database>, batch: WorkspaceBatch): Promise<void> {
  const identities = new Map<string, CanonicalIdentity>();
  const add = (identity: CanonicalIdentity | null | undefined) => {
    if (!identity?.externalId) return;
    const key = identityKey(identity);
    const merged: CanonicalIdentity = { ...identities.get(key), channel: identity.channel, externalId: identity.externalId };
    for (const [field, value] of Object.entries(identity) as [keyof CanonicalIdentity, unknown][]) {
      if (value !== null && value !== undefined) Object.assign(merged, { [field]: value });
    }
    // The store ORs `verified`: once verified, a later delivery without the badge does not clear it.
    if (identities.get(key)?.verified) merged.verified = true;
    identities.set(key, merged);
  };
  for (const { item } of itemsInOrder(batch)) {
    if (item.type === 'post') add(item.post.author);
    else if (item.type === 'engagement') add(item.actor);
    else if (item.type === 'identity') add(item.identity);
  }
  for (const chunk of chunked([...identities.values()], ROWS_PER_STATEMENT)) {
    for (const [key, id] of await upsertIdentities(trx, batch.workspaceId, chunk)) batch.identityIds.set(key, id);
  }
}

/**
 * What posts.analysis holds (and GET /api/v1/posts shows): the full Analysis, with the language under
 * `language` as the posts API names it, and the configuration version it was computed with.
 */
export interface StoredAnalysis {
  language: string;
  languageConfidence: number;
  sentiment: Analysis['sentiment'];
  intent: Analysis['intent'];
  intentScores: Analysis['intentScores'];
  topics: string[];
  entities: Analysis['entities'];
  urgency: Analysis['urgency'];
  spam: Analysis['spam'];
  configVersion: number;
}

/** Runs a workspace analyzer over one text; gives the record to store and the value of posts.language. */
export function analyzeText(text: string, platformLanguage: string | null | undefined, analyzer: WorkspaceAnalyzer): { language: string | null; analysis: StoredAnalysis } {
  const a = analyzer.analyze({ text, lang: platformLanguage ?? undefined });
  const analysis: StoredAnalysis = {
    language: a.lang,
    languageConfidence: a.langConfidence,
    sentiment: a.sentiment,
    intent: a.intent,
    intentScores: a.intentScores,
    topics: a.topics,
    entities: a.entities,
    urgency: a.urgency,
    spam: a.spam,
    configVersion: analyzer.configVersion,
  };
  // With nothing to go on (no letters, no tag) the analyzer reports a default language at confidence 0: not worth a posts.language.
  const language = a.lang && a.langConfidence > 0 ? a.lang : platformLanguage ?? null;
  return { language, analysis };
}

/** Pure: attach analysis to one post; the platform's language tag wins when the analyzer keeps it. */
export function analyzePost(post: CanonicalPost, analyzer: WorkspaceAnalyzer | null): AnalyzedPost {
  if (!analyzer || !post.text) return { post, language: post.language ?? null, analysis: null };
  const { language, analysis } = analyzeText(post.text, post.language, analyzer);
  return { post, language, analysis: { ...analysis } };
}

/** Stage analyze (pure): every post item of the batch through the workspace's analyzer. */
export function analyzeStage(batch: WorkspaceBatch, analyzer: WorkspaceAnalyzer | null): void {
  for (const { item } of itemsInOrder(batch)) if (item.type === 'post') batch.analyzed.set(item, analyzePost(item.post, analyzer));
}

/** The first occurrence of each post key in the batch, in arrival order: the candidates for insertion. */
function firstOccurrences(batch: WorkspaceBatch): Map<string, { raw: RawIntakeRow; item: Extract<ParsedItem, { type: 'post' }>; position: number }> {
  const first = new Map<string, { raw: RawIntakeRow; item: Extract<ParsedItem, { type: 'post' }>; position: number }>();
  for (const entry of itemsInOrder(batch)) {
    if (entry.item.type !== 'post') continue;
    const key = postKey(entry.item.post.channel, entry.item.post.externalId);
    if (!first.has(key)) first.set(key, { raw: entry.raw, item: entry.item, position: entry.position });
  }
  return first;
}

/**
 * Pure: the thread key of a post given the posts it can see. The platform's thread id, else the parent's,
 * followed up through known posts to the root, so a post's key does not depend on whether its ancestors
 * arrived before it (thread keys of posts stored earlier are rewritten when an ancestor arrives: linkThreads).
 */
export function threadKeyOf(post: Pick<CanonicalPost, 'externalId' | 'parentExternalId' | 'threadExternalId'>, known: (externalId: string) => { ownKey: string | null; stored: boolean } | undefined): string | null {
  const start = post.threadExternalId ?? post.parentExternalId ?? null;
  if (start === null || start === post.externalId) return start;
  let key = start;
  const seen = new Set<string>([post.externalId]);
  while (!seen.has(key)) {
    seen.add(key);
    const next = known(key);
    if (!next || next.ownKey === null || next.ownKey === key) return key;
    key = next.ownKey;
    if (next.stored) return key;
  }
  return key;
}

/** Stage thread: thread keys for the batch's new posts, from the posts of the batch and the ones stored before. */
export async function threadStage(trx: Kysely<Database>, batch: WorkspaceBatch): Promise<void> {
  const first = firstOccurrences(batch);
  const inBatch = new Map<string, CanonicalPost>();
  for (const [key, { item }] of first) inBatch.set(key, item.post);
  // Referenced posts of the batch are looked up too: a re-delivered parent is stored already, with its final key and conversation.
  const referenced = new Map<string, { channel: string; externalId: string }>();
  for (const post of inBatch.values()) {
    for (const ref of [post.parentExternalId, post.threadExternalId]) {
      if (ref && ref !== post.externalId) referenced.set(postKey(post.channel, ref), { channel: post.channel, externalId: ref });
    }
  }
  const stored = new Map<string, StoredPostRef>();
  for (const chunk of chunked([...referenced.values()], ROWS_PER_STATEMENT)) {
    for (const p of await findPostsByExternalIds(trx, batch.workspaceId, chunk)) stored.set(postKey(p.channel, p.external_id), p);
  }
  for (const [key, post] of inBatch) {
    const known = (externalId: string) => {
      const k = postKey(post.channel, externalId);
      const old = stored.get(k);
      if (old) return { ownKey: old.thread_external_id, stored: true };
      const other = inBatch.get(k);
      return other ? { ownKey: other.threadExternalId ?? other.parentExternalId ?? null, stored: false } : undefined;
    };
    const parent = post.parentExternalId ? stored.get(postKey(post.channel, post.parentExternalId)) : undefined;
    batch.threads.set(key, { threadExternalId: threadKeyOf(post, known), parent });
  }
}

/**
 * Stage persist posts: the first occurrence of each post not stored yet, in one statement per chunk; then
 * parents, thread roots and descendants linked, deletes that came first applied, engagements that came first
 * counted, and listening queries matched.
 */
export async function persistPostsStage(trx: Kysely<Database>, batch: WorkspaceBatch): Promise<void> {
  const first = firstOccurrences(batch);
  const rows: NewPost[] = [];
  for (const [key, { raw, item }] of first) {
    const analyzed = batch.analyzed.get(item) ?? analyzePost(item.post, null);
    const thread = batch.threads.get(key);
    const post = item.post;
    rows.push({
      workspaceId: batch.workspaceId,
      connectionId: raw.channel_connection_id,
      rawIntakeId: raw.id,
      post,
      authorIdentityId: post.author ? batch.identityIds.get(identityKey(post.author)) ?? null : null,
      parentId: thread?.parent?.id ?? null,
      threadId: null,
      threadExternalId: thread?.threadExternalId ?? null,
      conversationId: thread?.parent?.conversation_id ?? null,
      language: analyzed.language,
      analysis: analyzed.analysis,
    });
  }
  for (const chunk of chunked(rows, POST_INSERT_CHUNK)) {
    for (const row of await insertPostsIfNew(trx, chunk)) {
      const key = postKey(row.channel, row.external_id);
      batch.inserted.set(key, { id: row.id, position: first.get(key)?.position ?? 0 });
    }
  }
  const newIds = [...batch.inserted.values()].map((p) => p.id);
  if (newIds.length === 0) return;
  await linkThreads(trx, batch.workspaceId, newIds);
  for (const [key, { id }] of batch.inserted) {
    const entry = first.get(key);
    if (entry) batch.events.push(pipelineEvent.postStored(batch.workspaceId, batch.now, { postId: id, rawIntakeId: entry.raw.id, channel: entry.item.post.channel, externalId: entry.item.post.externalId }));
  }
  // Posts whose delete arrived in an earlier batch are stored as deleted.
  const rawIdOf = new Map([...batch.inserted].map(([key, { id }]) => [id, first.get(key)?.raw.id ?? 0]));
  for (const chunk of chunked(newIds, ROWS_PER_STATEMENT)) {
    for (const postId of await applyTombstones(trx, batch.workspaceId, chunk)) batch.events.push(pipelineEvent.postDeleted(batch.workspaceId, batch.now, { postId, rawIntakeId: rawIdOf.get(postId) ?? 0 }));
  }

  // Engagements stored before the post add to the counts the platform stated (later ones add one each as they come).
  const newKeys = [...batch.inserted.keys()].map((key) => first.get(key)?.item.post).filter((p): p is CanonicalPost => p !== undefined);
  for (const chunk of chunked(newKeys.map((p) => ({ channel: p.channel, externalId: p.externalId })), ROWS_PER_STATEMENT)) {
    const early = new Map<string, Record<string, number>>();
    for (const row of await engagementCountsFor(trx, batch.workspaceId, chunk)) {
      const key = postKey(row.channel, row.target_external_id);
      const metric = METRIC_FOR[row.kind] ?? row.kind;
      early.set(key, { ...early.get(key), [metric]: Number(row.count) });
    }
    for (const [key, counts] of early) {
      const post = first.get(key)?.item.post;
      const id = batch.inserted.get(key)?.id;
      if (!post || !id) continue;
      const metrics = { ...(post.metrics ?? {}) };
      for (const [metric, n] of Object.entries(counts)) metrics[metric] = (metrics[metric] ?? 0) + n;
      await updatePostMetrics(trx, id, metrics);
    }
  }

  const matches: { workspace_id: string; post_id: string; query_id: string }[] = [];
  for (const [key, { id }] of batch.inserted) {
    const entry = first.get(key);
    if (!entry) continue;
    outcomeOf(batch, entry.raw.id).created++;
    const analyzed = batch.analyzed.get(entry.item);
    for (const queryId of matchingQueryIds(batch.queries, entry.item.post, analyzed?.language ?? entry.item.post.language ?? null)) matches.push({ workspace_id: batch.workspaceId, post_id: id, query_id: queryId });
  }
  for (const chunk of chunked(matches, ROWS_PER_STATEMENT)) await insertQueryMatchRows(trx, chunk);
}

const METRIC_FOR: Record<string, string> = { like: 'likes', share: 'shares', reaction: 'reactions', view: 'views' };

/**
 * Stage persist changes: everything but the new posts, one item at a time in arrival order: re-deliveries
 * and edits of stored posts, deletes, engagements and their withdrawal. An item that arrived before the
 * first occurrence of its target in this batch is treated as it would be on its own: as if the target
 * were not stored yet.
 */
export async function persistChangesStage(trx: Kysely<Database>, batch: WorkspaceBatch): Promise<void> {
  for (const { raw, item, position } of itemsInOrder(batch)) {
    const outcome = outcomeOf(batch, raw.id);
    if (item.type === 'post') {
      const inserted = batch.inserted.get(postKey(item.post.channel, item.post.externalId));
      if (inserted?.position === position) continue;
      await persistStoredPost(trx, batch, raw.id, batch.analyzed.get(item) ?? analyzePost(item.post, null), outcome);
    } else if (item.type === 'delete') {
      const target = batch.inserted.get(postKey(item.channel, item.externalId));
      await persistDelete(trx, batch, raw.id, item, target !== undefined && target.position > position, outcome);
    } else if (item.type === 'engagement') {
      await persistEngagement(trx, batch, raw.id, item, outcome);
    }
  }
}

/** A post stored before (by an earlier batch or earlier in this one): an edit keeps history; a re-delivery changes nothing. */
async function persistStoredPost(trx: Kysely<Database>, batch: WorkspaceBatch, rawId: number, analyzed: AnalyzedPost, outcome: Outcome): Promise<void> {
  const { post } = analyzed;
  const existing = await findPostByExternalId(trx, batch.workspaceId, post.channel, post.externalId);
  if (!existing) throw new Error(`post ${post.channel}:${post.externalId} vanished during persist`);
  const textChanged = post.text !== existing.text;
  const metrics = { ...existing.metrics, ...(post.metrics ?? {}) };
  const metricsChanged = JSON.stringify(metrics) !== JSON.stringify(existing.metrics);
  if (textChanged && post.editedAt !== undefined && post.editedAt !== null) {
    await applyPostEdit(trx, batch.workspaceId, existing, { text: post.text, metrics, editedAt: new Date(post.editedAt), analysis: analyzed.analysis });
    outcome.updated++;
    batch.events.push(pipelineEvent.postUpdated(batch.workspaceId, batch.now, { postId: existing.id, rawIntakeId: rawId, change: 'edit' }));
  } else if (metricsChanged) {
    await updatePostMetrics(trx, existing.id, metrics);
    outcome.updated++;
    batch.events.push(pipelineEvent.postUpdated(batch.workspaceId, batch.now, { postId: existing.id, rawIntakeId: rawId, change: 'metrics' }));
  } else {
    outcome.duplicates++;
  }
}

async function persistDelete(trx: Kysely<Database>, batch: WorkspaceBatch, rawId: number, item: Extract<ParsedItem, { type: 'delete' }>, targetArrivesLater: boolean, outcome: Outcome): Promise<void> {
  const at = new Date(item.at);
  const deleted = await markPostDeleted(trx, batch.workspaceId, item.channel, item.externalId, at);
  if (deleted) {
    outcome.deleted++;
    batch.events.push(pipelineEvent.postDeleted(batch.workspaceId, batch.now, { postId: deleted, rawIntakeId: rawId }));
  }
  // A delete of an engagement record (unlike) withdraws it.
  const withdrawn = await removeEngagement(trx, batch.workspaceId, item.channel, item.externalId, at);
  if (withdrawn) await withdrawEngagement(trx, batch, rawId, item.channel, withdrawn);
  // Nothing to delete yet (deliveries out of order, a replayed stream): remember it for when the item comes.
  const nothingThere = !deleted && !withdrawn && !(await findPostByExternalId(trx, batch.workspaceId, item.channel, item.externalId));
  if (nothingThere || targetArrivesLater) await recordTombstone(trx, { workspaceId: batch.workspaceId, channel: item.channel, externalId: item.externalId, at, rawIntakeId: rawId });
}

async function persistEngagement(trx: Kysely<Database>, batch: WorkspaceBatch, rawId: number, item: Extract<ParsedItem, { type: 'engagement' }>, outcome: Outcome): Promise<void> {
  const at = new Date(item.at);
  if (item.removed) {
    const withdrawn = await removeEngagement(trx, batch.workspaceId, item.channel, item.externalId, at);
    if (withdrawn) await withdrawEngagement(trx, batch, rawId, item.channel, withdrawn);
    else await recordTombstone(trx, { workspaceId: batch.workspaceId, channel: item.channel, externalId: item.externalId, at, rawIntakeId: rawId });
    return;
  }
  const actorId = item.actor ? batch.identityIds.get(identityKey(item.actor)) ?? null : null;
  // Withdrawn before it arrived: kept for the record, never counted.
  const withdrawnAt = await findTombstone(trx, batch.workspaceId, item.channel, item.externalId);
  const engagementId = await insertEngagementIfNew(trx, {
    workspaceId: batch.workspaceId,
    channel: item.channel,
    externalId: item.externalId,
    targetExternalId: item.targetExternalId,
    kind: item.kind,
    actorIdentityId: actorId,
    at,
    removedAt: withdrawnAt ?? null,
    rawIntakeId: rawId,
  });
  if (engagementId !== undefined && withdrawnAt) {
    outcome.deleted++;
    return;
  }
  if (engagementId === undefined) {
    outcome.duplicates++;
    return;
  }
  outcome.engagements++;
  await adjustTargetMetric(trx, batch.workspaceId, item.channel, item.targetExternalId, item.kind, 1);
  batch.events.push(pipelineEvent.engagementChanged(batch.workspaceId, batch.now, { engagementId, rawIntakeId: rawId, kind: item.kind, channel: item.channel, targetExternalId: item.targetExternalId, active: true }));
}

async function withdrawEngagement(trx: Kysely<Database>, batch: WorkspaceBatch, rawId: number, channel: string, withdrawn: { id: number; target_external_id: string; kind: string }): Promise<void> {
  await adjustTargetMetric(trx, batch.workspaceId, channel, withdrawn.target_external_id, withdrawn.kind, -1);
  batch.events.push(pipelineEvent.engagementChanged(batch.workspaceId, batch.now, { engagementId: withdrawn.id, rawIntakeId: rawId, kind: withdrawn.kind, channel, targetExternalId: withdrawn.target_external_id, active: false }));
}

/** Moves a post's engagement counter by one; the engagement row's uniqueness keeps re-deliveries out. */
async function adjustTargetMetric(trx: Kysely<Database>, workspaceId: string, channel: string, targetExternalId: string, kind: string, delta: 1 | -1): Promise<void> {
  const target = await findPostByExternalId(trx, workspaceId, channel, targetExternalId);
  if (!target) return;
  const key = METRIC_FOR[kind] ?? kind;
  await updatePostMetrics(trx, target.id, { ...target.metrics, [key]: Math.max(0, (target.metrics[key] ?? 0) + delta) });
}

/**
 * Stage resolve identities: identities never resolved before are linked to contacts (or suggested), once
 * the batch's posts are stored, since resolution reads them as evidence. A failure here is logged and leaves
 * the identities for their next post; it never fails the batch.
 */
export async function resolveIdentitiesStage(trx: Kysely<Database>, batch: WorkspaceBatch, log?: ResolutionLogger): Promise<void> {
  if (batch.identityIds.size === 0) return;
  const ids = [...batch.identityIds.values()];
  const before = await identityContacts(trx, ids);
  await resolveNewIdentities(trx, systemActor(batch.workspaceId), ids, log);
  for (const [identityId, contactId] of await identityContacts(trx, ids)) {
    if (contactId && contactId !== before.get(identityId)) batch.events.push(pipelineEvent.identityLinked(batch.workspaceId, batch.now, { identityId, contactId }));
  }
}

/** Stage mark processed: the batch's payloads leave the queue, and its events enter the outbox, in the same transaction as their rows. */
export async function markProcessedStage(trx: Kysely<Database>, batch: WorkspaceBatch): Promise<void> {
  await insertEvents(trx, batch.events);
  await markProcessedMany(trx, batch.payloads.map((p) => p.raw.id), batch.now);
}

/** The enabled listening queries of the batch's workspace, for tagging new posts. */
export async function loadQueries(trx: Kysely<Database>, batch: WorkspaceBatch): Promise<void> {
  batch.queries = (await enabledQueries(trx, batch.workspaceId)).map((q) => ({
    id: q.id,
    channels: q.channels,
    languages: q.languages,
    keywords: q.keywords,
    hashtags: q.hashtags,
    accounts: q.accounts,
    excludeKeywords: q.exclude_keywords,
  }));
}

/** Every stage in order over one workspace's payloads. */
export async function runStages(trx: Kysely<Database>, deps: PipelineDeps, batch: WorkspaceBatch): Promise<void> {
  await upsertIdentitiesStage(trx, batch);
  const hasPosts = batch.payloads.some((p) => p.items.some((item) => item.type === 'post'));
  analyzeStage(batch, deps.analyze && hasPosts ? await deps.analyze.forWorkspace(trx, batch.workspaceId) : null);
  await threadStage(trx, batch);
  if (hasPosts) await loadQueries(trx, batch);
  await persistPostsStage(trx, batch);
  await persistChangesStage(trx, batch);
  await resolveIdentitiesStage(trx, batch, deps.log);
  await markProcessedStage(trx, batch);
}
