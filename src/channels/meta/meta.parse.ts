import { ParseError, type Attachment, type AttachmentType, type CanonicalIdentity, type CanonicalPost, type ParsedItem, type ParseResult } from '../../listening/canonical.ts';

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
      for (const event of records(entry['messaging'])) messagingEvent(ctx, 'messenger', entryId, event);
    } else if (object === 'instagram') {
      for (const change of records(entry['changes'])) instagramChange(ctx, entryId, entryTime, change);
      for (const event of records(entry['messaging'])) messagingEvent(ctx, 'instagram', entryId, event);
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

const MESSENGER_ATTACHMENT_TYPES: Record<string, AttachmentType> = { image: 'image', video: 'video', audio: 'audio', file: 'file', location: 'location' };

/** Messenger attachments (`{type, payload: {url, sticker_id, coordinates, title}}`) as canonical media metadata. */
function messengerAttachments(message: Json): Attachment[] {
  const attachments: Attachment[] = [];
  for (const attachment of records(message['attachments'])) {
    const payload = isRecord(attachment['payload']) ? attachment['payload'] : {};
    const stickerId = idOf(payload['sticker_id']);
    const type = stickerId ? 'sticker' : MESSENGER_ATTACHMENT_TYPES[str(attachment['type']) ?? ''];
    // Templates and fallbacks (shared links) are not media: their URL stays in links.
    if (!type) continue;
    const coordinates = isRecord(payload['coordinates']) ? payload['coordinates'] : null;
    const lat = coordinates ? Number(coordinates['lat']) : NaN;
    const lon = coordinates ? Number(coordinates['long']) : NaN;
    attachments.push({
      type,
      url: str(payload['url']),
      name: str(payload['title']) ?? str(attachment['title']),
      ...(Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : {}),
    });
  }
  return attachments;
}

const dmThread = (channel: 'messenger' | 'instagram', pageId: string | null, personId: string | null) =>
  `${channel === 'messenger' ? 'messenger' : 'instagram-dm'}:${pageId ?? 'page'}:${personId ?? 'person'}`;

/** A Messenger or Instagram direct message as a private post, threaded per Page and person. */
function directMessage(
  channel: 'messenger' | 'instagram',
  message: { mid: string; sender: string; at: string; fromPage: boolean; pageId: string | null; personId: string | null; text: string },
  extra: Partial<CanonicalPost>,
): ParsedItem {
  return {
    type: 'post',
    post: {
      channel,
      externalId: message.mid,
      author: { channel, externalId: message.sender },
      kind: 'direct',
      direction: message.fromPage ? 'out' : 'in',
      visibility: 'private',
      text: message.text,
      postedAt: message.at,
      threadExternalId: dmThread(channel, message.pageId, message.personId),
      ...extra,
    },
  };
}

/** Messenger (and Instagram messaging) events: messages become private direct posts threaded per person. */
function messagingEvent(ctx: Ctx, channel: 'messenger' | 'instagram', entryId: string | null, event: Json): void {
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
    const attachments = messengerAttachments(message);
    ctx.items.push(directMessage(channel, { mid, sender, at, fromPage: echo, pageId, personId, text }, { parentExternalId: replyTo, links, ...(attachments.length > 0 ? { attachments } : {}) }));
    return;
  }
  const edit = event['message_edit'];
  if (isRecord(edit)) {
    // Webhook field `message_edits`: the new text of an earlier message. It updates the stored message
    // (the old text kept as a revision); arriving first, it stores the message with its edited text.
    const mid = str(edit['mid']);
    if (!mid || !sender || !at) throw new ParseError(`${channel} message edit without mid, sender or timestamp`);
    const fromPage = entryId !== null && sender === entryId;
    const text = typeof edit['text'] === 'string' ? edit['text'] : '';
    ctx.items.push(directMessage(channel, { mid, sender, at, fromPage, pageId: fromPage ? sender : recipient, personId: fromPage ? recipient : sender, text }, { editedAt: at }));
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

const WHATSAPP_MEDIA: Record<string, AttachmentType> = { image: 'image', video: 'video', document: 'file', audio: 'audio', sticker: 'sticker' };

/**
 * A WhatsApp user as a webhook names them. Since Meta's 2026 username rollout every user has a
 * business-scoped user id (BSUID, `contacts[].user_id` / `messages[].from_user_id`, like
 * `US.13491208655302741918`), and the phone number (`wa_id` / `from`) may be absent.
 */
interface WhatsAppUser {
  waId: string | null;
  bsuid: string | null;
  name: string | null;
  username: string | null;
}

/**
 * The identity of a WhatsApp user: the phone number when known (continuity with every message stored
 * before BSUIDs existed), else the BSUID, with the username as handle.
 */
function whatsappIdentity(user: WhatsAppUser): CanonicalIdentity | null {
  if (user.waId) return { channel: 'whatsapp', externalId: user.waId, handle: `+${user.waId}`, displayName: user.name ?? user.username };
  if (user.bsuid) return { channel: 'whatsapp', externalId: user.bsuid, handle: user.username, displayName: user.name ?? user.username };
  return null;
}

/**
 * When a webhook gives both the phone number and the BSUID, the BSUID identity is stored too, with the
 * phone number as its handle: identity resolution links both to the contact holding that number, so
 * a later message that carries only the BSUID reaches the same person.
 */
function bsuidAlias(user: WhatsAppUser): CanonicalIdentity | null {
  if (!user.waId || !user.bsuid) return null;
  return { channel: 'whatsapp', externalId: user.bsuid, handle: `+${user.waId}`, displayName: user.name ?? user.username };
}

/** A shared contact card (`contacts` message) in one line per contact: name, organisation, phones, emails. */
function contactCardText(cards: Json[]): string {
  const lines = cards.map((card) => {
    const name = isRecord(card['name']) ? str(card['name']['formatted_name']) ?? [str(card['name']['first_name']), str(card['name']['last_name'])].filter(Boolean).join(' ') : '';
    const org = isRecord(card['org']) ? str(card['org']['company']) : null;
    const phones = records(card['phones']).map((p) => str(p['phone']) ?? (idOf(p['wa_id']) ? `+${idOf(p['wa_id'])}` : null)).filter((p): p is string => p !== null);
    const emails = records(card['emails']).map((e) => str(e['email'])).filter((e): e is string => e !== null);
    const details = [org, ...phones, ...emails].filter(Boolean).join(', ');
    return `${name || 'unnamed contact'}${details ? ` (${details})` : ''}`;
  });
  return `Shared contact${cards.length > 1 ? 's' : ''}: ${lines.join('; ')}`;
}

/** WhatsApp Cloud API `messages` changes: inbound messages, contacts and statuses of our outbound messages. */
function whatsappChange(ctx: Ctx, change: Json): void {
  const value = change['value'];
  if (change['field'] !== 'messages' || !isRecord(value)) return void ctx.skipped.push(`whatsapp field "${String(change['field'])}" is not a listening source`);
  const phoneNumberId = isRecord(value['metadata']) ? idOf(value['metadata']['phone_number_id']) : null;
  // Senders of this body, found by phone number or by BSUID.
  const users = new Map<string, WhatsAppUser>();
  for (const contact of records(value['contacts'])) {
    const profile = isRecord(contact['profile']) ? contact['profile'] : {};
    const user: WhatsAppUser = { waId: idOf(contact['wa_id']), bsuid: str(contact['user_id']), name: str(profile['name']), username: str(profile['username']) };
    if (user.waId) users.set(user.waId, user);
    if (user.bsuid) users.set(user.bsuid, user);
  }
  const userOf = (waId: string | null, bsuid: string | null): WhatsAppUser => {
    const known = (waId ? users.get(waId) : undefined) ?? (bsuid ? users.get(bsuid) : undefined);
    return { waId: waId ?? known?.waId ?? null, bsuid: bsuid ?? known?.bsuid ?? null, name: known?.name ?? null, username: known?.username ?? null };
  };
  const aliases = new Map<string, CanonicalIdentity>();
  for (const message of records(value['messages'])) {
    const id = str(message['id']);
    const user = userOf(idOf(message['from']), str(message['from_user_id']));
    const author = whatsappIdentity(user);
    const at = timeOf(message['timestamp']);
    const type = str(message['type']) ?? 'unknown';
    if (!id || !author || !at) throw new ParseError('whatsapp message without id, sender (from or from_user_id) or timestamp');
    const alias = bsuidAlias(user);
    if (alias) aliases.set(alias.externalId, alias);
    const base = {
      channel: 'whatsapp',
      externalId: id,
      author,
      kind: 'direct' as const,
      direction: 'in' as const,
      visibility: 'private' as const,
      postedAt: at,
      parentExternalId: isRecord(message['context']) ? str(message['context']['id']) : null,
      threadExternalId: `whatsapp:${phoneNumberId ?? 'number'}:${author.externalId}`,
    };
    const mediaType = WHATSAPP_MEDIA[type];
    if (type === 'text') {
      const body = isRecord(message['text']) ? str(message['text']['body']) : null;
      ctx.items.push({ type: 'post', post: { ...base, text: body ?? '' } });
    } else if (mediaType) {
      const rawMedia = message[type];
      const media = isRecord(rawMedia) ? rawMedia : {};
      const mediaId = idOf(media['id']);
      // Old payloads escape "/" as "\/" inside strings; the MIME type is kept without the escape.
      const mime = str(media['mime_type'])?.replace(/\\\//g, '/') ?? null;
      const caption = str(media['caption']);
      const filename = str(media['filename']);
      const text = [caption, filename && filename !== caption ? filename : null].filter(Boolean).join('\n') || `[${type}${mime ? ` ${mime}` : ''}]`;
      // The media URL needs the business's token (GET /{media-id} gives a short-lived download link).
      const url = mediaId ? `${ctx.graphBaseUrl}/${mediaId}${mime ? `#type=${encodeURIComponent(mime)}` : ''}` : null;
      const attachment: Attachment = { type: mediaType, url, mimeType: mime, alt: caption, name: filename };
      ctx.items.push({ type: 'post', post: { ...base, text, links: url ? [url] : [], attachments: [attachment] } });
    } else if (type === 'location') {
      const location = isRecord(message['location']) ? message['location'] : {};
      const lat = Number(location['latitude']);
      const lon = Number(location['longitude']);
      const place = [str(location['name']), str(location['address'])].filter(Boolean).join(', ');
      const hasPoint = Number.isFinite(lat) && Number.isFinite(lon);
      ctx.items.push({
        type: 'post',
        post: {
          ...base,
          text: place || '[location]',
          geo: hasPoint ? { lat, lon, ...(place ? { place } : {}) } : null,
          attachments: [{ type: 'location', name: place || null, url: str(location['url']), ...(hasPoint ? { lat, lon } : {}) }],
        },
      });
    } else if (type === 'contacts') {
      const cards = records(message['contacts']);
      if (cards.length === 0) {
        ctx.skipped.push('whatsapp contacts message without a contact card');
        continue;
      }
      ctx.items.push({ type: 'post', post: { ...base, text: contactCardText(cards) } });
    } else if (type === 'button' || type === 'interactive') {
      const button = isRecord(message['button']) ? str(message['button']['text']) : null;
      const interactive = isRecord(message['interactive']) ? message['interactive'] : {};
      const choice = isRecord(interactive['button_reply']) ? interactive['button_reply'] : isRecord(interactive['list_reply']) ? interactive['list_reply'] : {};
      ctx.items.push({ type: 'post', post: { ...base, text: button ?? str(choice['title']) ?? `[${type}]` } });
    } else if (type === 'reaction') {
      const reaction = isRecord(message['reaction']) ? message['reaction'] : {};
      const target = str(reaction['message_id']);
      if (!target) {
        ctx.skipped.push('whatsapp reaction without the message it reacts to');
        continue;
      }
      // One reaction per person and message: a new emoji replaces it, an empty emoji removes it.
      ctx.items.push({
        type: 'engagement',
        channel: 'whatsapp',
        externalId: `reaction:${author.externalId}:${target}`,
        targetExternalId: target,
        kind: 'reaction',
        actor: author,
        at,
        removed: !str(reaction['emoji']),
      });
    } else if (type === 'unsupported') {
      const errors = records(message['errors']).map((e) => str(e['title']) ?? str(e['message'])).filter(Boolean);
      ctx.skipped.push(`whatsapp unsupported message${errors.length > 0 ? ` (${errors.join('; ')})` : ''}`);
    } else {
      ctx.skipped.push(`whatsapp ${type} message`);
    }
  }
  for (const alias of aliases.values()) ctx.items.push({ type: 'identity', identity: alias });
  const recipientIdentity = (status: Json): CanonicalIdentity | null => whatsappIdentity(userOf(idOf(status['recipient_id']), str(status['recipient_user_id'])));
  for (const status of records(value['statuses'])) {
    const id = str(status['id']);
    const state = str(status['status']);
    const at = timeOf(status['timestamp']);
    // A read receipt of our outbound message counts as a view of it; other states are delivery bookkeeping.
    if (state === 'read' && id && at) {
      ctx.items.push({ type: 'engagement', channel: 'whatsapp', externalId: `read:${id}`, targetExternalId: id, kind: 'view', actor: recipientIdentity(status), at });
    } else {
      ctx.skipped.push(`whatsapp ${state ?? 'unknown'} status`);
    }
  }
  for (const error of records(value['errors'])) ctx.skipped.push(`whatsapp error ${String(error['code'] ?? '')}: ${str(error['title']) ?? ''}`);
}
