import type { Kysely } from 'kysely';
import type { Analysis, AnalysisInput } from '../analysis/types.ts';
import type { ChannelDriver, ConnectionView } from '../channels/driver.ts';
import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParsedItem } from '../listening/canonical.ts';
import {
  adoptOrphans,
  applyPostEdit,
  applyTombstones,
  engagementCounts,
  findPostByExternalId,
  findTombstone,
  insertEngagementIfNew,
  insertPostIfNew,
  insertQueryMatches,
  markPostDeleted,
  recordTombstone,
  removeEngagement,
  updatePostMetrics,
  upsertIdentity,
} from '../listening/listening.repository.ts';
import { matchingQueryIds, type ListeningQuery } from '../listening/query-matcher.ts';
import { systemActor } from '../auth/actor.ts';
import { resolveNewIdentities, type ResolutionLogger } from '../identity-resolution/resolution.service.ts';
import type { Database, RawIntakeRow } from '../platform/db/schema.ts';
import type { PayloadEnricher } from './enrich.ts';

/**
 * The intake chain: parse → analyze → resolve identity → thread → persist. Each stage is a function
 * of its input and the store, holding no state between payloads, so stages can run in one process
 * (this module) or as separate queue consumers on several machines.
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

/** Stage 1 (pure): raw payload → canonical items via the channel's driver. */
export function parseStage(raw: RawIntakeRow, driver: ChannelDriver, connection: Pick<ConnectionView, 'settings'> | undefined): ParsedItem[] {
  const result = driver.parse({ body: raw.body, contentType: raw.content_type, headers: raw.headers }, connection);
  for (const item of result.items) {
    if (item.type === 'post' && !item.post.externalId) throw new ParseError('a post without an id cannot be stored idempotently');
  }
  return result.items;
}

