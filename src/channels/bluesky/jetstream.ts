import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import WebSocket from 'ws';
import { BlockedAddressError, isPrivateAddress } from '../../platform/net/safe-fetch.ts';
import { backoffDelayMs, sleep } from '../backoff.ts';
import type { ConnectionView, DriverRuntime, NativePayload } from '../driver.ts';
import { LIKE, parseAtUri, POST, PROFILE, REPOST } from './bluesky.parse.ts';
import { child, isRecord, nonEmpty, records, str, type JsonRecord } from '../json-read.ts';

type OnPayload = (payload: NativePayload, state: Record<string, unknown>) => Promise<void>;

export const DEFAULT_JETSTREAM_ENDPOINT = 'wss://jetstream2.us-east.bsky.network';
export const DEFAULT_COLLECTIONS = [POST, LIKE, REPOST];
/** Rewind on resume: Jetstream cursors are microsecond times, and replaying a little is harmless (intake is idempotent). */
export const CURSOR_SAFETY_MARGIN_US = 2_000_000;
const HEARTBEAT_MS = 30_000;
const MAX_BACKLOG = 64;
const SEEN_LIMIT = 100_000;

export function endpointOf(connection: Pick<ConnectionView, 'settings'>): string {
  const configured = connection.settings['endpoint'];
  return (typeof configured === 'string' && configured ? configured : DEFAULT_JETSTREAM_ENDPOINT).replace(/\/+$/, '');
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

/** The persisted cursor (time_us of the newest event handled), if any. */
export function cursorOf(state: Record<string, unknown>): number | undefined {
  const cursor = state['cursor'];
  return typeof cursor === 'number' && Number.isFinite(cursor) && cursor > 0 ? cursor : undefined;
}

/** The subscribe URL: wanted collections and DIDs, and the cursor rewound by the safety margin. */
export function subscribeUrl(connection: Pick<ConnectionView, 'settings'>, cursor: number | undefined): URL {
  const url = new URL(`${endpointOf(connection)}/subscribe`);
  const collections = stringList(connection.settings['wantedCollections']);
  for (const collection of collections.length > 0 ? collections : DEFAULT_COLLECTIONS) url.searchParams.append('wantedCollections', collection);
  for (const did of stringList(connection.settings['wantedDids'])) url.searchParams.append('wantedDids', did);
  if (cursor !== undefined) url.searchParams.set('cursor', String(Math.max(0, cursor - CURSOR_SAFETY_MARGIN_US)));
  return url;
}

/**
 * Which firehose events to keep. Jetstream sends every matching record on the network, far more
 * than a workspace wants, so with `keywords` or `watchDids` set only these are handed over: posts
 * whose text or hashtags hold a keyword; posts by, replying to, quoting or mentioning a watched
 * account; likes and reposts of watched accounts' posts or of posts kept earlier; deletes and
 * profile changes of what was kept. Without either setting everything is kept (narrow the stream
 * with wantedDids then). "Kept earlier" is remembered in memory only (bounded), so a delete of a
 * record kept before a restart is missed unless its author is watched.
 */
export class JetstreamFilter {
  private readonly keywords: string[];
  private readonly watchDids: Set<string>;
  private readonly seenUris = new Set<string>();
  private readonly seenDids = new Set<string>();

  constructor(settings: Record<string, unknown>) {
    this.keywords = stringList(settings['keywords']).map((k) => k.toLowerCase());
    this.watchDids = new Set(stringList(settings['watchDids']));
  }

  get active(): boolean {
    return this.keywords.length > 0 || this.watchDids.size > 0;
  }

  /** True when the event should be stored; remembers what it keeps. */
  keep(event: JsonRecord): boolean {
    if (!this.active) return true;
    const did = nonEmpty(event['did']) ?? '';
    const kept = this.decide(event, did);
    if (kept) {
      const commit = child(event, 'commit');
      const collection = nonEmpty(commit['collection']);
      const rkey = nonEmpty(commit['rkey']);
      if (collection && rkey) this.remember(this.seenUris, `at://${did}/${collection}/${rkey}`);
      this.remember(this.seenDids, did);
    }
    return kept;
  }

  private remember(set: Set<string>, value: string): void {
    set.add(value);
    if (set.size > SEEN_LIMIT) {
      const oldest = set.values().next();
      if (!oldest.done) set.delete(oldest.value);
    }
  }

  private watchedUri(uri: string | undefined): boolean {
    if (!uri) return false;
    const parts = parseAtUri(uri);
    return this.seenUris.has(uri) || (parts !== undefined && this.watchDids.has(parts.did));
  }

  private decide(event: JsonRecord, did: string): boolean {
    if (this.watchDids.has(did)) return true;
    const kind = str(event['kind']);
    if (kind !== 'commit') return kind === 'identity' && this.seenDids.has(did);
    const commit = child(event, 'commit');
    const collection = str(commit['collection']);
    const operation = str(commit['operation']);
    if (operation === 'delete') return this.seenUris.has(`at://${did}/${collection ?? ''}/${str(commit['rkey']) ?? ''}`);
    const record = child(commit, 'record');
    if (collection === PROFILE) return this.seenDids.has(did);
    if (collection === LIKE || collection === REPOST) return this.watchedUri(nonEmpty(child(record, 'subject')['uri']));
    if (collection !== POST) return false;
    const text = (str(record['text']) ?? '').toLowerCase();
    const tags: string[] = [];
    const mentionedDids: string[] = [];
    for (const facet of records(record['facets'])) {
      for (const feature of records(facet['features'])) {
        const tag = nonEmpty(feature['tag']);
        if (tag) tags.push(tag.toLowerCase());
        const mentioned = nonEmpty(feature['did']);
        if (mentioned) mentionedDids.push(mentioned);
      }
    }
    if (this.keywords.some((k) => text.includes(k) || tags.includes(k.replace(/^#/, '')))) return true;
    if (mentionedDids.some((d) => this.watchDids.has(d))) return true;
    const reply = child(record, 'reply');
    const embed = child(record, 'embed');
    const quoted = nonEmpty(child(embed, 'record')['uri']) ?? nonEmpty(child(child(embed, 'record'), 'record')['uri']);
    return [nonEmpty(child(reply, 'parent')['uri']), nonEmpty(child(reply, 'root')['uri']), quoted].some((uri) => this.watchedUri(uri));
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** DNS lookup that refuses private addresses, like the runtime's guarded fetch does for HTTP. */
function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(new BlockedAddressError(hostname, blocked.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    return first ? callback(null, first.address, first.family) : callback(new Error(`no address for ${hostname}`), []);
  });
}

/** Refuses a literal private IP host unless private networks are allowed (names are checked at connect time). */
function assertAllowedHost(url: URL, runtime: DriverRuntime): void {
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new Error(`Jetstream endpoint must be ws:// or wss://, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!runtime.allowPrivateNetwork && /^[\d.:a-f]+$/i.test(host) && isPrivateAddress(host)) throw new BlockedAddressError(host, host);
}

/**
 * One WebSocket session: messages are handled strictly in order (the socket is paused while the
 * backlog is long), a ping every 30 s detects a dead peer, and the promise settles when the socket
 * closes (resolves) or handling a message fails (rejects, after closing the socket).
 */
function session(url: URL, runtime: DriverRuntime, handle: (text: string) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      handshakeTimeout: 15_000,
      maxPayload: 4 * 1024 * 1024,
      ...(runtime.allowPrivateNetwork ? {} : { lookup: guardedLookup }),
    });
    let chain = Promise.resolve();
    let backlog = 0;
    let failed: unknown;
    let alive = true;
    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, HEARTBEAT_MS);
    const onAbort = () => socket.close(1000, 'stopping');
    runtime.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', (data, isBinary) => {
      alive = true;
      if (isBinary || failed !== undefined) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
      backlog++;
      if (backlog > MAX_BACKLOG) socket.pause();
      chain = chain.then(async () => {
        if (failed !== undefined) return;
        try {
          await handle(text);
        } catch (error) {
          failed = error;
          socket.terminate();
        } finally {
          backlog--;
          if (backlog < MAX_BACKLOG / 4 && socket.isPaused) socket.resume();
        }
      });
    });
    socket.on('error', (error) => {
      runtime.log.warn({ err: error.message }, 'jetstream socket error');
    });
    socket.on('close', () => {
      clearInterval(heartbeat);
      runtime.signal.removeEventListener('abort', onAbort);
      void chain.then(() => (failed !== undefined ? reject(failed) : resolve()));
    });
  });
}

/**
 * Holds a Jetstream subscription until the signal aborts. Every kept event is handed over with the
 * state {cursor: time_us}; on reconnect the subscription resumes from the newest time handled minus
 * a safety margin, backing off with jitter between attempts.
 */
export async function runJetstream(connection: ConnectionView, runtime: DriverRuntime, onPayload: OnPayload): Promise<void> {
  const filter = new JetstreamFilter(connection.settings);
  let cursor = cursorOf(connection.state);
  let failures = 0;
  while (!runtime.signal.aborted) {
    const url = subscribeUrl(connection, cursor);
    let received = 0;
    try {
      assertAllowedHost(url, runtime);
      await session(url, runtime, async (text) => {
        received++;
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch {
          // Not an event (Jetstream sends only JSON): store it so it shows in dead-letter rather than vanish.
          await onPayload({ body: text, contentType: 'application/json' }, { ...connection.state, ...(cursor !== undefined ? { cursor } : {}) });
          return;
        }
        const timeUs = isRecord(event) && typeof event['time_us'] === 'number' ? event['time_us'] : undefined;
        const next = timeUs !== undefined && (cursor === undefined || timeUs > cursor) ? timeUs : cursor;
        if (isRecord(event) && filter.keep(event)) {
          await onPayload({ body: text, contentType: 'application/json' }, { ...connection.state, ...(next !== undefined ? { cursor: next } : {}) });
        }
        // Only once the event is stored (or deliberately skipped) does the resume point move past it.
        cursor = next;
      });
      if (runtime.signal.aborted) return;
      runtime.log.info({ connectionId: connection.id, cursor }, 'jetstream closed; reconnecting');
    } catch (error) {
      if (runtime.signal.aborted) return;
      runtime.log.warn({ connectionId: connection.id, err: error instanceof Error ? error.message : String(error) }, 'jetstream session failed');
    }
    if (received > 0) failures = 0;
    await sleep(backoffDelayMs(failures, 500, 60_000), runtime.signal);
    failures++;
  }
}
