import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';

/**
 * Meta webhook bodies → canonical items (pure). One body is `{object, entry: [...]}` where `object`
 * is `page` (Facebook Page feed and mentions, Messenger), `instagram` (comments, mentions, Instagram
 * messaging) or `whatsapp_business_account` (WhatsApp Cloud API messages and statuses).
 * Formats: developers.facebook.com/docs/graph-api/webhooks/reference/page,
 * /docs/instagram-platform/webhooks, /docs/messenger-platform/webhooks,
 * /docs/whatsapp/cloud-api/webhooks/components.
 */

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com/v21.0';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Ids arrive as strings or (in older payloads) as JSON numbers; both become strings. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value)).toString();
  return null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Meta times are Unix seconds, Unix milliseconds (Messenger) or ISO strings; returns ISO or null. */
function timeOf(value: unknown): string | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isFinite(n) && n > 0) return new Date(n > 1e12 ? n : n * 1000).toISOString();
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }
  return null;
}

function fromIdentity(channel: string, from: unknown): CanonicalIdentity | null {
  if (!isRecord(from)) return null;
  const externalId = idOf(from['id']);
  if (!externalId) return null;
  const username = str(from['username']);
  return {
    channel,
    externalId,
    handle: username,
    displayName: str(from['name']) ?? username,
    profileUrl: channel === 'instagram' && username ? `https://www.instagram.com/${encodeURIComponent(username)}/` : null,
  };
}

interface Ctx {
  items: ParsedItem[];
  skipped: string[];
  graphBaseUrl: string;
}

/** Parses one Meta webhook body. Throws ParseError when it is not a Meta webhook body at all. */
export function parseMetaWebhook(body: string, options: { graphBaseUrl?: string } = {}): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ParseError(`body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(parsed) || typeof parsed['object'] !== 'string' || !Array.isArray(parsed['entry'])) {
    throw new ParseError('not a Meta webhook body: expected {object, entry: [...]}');
  }
  const ctx: Ctx = { items: [], skipped: [], graphBaseUrl: (options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '') };
  const object = parsed['object'];
  for (const entry of records(parsed['entry'])) {
    const entryId = idOf(entry['id']);
    const entryTime = timeOf(entry['time']);
    if (object === 'page') {
      for (const change of records(entry['changes'])) pageChange(ctx, entryId, entryTime, change);
      for (const event of records(entry['messaging'])) messagingEvent(ctx, 'messenger', event);
    } else if (object === 'instagram') {
      for (const change of records(entry['changes'])) instagramChange(ctx, entryId, entryTime, change);
      for (const event of records(entry['messaging'])) messagingEvent(ctx, 'instagram', event);
    } else if (object === 'whatsapp_business_account') {
      for (const change of records(entry['changes'])) whatsappChange(ctx, change);
    } else {
      ctx.skipped.push(`object "${object}" is not a listening source`);
    }
  }
  return { items: ctx.items, skipped: ctx.skipped };
}

const FEED_POST_ITEMS = new Set(['post', 'status', 'photo', 'video', 'share', 'event', 'album']);

/** Facebook Page `feed` and `mention` changes. */
function pageChange(ctx: Ctx, pageId: string | null, entryTime: string | null, change: Json): void {
  const field = change['field'];
  const value = change['value'];
  if (!isRecord(value)) return void ctx.skipped.push(`page change "${String(field)}" without a value`);
  if (field !== 'feed' && field !== 'mention') return void ctx.skipped.push(`page field "${String(field)}" is not a listening source`);
  const item = str(value['item']);
  const verb = str(value['verb']);
  const postId = idOf(value['post_id']);
  const commentId = idOf(value['comment_id']);
  const at = timeOf(value['created_time']) ?? entryTime;
  if (item === 'reaction' || item === 'like') {
    const target = commentId ?? postId;
    const actor = fromIdentity('facebook', value['from']);
    if (!target || !at) return void ctx.skipped.push(`facebook ${item} without a target or time`);
    // One reaction per person and object: re-deliveries and reaction-type edits keep one row.
    ctx.items.push({
      type: 'engagement',
      channel: 'facebook',
      externalId: `${item}:${actor?.externalId ?? 'unknown'}:${target}`,
      targetExternalId: target,
      kind: item === 'like' ? 'like' : 'reaction',
      actor,
      at,
      removed: verb === 'remove',
    });
    return;
  }
  const isComment = item === 'comment' || item === 'reply';
  if (!isComment && !FEED_POST_ITEMS.has(item ?? '')) return void ctx.skipped.push(`facebook ${field} item "${String(item)}" is not a post or comment`);
  const externalId = isComment ? commentId : postId;
  if (!externalId) throw new ParseError(`facebook ${field} ${item} change without an id`);
  if (verb === 'remove') {
    ctx.items.push({ type: 'delete', channel: 'facebook', externalId, at: entryTime ?? at ?? new Date(0).toISOString() });
    return;
  }
  if (verb !== 'add' && verb !== 'edited' && verb !== 'edit') return void ctx.skipped.push(`facebook ${item} verb "${String(verb)}" changes nothing we keep`);
  if (!at) throw new ParseError(`facebook ${item} ${externalId} has no time`);
  let author = fromIdentity('facebook', value['from']);
  const senderId = idOf(value['sender_id']);
  if (!author && senderId) author = { channel: 'facebook', externalId: senderId, displayName: str(value['sender_name']) };
  const links = [str(value['link']), ...(Array.isArray(value['photos']) ? value['photos'].map(str) : [])].filter((l): l is string => l !== null);
  const parentId = isComment ? idOf(value['parent_id']) ?? postId : null;
  const post: CanonicalPost = {
    channel: 'facebook',
    externalId,
    author,
    kind: isComment ? 'comment' : 'post',
    // The Page's own posts and comments are the brand speaking.
    direction: author && pageId && author.externalId === pageId ? 'out' : 'in',
    visibility: 'public',
    text: str(value['message']) ?? '',
    postedAt: at,
    parentExternalId: parentId,
    threadExternalId: isComment ? postId : null,
    links,
    url: !isComment && postId ? `https://www.facebook.com/${postId}` : null,
    editedAt: verb === 'add' ? null : entryTime ?? at,
  };
  ctx.items.push({ type: 'post', post });
}

