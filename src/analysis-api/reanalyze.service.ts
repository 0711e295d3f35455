import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { analyzeText, type AnalyzerSource } from '../pipeline/stages.ts';
import { decodeUuidCursor } from '../platform/db/keyset.ts';
import type { Database } from '../platform/db/schema.ts';
import { encodeCursor } from '../platform/pagination.ts';
import { postsToAnalyse, updatePostAnalyses } from './analysis-posts.repository.ts';

/** Posts read, analysed and written per keyset batch. */
const BATCH = 500;
export const DEFAULT_REANALYZE_POSTS = 5_000;
export const MAX_REANALYZE_POSTS = 50_000;

export interface ReanalyzeResult {
  /** Posts whose analysis was rewritten in this call. */
  analyzed: number;
  /** Posts left as they were: without text, or changed while this call ran (the pipeline analysed them again). */
  skipped: number;
  configVersion: number;
  /** Pass it back to continue with older posts; null when every post has been re-analysed. */
  nextCursor: string | null;
}

/**
 * Re-runs analysis with the workspace's current configuration over its posts, newest first, in keyset
 * batches, up to `maxPosts` per call so a request stays short; callers continue with `nextCursor`.
 * The stored language is passed back as the platform tag, so a language kept before is kept again.
 */
export async function reanalyzePosts(
  db: Kysely<Database>,
  analyzers: AnalyzerSource,
  actor: Actor,
  input: { cursor?: string | undefined; maxPosts?: number | undefined },
  now: Date,
): Promise<ReanalyzeResult> {
  const maxPosts = Math.min(MAX_REANALYZE_POSTS, Math.max(1, input.maxPosts ?? DEFAULT_REANALYZE_POSTS));
  let cursor = decodeUuidCursor(input.cursor);
  const analyzer = await analyzers.forWorkspace(db, actor.workspaceId);
  let analyzed = 0;
  let seen = 0;
  let more = true;
  while (seen < maxPosts) {
    const want = Math.min(BATCH, maxPosts - seen);
    const page = await postsToAnalyse(db, actor.workspaceId, cursor, want);
    seen += page.length;
    const updates = page
      .filter((post) => post.text !== '')
      .map((post) => {
        const result = analyzeText(post.text, post.language, analyzer);
        return { id: post.id, versionAt: post.version_at, language: result.language, analysis: { ...result.analysis } };
      });
    analyzed += await updatePostAnalyses(db, actor.workspaceId, updates, now);
    const last = page[page.length - 1];
    if (last) cursor = { at: last.cursor_at, id: last.id };
    if (page.length < want) {
      more = false;
      break;
    }
  }
  // A call that stopped exactly at the last post still hands out a cursor; the next call then finds nothing.
  const nextCursor = more && cursor ? encodeCursor(cursor.at, cursor.id) : null;
  await recordAudit(db, actor, { action: 'posts.reanalyzed', targetType: 'analysis_config', targetId: actor.workspaceId, detail: { analyzed, skipped: seen - analyzed, configVersion: analyzer.configVersion, continued: input.cursor !== undefined } });
  return { analyzed, skipped: seen - analyzed, configVersion: analyzer.configVersion, nextCursor };
}
