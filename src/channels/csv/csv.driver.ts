import { Type } from 'typebox';
import { ParseError } from '../../listening/canonical.ts';
import { canonicalPostFrom } from '../canonical-json.ts';
import type { ChannelDriver } from '../driver.ts';

const METRIC_COLUMNS = ['likes', 'shares', 'replies', 'views', 'quotes'];

/** Maps one CSV record (header → cell, stored as a JSON object) to the canonical post fields. */
export function recordToCanonical(record: Record<string, string>): Record<string, unknown> {
  const pick = (...names: string[]) => {
    for (const name of names) {
      const value = record[name];
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  };
  const handle = pick('author_handle', 'handle', 'author', 'username', 'user');
  const metrics: Record<string, string> = {};
  for (const column of METRIC_COLUMNS) {
    const value = pick(column, `${column}_count`);
    if (value !== undefined) metrics[column] = value;
  }
  return {
    channel: pick('channel', 'network', 'source'),
    externalId: pick('external_id', 'externalId', 'id', 'post_id'),
    text: pick('text', 'content', 'body', 'message'),
    postedAt: pick('posted_at', 'postedAt', 'created_at', 'createdAt', 'date', 'timestamp'),
    kind: pick('kind', 'type'),
    direction: pick('direction'),
    visibility: pick('visibility'),
    language: pick('language', 'lang'),
    url: pick('url', 'link', 'permalink'),
    parentExternalId: pick('parent_external_id', 'parentExternalId', 'in_reply_to', 'parent_id'),
    threadExternalId: pick('thread_external_id', 'threadExternalId', 'thread_id'),
    hashtags: pick('hashtags'),
    mentions: pick('mentions'),
    links: pick('links'),
    metrics,
    author: handle || pick('author_id')
      ? {
          externalId: pick('author_id', 'author_external_id') ?? handle,
          handle,
          displayName: pick('author_name', 'display_name', 'name'),
          followers: pick('author_followers', 'followers'),
          profileUrl: pick('author_url', 'profile_url'),
        }
      : null,
  };
}

/** Bulk import of posts from CSV with a header row; common column names are recognised (docs/CANONICAL.md). */
export const csvDriver: ChannelDriver = {
  type: 'csv',
  label: 'CSV import',
  settingsSchema: Type.Object({ channel: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]*$' })) }, { additionalProperties: false }),
  secretKeys: [],
  receivesWebhooks: false,
  importFraming: 'csv',
  parse(payload, connection) {
    let record: unknown;
    try {
      record = JSON.parse(payload.body);
    } catch {
      throw new ParseError('CSV record payload is not a JSON object');
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new ParseError('CSV record payload is not an object');
    const cells: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) cells[key.trim().toLowerCase()] = typeof value === 'string' ? value.trim() : String(value);
    const channel = typeof connection?.settings['channel'] === 'string' ? connection.settings['channel'] : 'import';
    return { items: [{ type: 'post', post: canonicalPostFrom(recordToCanonical(cells), channel) }] };
  },
};
