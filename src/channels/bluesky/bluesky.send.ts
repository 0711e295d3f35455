import { retryAfterSeconds } from '../backoff.ts';
import type { ConnectionView, DriverRuntime, OutboundMessage } from '../driver.ts';
import { parseAtUri, POST } from './bluesky.parse.ts';
import { child, isRecord, nonEmpty, records, type JsonRecord } from '../json-read.ts';

/**
 * Replies and posts on Bluesky through the account's PDS with plain XRPC calls over the runtime's
 * guarded fetch: com.atproto.server.createSession (app password), app.bsky.feed.getPosts (the
 * parent's CID and its thread root) and com.atproto.repo.createRecord. `@atproto/api` is not used:
 * its current releases require Node 22, and these three calls are all we need.
 */

export const DEFAULT_PDS_URL = 'https://bsky.social';

export class BlueskyApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Bluesky answered ${status} ${code}: ${detail}`);
    this.name = 'BlueskyApiError';
  }
}

interface Session {
  accessJwt: string;
  did: string;
  createdAt: number;
}

/** Sessions per PDS and identifier: createSession is rate-limited (30 per 5 minutes), so one is reused until it expires. */
const sessions = new Map<string, Session>();
const SESSION_REUSE_MS = 60 * 60_000;

export interface StrongRef {
  uri: string;
  cid: string;
}

/** Rich-text facets for links and hashtags in outgoing text; indexes count UTF-8 bytes. */
export function detectFacets(text: string): JsonRecord[] {
  const facets: JsonRecord[] = [];
  const byteIndex = (charIndex: number) => Buffer.byteLength(text.slice(0, charIndex), 'utf8');
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g)) {
    const start = match.index;
    facets.push({ index: { byteStart: byteIndex(start), byteEnd: byteIndex(start + match[0].length) }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: match[0] }] });
  }
  for (const match of text.matchAll(/(^|\s)#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu)) {
    const start = match.index + (match[1]?.length ?? 0);
    const tag = match[2] ?? '';
    facets.push({ index: { byteStart: byteIndex(start), byteEnd: byteIndex(start + 1 + tag.length) }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag }] });
  }
  return facets;
}

/** The app.bsky.feed.post record for a reply or a new post. */
export function postRecord(text: string, createdAt: string, reply?: { root: StrongRef; parent: StrongRef }): JsonRecord {
  const facets = detectFacets(text);
  return {
    $type: POST,
    text,
    createdAt,
    ...(facets.length > 0 ? { facets } : {}),
    ...(reply ? { reply } : {}),
  };
}

function pdsUrl(connection: ConnectionView): string {
  const configured = connection.settings['pdsUrl'];
  return (typeof configured === 'string' && configured ? configured : DEFAULT_PDS_URL).replace(/\/+$/, '');
}

async function xrpc(runtime: DriverRuntime, url: string, init: { method: 'GET' | 'POST'; token?: string; body?: unknown }): Promise<JsonRecord> {
  const headers: Record<string, string> = {};
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await runtime.fetch(url, { method: init.method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  const record = isRecord(body) ? body : {};
  if (!response.ok) {
    throw new BlueskyApiError(response.status, nonEmpty(record['error']) ?? 'Error', (nonEmpty(record['message']) ?? text).slice(0, 300), retryAfterSeconds(response.headers, runtime.now()));
  }
  return record;
}

async function session(connection: ConnectionView, runtime: DriverRuntime, fresh: boolean): Promise<Session> {
  const identifier = connection.settings['identifier'];
  const password = connection.secrets['appPassword'];
  if (typeof identifier !== 'string' || !identifier || !password) throw new Error('this Bluesky channel needs settings.identifier and the appPassword secret to send');
  const key = `${pdsUrl(connection)}|${identifier}`;
  const cached = sessions.get(key);
  if (!fresh && cached && runtime.now().getTime() - cached.createdAt < SESSION_REUSE_MS) return cached;
  const body = await xrpc(runtime, `${pdsUrl(connection)}/xrpc/com.atproto.server.createSession`, { method: 'POST', body: { identifier, password } });
  const accessJwt = nonEmpty(body['accessJwt']);
  const did = nonEmpty(body['did']);
  if (!accessJwt || !did) throw new BlueskyApiError(200, 'InvalidResponse', 'createSession answered without accessJwt or did');
  const created = { accessJwt, did, createdAt: runtime.now().getTime() };
  sessions.set(key, created);
  return created;
}

/** The parent post's strong ref and its thread root (the parent's own root, or the parent itself). */
async function replyRefs(connection: ConnectionView, runtime: DriverRuntime, token: string, parentUri: string): Promise<{ root: StrongRef; parent: StrongRef }> {
  if (parseAtUri(parentUri)?.collection !== POST) throw new Error(`cannot reply to ${parentUri}: not a Bluesky post URI`);
  const url = new URL(`${pdsUrl(connection)}/xrpc/app.bsky.feed.getPosts`);
  url.searchParams.append('uris', parentUri);
  const body = await xrpc(runtime, url.toString(), { method: 'GET', token });
  const post = records(body['posts']).find((p) => p['uri'] === parentUri);
  const cid = post ? nonEmpty(post['cid']) : undefined;
  if (!post || !cid) throw new BlueskyApiError(404, 'NotFound', `the post ${parentUri} was not found (deleted?)`);
  const parent = { uri: parentUri, cid };
  const root = child(child(post, 'record'), 'reply')['root'];
  const rootUri = isRecord(root) ? nonEmpty(root['uri']) : undefined;
  const rootCid = isRecord(root) ? nonEmpty(root['cid']) : undefined;
  return { parent, root: rootUri && rootCid ? { uri: rootUri, cid: rootCid } : parent };
}

async function createPost(connection: ConnectionView, runtime: DriverRuntime, message: OutboundMessage, auth: Session): Promise<{ externalId: string }> {
  let reply: { root: StrongRef; parent: StrongRef } | undefined;
  if (message.kind === 'reply') {
    const parentUri = message.inReplyTo?.externalId;
    if (!parentUri) throw new Error('a reply on Bluesky needs the URI of the post it answers');
    reply = await replyRefs(connection, runtime, auth.accessJwt, parentUri);
  }
  const created = await xrpc(runtime, `${pdsUrl(connection)}/xrpc/com.atproto.repo.createRecord`, {
    method: 'POST',
    token: auth.accessJwt,
    body: { repo: auth.did, collection: POST, record: postRecord(message.text, runtime.now().toISOString(), reply) },
  });
  const uri = nonEmpty(created['uri']);
  if (!uri) throw new BlueskyApiError(200, 'InvalidResponse', 'createRecord answered without uri');
  return { externalId: uri };
}

/** Sends a reply or a new post; an expired session is renewed once. Private messages are not supported. */
export async function sendOnBluesky(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }> {
  if (message.kind === 'message') throw new Error('Bluesky private messages (chat) are not supported; reply publicly instead');
  try {
    return await createPost(connection, runtime, message, await session(connection, runtime, false));
  } catch (error) {
    if (!(error instanceof BlueskyApiError) || (error.code !== 'ExpiredToken' && error.code !== 'InvalidToken')) throw error;
    return createPost(connection, runtime, message, await session(connection, runtime, true));
  }
}
