import { ParseError, type Attachment, type CanonicalIdentity, type CanonicalPost, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';
import { externalLinks, htmlToPlainText } from './mastodon.html.ts';

/**
 * Mastodon REST and streaming payloads → canonical items (pure). Accepted bodies:
 * - an array of Status entities (GET /api/v1/timelines/tag/:hashtag, /api/v1/accounts/:id/statuses),
 * - an array of Notification entities (GET /api/v1/notifications),
 * - one Status or Notification, or `{statuses: [...]}` (GET /api/v2/search),
 * - one streaming event `{event, payload}` as the WebSocket API sends it (and as our SSE client
 *   wraps each server-sent event), `payload` being the JSON text of the entity or a status id.
 * Formats: docs.joinmastodon.org/entities/Status, /entities/Notification, /methods/streaming.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

function iso(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** `user@host` for any account: local accounts have a bare `acct`, completed with their profile's host. */
export function fullAcct(acct: string, url: string | null): string {
  if (acct.includes('@')) return acct;
  const host = hostOf(url);
  return host ? `${acct}@${host}` : acct;
}

/** The social identity of a Mastodon Account entity; the account URI is the stable id across instances. */
export function accountIdentity(account: unknown): CanonicalIdentity | null {
  if (!isRecord(account)) return null;
  const acct = str(account['acct']) ?? str(account['username']);
  const url = str(account['url']);
  const externalId = str(account['uri']) ?? url ?? (acct ? `acct:${acct}` : null);
  if (!externalId) return null;
  const note = str(account['note']);
  return {
    channel: 'mastodon',
    externalId,
    handle: acct ? fullAcct(acct, url) : null,
    displayName: str(account['display_name']) ?? str(account['username']),
    profileUrl: url,
    avatarUrl: str(account['avatar']),
    bio: note ? htmlToPlainText(note) : null,
    followers: count(account['followers_count']),
    following: count(account['following_count']),
  };
}

const MASTODON_MEDIA: Record<string, Attachment['type']> = { image: 'image', gifv: 'video', video: 'video', audio: 'audio' };

/** A MediaAttachment (docs.joinmastodon.org/entities/MediaAttachment: type, url, description, meta.original) as attachment metadata. */
function mediaAttachment(media: Json): Attachment {
  const original = isRecord(media['meta']) && isRecord(media['meta']['original']) ? media['meta']['original'] : {};
  const positive = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);
  return {
    type: MASTODON_MEDIA[str(media['type']) ?? ''] ?? 'file',
    url: str(media['url']) ?? str(media['remote_url']) ?? str(media['preview_url']),
    alt: str(media['description']),
    width: positive(original['width']),
    height: positive(original['height']),
    durationSeconds: positive(original['duration']),
  };
}

function accountKey(account: unknown): string {
  if (!isRecord(account)) return 'unknown';
  return str(account['id']) ?? str(account['acct']) ?? 'unknown';
}

interface Ctx {
  items: ParsedItem[];
  skipped: string[];
}

/** Builds the canonical post of one Status (not a reblog wrapper). */
export function statusPost(status: Json, options: { edited?: boolean } = {}): CanonicalPost {
  const id = str(status['id']);
  const postedAt = iso(status['created_at']);
  if (!id || !postedAt) throw new ParseError('a Mastodon status needs id and created_at');
  const visibility = str(status['visibility']) ?? 'public';
  const mediaLines: string[] = [];
  const links: string[] = [];
  const content = str(status['content']);
  // A status from delete-and-redraft or the source endpoint may carry plain `text` instead of HTML.
  const body = content ? htmlToPlainText(content) : str(status['text']) ?? '';
  if (content) links.push(...externalLinks(content));
  const attachments: Attachment[] = [];
  for (const media of Array.isArray(status['media_attachments']) ? status['media_attachments'].filter(isRecord) : []) {
    const description = str(media['description']);
    const type = str(media['type']) ?? 'media';
    attachments.push(mediaAttachment(media));
    if (description) mediaLines.push(`[${type}: ${description}]`);
    const url = str(media['url']) ?? str(media['remote_url']);
    if (url && !links.includes(url)) links.push(url);
  }
  const card = isRecord(status['card']) ? str(status['card']['url']) : null;
  if (card && !links.includes(card)) links.push(card);
  const spoiler = str(status['spoiler_text']);
  const text = [spoiler ? `CW: ${spoiler}` : null, body || null, mediaLines.length > 0 ? mediaLines.join('\n') : null].filter((part): part is string => part !== null).join('\n\n');
  const mentions = (Array.isArray(status['mentions']) ? status['mentions'].filter(isRecord) : []).flatMap((m) => {
    const acct = str(m['acct']);
    return acct ? [fullAcct(acct, str(m['url']))] : [];
  });
  const hashtags = (Array.isArray(status['tags']) ? status['tags'].filter(isRecord) : []).flatMap((t) => {
    const name = str(t['name']);
    return name ? [name] : [];
  });
  const metrics: Record<string, number> = {};
  for (const [key, metric] of [['replies_count', 'replies'], ['reblogs_count', 'shares'], ['favourites_count', 'likes'], ['quotes_count', 'quotes']] as const) {
    const n = count(status[key]);
    if (n !== null) metrics[metric] = n;
  }
  const quote = isRecord(status['quote']) && isRecord(status['quote']['quoted_status']) ? str(status['quote']['quoted_status']['id']) : null;
  const language = str(status['language']);
  const editedAt = iso(status['edited_at']);
  return {
    channel: 'mastodon',
    externalId: id,
    author: accountIdentity(status['account']),
    kind: visibility === 'direct' ? 'direct' : status['in_reply_to_id'] ? 'reply' : 'post',
    direction: 'in',
    visibility: visibility === 'public' || visibility === 'unlisted' ? 'public' : 'private',
    text,
    language: language ? language.slice(0, 2).toLowerCase() : null,
    postedAt,
    parentExternalId: str(status['in_reply_to_id']),
    threadExternalId: null,
    quotedExternalId: quote,
    mentions,
    hashtags,
    links,
    ...(attachments.length > 0 ? { attachments } : {}),
    metrics,
    url: str(status['url']) ?? str(status['uri']),
    // An edit event always carries edited_at; the fallback keeps the edit even when it does not.
    editedAt: editedAt ?? (options.edited ? iso(status['created_at']) : null),
  };
}