/** Instagram `comments`, `live_comments` and `mentions` changes. */
function instagramChange(ctx: Ctx, accountId: string | null, entryTime: string | null, change: Json): void {
  const field = change['field'];
  const value = change['value'];
  if (!isRecord(value)) return void ctx.skipped.push(`instagram change "${String(field)}" without a value`);
  if (field === 'comments' || field === 'live_comments') {
    const externalId = idOf(value['id']);
    if (!externalId) throw new ParseError('instagram comment without an id');
    const at = timeOf(value['timestamp']) ?? entryTime;
    if (!at) throw new ParseError(`instagram comment ${externalId} has no time`);
    const author = fromIdentity('instagram', value['from']);
    const mediaId = isRecord(value['media']) ? idOf(value['media']['id']) : null;
    ctx.items.push({
      type: 'post',
      post: {
        channel: 'instagram',
        externalId,
        author,
        kind: 'comment',
        direction: author && accountId && author.externalId === accountId ? 'out' : 'in',
        visibility: 'public',
        text: str(value['text']) ?? '',
        postedAt: at,
        parentExternalId: idOf(value['parent_id']) ?? mediaId,
        threadExternalId: mediaId,
      },
    });
    return;
  }
  if (field === 'mentions') {
    instagramMention(ctx, entryTime, value);
    return;
  }
  ctx.skipped.push(`instagram field "${String(field)}" is not a listening source`);
}

/** Field of a mention value holding the Graph API lookup's failure, added by the enrichment (meta.enrich.ts). */
export const LOOKUP_ERROR_FIELD = 'townhall_lookup_error';

/** Mentioned media and comments name their author by username only (no id): the username is the identity. */
function usernameIdentity(username: string | null): CanonicalIdentity | null {
  if (!username) return null;
  return { channel: 'instagram', externalId: `username:${username}`, handle: username, displayName: username, profileUrl: `https://www.instagram.com/${encodeURIComponent(username)}/` };
}

function metricsOf(likes: unknown, comments: unknown): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (typeof likes === 'number' && Number.isFinite(likes) && likes >= 0) metrics['likes'] = likes;
  if (typeof comments === 'number' && Number.isFinite(comments) && comments >= 0) metrics['replies'] = comments;
  return metrics;
}

/**
 * Instagram `mentions`: the notification carries ids only (`media_id`, and `comment_id` for a mention
 * in a comment). The enrichment stores a copy of the body with the Graph API's `mentioned_comment` or
 * `mentioned_media` object added to the value (text, username, time), or the lookup's failure; without
 * either the mention stays a post without text or author, so it is never lost.
 */
