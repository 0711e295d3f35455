import { ParseError, type Attachment, type CanonicalIdentity, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';
import { isProfilesAnswer, parseProfilesAnswer } from './profiles.ts';
import { child, isRecord, nonEmpty, records, str, type JsonRecord } from '../json-read.ts';

/**
 * Pure parsing of Bluesky Jetstream v1 events (one JSON object per WebSocket message or import line):
 * `{did, time_us, kind: "commit" | "identity" | "account", commit: {operation, collection, rkey, record, cid}}`.
 */

export const CHANNEL = 'bluesky';

export const POST = 'app.bsky.feed.post';
export const LIKE = 'app.bsky.feed.like';
export const REPOST = 'app.bsky.feed.repost';
export const PROFILE = 'app.bsky.actor.profile';

export const atUri = (did: string, collection: string, rkey: string) => `at://${did}/${collection}/${rkey}`;

/** The parts of an at:// URI (at://<did>/<collection>/<rkey>), or undefined. */
export function parseAtUri(uri: string): { did: string; collection: string; rkey: string } | undefined {
  const match = /^at:\/\/([^/]+)\/([^/]+)\/([^/?#]+)$/.exec(uri);
  return match?.[1] && match[2] && match[3] ? { did: match[1], collection: match[2], rkey: match[3] } : undefined;
}

export const postUrl = (did: string, rkey: string) => `https://bsky.app/profile/${did}/post/${rkey}`;

/** Event time (microseconds since the epoch) as ISO 8601. */
export function timeUsToIso(timeUs: number): string {
  return new Date(Math.floor(timeUs / 1000)).toISOString();
}

function isoTime(value: unknown): string | undefined {
  const raw = nonEmpty(value);
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** First declared language as ISO 639-1 ("en-US" → "en"); undefined when none is plausible. */
function language(record: JsonRecord): string | null {
  const first = Array.isArray(record['langs']) ? str(record['langs'][0]) : undefined;
  const base = first?.toLowerCase().split('-')[0];
  return base && /^[a-z]{2}$/.test(base) ? base : null;
}

/** The text a facet covers: facet indexes count UTF-8 bytes, not UTF-16 code units. */
function facetText(text: string, index: JsonRecord): string | undefined {
  const start = index['byteStart'];
  const end = index['byteEnd'];
  if (typeof start !== 'number' || typeof end !== 'number' || start < 0 || end <= start) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  if (end > bytes.length) return undefined;
  return bytes.subarray(start, end).toString('utf8');
}

function facets(record: JsonRecord, text: string): { mentions: string[]; links: string[]; hashtags: string[] } {
  const mentions = new Set<string>();
  const links = new Set<string>();
  const hashtags = new Set<string>();
  for (const facet of records(record['facets'])) {
    for (const feature of records(facet['features'])) {
      const type = str(feature['$type']);
      if (type === 'app.bsky.richtext.facet#mention') {
        // The facet names a DID; the text it covers shows the handle (@alice.bsky.social), which is what people search for.
        const shown = facetText(text, child(facet, 'index'))?.replace(/^@/, '');
        const did = nonEmpty(feature['did']);
        const mention = shown && /^[a-z0-9.-]+$/i.test(shown) ? shown : did;
        if (mention) mentions.add(mention);
      } else if (type === 'app.bsky.richtext.facet#link') {
        const uri = nonEmpty(feature['uri']);
        if (uri) links.add(uri);
      } else if (type === 'app.bsky.richtext.facet#tag') {
        const tag = nonEmpty(feature['tag']);
        if (tag) hashtags.add(tag.replace(/^#/, ''));
      }
    }
  }
  return { mentions: [...mentions], links: [...links], hashtags: [...hashtags] };
}

/** The quoted post of a record embed (app.bsky.embed.record or recordWithMedia), and an external link card. */
function embedRefs(record: JsonRecord): { quoted?: string; external?: string } {
  const embed = child(record, 'embed');
  const type = str(embed['$type']);
  const out: { quoted?: string; external?: string } = {};
  let quotedUri: string | undefined;
  if (type === 'app.bsky.embed.record') quotedUri = nonEmpty(child(embed, 'record')['uri']);
  else if (type === 'app.bsky.embed.recordWithMedia') quotedUri = nonEmpty(child(child(embed, 'record'), 'record')['uri']);
  else if (type === 'app.bsky.embed.external') {
    const uri = nonEmpty(child(embed, 'external')['uri']);
    if (uri) out.external = uri;
  }
  if (quotedUri && parseAtUri(quotedUri)?.collection === POST) out.quoted = quotedUri;
  return out;
}

/** An image or video blob of an embed (`{image|video: blob, alt, aspectRatio}`) as attachment metadata, served by the public CDN. */
function blobAttachment(did: string, kind: 'image' | 'video', entry: JsonRecord): Attachment {
  const blob = child(entry, kind);
  const cid = nonEmpty(child(blob, 'ref')['$link']) ?? nonEmpty(blob['cid']);
  const ratio = child(entry, 'aspectRatio');
  const size = blob['size'];
  const dimension = (value: unknown) => (typeof value === 'number' && value > 0 ? value : null);
  return {
    type: kind,
    url: cid ? (kind === 'image' ? `https://cdn.bsky.app/img/feed_fullsize/plain/${did}/${cid}@jpeg` : `https://video.bsky.app/watch/${encodeURIComponent(did)}/${cid}/playlist.m3u8`) : null,
    mimeType: nonEmpty(blob['mimeType']) ?? null,
    alt: nonEmpty(entry['alt']) ?? null,
    sizeBytes: typeof size === 'number' && size > 0 ? size : null,
    width: dimension(ratio['width']),
    height: dimension(ratio['height']),
  };
}

/** Images and videos of a post's embed (app.bsky.embed.images, .video, or the media of recordWithMedia). */
function embedAttachments(did: string, record: JsonRecord): Attachment[] {
  let embed = child(record, 'embed');
  if (str(embed['$type']) === 'app.bsky.embed.recordWithMedia') embed = child(embed, 'media');
  const type = str(embed['$type']);
  if (type === 'app.bsky.embed.images') return records(embed['images']).map((image) => blobAttachment(did, 'image', image));
  if (type === 'app.bsky.embed.video') return [blobAttachment(did, 'video', embed)];
  return [];
}

const author = (did: string): CanonicalIdentity => ({ channel: CHANNEL, externalId: did, profileUrl: `https://bsky.app/profile/${did}` });

function commitItems(did: string, timeUs: number, commit: JsonRecord, ownDid?: string): ParseResult {
  const operation = str(commit['operation']);
  const collection = nonEmpty(commit['collection']);
  const rkey = nonEmpty(commit['rkey']);
  if (!operation || !collection || !rkey) throw new ParseError('Jetstream commit lacks operation, collection or rkey');
  const uri = atUri(did, collection, rkey);
  const at = timeUsToIso(timeUs);
  const relevant = collection === POST || collection === LIKE || collection === REPOST || collection === PROFILE;
  if (!relevant) return { items: [], skipped: [`${operation} ${collection}`] };
  if (operation === 'delete') {
    // A deleted post is marked deleted; a deleted like or repost withdraws that engagement (same record URI).
    return collection === PROFILE ? { items: [], skipped: [`delete ${collection}`] } : { items: [{ type: 'delete', channel: CHANNEL, externalId: uri, at }] };
  }
  if (operation !== 'create' && operation !== 'update') return { items: [], skipped: [`${operation} ${collection}`] };
  const record = commit['record'];
  if (!isRecord(record)) throw new ParseError(`Jetstream ${operation} of ${uri} has no record`);
  if (collection === PROFILE) {
    const identity: CanonicalIdentity = { ...author(did) };
    const displayName = nonEmpty(record['displayName']);
    const bio = nonEmpty(record['description']);
    if (displayName) identity.displayName = displayName;
    if (bio) identity.bio = bio;
    return { items: [{ type: 'identity', identity }] };
  }
  if (collection === LIKE || collection === REPOST) {
    const subject = nonEmpty(child(record, 'subject')['uri']);
    if (!subject) throw new ParseError(`${collection} ${uri} has no subject.uri`);
    if (operation === 'update') return { items: [], skipped: [`update ${collection}`] };
    return {
      items: [{ type: 'engagement', channel: CHANNEL, externalId: uri, targetExternalId: subject, kind: collection === LIKE ? 'like' : 'share', actor: author(did), at: isoTime(record['createdAt']) ?? at }],
    };
  }
  const text = str(record['text']) ?? '';
  const reply = child(record, 'reply');
  const parent = nonEmpty(child(reply, 'parent')['uri']) ?? null;
  const root = nonEmpty(child(reply, 'root')['uri']) ?? null;
  const found = facets(record, text);
  const embed = embedRefs(record);
  const links = embed.external && !found.links.includes(embed.external) ? [...found.links, embed.external] : found.links;
  const attachments = embedAttachments(did, record);
  const item: ParsedItem = {
    type: 'post',
    post: {
      channel: CHANNEL,
      externalId: uri,
      author: author(did),
      kind: parent ? 'reply' : 'post',
      direction: ownDid !== undefined && did === ownDid ? 'out' : 'in',
      visibility: 'public',
      text,
      language: language(record),
      postedAt: isoTime(record['createdAt']) ?? at,
      parentExternalId: parent,
      threadExternalId: root && root !== uri ? root : null,
      quotedExternalId: embed.quoted ?? null,
      mentions: found.mentions,
      hashtags: found.hashtags,
      links,
      url: postUrl(did, rkey),
      ...(attachments.length > 0 ? { attachments } : {}),
      // Posts cannot be edited in the Bluesky app, but the protocol allows record updates.
      ...(operation === 'update' ? { editedAt: at } : {}),
    },
  };
  return { items: [item] };
}

/** Parses one Jetstream event. `ownDid` marks the brand account's own posts as outbound. */
export function parseJetstreamEvent(text: string, options: { ownDid?: string } = {}): ParseResult {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw new ParseError(`Jetstream event is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(event)) throw new ParseError('Jetstream event is not a JSON object');
  // Profiles looked up for authors known by DID only (profiles.service.ts) are stored as their own payload.
  if (isProfilesAnswer(event)) return parseProfilesAnswer(event);
  const did = nonEmpty(event['did']);
  const timeUs = event['time_us'];
  const kind = str(event['kind']);
  if (!did || typeof timeUs !== 'number' || !Number.isFinite(timeUs) || !kind) throw new ParseError('not a Jetstream event: did, time_us and kind are required');
  if (kind === 'commit') return commitItems(did, timeUs, child(event, 'commit'), options.ownDid);
  if (kind === 'identity') {
    const handle = nonEmpty(child(event, 'identity')['handle']);
    if (!handle) return { items: [], skipped: ['identity event without handle'] };
    return { items: [{ type: 'identity', identity: { ...author(did), handle } }] };
  }
  return { items: [], skipped: [`${kind} event`] };
}

/** time_us of an event, for the resume cursor; undefined when the text is not an event. */
export function eventTimeUs(text: string): number | undefined {
  try {
    const event: unknown = JSON.parse(text);
    return isRecord(event) && typeof event['time_us'] === 'number' && Number.isFinite(event['time_us']) ? event['time_us'] : undefined;
  } catch {
    return undefined;
  }
}
