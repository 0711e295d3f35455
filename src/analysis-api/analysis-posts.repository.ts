import { sql, type Kysely } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Database } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

/** The post queries of the analysis capability: keyset pages for re-analysis, bounded time windows, bulk analysis updates. */

export interface PostToAnalyse {
  id: string;
  text: string;
  language: string | null;
  /** Exact posted_at (keyset) and updated_at (to skip posts edited while being re-analysed). */
  cursor_at: string;
  version_at: string;
}

/** One page of a workspace's live posts, newest first, keyset on (posted_at, id). */
export async function postsToAnalyse(db: Kysely<Database>, workspaceId: string, cursor: Cursor | undefined, limit: number): Promise<PostToAnalyse[]> {
  let query = db
    .selectFrom('posts')
    .select(['id', 'text', 'language', exactTimestamp('posted_at').as('cursor_at'), exactTimestamp('updated_at').as('version_at')])
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('posted_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('posted_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export interface AnalysisUpdate {
  id: string;
  versionAt: string;
  language: string | null;
  analysis: Record<string, unknown>;
}

/** Rows per UPDATE … FROM (VALUES …): keeps bind messages small for the embedded store. */
const UPDATE_CHUNK = 200;

/** Stores new analysis on posts in bulk; a post changed since it was read is left alone. Returns how many were updated. */
export async function updatePostAnalyses(db: Kysely<Database>, workspaceId: string, updates: readonly AnalysisUpdate[], now: Date): Promise<number> {
  let updated = 0;
  for (let i = 0; i < updates.length; i += UPDATE_CHUNK) {
    const chunk = updates.slice(i, i + UPDATE_CHUNK);
    const values = sql.join(chunk.map((u) => sql`(${u.id}::uuid, ${u.versionAt}::timestamptz, ${u.language}::text, ${JSON.stringify(u.analysis)}::jsonb)`));
    const result = await sql`
      update posts as p set analysis = v.analysis, language = v.language, updated_at = ${now}
      from (values ${values}) as v(id, version_at, language, analysis)
      where p.id = v.id and p.workspace_id = ${workspaceId} and p.updated_at = v.version_at`.execute(db);
    updated += Number(result.numAffectedRows ?? 0n);
  }
  return updated;
}

export interface WindowPost {
  id: string;
  text: string;
  language: string | null;
  posted_at: Date;
  author_identity_id: string | null;
  author_handle: string | null;
  author_display_name: string | null;
  link_count: number;
}

/** Live inbound posts of a workspace posted in [from, to), newest first, at most `limit`. */
export async function postsInWindow(db: Kysely<Database>, workspaceId: string, from: Date, to: Date, limit: number): Promise<WindowPost[]> {
  return db
    .selectFrom('posts')
    .leftJoin('social_identities as author', (join) => join.onRef('author.id', '=', 'posts.author_identity_id').onRef('author.workspace_id', '=', 'posts.workspace_id'))
    .select([
      'posts.id',
      'posts.text',
      'posts.language',
      'posts.posted_at',
      'posts.author_identity_id',
      'author.handle as author_handle',
      'author.display_name as author_display_name',
      sql<number>`coalesce(cardinality(posts.links), 0)`.as('link_count'),
    ])
    .where('posts.workspace_id', '=', workspaceId)
    .where('posts.deleted_at', 'is', null)
    .where('posts.direction', '=', 'in')
    .where('posts.posted_at', '>=', from)
    .where('posts.posted_at', '<', to)
    .orderBy('posts.posted_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}