function instagramMention(ctx: Ctx, entryTime: string | null, value: Json): void {
  const mediaId = idOf(value['media_id']);
  const commentId = idOf(value['comment_id']);
  const externalId = commentId ?? mediaId;
  if (!externalId || !entryTime) return void ctx.skipped.push('instagram mention without ids or time');
  const comment = commentId && isRecord(value['mentioned_comment']) ? value['mentioned_comment'] : null;
  const media = !commentId && isRecord(value['mentioned_media']) ? value['mentioned_media'] : null;
  const failure = str(value[LOOKUP_ERROR_FIELD]);
  if (!comment && !media) ctx.skipped.push(`instagram mention ${externalId}: text not fetched${failure ? ` (${failure})` : ''}`);
  const commentMedia = comment && isRecord(comment['media']) ? idOf(comment['media']['id']) : null;
  const parent = commentId ? commentMedia ?? mediaId : null;
  const fetched = comment ?? media;
  const author = usernameIdentity(fetched ? str(fetched['username']) : null);
  const metrics = comment ? metricsOf(comment['like_count'], undefined) : media ? metricsOf(media['like_count'], media['comments_count']) : {};
  ctx.items.push({
    type: 'post',
    post: {
      channel: 'instagram',
      externalId,
      author,
      kind: commentId ? 'comment' : 'post',
      direction: 'in',
      visibility: 'public',
      text: (comment ? str(comment['text']) : media ? str(media['caption']) : str(value['text'])) ?? '',
      postedAt: (fetched ? timeOf(fetched['timestamp']) : null) ?? entryTime,
      parentExternalId: parent,
      threadExternalId: parent,
      ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
      ...(media && str(media['permalink']) ? { url: str(media['permalink']) } : {}),
    },
  });
}

/** Messenger (and Instagram messaging) events: messages become private direct posts threaded per person. */
function messagingEvent(ctx: Ctx, channel: 'messenger' | 'instagram', event: Json): void {
  const sender = isRecord(event['sender']) ? idOf(event['sender']['id']) : null;
  const recipient = isRecord(event['recipient']) ? idOf(event['recipient']['id']) : null;
  const at = timeOf(event['timestamp']);
  const message = event['message'];
  if (isRecord(message)) {
    const mid = str(message['mid']);
    if (!mid || !sender || !at) throw new ParseError(`${channel} message without mid, sender or timestamp`);
    const echo = message['is_echo'] === true;
    // Echoes are the Page's own messages: the person is the recipient then.
    const pageId = echo ? sender : recipient;
    const personId = echo ? recipient : sender;
    const links: string[] = [];
    const labels: string[] = [];
    for (const attachment of records(message['attachments'])) {
      const url = isRecord(attachment['payload']) ? str(attachment['payload']['url']) : null;
      if (url) links.push(url);
      labels.push(`[${str(attachment['type']) ?? 'attachment'}]`);
    }
    const text = str(message['text']) ?? labels.join(' ');
    const replyTo = isRecord(message['reply_to']) ? str(message['reply_to']['mid']) : null;
    ctx.items.push({
      type: 'post',
      post: {
        channel,
        externalId: mid,
        author: { channel, externalId: sender },
        kind: 'direct',
        direction: echo ? 'out' : 'in',
        visibility: 'private',
        text,
        postedAt: at,
        parentExternalId: replyTo,
        threadExternalId: `${channel === 'messenger' ? 'messenger' : 'instagram-dm'}:${pageId ?? 'page'}:${personId ?? 'person'}`,
        links,
      },
    });
    return;
  }
  const reaction = event['reaction'];
  if (isRecord(reaction)) {
    const mid = str(reaction['mid']);
    if (!mid || !sender || !at) return void ctx.skipped.push(`${channel} reaction without mid, sender or time`);
    ctx.items.push({
      type: 'engagement',
      channel,
      externalId: `reaction:${sender}:${mid}`,
      targetExternalId: mid,
      kind: 'reaction',
      actor: { channel, externalId: sender },
      at,
      removed: reaction['action'] === 'unreact',
    });
    return;
  }
  const known = ['delivery', 'read', 'postback', 'optin', 'referral', 'account_linking'].find((key) => key in event);
  ctx.skipped.push(`${channel} ${known ?? 'unknown'} event`);
}

const WHATSAPP_MEDIA = ['image', 'video', 'document', 'audio', 'sticker'] as const;

