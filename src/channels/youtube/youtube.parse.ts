import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';
import { htmlToText, textLinks } from '../rss/html-text.ts';

/**
 * YouTube Data API v3 responses → canonical posts. Pure. Understood: commentThreads.list
 * (youtube#commentThreadListResponse: top-level comments with up to five replies each) and
 * comments.list (youtube#commentListResponse, e.g. ?parentId= for the remaining replies).
 * A top-level comment's id is its thread's id; a reply's id is "<top-level id>.<suffix>".
 * The video id is the thread: every comment under one video shares threadExternalId = the video id.
 */

export const CHANNEL = 'youtube';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

function iso(value: unknown): string | null {
  const raw = str(value);
  const time = raw ? Date.parse(raw) : NaN;
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function author(snippet: Json): CanonicalIdentity | null {
  const channelId = isRecord(snippet['authorChannelId']) ? str(snippet['authorChannelId']['value']) : null;
  const name = str(snippet['authorDisplayName']);
  if (!channelId && !name) return null;
  return {
    channel: CHANNEL,
    // Channel ids are stable; display names ("@handle") can change. Deleted channels leave only a name.
    externalId: channelId ?? `name:${name}`,
    handle: name,
    displayName: name?.replace(/^@/, '') ?? null,
    profileUrl: str(snippet['authorChannelUrl']),
    avatarUrl: str(snippet['authorProfileImageUrl']),
  };
}

export interface YoutubeContext {
  /** The connection's own channel id: comments by it are outbound. */
  ownChannelId: string | null;
  /** The video a comments.list answer belongs to, when its comments do not name it (stored with the payload). */
  videoId?: string | null;
}

/** One youtube#comment resource → a canonical post. */
export function commentPost(comment: Json, videoIdFallback: string | null, ctx: YoutubeContext, totalReplyCount: number | null = null): CanonicalPost {
  const id = str(comment['id']);
  const snippet = comment['snippet'];
  if (!id || !isRecord(snippet)) throw new ParseError('a YouTube comment needs id and snippet');
  const videoId = str(snippet['videoId']) ?? videoIdFallback;
  const postedAt = iso(snippet['publishedAt']);
  if (!postedAt) throw new ParseError(`YouTube comment ${id} has no publishedAt`);
  const updatedAt = iso(snippet['updatedAt']);
  const parentId = str(snippet['parentId']);
  const original = str(snippet['textOriginal']);
  const text = original !== null ? original.trim() : htmlToText(str(snippet['textDisplay']) ?? '');
  const identity = author(snippet);
  const metrics: Record<string, number> = {};
  const likes = count(snippet['likeCount']);
  if (likes !== null) metrics['likes'] = likes;
  if (totalReplyCount !== null) metrics['replies'] = totalReplyCount;
  return {
    channel: CHANNEL,
    externalId: id,
    author: identity,
    kind: parentId ? 'reply' : 'comment',
    direction: ctx.ownChannelId && identity?.externalId === ctx.ownChannelId ? 'out' : 'in',
    visibility: 'public',
    text,
    postedAt,
    parentExternalId: parentId,
    threadExternalId: videoId,
    links: textLinks(text),
    hashtags: [...new Set([...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_]+)/gu)].map((m) => (m[1] ?? '').toLowerCase()))],
    mentions: [...new Set([...text.matchAll(/(?:^|\s)(@[\w.-]+)/g)].map((m) => m[1] ?? ''))].filter(Boolean),
    metrics,
    url: videoId ? `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(id)}` : null,
    editedAt: updatedAt && updatedAt > postedAt ? updatedAt : null,
  };
}

/** Parses a commentThreads.list or comments.list response. */
export function parseYoutube(body: string, ctx: YoutubeContext): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (error) {
    throw new ParseError(`YouTube payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(doc) || !Array.isArray(doc['items'])) throw new ParseError('not a YouTube list response: no items array');
  if (isRecord(doc['error'])) throw new ParseError(`YouTube error response: ${str(doc['error']['message']) ?? 'unknown'}`);
  const items: ParsedItem[] = [];
  for (const item of doc['items']) {
    if (!isRecord(item)) throw new ParseError('a YouTube list item must be an object');
    const kind = str(item['kind']);
    if (kind === 'youtube#comment') {
      items.push({ type: 'post', post: commentPost(item, ctx.videoId ?? null, ctx) });
      continue;
    }
    const snippet = item['snippet'];
    if (!isRecord(snippet) || !isRecord(snippet['topLevelComment'])) throw new ParseError(`YouTube thread ${str(item['id']) ?? '?'} has no snippet.topLevelComment`);
    const videoId = str(snippet['videoId']);
    items.push({ type: 'post', post: commentPost(snippet['topLevelComment'], videoId, ctx, count(snippet['totalReplyCount'])) });
    const replies = isRecord(item['replies']) && Array.isArray(item['replies']['comments']) ? item['replies']['comments'] : [];
    for (const reply of replies) {
      if (!isRecord(reply)) throw new ParseError('a YouTube reply must be an object');
      items.push({ type: 'post', post: commentPost(reply, videoId, ctx) });
    }
  }
  return { items };
}