function statusItems(ctx: Ctx, status: unknown, options: { edited?: boolean } = {}): void {
  if (!isRecord(status)) throw new ParseError('expected a Mastodon status object');
  const reblog = status['reblog'];
  if (isRecord(reblog)) {
    // A boost: the boosted status is the content; the boost itself is a share of it.
    ctx.items.push({ type: 'post', post: statusPost(reblog) });
    const target = str(reblog['id']);
    const at = iso(status['created_at']);
    if (target && at) {
      ctx.items.push({ type: 'engagement', channel: 'mastodon', externalId: `reblog:${accountKey(status['account'])}:${target}`, targetExternalId: target, kind: 'share', actor: accountIdentity(status['account']), at });
    }
    return;
  }
  ctx.items.push({ type: 'post', post: statusPost(status, options) });
}

function notificationItems(ctx: Ctx, notification: Json): void {
  const type = str(notification['type']);
  const status = notification['status'];
  const at = iso(notification['created_at']);
  if ((type === 'mention' || type === 'status' || type === 'update') && isRecord(status)) {
    statusItems(ctx, status, { edited: type === 'update' });
  } else if ((type === 'favourite' || type === 'reblog') && isRecord(status) && at) {
    const target = str(status['id']);
    if (!target) throw new ParseError(`${type} notification without a status id`);
    ctx.items.push({
      type: 'engagement',
      channel: 'mastodon',
      externalId: `${type}:${accountKey(notification['account'])}:${target}`,
      targetExternalId: target,
      kind: type === 'favourite' ? 'like' : 'share',
      actor: accountIdentity(notification['account']),
      at,
    });
  } else {
    ctx.skipped.push(`notification ${type ?? 'unknown'} ${str(notification['id']) ?? ''}`.trim());
  }
}

function isNotification(value: Json): boolean {
  return typeof value['type'] === 'string' && 'account' in value && !('content' in value);
}

function streamEvent(ctx: Ctx, envelope: Json, receivedAt: string | null): void {
  const event = str(envelope['event']);
  const raw = envelope['payload'];
  let payload: unknown = raw;
  if (typeof raw === 'string' && event !== 'delete') {
    try {
      payload = JSON.parse(raw);
    } catch {
      throw new ParseError(`streaming ${event ?? 'event'} payload is not JSON`);
    }
  }
  if (event === 'update') return statusItems(ctx, payload);
  if (event === 'status.update') return statusItems(ctx, payload, { edited: true });
  if (event === 'notification') {
    if (!isRecord(payload)) throw new ParseError('notification event without an object');
    return notificationItems(ctx, payload);
  }
  if (event === 'delete') {
    const id = typeof payload === 'string' ? payload : typeof payload === 'number' ? String(payload) : null;
    if (!id) throw new ParseError('delete event without a status id');
    // The event has no time of its own: the time we received it is the deletion time.
    if (!receivedAt) return void ctx.skipped.push(`delete of ${id} without a time`);
    ctx.items.push({ type: 'delete', channel: 'mastodon', externalId: id, at: receivedAt });
    return;
  }
  ctx.skipped.push(`streaming event ${event ?? 'unknown'}`);
}

/** Parses one Mastodon payload. `receivedAt` dates events that carry no time (deletes). */
export function parseMastodon(body: string, headers: Record<string, string> = {}): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ParseError(`body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ctx: Ctx = { items: [], skipped: [] };
  const list = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed['statuses']) ? parsed['statuses'] : [parsed];
  for (const entry of list) {
    if (!isRecord(entry)) throw new ParseError('expected Mastodon statuses, notifications or streaming events');
    if (typeof entry['event'] === 'string' && 'payload' in entry) {
      streamEvent(ctx, entry, iso(entry['receivedAt']) ?? iso(headers['date']));
    } else if (isNotification(entry)) {
      notificationItems(ctx, entry);
    } else if ('content' in entry || 'reblog' in entry) {
      statusItems(ctx, entry);
    } else if ('error' in entry) {
      throw new ParseError(`Mastodon error response: ${String(entry['error'])}`);
    } else {
      throw new ParseError('not a Mastodon status, notification or streaming event');
    }
  }
  return { items: ctx.items, skipped: ctx.skipped };
}
