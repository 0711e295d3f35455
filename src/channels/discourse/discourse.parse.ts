import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';
import { htmlLinks, htmlToText } from '../rss/html-text.ts';

/**
 * Discourse payloads → canonical items. Pure. Understood: webhook bodies ({post}, {topic}, {ping}),
 * GET /posts.json ({latest_posts}) and GET /t/<id>.json ({post_stream: {posts}}).
 *
 * Ids: a post is "<host>/t/<topic_id>/<post_number>" (the path of its URL), because replies name
 * their parent by post number, not by post id; the host keeps two forums apart in one workspace.
 * Without a known host (a file imported without a connection) the id is "t/<topic_id>/<post_number>".
 */

export const CHANNEL = 'discourse';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/** Where the payload came from: the forum's base URL, from the connection or the X-Discourse-Instance header. */
export interface DiscourseContext {
  baseUrl: string | null;
  /** X-Discourse-Event of a webhook delivery (post_created, post_edited, post_destroyed, ...). */
  event: string | null;
}

/** The id prefix for one forum: "forum.example.com/" or "" when unknown. */
export function hostPrefix(baseUrl: string | null): string {
  if (!baseUrl) return '';
  try {
    const url = new URL(baseUrl);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.host}${path}/`;
  } catch {
    return '';
  }
}

/** The canonical id of post number `postNumber` in topic `topicId`. */
export function postExternalId(baseUrl: string | null, topicId: number, postNumber: number): string {
  return `${hostPrefix(baseUrl)}t/${topicId}/${postNumber}`;
}

/** Topic id and post number from a canonical Discourse post id (for replies). */
export function parsePostExternalId(externalId: string): { topicId: number; postNumber: number } | null {
  const match = externalId.match(/(?:^|\/)t\/(\d+)\/(\d+)$/);
  return match ? { topicId: Number(match[1]), postNumber: Number(match[2]) } : null;
}

const POST_TYPE_REGULAR = 1;

function identity(post: Json, ctx: DiscourseContext): CanonicalIdentity | null {
  const username = str(post['username']);
  if (!username) return null;
  const base = ctx.baseUrl?.replace(/\/+$/, '') ?? null;
  const avatar = str(post['avatar_template']);
  return {
    channel: CHANNEL,
    externalId: `${hostPrefix(ctx.baseUrl)}u/${username.toLowerCase()}`,
    handle: username,
    displayName: str(post['name']) ?? username,
    profileUrl: base ? `${base}/u/${encodeURIComponent(username)}` : null,
    avatarUrl: avatar ? absolute(avatar.replace('{size}', '120'), base) : null,
  };
}

function absolute(path: string, base: string | null): string | null {
  if (/^https?:\/\//.test(path)) return path;
  if (path.startsWith('//')) return `https:${path}`;
  return base ? `${base}${path.startsWith('/') ? '' : '/'}${path}` : null;
}

function iso(value: unknown): string | null {
  const raw = str(value);
  if (!raw) return null;
  const time = Date.parse(raw);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function likeCount(post: Json): number | null {
  const direct = int(post['like_count']);
  if (direct !== null) return direct;
  const summary = Array.isArray(post['actions_summary']) ? post['actions_summary'] : [];
  const like = summary.find((a): a is Json => isRecord(a) && a['id'] === 2);
  return like ? int(like['count']) : null;
}

/** @mentions as Discourse renders them in cooked HTML: <a class="mention" href="/u/name">@name</a>. */
function mentions(cooked: string): string[] {
  return [...new Set([...cooked.matchAll(/<a[^>]*class="mention"[^>]*>@([\w.-]+)<\/a>/g)].map((m) => (m[1] ?? '').toLowerCase()).filter(Boolean))];
}

/** Hashtags as Discourse renders #category / #tag links. */
function hashtags(cooked: string): string[] {
  return [...new Set([...cooked.matchAll(/<a[^>]*class="hashtag[^"]*"[^>]*>[\s\S]*?#?<span>([^<]+)<\/span>/g)].map((m) => (m[1] ?? '').toLowerCase()).filter(Boolean))];
}

/** One Discourse post object → a canonical item (a delete for destroyed posts); null for non-content posts. */
export function postItem(post: Json, ctx: DiscourseContext, topicTitle: string | null = null): ParsedItem | null {
  const topicId = int(post['topic_id']);
  const postNumber = int(post['post_number']);
  if (topicId === null || postNumber === null) throw new ParseError('a Discourse post needs topic_id and post_number');
  const externalId = postExternalId(ctx.baseUrl, topicId, postNumber);
  const deletedAt = iso(post['deleted_at']);
  if (ctx.event === 'post_destroyed' || deletedAt) {
    return { type: 'delete', channel: CHANNEL, externalId, at: deletedAt ?? iso(post['updated_at']) ?? iso(post['created_at']) ?? new Date(0).toISOString() };
  }
  // Moderator actions, "closed the topic" notes and staff whispers are not customer conversation.
  const postType = int(post['post_type']) ?? POST_TYPE_REGULAR;
  if (postType !== POST_TYPE_REGULAR) return null;
  const postedAt = iso(post['created_at']);
  if (!postedAt) throw new ParseError(`Discourse post ${topicId}/${postNumber} has no created_at`);
  const cooked = str(post['cooked']) ?? '';
  const body = cooked ? htmlToText(cooked) : (str(post['raw']) ?? '').trim();
  const title = postNumber === 1 ? (str(post['topic_title']) ?? topicTitle) : null;
  const base = ctx.baseUrl?.replace(/\/+$/, '') ?? null;
  const slug = str(post['topic_slug']) ?? 'topic';
  const replyTo = int(post['reply_to_post_number']);
  const updatedAt = iso(post['updated_at']);
  const metrics: Record<string, number> = {};
  const likes = likeCount(post);
  if (likes !== null) metrics['likes'] = likes;
  const replies = int(post['reply_count']);
  if (replies !== null) metrics['replies'] = replies;
  const reads = int(post['reads']);
  if (reads !== null) metrics['views'] = reads;
  const canonical: CanonicalPost = {
    channel: CHANNEL,
    externalId,
    author: identity(post, ctx),
    kind: postNumber === 1 ? 'post' : 'reply',
    direction: 'in',
    visibility: 'public',
    text: title ? `${title}\n\n${body}` : body,
    postedAt,
    // A post without reply_to_post_number answers the topic, i.e. its first post.
    parentExternalId: postNumber === 1 ? null : postExternalId(ctx.baseUrl, topicId, replyTo ?? 1),
    threadExternalId: postExternalId(ctx.baseUrl, topicId, 1),
    mentions: mentions(cooked),
    hashtags: hashtags(cooked),
    links: htmlLinks(cooked, base),
    metrics,
    url: base ? `${base}/t/${slug}/${topicId}/${postNumber}` : null,
    editedAt: ctx.event === 'post_edited' ? (updatedAt ?? postedAt) : null,
  };
  return { type: 'post', post: canonical };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ParseError(`Discourse payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses a webhook body or a polled /posts.json or /t/<id>.json response. */
export function parseDiscourse(body: string, ctx: DiscourseContext): ParseResult {
  const doc = parseJson(body);
  if (!isRecord(doc)) throw new ParseError('Discourse payload must be a JSON object');
  const items: ParsedItem[] = [];
  const skipped: string[] = [];
  const add = (post: unknown, title: string | null) => {
    if (!isRecord(post)) throw new ParseError('a Discourse post must be an object');
    const item = postItem(post, ctx, title);
    if (item) items.push(item);
    else skipped.push(`post ${str(post['topic_id'])}/${str(post['post_number'])} of type ${str(post['post_type'])}`);
  };
  if (isRecord(doc['post'])) {
    add(doc['post'], null);
  } else if (Array.isArray(doc['latest_posts'])) {
    for (const post of doc['latest_posts']) add(post, null);
  } else if (isRecord(doc['post_stream']) && Array.isArray(doc['post_stream']['posts'])) {
    const title = str(doc['fancy_title']) ? htmlToText(str(doc['fancy_title']) ?? '') : str(doc['title']);
    for (const post of doc['post_stream']['posts']) add(post, title);
  } else if (isRecord(doc['topic'])) {
    // topic_* events carry no text: the first post arrives as its own post_created delivery.
    const author = isRecord(doc['topic']['created_by']) ? identity(doc['topic']['created_by'], ctx) : null;
    if (author) items.push({ type: 'identity', identity: author });
    skipped.push(`${ctx.event ?? 'topic'} event: its posts arrive as post events`);
  } else if (doc['ping'] !== undefined) {
    skipped.push('ping');
  } else {
    throw new ParseError('not a Discourse payload: expected post, topic, latest_posts or post_stream');
  }
  return skipped.length > 0 ? { items, skipped } : { items };
}
