import { ChannelError, kindOfStatus, type ConnectionView } from '../driver.ts';

/**
 * Shared bits of the X API v2 client. We call the API with the runtime's SSRF-guarded fetch rather
 * than `twitter-api-v2`: that library does its own HTTP through node:https (bypassing the guard and
 * our abort signal) and has no base-URL setting, so it cannot be pointed at a loopback stand-in.
 */

export const DEFAULT_API_BASE_URL = 'https://api.x.com';

/** Fields and expansions asked for on search and stream, so the parser gets authors, references and places. */
export const TWEET_QUERY: Record<string, string> = {
  'tweet.fields': 'attachments,author_id,conversation_id,created_at,entities,geo,id,in_reply_to_user_id,lang,note_tweet,public_metrics,referenced_tweets,text',
  expansions: 'author_id,referenced_tweets.id,referenced_tweets.id.author_id,entities.mentions.username,in_reply_to_user_id,geo.place_id',
  'user.fields': 'description,location,name,profile_image_url,public_metrics,username,verified,verified_type',
  'place.fields': 'country,country_code,full_name,geo,name,place_type',
};

export function apiBaseUrl(connection: Pick<ConnectionView, 'settings'>): string {
  const configured = connection.settings['apiBaseUrl'];
  return (typeof configured === 'string' && configured ? configured : DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

export function apiUrl(connection: Pick<ConnectionView, 'settings'>, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(apiBaseUrl(connection) + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}

/** The app-only bearer token for reading (search, stream, rules). */
export function readToken(connection: ConnectionView): string {
  const token = connection.secrets['bearerToken'];
  if (!token) throw new ChannelError('config', 'this X channel has no bearerToken secret');
  return token;
}

/** The token for posting: a user-context OAuth 2.0 token when given, else the bearer token. */
export function writeToken(connection: ConnectionView): string {
  const token = connection.secrets['userAccessToken'] || connection.secrets['bearerToken'];
  if (!token) throw new ChannelError('config', 'this X channel has neither a userAccessToken nor a bearerToken secret');
  return token;
}

/**
 * A failed X API call as a ChannelError: 401 auth, 429 rate_limited with the wait from
 * x-rate-limit-reset, 5xx transient. X answers 403 both for an app it refuses (client-forbidden:
 * the credentials) and for a post it refuses (duplicate content: this request only).
 */
export class XApiError extends ChannelError {
  constructor(status: number, detail: string, retryAfterSeconds?: number) {
    const kind = status === 403 && /duplicate content|not allowed to (create|reply)/i.test(detail) ? 'permanent' : status === 429 ? 'rate_limited' : kindOfStatus(status);
    super(kind, `X API answered ${status}: ${detail}`, { status, retryAfterSeconds });
    this.name = 'XApiError';
  }
}

/** The problem detail of an error response body (X sends {title, detail} or {errors: [...]}), cut short. */
export function errorDetail(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const title = 'title' in body && typeof body.title === 'string' ? body.title : undefined;
      const detail = 'detail' in body && typeof body.detail === 'string' ? body.detail : undefined;
      if (title || detail) return [title, detail].filter(Boolean).join(': ').slice(0, 300);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300);
}
