import type { Kysely } from 'kysely';
import { NearDuplicateIndex, scoreAuthor } from '../analysis/spam/index.ts';
import type { Database } from '../platform/db/schema.ts';
import { postsInWindow } from './analysis-posts.repository.ts';
import { MAX_WINDOW_POSTS } from './emerging.service.ts';

const HOUR_MS = 3600_000;
/** Bot-like authors listed at most, highest score first. */
const MAX_BOT_AUTHORS = 50;

export interface AuthorRef {
  id: string;
  handle: string | null;
  displayName: string | null;
}

export interface CampaignView {
  size: number;
  postIds: string[];
  authors: AuthorRef[];
  firstSeen: string;
  lastSeen: string;
  example: string;
}

export interface BotLikeAuthor extends AuthorRef {
  score: number;
  reasons: string[];
  posts: number;
  duplicatePosts: number;
}

export interface CampaignsResult {
  window: { from: string; to: string; posts: number; truncated: boolean };
  campaigns: CampaignView[];
  botLikeAuthors: BotLikeAuthor[];
}

/**
 * Copy-paste campaigns and bot-like authors in the last `hours`: the window's posts (newest
 * MAX_WINDOW_POSTS) go into a fresh near-duplicate index, built per request and dropped after it, so
 * the intake pipeline holds no index between payloads.
 */
export async function findCampaigns(db: Kysely<Database>, workspaceId: string, input: { hours: number; minAuthors: number }, now: Date): Promise<CampaignsResult> {
  const from = new Date(now.getTime() - input.hours * HOUR_MS);
  const posts = await postsInWindow(db, workspaceId, from, now, MAX_WINDOW_POSTS);
  const index = new NearDuplicateIndex({ windowMs: input.hours * HOUR_MS + 1, maxItems: MAX_WINDOW_POSTS });
  const duplicated = new Set<string>();
  const authors = new Map<string, AuthorRef>();
  // Oldest first, as a stream would arrive: each post is compared with the ones before it.
  for (const post of [...posts].reverse()) {
    if (post.author_identity_id) authors.set(post.author_identity_id, { id: post.author_identity_id, handle: post.author_handle, displayName: post.author_display_name });
    const matches = index.add(post.id, post.text, post.posted_at.getTime(), post.author_identity_id);
    if (matches.length === 0) continue;
    duplicated.add(post.id);
    for (const m of matches) duplicated.add(m.id);
  }

  const authorRef = (id: string): AuthorRef => authors.get(id) ?? { id, handle: null, displayName: null };
  const campaigns = index.detectCampaigns(input.minAuthors).map(
    (c): CampaignView => ({
      size: c.size,
      postIds: c.ids,
      authors: c.authors.map(authorRef),
      firstSeen: new Date(c.firstSeen).toISOString(),
      lastSeen: new Date(c.lastSeen).toISOString(),
      example: c.example,
    }),
  );

  const activity = new Map<string, { posts: number; duplicatePosts: number; linkPosts: number; handle: string | null }>();
  for (const post of posts) {
    if (!post.author_identity_id) continue;
    const a = activity.get(post.author_identity_id) ?? { posts: 0, duplicatePosts: 0, linkPosts: 0, handle: post.author_handle };
    a.posts++;
    if (duplicated.has(post.id)) a.duplicatePosts++;
    if (Number(post.link_count) > 0) a.linkPosts++;
    activity.set(post.author_identity_id, a);
  }
  const botLikeAuthors: BotLikeAuthor[] = [];
  for (const [id, a] of activity) {
    const score = scoreAuthor({ posts: a.posts, windowHours: input.hours, duplicatePosts: a.duplicatePosts, linkPosts: a.linkPosts, handle: a.handle ?? undefined });
    if (score.isBotLike) botLikeAuthors.push({ ...authorRef(id), score: score.score, reasons: score.reasons, posts: a.posts, duplicatePosts: a.duplicatePosts });
  }
  botLikeAuthors.sort((x, y) => y.score - x.score || y.posts - x.posts);

  return {
    window: { from: from.toISOString(), to: now.toISOString(), posts: posts.length, truncated: posts.length >= MAX_WINDOW_POSTS },
    campaigns,
    botLikeAuthors: botLikeAuthors.slice(0, MAX_BOT_AUTHORS),
  };
}