export interface AnalyzedPost {
  post: CanonicalPost;
  language: string | null;
  analysis: Record<string, unknown> | null;
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

/** Stage 2 (pure): attach analysis to each post; the platform's language tag wins when the analyzer keeps it. */
export function analyzeStage(post: CanonicalPost, analyzer: WorkspaceAnalyzer | null): AnalyzedPost {
  if (!analyzer || !post.text) return { post, language: post.language ?? null, analysis: null };
  const { language, analysis } = analyzeText(post.text, post.language, analyzer);
  return { post, language, analysis: { ...analysis } };
}

/** Stage 3: every identity mentioned by the items, upserted once; returns ids by channel:externalId. */
export async function resolveIdentityStage(db: Kysely<Database>, workspaceId: string, items: ParsedItem[], log?: ResolutionLogger): Promise<Map<string, string>> {
  const identities = new Map<string, CanonicalIdentity>();
  const add = (identity: CanonicalIdentity | null | undefined) => {
    if (identity?.externalId) identities.set(`${identity.channel}:${identity.externalId}`, { ...identities.get(`${identity.channel}:${identity.externalId}`), ...identity });
  };
  for (const item of items) {
    if (item.type === 'post') add(item.post.author);
    else if (item.type === 'engagement') add(item.actor);
    else if (item.type === 'identity') add(item.identity);
  }
  const ids = new Map<string, string>();
  for (const [key, identity] of identities) ids.set(key, await upsertIdentity(db, workspaceId, identity));
  // New identities are resolved to contacts right away; known ones cost one lookup.
  await resolveNewIdentities(db, systemActor(workspaceId), [...ids.values()], log);
  return ids;
}

export interface ThreadLinks {
  parentId: string | null;
  threadId: string | null;
  threadExternalId: string | null;
  conversationId: string | null;
}

/** Stage 4: link a post to its parent and thread root when they are stored; otherwise keep the external ids. */
export async function threadStage(db: Kysely<Database>, workspaceId: string, post: CanonicalPost): Promise<ThreadLinks> {
  const threadExternalId = post.threadExternalId ?? null;
  if (!post.parentExternalId) return { parentId: null, threadId: null, threadExternalId, conversationId: null };
  const parent = await findPostByExternalId(db, workspaceId, post.channel, post.parentExternalId);
  if (!parent) return { parentId: null, threadId: null, threadExternalId: threadExternalId ?? post.parentExternalId, conversationId: null };
  return {
    parentId: parent.id,
    threadId: parent.thread_id ?? parent.id,
    threadExternalId: threadExternalId ?? parent.thread_external_id ?? post.parentExternalId,
    conversationId: parent.conversation_id,
  };
}

export interface PersistContext {
  workspaceId: string;
  connectionId: string | null;
  rawIntakeId: number | null;
  identityIds: Map<string, string>;
  queries: ListeningQuery[];
  now: Date;
}

const METRIC_FOR: Record<string, string> = { like: 'likes', share: 'shares', reaction: 'reactions', view: 'views' };

/** Stage 5: write the post idempotently; an edit keeps history; a re-delivery changes nothing. */
export async function persistPostStage(db: Kysely<Database>, ctx: PersistContext, analyzed: AnalyzedPost, links: ThreadLinks, outcome: Outcome): Promise<void> {
  const { post } = analyzed;
  const authorIdentityId = post.author ? ctx.identityIds.get(`${post.author.channel}:${post.author.externalId}`) ?? null : null;
  const createdId = await insertPostIfNew(db, {
    workspaceId: ctx.workspaceId,
    connectionId: ctx.connectionId,
    rawIntakeId: ctx.rawIntakeId,
    post,
    authorIdentityId,
    parentId: links.parentId,
    threadId: links.threadId,
    threadExternalId: links.threadExternalId,
    conversationId: links.conversationId,
    language: analyzed.language,
    analysis: analyzed.analysis,
  });
  if (createdId) {
    outcome.created++;
    await applyTombstones(db, ctx.workspaceId, [createdId]);
    await adoptOrphans(db, ctx.workspaceId, post.channel, post.externalId, createdId, links.threadId ?? createdId);
    const counts = await engagementCounts(db, ctx.workspaceId, post.channel, post.externalId);
    if (Object.keys(counts).length > 0) {
      const metrics = { ...(post.metrics ?? {}) };
      for (const [kind, n] of Object.entries(counts)) {
        const key = METRIC_FOR[kind] ?? kind;
        metrics[key] = Math.max(metrics[key] ?? 0, n);
      }
      await updatePostMetrics(db, createdId, metrics);
    }
    const queryIds = matchingQueryIds(ctx.queries, post, analyzed.language);
    await insertQueryMatches(db, ctx.workspaceId, createdId, queryIds);
    return;
  }
  const existing = await findPostByExternalId(db, ctx.workspaceId, post.channel, post.externalId);
  if (!existing) throw new Error(`post ${post.channel}:${post.externalId} vanished during persist`);
  const textChanged = post.text !== existing.text;
  const metrics = { ...existing.metrics, ...(post.metrics ?? {}) };
  const metricsChanged = JSON.stringify(metrics) !== JSON.stringify(existing.metrics);
  if (textChanged && post.editedAt !== undefined && post.editedAt !== null) {
    await applyPostEdit(db, ctx.workspaceId, existing, { text: post.text, metrics, editedAt: new Date(post.editedAt), analysis: analyzed.analysis });
    outcome.updated++;
  } else if (metricsChanged) {
    await updatePostMetrics(db, existing.id, metrics);
    outcome.updated++;
  } else {
    outcome.duplicates++;
  }
}

/** Stage 5 for deletions and engagements. */
export async function persistOtherStage(db: Kysely<Database>, ctx: PersistContext, item: ParsedItem, outcome: Outcome): Promise<void> {
  if (item.type === 'delete') {
    const at = new Date(item.at);
    const deleted = await markPostDeleted(db, ctx.workspaceId, item.channel, item.externalId, at);
    if (deleted) outcome.deleted++;
    // A delete of an engagement record (unlike) withdraws it.
    const withdrawn = await removeEngagement(db, ctx.workspaceId, item.channel, item.externalId, at);
    if (withdrawn) await adjustTargetMetric(db, ctx.workspaceId, item.channel, withdrawn.target_external_id, withdrawn.kind, -1);
    // Nothing to delete yet (deliveries out of order, a replayed stream): remember it for when the item comes.
    if (!deleted && !withdrawn && !(await findPostByExternalId(db, ctx.workspaceId, item.channel, item.externalId))) {
      await recordTombstone(db, { workspaceId: ctx.workspaceId, channel: item.channel, externalId: item.externalId, at, rawIntakeId: ctx.rawIntakeId });
    }
    return;
  }
  if (item.type !== 'engagement') return;
  if (item.removed) {
    const at = new Date(item.at);
    const withdrawn = await removeEngagement(db, ctx.workspaceId, item.channel, item.externalId, at);
    if (withdrawn) await adjustTargetMetric(db, ctx.workspaceId, item.channel, withdrawn.target_external_id, withdrawn.kind, -1);
    else await recordTombstone(db, { workspaceId: ctx.workspaceId, channel: item.channel, externalId: item.externalId, at, rawIntakeId: ctx.rawIntakeId });
    return;
  }
  const actorId = item.actor ? ctx.identityIds.get(`${item.actor.channel}:${item.actor.externalId}`) ?? null : null;
  // Withdrawn before it arrived: kept for the record, never counted.
  const withdrawnAt = await findTombstone(db, ctx.workspaceId, item.channel, item.externalId);
  const isNew = await insertEngagementIfNew(db, {
    workspaceId: ctx.workspaceId,
    channel: item.channel,
    externalId: item.externalId,
    targetExternalId: item.targetExternalId,
    kind: item.kind,
    actorIdentityId: actorId,
    at: new Date(item.at),
    removedAt: withdrawnAt ?? null,
    rawIntakeId: ctx.rawIntakeId,
  });
  if (isNew && withdrawnAt) {
    outcome.deleted++;
    return;
  }
  if (!isNew) {
    outcome.duplicates++;
    return;
  }
  outcome.engagements++;
  await adjustTargetMetric(db, ctx.workspaceId, item.channel, item.targetExternalId, item.kind, 1);
}

/** Moves a post's engagement counter by one; the engagement row's uniqueness keeps re-deliveries out. */
async function adjustTargetMetric(db: Kysely<Database>, workspaceId: string, channel: string, targetExternalId: string, kind: string, delta: 1 | -1): Promise<void> {
  const target = await findPostByExternalId(db, workspaceId, channel, targetExternalId);
  if (!target) return;
  const key = METRIC_FOR[kind] ?? kind;
  await updatePostMetrics(db, target.id, { ...target.metrics, [key]: Math.max(0, (target.metrics[key] ?? 0) + delta) });
}