/** WhatsApp Cloud API `messages` changes: inbound messages, contacts and statuses of our outbound messages. */
function whatsappChange(ctx: Ctx, change: Json): void {
  const value = change['value'];
  if (change['field'] !== 'messages' || !isRecord(value)) return void ctx.skipped.push(`whatsapp field "${String(change['field'])}" is not a listening source`);
  const phoneNumberId = isRecord(value['metadata']) ? idOf(value['metadata']['phone_number_id']) : null;
  const names = new Map<string, string | null>();
  for (const contact of records(value['contacts'])) {
    const waId = idOf(contact['wa_id']);
    if (waId) names.set(waId, isRecord(contact['profile']) ? str(contact['profile']['name']) : null);
  }
  const identity = (waId: string): CanonicalIdentity => ({
    channel: 'whatsapp',
    externalId: waId,
    handle: `+${waId}`,
    displayName: names.get(waId) ?? null,
  });
  for (const message of records(value['messages'])) {
    const id = str(message['id']);
    const from = idOf(message['from']);
    const at = timeOf(message['timestamp']);
    const type = str(message['type']) ?? 'unknown';
    if (!id || !from || !at) throw new ParseError('whatsapp message without id, from or timestamp');
    const base = {
      channel: 'whatsapp',
      externalId: id,
      author: identity(from),
      kind: 'direct' as const,
      direction: 'in' as const,
      visibility: 'private' as const,
      postedAt: at,
      parentExternalId: isRecord(message['context']) ? str(message['context']['id']) : null,
      threadExternalId: `whatsapp:${phoneNumberId ?? 'number'}:${from}`,
    };
    if (type === 'text') {
      const body = isRecord(message['text']) ? str(message['text']['body']) : null;
      ctx.items.push({ type: 'post', post: { ...base, text: body ?? '' } });
    } else if ((WHATSAPP_MEDIA as readonly string[]).includes(type)) {
      const rawMedia = message[type];
      const media = isRecord(rawMedia) ? rawMedia : {};
      const mediaId = idOf(media['id']);
      // Old payloads escape "/" as "\/" inside strings; the MIME type is kept without the escape.
      const mime = str(media['mime_type'])?.replace(/\\\//g, '/') ?? null;
      const caption = str(media['caption']);
      const filename = str(media['filename']);
      const text = [caption, filename && filename !== caption ? filename : null].filter(Boolean).join('\n') || `[${type}${mime ? ` ${mime}` : ''}]`;
      const links = mediaId ? [`${ctx.graphBaseUrl}/${mediaId}${mime ? `#type=${encodeURIComponent(mime)}` : ''}`] : [];
      ctx.items.push({ type: 'post', post: { ...base, text, links } });
    } else if (type === 'location') {
      const location = isRecord(message['location']) ? message['location'] : {};
      const lat = Number(location['latitude']);
      const lon = Number(location['longitude']);
      const place = [str(location['name']), str(location['address'])].filter(Boolean).join(', ');
      ctx.items.push({
        type: 'post',
        post: { ...base, text: place || '[location]', geo: Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon, ...(place ? { place } : {}) } : null },
      });
    } else if (type === 'button' || type === 'interactive') {
      const button = isRecord(message['button']) ? str(message['button']['text']) : null;
      const interactive = isRecord(message['interactive']) ? message['interactive'] : {};
      const choice = isRecord(interactive['button_reply']) ? interactive['button_reply'] : isRecord(interactive['list_reply']) ? interactive['list_reply'] : {};
      ctx.items.push({ type: 'post', post: { ...base, text: button ?? str(choice['title']) ?? `[${type}]` } });
    } else if (type === 'reaction') {
      const reaction = isRecord(message['reaction']) ? message['reaction'] : {};
      const target = str(reaction['message_id']);
      if (!target) continue;
      ctx.items.push({
        type: 'engagement',
        channel: 'whatsapp',
        externalId: `reaction:${from}:${target}`,
        targetExternalId: target,
        kind: 'reaction',
        actor: identity(from),
        at,
        removed: !str(reaction['emoji']),
      });
    } else {
      ctx.skipped.push(`whatsapp ${type} message ${id}`);
    }
  }
  for (const status of records(value['statuses'])) {
    const id = str(status['id']);
    const state = str(status['status']);
    const at = timeOf(status['timestamp']);
    const recipient = idOf(status['recipient_id']);
    // A read receipt of our outbound message counts as a view of it; other states are delivery bookkeeping.
    if (state === 'read' && id && at) {
      ctx.items.push({ type: 'engagement', channel: 'whatsapp', externalId: `read:${id}`, targetExternalId: id, kind: 'view', actor: recipient ? identity(recipient) : null, at });
    } else {
      ctx.skipped.push(`whatsapp status ${state ?? 'unknown'} of ${id ?? 'unknown message'}`);
    }
  }
  for (const error of records(value['errors'])) ctx.skipped.push(`whatsapp error ${String(error['code'] ?? '')}: ${str(error['title']) ?? ''}`);
}
