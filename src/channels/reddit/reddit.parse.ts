import { ParseError, type Attachment, type CanonicalIdentity, type CanonicalPost, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';

/**
 * Reddit JSON listings → canonical items (pure). Accepted bodies: one Listing
 * (`{kind: "Listing", data: {children: [{kind: "t3"|"t1"|"more", data}]}}`, e.g. /r/<sub>/new.json,
 * /search.json) or the comments endpoint's array of two Listings (the t3 post, then its t1 comment
 * tree with nested `replies` Listings), or a /api/morechildren answer (the comments a `more` stub
 * hid). Formats: reddit.com/dev/api (listings, /comments/article, /api/morechildren),
 * github.com/reddit-archive/reddit/wiki/JSON.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : null;
}

function epoch(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value * 1000).toISOString() : null;
}

/**
 * Without `raw_json=1` Reddit escapes exactly `&`, `<` and `>` in text fields (legacy behaviour);
 * this undoes that escaping and nothing else.
 */
export function unescapeLegacy(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

const GONE = new Set(['[deleted]', '[removed]']);

function author(data: Json): CanonicalIdentity | null {
  const name = str(data['author']);
  if (!name || GONE.has(name)) return null;
  return {
    channel: 'reddit',
    externalId: str(data['author_fullname']) ?? `u/${name}`,
    handle: name,
    displayName: name,
    profileUrl: `https://www.reddit.com/user/${encodeURIComponent(name)}/`,
  };
}

interface Ctx {
  items: ParsedItem[];
  skipped: string[];
}

function common(data: Json, kind: string): { fullname: string; postedAt: string; editedAt: string | null; permalink: string | null } {
  const id = str(data['id']);
  const fullname = str(data['name']) ?? (id ? `${kind}_${id}` : null);
  const postedAt = epoch(data['created_utc']);
  if (!fullname || !postedAt) throw new ParseError(`a Reddit ${kind} needs name (or id) and created_utc`);
  // `edited` is false or the edit time in epoch seconds.
  const editedAt = typeof data['edited'] === 'number' ? epoch(data['edited']) : null;
  const permalink = str(data['permalink']);
  return { fullname, postedAt, editedAt, permalink: permalink ? `https://www.reddit.com${permalink}` : null };
}

function isGone(data: Json, textKey: 'selftext' | 'body'): boolean {
  return GONE.has(str(data['author']) ?? '') && GONE.has(str(data[textKey]) ?? '');
}

/**
 * Media of a link post (www.reddit.com/dev/api listing fields): a gallery (`gallery_data` order,
 * `media_metadata` with MIME type and source size), a Reddit-hosted video (`secure_media.reddit_video`),
 * or an image link (`post_hint: image`, size from `preview`).
 */
function redditAttachments(data: Json): Attachment[] {
  const positive = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);
  const metadata = isRecord(data['media_metadata']) ? data['media_metadata'] : null;
  const gallery = isRecord(data['gallery_data']) && Array.isArray(data['gallery_data']['items']) ? data['gallery_data']['items'].filter(isRecord) : [];
  if (data['is_gallery'] === true && metadata && gallery.length > 0) {
    return gallery.flatMap((item) => {
      const id = str(item['media_id']);
      const media = id && isRecord(metadata[id]) ? metadata[id] : null;
      if (!media) return [];
      const source = isRecord(media['s']) ? media['s'] : {};
      const animated = str(media['e']) === 'AnimatedImage';
      const url = str(source['u']) ?? str(source['gif']) ?? str(source['mp4']);
      return [{ type: animated ? 'video' : 'image', url: url ? unescapeLegacy(url) : null, mimeType: str(media['m']), alt: str(item['caption']), width: positive(source['x']), height: positive(source['y']) } satisfies Attachment];
    });
  }
  const video = isRecord(data['secure_media']) && isRecord(data['secure_media']['reddit_video']) ? data['secure_media']['reddit_video'] : null;
  if (data['is_video'] === true && video) {
    const url = str(video['fallback_url']);
    return [{ type: 'video', url: url ? unescapeLegacy(url) : null, width: positive(video['width']), height: positive(video['height']), durationSeconds: positive(video['duration']) }];
  }
  if (str(data['post_hint']) === 'image') {
    const url = str(data['url_overridden_by_dest']) ?? str(data['url']);
    const images = isRecord(data['preview']) && Array.isArray(data['preview']['images']) ? data['preview']['images'].filter(isRecord) : [];
    const source = images[0] && isRecord(images[0]['source']) ? images[0]['source'] : {};
    return [{ type: 'image', url: url ? unescapeLegacy(url) : null, width: positive(source['width']), height: positive(source['height']) }];
  }
  return [];
}

function linkPost(ctx: Ctx, data: Json): void {
  const { fullname, postedAt, editedAt, permalink } = common(data, 't3');
  if (isGone(data, 'selftext') || data['removed_by_category'] === 'deleted') {
    ctx.items.push({ type: 'delete', channel: 'reddit', externalId: fullname, at: editedAt ?? postedAt });
    return;
  }
  const title = unescapeLegacy(str(data['title']) ?? '');
  const selftext = unescapeLegacy(str(data['selftext']) ?? '');
  const isSelf = data['is_self'] === true;
  const target = str(data['url_overridden_by_dest']) ?? str(data['url']);
  const metrics: Record<string, number> = {};
  const score = count(data['score']);
  const comments = count(data['num_comments']);
  if (score !== null) metrics['score'] = score;
  if (comments !== null) metrics['replies'] = comments;
  const attachments = redditAttachments(data);
  ctx.items.push({
    type: 'post',
    post: {
      channel: 'reddit',
      externalId: fullname,
      author: author(data),
      kind: 'post',
      direction: 'in',
      visibility: 'public',
      text: selftext && !GONE.has(selftext) ? `${title}\n\n${selftext}` : title,
      postedAt,
      mentions: [],
      links: !isSelf && target ? [unescapeLegacy(target)] : [],
      metrics,
      url: permalink,
      editedAt,
      ...(attachments.length > 0 ? { attachments } : {}),
    },
  });
}

function comment(ctx: Ctx, data: Json, depth: number): void {
  const { fullname, postedAt, editedAt, permalink } = common(data, 't1');
  const parent = str(data['parent_id']);
  const thread = str(data['link_id']);
  if (isGone(data, 'body')) {
    // The stub stays in the tree so its replies keep their parent; the comment itself is gone.
    ctx.items.push({ type: 'delete', channel: 'reddit', externalId: fullname, at: editedAt ?? postedAt });
  } else {
    const score = count(data['score']);
    const post: CanonicalPost = {
      channel: 'reddit',
      externalId: fullname,
      author: author(data),
      kind: 'comment',
      direction: 'in',
      visibility: 'public',
      text: unescapeLegacy(str(data['body']) ?? ''),
      postedAt,
      parentExternalId: parent,
      threadExternalId: thread,
      metrics: score !== null ? { score } : {},
      url: permalink,
      editedAt,
    };
    ctx.items.push({ type: 'post', post });
  }
  if (depth > 200) throw new ParseError('comment tree is deeper than 200 levels');
  if (isRecord(data['replies'])) listing(ctx, data['replies'], depth + 1);
}

function listing(ctx: Ctx, value: Json, depth: number): void {
  if (value['kind'] !== 'Listing' || !isRecord(value['data']) || !Array.isArray(value['data']['children'])) throw new ParseError('expected a Reddit Listing');
  for (const child of value['data']['children']) {
    if (!isRecord(child) || !isRecord(child['data'])) throw new ParseError('a Listing child needs kind and data');
    const kind = child['kind'];
    const data = child['data'];
    if (kind === 't3') linkPost(ctx, data);
    else if (kind === 't1') comment(ctx, data, depth);
    else if (kind === 'more') {
      // Collapsed comments: polling expands them into payloads of their own (reddit.more.ts); noted here.
      const children = Array.isArray(data['children']) ? data['children'].length : 0;
      ctx.skipped.push(`more: ${count(data['count']) ?? children} comments under ${str(data['parent_id']) ?? 'unknown'}`);
    } else ctx.skipped.push(`listing child of kind ${String(kind)}`);
  }
}

/**
 * A /api/morechildren?api_type=json answer: `{json: {errors, data: {things}}}`, the expanded comments
 * flat (parents before replies), each naming its parent_id and link_id; leftover `more` stubs are noted.
 */
function moreChildren(ctx: Ctx, json: Json): void {
  const errors = Array.isArray(json['errors']) ? json['errors'] : [];
  if (errors.length > 0) throw new ParseError(`Reddit morechildren errors: ${JSON.stringify(errors).slice(0, 200)}`);
  const things = isRecord(json['data']) && Array.isArray(json['data']['things']) ? json['data']['things'] : [];
  listing(ctx, { kind: 'Listing', data: { children: things } }, 0);
}

/** Parses a Reddit listing body (or the comments endpoint's pair of listings, or a /api/morechildren answer). */
export function parseReddit(body: string): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ParseError(`body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ctx: Ctx = { items: [], skipped: [] };
  if (isRecord(parsed) && isRecord(parsed['json'])) {
    moreChildren(ctx, parsed['json']);
    return { items: ctx.items, skipped: ctx.skipped };
  }
  const listings = Array.isArray(parsed) ? parsed : [parsed];
  for (const entry of listings) {
    if (!isRecord(entry)) throw new ParseError('expected a Reddit Listing');
    if (isRecord(entry['error']) || typeof entry['error'] === 'number') throw new ParseError(`Reddit error response: ${String(entry['message'] ?? entry['error'])}`);
    listing(ctx, entry, 0);
  }
  return { items: ctx.items, skipped: ctx.skipped };
}
