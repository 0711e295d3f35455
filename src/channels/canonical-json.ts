import { ParseError, type CanonicalIdentity, type CanonicalPost } from '../listening/canonical.ts';
import type { PostKind } from '../platform/db/schema.ts';

/**
 * Validation of the canonical post shape when it arrives from outside (generic webhook, JSONL, CSV):
 * every field is checked and normalised; nothing is cast blindly.
 */

const KINDS: readonly PostKind[] = ['post', 'comment', 'reply', 'direct', 'review', 'email'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string, options: { required?: boolean; max?: number } = {}): string | null {
  if (value === undefined || value === null || value === '') {
    if (options.required) throw new ParseError(`${field} is required`);
    return null;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw new ParseError(`${field} must be a string`);
  const result = String(value);
  if (options.max !== undefined && result.length > options.max) throw new ParseError(`${field} is longer than ${options.max} characters`);
  return result;
}

function strings(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(/[;,]/).map((s) => s.trim()).filter(Boolean);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ParseError(`${field} must be a list of strings`);
  return value;
}

function count(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ParseError(`${field} must be a non-negative number`);
  return Math.round(n);
}

function isoTime(value: unknown, field: string): string {
  const raw = text(value, field, { required: true });
  const time = Date.parse(raw ?? '');
  if (Number.isNaN(time)) throw new ParseError(`${field} is not a date-time: "${raw}"`);
  return new Date(time).toISOString();
}

function identity(value: unknown, channel: string): CanonicalIdentity | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw new ParseError('author must be an object');
  const externalId = text(value['externalId'] ?? value['id'] ?? value['handle'], 'author.externalId', { required: true, max: 500 }) ?? '';
  return {
    channel,
    externalId,
    handle: text(value['handle'], 'author.handle', { max: 500 }),
    displayName: text(value['displayName'] ?? value['name'], 'author.displayName', { max: 500 }),
    profileUrl: text(value['profileUrl'] ?? value['url'], 'author.profileUrl', { max: 2000 }),
    avatarUrl: text(value['avatarUrl'], 'author.avatarUrl', { max: 2000 }),
    bio: text(value['bio'], 'author.bio', { max: 5000 }),
    location: text(value['location'], 'author.location', { max: 500 }),
    followers: count(value['followers'], 'author.followers'),
    following: count(value['following'], 'author.following'),
    verified: value['verified'] === true || value['verified'] === 'true',
  };
}

/** Parses one canonical post object; `defaultChannel` applies when the object names none. */
export function canonicalPostFrom(value: unknown, defaultChannel: string): CanonicalPost {
  if (!isRecord(value)) throw new ParseError('a canonical post must be a JSON object');
  const channel = text(value['channel'], 'channel', { max: 50 }) ?? defaultChannel;
  if (!/^[a-z][a-z0-9_-]*$/.test(channel)) throw new ParseError(`channel "${channel}" is not a channel name`);
  const kind = text(value['kind'], 'kind') ?? 'post';
  if (!KINDS.includes(kind as PostKind)) throw new ParseError(`kind must be one of ${KINDS.join(', ')}`);
  const direction = text(value['direction'], 'direction') ?? 'in';
  if (direction !== 'in' && direction !== 'out') throw new ParseError('direction must be in or out');
  const visibility = text(value['visibility'], 'visibility') ?? (kind === 'direct' || kind === 'email' ? 'private' : 'public');
  if (visibility !== 'public' && visibility !== 'private') throw new ParseError('visibility must be public or private');
  const metrics: Record<string, number> = {};
  if (value['metrics'] !== undefined && value['metrics'] !== null) {
    if (!isRecord(value['metrics'])) throw new ParseError('metrics must be an object of counts');
    for (const [key, raw] of Object.entries(value['metrics'])) {
      const n = count(raw, `metrics.${key}`);
      if (n !== null) metrics[key] = n;
    }
  }
  const author = isRecord(value['author']) || value['author'] === null || value['author'] === undefined
    ? identity(value['author'], channel)
    : identity({ handle: value['author'], externalId: value['author'] }, channel);
  const language = text(value['language'] ?? value['lang'], 'language', { max: 10 });
  return {
    channel,
    externalId: text(value['externalId'] ?? value['id'], 'externalId', { required: true, max: 500 }) ?? '',
    author,
    kind: kind as PostKind,
    direction,
    visibility,
    text: text(value['text'], 'text', { max: 100_000 }) ?? '',
    language: language ? language.toLowerCase().slice(0, 2) : null,
    postedAt: isoTime(value['postedAt'] ?? value['createdAt'], 'postedAt'),
    parentExternalId: text(value['parentExternalId'] ?? value['inReplyTo'], 'parentExternalId', { max: 500 }),
    threadExternalId: text(value['threadExternalId'], 'threadExternalId', { max: 500 }),
    quotedExternalId: text(value['quotedExternalId'], 'quotedExternalId', { max: 500 }),
    mentions: strings(value['mentions'], 'mentions'),
    hashtags: strings(value['hashtags'], 'hashtags'),
    links: strings(value['links'], 'links'),
    metrics,
    url: text(value['url'], 'url', { max: 2000 }),
    geo: null,
    editedAt: value['editedAt'] === undefined || value['editedAt'] === null ? null : isoTime(value['editedAt'], 'editedAt'),
  };
}
