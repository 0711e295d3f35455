import { ParseError, type Attachment, type CanonicalIdentity, type CanonicalPost, type GeoPoint, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';
import { child, count, isRecord, nonEmpty, records, str, type JsonRecord } from '../json-read.ts';

/**
 * Pure parsing of X payloads into canonical items. Three native shapes arrive here:
 * - an API v2 search response `{data: [...], includes, meta}` (recent search, import files),
 * - an API v2 filtered-stream message `{data: {...}, includes, matching_rules}`,
 * - an Account Activity webhook body `{for_user_id, tweet_create_events | favorite_events | ...}` (v1.1 objects).
 * Error messages (`{"errors": [...]}` without data) and empty pages are understood and yield nothing.
 */

export const CHANNEL = 'x';

/** X's epoch for snowflake ids (2010-11-04T01:42:54.657Z): the id itself carries the creation time. */
const SNOWFLAKE_EPOCH = 1288834974657n;

/** Creation time from a snowflake id, for objects that arrive without created_at. */
export function snowflakeTime(id: string): string | undefined {
  if (!/^\d{6,20}$/.test(id)) return undefined;
  const ms = (BigInt(id) >> 22n) + SNOWFLAKE_EPOCH;
  return new Date(Number(ms)).toISOString();
}

/** X language tags are BCP 47-ish with private codes (und, qme, zxx...); keep real ISO 639-1 codes only. */
export function xLanguage(lang: unknown): string | null {
  const raw = nonEmpty(lang)?.toLowerCase();
  if (!raw) return null;
  const base = raw.split('-')[0] ?? '';
  const legacy: Record<string, string> = { in: 'id', iw: 'he' };
  const code = legacy[base] ?? base;
  return /^[a-z]{2}$/.test(code) ? code : null;
}

function isoTime(value: unknown): string | undefined {
  const raw = nonEmpty(value);
  if (!raw) return undefined;
  const ms = /^\d{12,14}$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export const tweetUrl = (id: string, username?: string | null) => (username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`);

/** Media links (pic.twitter.com) only point back at the post itself; they are not links the author shared. */
function isMediaLink(url: JsonRecord): boolean {
  const display = str(url['display_url']) ?? '';
  return url['media_key'] !== undefined || /^pic\.(twitter|x)\.com\//.test(display);
}

/** Links back to the post itself (photo pages, the "show more" link of long posts) are not links the author shared. */
function isSelfLink(link: string, id: string): boolean {
  return new RegExp(`^https?://(www\\.)?(twitter|x)\\.com/[^?#]*/status/${id}(\\b|/)`).test(link);
}

function uniq(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

// ---------------------------------------------------------------------------------------------
// API v2

/** A v2 user object (from includes.users) as a canonical identity. */
export function identityFromV2User(user: JsonRecord): CanonicalIdentity | null {
  const id = nonEmpty(user['id']);
  if (!id) return null;
  const username = nonEmpty(user['username']) ?? null;
  const metrics = child(user, 'public_metrics');
  return {
    channel: CHANNEL,
    externalId: id,
    handle: username,
    displayName: nonEmpty(user['name']) ?? null,
    profileUrl: username ? `https://x.com/${username}` : null,
    avatarUrl: nonEmpty(user['profile_image_url']) ?? null,
    bio: nonEmpty(user['description']) ?? null,
    location: nonEmpty(user['location']) ?? null,
    followers: count(metrics['followers_count']) ?? null,
    following: count(metrics['following_count']) ?? null,
    verified: user['verified'] === true || (typeof user['verified_type'] === 'string' && user['verified_type'] !== 'none'),
  };
}

interface V2Includes {
  users: Map<string, JsonRecord>;
  tweets: Map<string, JsonRecord>;
  places: Map<string, JsonRecord>;
  /** includes.media by media_key. */
  media?: Map<string, JsonRecord>;
}

const X_MEDIA_TYPES: Record<string, Attachment['type']> = { photo: 'image', video: 'video', animated_gif: 'video' };
const positive = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/** A v2 media object (includes.media; media.fields url, preview_image_url, alt_text, width, height, duration_ms) as attachment metadata. */
function attachmentFromV2Media(media: JsonRecord): Attachment {
  const duration = positive(media['duration_ms']);
  return {
    type: X_MEDIA_TYPES[str(media['type']) ?? ''] ?? 'file',
    url: nonEmpty(media['url']) ?? nonEmpty(media['preview_image_url']) ?? null,
    alt: nonEmpty(media['alt_text']) ?? null,
    width: positive(media['width']),
    height: positive(media['height']),
    durationSeconds: duration === null ? null : duration / 1000,
  };
}

/** The media of a v2 tweet, in its attachments.media_keys order; a key without its includes.media object still says "image". */
function v2Attachments(tweet: JsonRecord, media: Map<string, JsonRecord> | undefined): Attachment[] {
  const keys = child(tweet, 'attachments')['media_keys'];
  if (!Array.isArray(keys) || keys.length === 0) return [];
  return keys.flatMap((key) => {
    if (typeof key !== 'string') return [];
    const found = media?.get(key);
    // Keys start with the media category: 3_ photo, 7_ video, 16_ animated GIF (X's media key format).
    return [found ? attachmentFromV2Media(found) : { type: key.startsWith('7_') || key.startsWith('16_') ? 'video' : 'image' } satisfies Attachment];
  });
}

/** v1.1 extended_entities.media (type, media_url_https, ext_alt_text, sizes, video_info) as attachment metadata. */
function v1Attachments(status: JsonRecord): Attachment[] {
  const extended = child(status, 'extended_tweet');
  const source = records(child(extended, 'extended_entities')['media']).length > 0 ? child(extended, 'extended_entities') : child(status, 'extended_entities');
  return records(source['media']).map((media) => {
    const large = child(child(media, 'sizes'), 'large');
    const duration = positive(child(media, 'video_info')['duration_millis']);
    return {
      type: X_MEDIA_TYPES[str(media['type']) ?? ''] ?? 'file',
      url: nonEmpty(media['media_url_https']) ?? nonEmpty(media['media_url']) ?? null,
      alt: nonEmpty(media['ext_alt_text']) ?? null,
      width: positive(large['w']),
      height: positive(large['h']),
      durationSeconds: duration === null ? null : duration / 1000,
    };
  });
}

const withAttachments = (attachments: Attachment[]): { attachments?: Attachment[] } => (attachments.length > 0 ? { attachments } : {});

function mediaByKey(list: JsonRecord[]): Map<string, JsonRecord> | undefined {
  if (list.length === 0) return undefined;
  const map = new Map<string, JsonRecord>();
  for (const item of list) {
    const key = nonEmpty(item['media_key']);
    if (key) map.set(key, item);
  }
  return map;
}

function byId(list: JsonRecord[]): Map<string, JsonRecord> {
  const map = new Map<string, JsonRecord>();
  for (const item of list) {
    const id = nonEmpty(item['id']);
    if (id) map.set(id, item);
  }
  return map;
}

function v2Geo(tweet: JsonRecord, places: Map<string, JsonRecord>): GeoPoint | null {
  const geo = child(tweet, 'geo');
  const placeId = nonEmpty(geo['place_id']);
  const place = placeId ? places.get(placeId) : undefined;
  const point: GeoPoint = {};
  const coordinates = child(geo, 'coordinates')['coordinates'];
  // GeoJSON order: [longitude, latitude].
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number' && typeof coordinates[1] === 'number') {
    point.lon = coordinates[0];
    point.lat = coordinates[1];
  }
  if (place) {
    const name = nonEmpty(place['full_name']) ?? nonEmpty(place['name']);
    if (name) point.place = name;
    const country = nonEmpty(place['country_code']) ?? nonEmpty(place['country']);
    if (country) point.country = country;
  }
  return Object.keys(point).length > 0 ? point : null;
}

function references(tweet: JsonRecord): { replied?: string; quoted?: string; retweeted?: string } {
  const refs: { replied?: string; quoted?: string; retweeted?: string } = {};
  for (const ref of records(tweet['referenced_tweets'])) {
    const id = nonEmpty(ref['id']);
    if (!id) continue;
    if (ref['type'] === 'replied_to') refs.replied = id;
    else if (ref['type'] === 'quoted') refs.quoted = id;
    else if (ref['type'] === 'retweeted') refs.retweeted = id;
  }
  return refs;
}

function authorOf(tweet: JsonRecord, users: Map<string, JsonRecord>): CanonicalIdentity | null {
  const authorId = nonEmpty(tweet['author_id']);
  if (!authorId) return null;
  const user = users.get(authorId);
  return (user ? identityFromV2User(user) : null) ?? { channel: CHANNEL, externalId: authorId };
}

/** One v2 tweet (not a retweet) as a canonical post; undefined when it lacks an id. */
export function postFromV2Tweet(tweet: JsonRecord, includes: V2Includes, ownUserId?: string): CanonicalPost | undefined {
  const id = nonEmpty(tweet['id']);
  if (!id) return undefined;
  const refs = references(tweet);
  const author = authorOf(tweet, includes.users);
  const entities = child(tweet, 'entities');
  // Long posts carry their full text in note_tweet; `text` is then cut at 280 characters.
  const noteTweet = child(tweet, 'note_tweet');
  const text = nonEmpty(noteTweet['text']) ?? str(tweet['text']) ?? '';
  const noteEntities = child(noteTweet, 'entities');
  const allEntities = Object.keys(noteEntities).length > 0 ? noteEntities : entities;
  const metrics: Record<string, number> = {};
  const pm = child(tweet, 'public_metrics');
  const metricMap: [string, string][] = [['like_count', 'likes'], ['retweet_count', 'shares'], ['reply_count', 'replies'], ['quote_count', 'quotes'], ['impression_count', 'views'], ['bookmark_count', 'bookmarks']];
  for (const [from, to] of metricMap) {
    const n = count(pm[from]);
    if (n !== undefined) metrics[to] = n;
  }
  const conversation = nonEmpty(tweet['conversation_id']);
  const postedAt = isoTime(tweet['created_at']) ?? snowflakeTime(id);
  if (!postedAt) throw new ParseError(`tweet ${id} has no created_at and no snowflake id`);
  return {
    channel: CHANNEL,
    externalId: id,
    author,
    kind: refs.replied ? 'reply' : 'post',
    direction: ownUserId !== undefined && author?.externalId === ownUserId ? 'out' : 'in',
    visibility: 'public',
    text,
    language: xLanguage(tweet['lang']),
    postedAt,
    parentExternalId: refs.replied ?? null,
    threadExternalId: conversation && conversation !== id ? conversation : null,
    quotedExternalId: refs.quoted ?? null,
    mentions: uniq(records(allEntities['mentions']).map((m) => nonEmpty(m['username']))),
    hashtags: uniq(records(allEntities['hashtags']).map((h) => nonEmpty(h['tag']))),
    links: uniq(records(allEntities['urls']).filter((u) => !isMediaLink(u)).map((u) => nonEmpty(u['unwound_url']) ?? nonEmpty(u['expanded_url']) ?? nonEmpty(u['url']))).filter((link) => !isSelfLink(link, id)),
    metrics,
    url: tweetUrl(id, author?.handle),
    geo: v2Geo(tweet, includes.places),
    ...withAttachments(v2Attachments(tweet, includes.media)),
  };
}

/**
 * Items for one v2 response or stream message. Order matters to the pipeline: a referenced tweet
 * (reply parent, quoted tweet) comes before the tweet that references it, so the thread link resolves
 * at once; retweets' share engagements come before every post, because an included original's
 * retweet_count already holds those shares and must not be moved again after it is stored.
 */
function parseV2(body: JsonRecord, ownUserId?: string): ParseResult {
  const includesRaw = child(body, 'includes');
  const includes: V2Includes = {
    users: byId(records(includesRaw['users'])),
    tweets: byId(records(includesRaw['tweets'])),
    places: byId(records(includesRaw['places'])),
    media: mediaByKey(records(includesRaw['media'])),
  };
  const data = body['data'];
  const tweets = Array.isArray(data) ? records(data) : isRecord(data) ? [data] : [];
  if (data !== undefined && tweets.length === 0 && !(Array.isArray(data) && data.length === 0)) throw new ParseError('X response "data" is neither a tweet nor a list of tweets');
  const items: ParsedItem[] = [];
  const emitted = new Set<string>();
  const dataIds = new Set(tweets.map((t) => nonEmpty(t['id'])).filter((id): id is string => id !== undefined));
  const emitPost = (tweet: JsonRecord) => {
    const post = postFromV2Tweet(tweet, includes, ownUserId);
    if (!post || emitted.has(post.externalId)) return;
    emitted.add(post.externalId);
    items.push({ type: 'post', post });
  };
  const emitIncluded = (id: string | undefined) => {
    if (!id || dataIds.has(id)) return;
    const included = includes.tweets.get(id);
    // An included tweet that is itself a retweet is only a pointer; its original is not included.
    if (included && !references(included).retweeted) emitPost(included);
  };
  for (const user of includes.users.values()) {
    const identity = identityFromV2User(user);
    if (identity) items.push({ type: 'identity', identity });
  }
  // Shares first: whichever way the original arrives (here or earlier), its counter ends up right.
  for (const tweet of tweets) {
    const id = nonEmpty(tweet['id']);
    if (!id) throw new ParseError('a tweet in "data" has no id');
    const refs = references(tweet);
    if (!refs.retweeted) continue;
    const at = isoTime(tweet['created_at']) ?? snowflakeTime(id);
    if (!at) throw new ParseError(`retweet ${id} has no created_at`);
    items.push({ type: 'engagement', channel: CHANNEL, externalId: id, targetExternalId: refs.retweeted, kind: 'share', actor: authorOf(tweet, includes.users), at });
  }
  for (const tweet of tweets) {
    const refs = references(tweet);
    if (refs.retweeted) {
      emitIncluded(refs.retweeted);
      continue;
    }
    emitIncluded(refs.replied);
    emitIncluded(refs.quoted);
    emitPost(tweet);
  }
  const skipped = records(body['errors']).map((e) => `error: ${nonEmpty(e['title']) ?? 'unknown'}${nonEmpty(e['detail']) ? ` (${nonEmpty(e['detail'])})` : ''}`);
  return skipped.length > 0 ? { items, skipped } : { items };
}

// ---------------------------------------------------------------------------------------------
// Account Activity API (webhook deliveries carry v1.1 objects)

function identityFromV1User(user: JsonRecord): CanonicalIdentity | null {
  const id = nonEmpty(user['id_str']) ?? nonEmpty(user['id']);
  if (!id) return null;
  const handle = nonEmpty(user['screen_name']) ?? null;
  return {
    channel: CHANNEL,
    externalId: id,
    handle,
    displayName: nonEmpty(user['name']) ?? null,
    profileUrl: handle ? `https://x.com/${handle}` : null,
    avatarUrl: nonEmpty(user['profile_image_url_https']) ?? null,
    bio: nonEmpty(user['description']) ?? null,
    location: nonEmpty(user['location']) ?? null,
    followers: count(user['followers_count']) ?? null,
    following: count(user['friends_count']) ?? null,
    verified: user['verified'] === true,
  };
}

function v1Time(object: JsonRecord, id: string): string | undefined {
  return isoTime(object['timestamp_ms']) ?? isoTime(object['created_at']) ?? snowflakeTime(id);
}

/** One v1.1 status (not a retweet) as a canonical post. */
function postFromV1Status(status: JsonRecord, ownUserId?: string): CanonicalPost | undefined {
  const id = nonEmpty(status['id_str']) ?? nonEmpty(status['id']);
  if (!id) return undefined;
  const extended = child(status, 'extended_tweet');
  const entities = Object.keys(child(extended, 'entities')).length > 0 ? child(extended, 'entities') : child(status, 'entities');
  const author = identityFromV1User(child(status, 'user'));
  const parent = nonEmpty(status['in_reply_to_status_id_str']) ?? null;
  const metrics: Record<string, number> = {};
  const metricMap: [string, string][] = [['favorite_count', 'likes'], ['retweet_count', 'shares'], ['reply_count', 'replies'], ['quote_count', 'quotes']];
  for (const [from, to] of metricMap) {
    const n = count(status[from]);
    if (n !== undefined) metrics[to] = n;
  }
  const place = child(status, 'place');
  const geo: GeoPoint = {};
  const coordinates = child(status, 'coordinates')['coordinates'];
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number' && typeof coordinates[1] === 'number') {
    geo.lon = coordinates[0];
    geo.lat = coordinates[1];
  }
  const placeName = nonEmpty(place['full_name']);
  if (placeName) geo.place = placeName;
  const country = nonEmpty(place['country_code']);
  if (country) geo.country = country;
  const postedAt = v1Time(status, id);
  if (!postedAt) throw new ParseError(`status ${id} has no time`);
  return {
    channel: CHANNEL,
    externalId: id,
    author,
    kind: parent ? 'reply' : 'post',
    direction: ownUserId !== undefined && author?.externalId === ownUserId ? 'out' : 'in',
    visibility: 'public',
    text: str(extended['full_text']) ?? str(status['full_text']) ?? str(status['text']) ?? '',
    language: xLanguage(status['lang']),
    postedAt,
    parentExternalId: parent,
    threadExternalId: null,
    quotedExternalId: nonEmpty(status['quoted_status_id_str']) ?? null,
    mentions: uniq(records(entities['user_mentions']).map((m) => nonEmpty(m['screen_name']))),
    hashtags: uniq(records(entities['hashtags']).map((h) => nonEmpty(h['text']))),
    links: uniq(records(entities['urls']).filter((u) => !isMediaLink(u)).map((u) => nonEmpty(u['expanded_url']) ?? nonEmpty(u['url']))).filter((link) => !isSelfLink(link, id)),
    metrics,
    url: tweetUrl(id, author?.handle),
    geo: Object.keys(geo).length > 0 ? geo : null,
    ...withAttachments(v1Attachments(status)),
  };
}

const ACTIVITY_KEYS = ['tweet_create_events', 'favorite_events', 'tweet_delete_events', 'direct_message_events'] as const;
const IGNORED_ACTIVITY_KEYS = [
  'follow_events',
  'unfollow_events',
  'block_events',
  'unblock_events',
  'mute_events',
  'unmute_events',
  'user_event',
  'direct_message_indicate_typing_events',
  'direct_message_mark_read_events',
  'tweet_engagement_events',
];

function parseAccountActivity(body: JsonRecord): ParseResult {
  const ownUserId = nonEmpty(body['for_user_id']);
  const items: ParsedItem[] = [];
  const skipped: string[] = [];
  const emitted = new Set<string>();
  const emitStatus = (status: JsonRecord) => {
    const post = postFromV1Status(status, ownUserId);
    if (!post || emitted.has(post.externalId)) return;
    emitted.add(post.externalId);
    items.push({ type: 'post', post });
  };
  // Engagements before posts, as for v2: an embedded original's counters already include them.
  const originals: JsonRecord[] = [];
  for (const status of records(body['tweet_create_events'])) {
    const id = nonEmpty(status['id_str']) ?? nonEmpty(status['id']);
    if (!id) throw new ParseError('a tweet_create_event has no id_str');
    const original = child(status, 'retweeted_status');
    const originalId = nonEmpty(original['id_str']) ?? nonEmpty(original['id']);
    if (!originalId) continue;
    const at = v1Time(status, id);
    if (!at) throw new ParseError(`retweet ${id} has no time`);
    items.push({ type: 'engagement', channel: CHANNEL, externalId: id, targetExternalId: originalId, kind: 'share', actor: identityFromV1User(child(status, 'user')), at });
    originals.push(original);
  }
  for (const favorite of records(body['favorite_events'])) {
    const id = nonEmpty(favorite['id']);
    const target = child(favorite, 'favorited_status');
    const targetId = nonEmpty(target['id_str']) ?? nonEmpty(target['id']);
    if (!id || !targetId) throw new ParseError('a favorite_event lacks its id or favorited_status');
    const at = isoTime(favorite['timestamp_ms']) ?? isoTime(favorite['created_at']);
    if (!at) throw new ParseError(`favorite_event ${id} has no time`);
    items.push({ type: 'engagement', channel: CHANNEL, externalId: `like:${id}`, targetExternalId: targetId, kind: 'like', actor: identityFromV1User(child(favorite, 'user')), at });
    originals.push(target);
  }
  for (const original of originals) emitStatus(original);
  for (const status of records(body['tweet_create_events'])) {
    if (Object.keys(child(status, 'retweeted_status')).length > 0) continue;
    const quoted = child(status, 'quoted_status');
    if (Object.keys(quoted).length > 0) emitStatus(quoted);
    emitStatus(status);
  }
  for (const deletion of records(body['tweet_delete_events'])) {
    const id = nonEmpty(child(deletion, 'status')['id']);
    const at = isoTime(deletion['timestamp_ms']);
    if (!id || !at) throw new ParseError('a tweet_delete_event lacks status.id or timestamp_ms');
    items.push({ type: 'delete', channel: CHANNEL, externalId: id, at });
  }
  const dmUsers = isRecord(body['users']) ? body['users'] : {};
  for (const event of records(body['direct_message_events'])) {
    if (event['type'] !== 'message_create') {
      skipped.push(`direct_message_event ${str(event['type']) ?? 'unknown'}`);
      continue;
    }
    const id = nonEmpty(event['id']);
    const create = child(event, 'message_create');
    const senderId = nonEmpty(create['sender_id']);
    const recipientId = nonEmpty(child(create, 'target')['recipient_id']);
    const at = isoTime(event['created_timestamp']);
    if (!id || !senderId || !at) throw new ParseError('a direct_message_event lacks id, sender_id or created_timestamp');
    const sender = dmUsers[senderId];
    const author = (isRecord(sender) ? identityFromV1User(sender) : null) ?? { channel: CHANNEL, externalId: senderId };
    const data = child(create, 'message_data');
    const entities = child(data, 'entities');
    const pair = [senderId, recipientId ?? ''].sort();
    items.push({
      type: 'post',
      post: {
        channel: CHANNEL,
        externalId: `dm:${id}`,
        author,
        kind: 'direct',
        direction: ownUserId !== undefined && senderId === ownUserId ? 'out' : 'in',
        visibility: 'private',
        text: str(data['text']) ?? '',
        language: null,
        postedAt: at,
        threadExternalId: `dm:${pair.join('-')}`,
        mentions: uniq(records(entities['user_mentions']).map((m) => nonEmpty(m['screen_name']))),
        hashtags: uniq(records(entities['hashtags']).map((h) => nonEmpty(h['text']))),
        links: uniq(records(entities['urls']).map((u) => nonEmpty(u['expanded_url']) ?? nonEmpty(u['url']))),
        url: null,
      },
    });
  }
  for (const key of IGNORED_ACTIVITY_KEYS) if (body[key] !== undefined) skipped.push(key);
  return skipped.length > 0 ? { items, skipped } : { items };
}

// ---------------------------------------------------------------------------------------------

/** Parses one X payload (one JSON document: a v2 response/stream line or an Account Activity body). */
export function parseXPayload(text: string, options: { ownUserId?: string } = {}): ParseResult {
  if (!text.trim()) return { items: [], skipped: ['keep-alive'] };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ParseError(`X payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(body)) throw new ParseError('X payload is not a JSON object');
  if (body['data'] !== undefined) return parseV2(body, options.ownUserId);
  if (ACTIVITY_KEYS.some((key) => body[key] !== undefined) || body['for_user_id'] !== undefined) return parseAccountActivity(body);
  const errors = records(body['errors']);
  if (errors.length > 0) return { items: [], skipped: errors.map((e) => `error: ${nonEmpty(e['title']) ?? 'unknown'}${nonEmpty(e['detail']) ? ` (${nonEmpty(e['detail'])})` : ''}`) };
  // An empty search page: {meta: {result_count: 0}}.
  if (isRecord(body['meta'])) return { items: [], skipped: ['empty page'] };
  throw new ParseError('not an X API v2 response, stream message or Account Activity event');
}
