import type { Kysely } from 'kysely';
import { discoverEmergingTopics, type EmergingTopicCandidate } from '../analysis/topics/index.ts';
import type { Database } from '../platform/db/schema.ts';
import { postsInWindow } from './analysis-posts.repository.ts';

/** Newest posts read per window: discovery stays fast and memory bounded on busy workspaces. */
export const MAX_WINDOW_POSTS = 5_000;
const HOUR_MS = 3600_000;

export interface EmergingTopicsResult {
  window: { from: string; to: string; posts: number; truncated: boolean };
  baseline: { from: string; to: string; posts: number; truncated: boolean };
  candidates: EmergingTopicCandidate[];
}

/**
 * Keyphrases much more frequent in the last `hours` than in the `baselineDays` before, grouped into
 * candidate topics (inbound posts only: the brand's own posts are not what customers talk about).
 */
export async function emergingTopics(
  db: Kysely<Database>,
  workspaceId: string,
  input: { hours: number; baselineDays: number; minCount?: number | undefined },
  now: Date,
): Promise<EmergingTopicsResult> {
  const to = now;
  const from = new Date(to.getTime() - input.hours * HOUR_MS);
  const baselineFrom = new Date(from.getTime() - input.baselineDays * 24 * HOUR_MS);
  const current = await postsInWindow(db, workspaceId, from, to, MAX_WINDOW_POSTS);
  const baseline = await postsInWindow(db, workspaceId, baselineFrom, from, MAX_WINDOW_POSTS);
  const doc = (p: { text: string; language: string | null }) => ({ text: p.text, lang: p.language ?? undefined });
  const candidates = discoverEmergingTopics(current.map(doc), baseline.map(doc), input.minCount !== undefined ? { minCount: input.minCount } : {});
  return {
    window: { from: from.toISOString(), to: to.toISOString(), posts: current.length, truncated: current.length >= MAX_WINDOW_POSTS },
    baseline: { from: baselineFrom.toISOString(), to: from.toISOString(), posts: baseline.length, truncated: baseline.length >= MAX_WINDOW_POSTS },
    candidates,
  };
}
