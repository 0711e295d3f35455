import type { Kysely } from 'kysely';
import Value from 'typebox/value';
import { promoteToTopic, type EmergingTopicCandidate } from '../analysis/topics/index.ts';
import type { DictionaryEntry, TopicDefinition, WorkspaceAnalysisConfig } from '../analysis/types.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { readAnalysisSettings, writeAnalysisSettings } from './analysis-config.repository.ts';
import { StoredAnalysisConfig, type AnalysisConfigInput, type AnalysisConfigView } from './analysis.schema.ts';

/** The configuration of a workspace that never saved one: empty dictionaries and taxonomy, version 0. */
export const EMPTY_STORED_CONFIG: StoredAnalysisConfig = { brands: [], products: [], competitors: [], topics: [], version: 0, updatedAt: null };

/** Parses settings.analysis; anything that does not fit the schema counts as empty (keeping its version, so caches still move on). */
export function parseStoredConfig(value: unknown): StoredAnalysisConfig {
  if (Value.Check(StoredAnalysisConfig, value)) return value;
  const version = typeof value === 'object' && value !== null && 'version' in value && Number.isInteger(value.version) ? Number(value.version) : 0;
  return { ...EMPTY_STORED_CONFIG, version: Math.max(0, version) };
}

/** The part of the stored configuration the analyzers read. */
export function toWorkspaceConfig(stored: StoredAnalysisConfig): WorkspaceAnalysisConfig {
  return { brands: stored.brands, products: stored.products, competitors: stored.competitors, topics: stored.topics };
}

export function presentConfig(stored: StoredAnalysisConfig): AnalysisConfigView {
  return {
    brands: stored.brands.map(presentEntry),
    products: stored.products.map(presentEntry),
    competitors: stored.competitors.map(presentEntry),
    topics: stored.topics.map((t) => ({ name: t.name, keywords: t.keywords })),
    version: stored.version,
    updatedAt: stored.updatedAt,
  };
}

const presentEntry = (e: DictionaryEntry) => ({ name: e.name, aliases: e.aliases ?? [] });

export async function getAnalysisConfig(db: Kysely<Database>, workspaceId: string): Promise<StoredAnalysisConfig> {
  return parseStoredConfig(await readAnalysisSettings(db, workspaceId));
}

/** Trims names and terms and drops repeated aliases/keywords, so that equal spellings compare equal. */
function normaliseEntries(entries: readonly DictionaryEntry[]): DictionaryEntry[] {
  return entries.map((e) => ({ name: e.name.trim(), aliases: unique((e.aliases ?? []).map((a) => a.trim())).filter((a) => a !== '' && a.toLowerCase() !== e.name.trim().toLowerCase()) }));
}

function normaliseTopics(topics: readonly TopicDefinition[]): TopicDefinition[] {
  return topics.map((t) => ({ name: t.name.trim(), keywords: unique(t.keywords.map((k) => k.trim())).filter((k) => k !== '') }));
}

function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Rules the schema cannot say: names are unique per list and not blank; every topic keeps a keyword. */
function checkConfig(config: WorkspaceAnalysisConfig): void {
  const problems: string[] = [];
  for (const list of ['brands', 'products', 'competitors', 'topics'] as const) {
    const seen = new Set<string>();
    config[list].forEach((entry, i) => {
      const key = entry.name.toLowerCase();
      if (key === '') problems.push(`${list}/${i}/name is blank`);
      else if (seen.has(key)) problems.push(`${list}/${i}/name "${entry.name}" appears twice`);
      seen.add(key);
    });
  }
  config.topics.forEach((t, i) => {
    if (t.keywords.length === 0) problems.push(`topics/${i}/keywords has no non-blank keyword`);
  });
  if (problems.length > 0) throw errors.validation(problems.join('; '));
}

/** Locks the workspace's configuration, applies `change` to it, stores it as the next version and audits it. */
async function changeConfig(
  db: Kysely<Database>,
  actor: Actor,
  expectedVersion: number | undefined,
  now: Date,
  change: (current: StoredAnalysisConfig) => WorkspaceAnalysisConfig,
  audit: (next: StoredAnalysisConfig) => { action: string; detail: Record<string, unknown> },
): Promise<StoredAnalysisConfig> {
  return db.transaction().execute(async (trx) => {
    const current = parseStoredConfig(await readAnalysisSettings(trx, actor.workspaceId, { forUpdate: true }));
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw errors.conflict(`the analysis configuration changed meanwhile (now version ${current.version}, edit based on ${expectedVersion}); reload it and apply the change again`);
    }
    const config = change(current);
    checkConfig(config);
    const next: StoredAnalysisConfig = { ...config, version: current.version + 1, updatedAt: now.toISOString() };
    await writeAnalysisSettings(trx, actor.workspaceId, next);
    const entry = audit(next);
    await recordAudit(trx, actor, { action: entry.action, targetType: 'analysis_config', targetId: actor.workspaceId, detail: { version: next.version, ...entry.detail } });
    return next;
  });
}

const counts = (c: WorkspaceAnalysisConfig) => ({ brands: c.brands.length, products: c.products.length, competitors: c.competitors.length, topics: c.topics.length });

/** Replaces a workspace's dictionaries and taxonomy (PUT semantics). */
export async function saveAnalysisConfig(db: Kysely<Database>, actor: Actor, input: AnalysisConfigInput, now: Date): Promise<StoredAnalysisConfig> {
  return changeConfig(
    db,
    actor,
    input.version,
    now,
    () => ({ brands: normaliseEntries(input.brands), products: normaliseEntries(input.products), competitors: normaliseEntries(input.competitors), topics: normaliseTopics(input.topics) }),
    (next) => ({ action: 'analysis_config.updated', detail: counts(next) }),
  );
}

/**
 * Adds an emerging-topic candidate to the taxonomy under the analyst's name. Promoting into a topic
 * that already exists (same name, any case) adds the new keyphrases to its keywords.
 */
export async function promoteTopic(db: Kysely<Database>, actor: Actor, input: { name: string; keyphrases: string[]; version?: number | undefined }, now: Date): Promise<{ config: StoredAnalysisConfig; topic: TopicDefinition }> {
  const candidate: EmergingTopicCandidate = { label: input.name, keyphrases: input.keyphrases, terms: [], count: 0, baselineCount: 0, score: 0, examples: [] };
  const promoted = normaliseTopics([promoteToTopic(candidate, input.name)])[0] ?? { name: input.name.trim(), keywords: [] };
  let topic = promoted;
  const config = await changeConfig(
    db,
    actor,
    input.version,
    now,
    (current) => {
      const existing = current.topics.findIndex((t) => t.name.toLowerCase() === promoted.name.toLowerCase());
      const topics = [...current.topics];
      if (existing === -1) topics.push(promoted);
      else {
        const merged = topics[existing];
        topic = { name: merged?.name ?? promoted.name, keywords: unique([...(merged?.keywords ?? []), ...promoted.keywords]) };
        topics[existing] = topic;
      }
      return { ...toWorkspaceConfig(current), topics };
    },
    () => ({ action: 'analysis_topic.promoted', detail: { topic: topic.name, keywords: topic.keywords.length } }),
  );
  return { config, topic };
}
