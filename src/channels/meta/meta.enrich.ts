import { ChannelError, channelErrorFromResponse, type ConnectionView, type DriverRuntime, type NativePayload } from '../driver.ts';
import { hmacSha256Hex } from '../signatures.ts';
import { DEFAULT_GRAPH_BASE_URL, LOOKUP_ERROR_FIELD } from './meta.parse.ts';

/**
 * Instagram `mentions` webhooks carry ids only. Enrichment looks each mention up through the Graph
 * API the way Meta documents it (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/mentioned_comment
 * and …/mentioned_media), with the connection's Page access token, and returns a copy of the webhook
 * body in which each mention's value also holds the Graph answer (`mentioned_comment` or
 * `mentioned_media`), or `townhall_lookup_error` with the reason the lookup failed. That copy is
 * stored as its own raw payload, so parsing stays pure and replays give the same post; the original
 * body stays as received (its signature was checked over those bytes).
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const idOf = (value: unknown): string | null => (typeof value === 'string' && /^\d{1,40}$/.test(value.trim()) ? value.trim() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : null);

/** Header of an enriched payload: what was added (for the intake log and replays). */
export const ENRICHED_HEADER = 'x-townhall-enriched';

export const MENTIONED_COMMENT_FIELDS = 'text,timestamp,media{id},username,like_count';
export const MENTIONED_MEDIA_FIELDS = 'caption,media_type,timestamp,permalink,username,like_count,comments_count';

/** One mention to look up: the account mentioned (the entry id) and the ids the webhook gave. */
export interface MentionRef {
  igUserId: string;
  mediaId: string;
  commentId: string | null;
}

/** The `fields` parameter for a mention, as documented: a comment mention reads the comment, a caption mention the media. */
export function mentionFields(ref: MentionRef): string {
  return ref.commentId ? `mentioned_comment.comment_id(${ref.commentId}){${MENTIONED_COMMENT_FIELDS}}` : `mentioned_media.media_id(${ref.mediaId}){${MENTIONED_MEDIA_FIELDS}}`;
}

/** Mention values of an Instagram webhook body that have not been looked up yet. Pure. */
function pendingMentions(doc: unknown, fallbackAccountId: string | null): { value: Json; ref: MentionRef | null }[] {
  if (!isRecord(doc) || doc['object'] !== 'instagram' || !Array.isArray(doc['entry'])) return [];
  const found: { value: Json; ref: MentionRef | null }[] = [];
  for (const entry of doc['entry']) {
    if (!isRecord(entry) || !Array.isArray(entry['changes'])) continue;
    const igUserId = idOf(entry['id']) ?? fallbackAccountId;
    for (const change of entry['changes']) {
      if (!isRecord(change) || change['field'] !== 'mentions' || !isRecord(change['value'])) continue;
      const value = change['value'];
      if ('mentioned_comment' in value || 'mentioned_media' in value || LOOKUP_ERROR_FIELD in value) continue;
      const mediaId = idOf(value['media_id']);
      found.push({ value, ref: igUserId && mediaId ? { igUserId, mediaId, commentId: idOf(value['comment_id']) } : null });
    }
  }
  return found;
}

/** Answers a Graph API GET; throws with Meta's error message when it refuses. */
async function graphGet(runtime: DriverRuntime, connection: Pick<ConnectionView, 'settings' | 'secrets'>, token: string, ref: MentionRef): Promise<Json> {
  const configured = connection.settings['graphBaseUrl'];
  const base = (typeof configured === 'string' && configured ? configured : DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const url = new URL(`${base}/${encodeURIComponent(ref.igUserId)}`);
  url.searchParams.set('fields', mentionFields(ref));
  const appSecret = connection.secrets['appSecret'];
  if (appSecret) url.searchParams.set('appsecret_proof', hmacSha256Hex(appSecret, token));
  const response = await runtime.fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // reported below
  }
  if (!response.ok || !isRecord(parsed)) {
    if (!response.ok) throw channelErrorFromResponse('Graph API', response, text, runtime.now());
    throw new ChannelError('transient', `Graph API answered ${response.status} without a JSON object`, { status: response.status });
  }
  return parsed;
}

/**
 * Looks up the Instagram mentions of a webhook body. Returns the enriched copy to store, or null when
 * the body holds no mention left to look up. A missing token or a failed lookup is recorded in the
 * mention's value instead of failing, so the mention is kept (without text); only a stop aborts.
 */
export async function enrichMetaPayload(payload: NativePayload, connection: Pick<ConnectionView, 'settings' | 'secrets'>, runtime: DriverRuntime): Promise<NativePayload | null> {
  // Cheap test first: most deliveries are not Instagram mentions.
  if (!payload.body.includes('"mentions"')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(payload.body);
  } catch {
    return null;
  }
  const account = connection.settings['instagramAccountId'];
  const mentions = pendingMentions(doc, typeof account === 'string' ? account : null);
  if (mentions.length === 0) return null;
  const token = connection.secrets['accessToken'];
  for (const { value, ref } of mentions) {
    if (!ref) {
      value[LOOKUP_ERROR_FIELD] = 'the mention names no media id or no Instagram account';
      continue;
    }
    if (!token) {
      value[LOOKUP_ERROR_FIELD] = 'no accessToken on this connection: the mention cannot be looked up';
      continue;
    }
    try {
      const answer = await graphGet(runtime, connection, token, ref);
      const field = ref.commentId ? 'mentioned_comment' : 'mentioned_media';
      if (isRecord(answer[field])) value[field] = answer[field];
      else value[LOOKUP_ERROR_FIELD] = `Graph API answered without ${field}`;
    } catch (error) {
      if (runtime.signal.aborted) throw error;
      value[LOOKUP_ERROR_FIELD] = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    }
  }
  // The original's headers (its signature) do not describe this copy.
  return { body: JSON.stringify(doc), contentType: 'application/json', headers: { [ENRICHED_HEADER]: 'instagram-mentions' } };
}
