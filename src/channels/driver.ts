import type { TSchema } from 'typebox';
import type { ParseResult } from '../listening/canonical.ts';
import { retryAfterSeconds } from './backoff.ts';

/**
 * One channel = one driver folder behind this interface (STYLE.md habit 10). Only `parse` is
 * mandatory; a driver implements the transports its platform offers. Adding a channel touches
 * its folder and one line in registry.ts.
 */

/** A native payload exactly as received: the raw body text plus what came with it. */
export interface NativePayload {
  body: string;
  contentType?: string | null | undefined;
  headers?: Record<string, string> | undefined;
}

/** Connection data a driver sees: public settings and decrypted secrets (never logged, never returned). */
export interface ConnectionView {
  id: string;
  workspaceId: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Persisted transport state: cursors, since ids, ETags. */
  state: Record<string, unknown>;
}

export interface InboundRequest {
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: Buffer;
}

export type WebhookVerdict =
  /** Answer a subscription handshake (Meta hub.challenge, X CRC) without storing anything. */
  | { kind: 'respond'; status: number; contentType: string; body: string }
  /** Signature valid: store the payload, then answer 200. */
  | { kind: 'accept' }
  /** Signature missing or wrong: 401, nothing stored. */
  | { kind: 'reject'; status: 401 | 403; reason: string };

/** How an import file is cut into native payloads. */
export type ImportFraming = 'lines' | 'document' | 'mbox' | 'csv';

export interface PollResult {
  payloads: NativePayload[];
  /** Replaces the connection's state after the payloads are stored (cursor, since_id, ETag...). */
  state: Record<string, unknown>;
  /** Seconds to wait before the next poll (rate limits, Retry-After). */
  retryAfterSeconds?: number;
}

export interface OutboundMessage {
  kind: 'reply' | 'publish' | 'message';
  text: string;
  /** Stable per outbox message: pass it to platforms that deduplicate (Idempotency-Key), so a retry after a crash posts once. */
  idempotencyKey?: string;
  /** The post replied to, for replies and private messages. */
  inReplyTo?: { externalId: string; authorExternalId?: string | null; threadExternalId?: string | null; url?: string | null } | null;
}

/** What a driver may use for I/O: an SSRF-guarded fetch, the stop signal, the clock, a logger. */
export interface DriverRuntime {
  fetch: (url: string | URL, init?: import('undici').RequestInit) => Promise<import('undici').Response>;
  signal: AbortSignal;
  now: () => Date;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Whether loopback/private addresses may be reached (tests' stand-in servers, intranet sources). */
  allowPrivateNetwork: boolean;
}

export interface ChannelDriver {
  type: string;
  /** Human name for the UI. */
  label: string;
  /** Public settings, validated on create. */
  settingsSchema: TSchema;
  /** Settings keys that are secrets: encrypted at rest, never returned by the API. */
  secretKeys: readonly string[];
  /** True when the platform pushes to a per-connection webhook URL. */
  receivesWebhooks: boolean;
  importFraming: ImportFraming;
  /**
   * Turns the bytes of an imported document (or a fetched body) into the text stored as the raw body,
   * when the format declares its own encoding (an XML prolog's encoding="ISO-8859-1"). Default: UTF-8.
   */
  decode?(bytes: Buffer, contentType?: string | null): string;
  /**
   * Turns the bytes of an imported document (or a fetched body) into the payload to store, keeping the
   * bytes faithfully (src/channels/payload-bytes.ts) when their meaning depends on a charset the parser
   * finds. Takes precedence over `decode` for imports.
   */
  storeBytes?(bytes: Buffer, contentType?: string | null): NativePayload;
  /**
   * Cuts an import file into payloads on bytes, for formats whose units carry their own encoding
   * (mbox/.eml: each message stored exactly as IMAP stores it). Required for the 'mbox' framing.
   */
  importUnits?(source: AsyncIterable<Buffer | string>): AsyncGenerator<{ payload: NativePayload; dedupeKey: string }>;
  /** Pure: native payload → canonical items. Throws ParseError for payloads it cannot understand. */
  parse(payload: NativePayload, connection?: Pick<ConnectionView, 'settings'>): ParseResult;
  /** Checks an inbound webhook request in constant time (signatures) or answers its handshake. */
  verifyWebhook?(request: InboundRequest, connection: ConnectionView): WebhookVerdict;
  /** Fetches new payloads since the persisted state. */
  poll?(connection: ConnectionView, runtime: DriverRuntime): Promise<PollResult>;
  /**
   * Holds a streaming connection (NDJSON, WebSocket, SSE) until the signal aborts, reconnecting with
   * backoff. Each payload is handed over with the state to persist once it is stored (resume cursor).
   */
  stream?(connection: ConnectionView, runtime: DriverRuntime, onPayload: (payload: NativePayload, state: Record<string, unknown>) => Promise<void>): Promise<void>;
  /**
   * Completes a stored delivery with what the platform left out (Instagram mentions carry only ids),
   * by asking the platform. Returns the completed copy to store as a payload of its own (so parsing
   * stays pure and replayable), or null when there is nothing to add. Called by the pipeline before
   * parsing, outside any transaction.
   */
  enrich?(payload: NativePayload, connection: ConnectionView, runtime: DriverRuntime): Promise<NativePayload | null>;
  /** Sends a reply or post on the platform; returns the platform's id for it. */
  send?(message: OutboundMessage, connection: ConnectionView, runtime: DriverRuntime): Promise<{ externalId: string }>;
}

/**
 * What went wrong when a driver talked to its platform, in the terms that decide what to do next
 * (the outbox and the connector loops act on it, see src/channels/backoff.ts retryPlan):
 * - transient: the platform or the network failed (5xx, timeout, reset); retry soon with backoff.
 * - rate_limited: the platform asked us to slow down; retry after `retryAfterSeconds`.
 * - auth: the platform refused the credentials (expired token, revoked app); the channel needs a person.
 * - config: the connection is set up wrong (missing secret, unknown page or account); retrying will not help.
 * - permanent: the platform refused this request for good (validation, deleted target); retrying will not help.
 */
export type ChannelErrorKind = 'transient' | 'rate_limited' | 'auth' | 'config' | 'permanent';

export class ChannelError extends Error {
  readonly kind: ChannelErrorKind;
  /** Seconds the platform asked us to wait (rate_limited), when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** The HTTP status of the platform's answer, when there was one. */
  readonly status: number | undefined;

  constructor(kind: ChannelErrorKind, message: string, options: { retryAfterSeconds?: number | undefined; status?: number | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelError';
    this.kind = kind;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.status = options.status;
  }
}

/** The kind an HTTP status means when the body says nothing more specific. */
export function kindOfStatus(status: number): ChannelErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 425 || status >= 500) return 'transient';
  return 'permanent';
}

// Meta Graph API error codes (developers.facebook.com/docs/graph-api/guides/error-handling): Meta
// answers most of them with HTTP 400, so the code in the body decides, not the status.
const META_AUTH_CODES = new Set([102, 190, 10, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 230, 240, 250, 260, 270, 280, 290, 298, 299]);
const META_RATE_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014]);
const META_TRANSIENT_CODES = new Set([1, 2]);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The platform's own words for an error body: Graph {error:{message}}, X {title, detail}, Mastodon {error}, or the text. */
function errorWords(body: unknown, text: string): string {
  const root = record(body);
  const graph = record(root?.['error']);
  const candidates = [graph?.['message'], root?.['detail'], root?.['title'], root?.['error_description'], root?.['error'], root?.['message']];
  const found = candidates.find((c): c is string => typeof c === 'string' && c !== '');
  return (found ?? text).replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Meta's own estimate of a throttle (x-business-use-case-usage / x-app-usage: estimated_time_to_regain_access, minutes). */
function metaRegainSeconds(headers: { get(name: string): string | null }): number | undefined {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return undefined;
  try {
    const usage: unknown = JSON.parse(raw);
    let minutes = 0;
    for (const entries of Object.values(record(usage) ?? {})) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        const value = record(entry)?.['estimated_time_to_regain_access'];
        if (typeof value === 'number' && value > minutes) minutes = value;
      }
    }
    return minutes > 0 ? minutes * 60 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Maps a platform's failed HTTP answer to a ChannelError: the status and rate-limit headers
 * (Retry-After, x-rate-limit-reset), refined by what the body says (Meta Graph error codes such as
 * 190 OAuthException, which Meta sends with HTTP 400). Pure given `now`.
 */
export function channelErrorFromResponse(
  platform: string,
  response: { status: number; headers: { get(name: string): string | null } },
  text: string,
  now: Date,
  context = '',
): ChannelError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const status = response.status;
  let kind = kindOfStatus(status);
  let wait = retryAfterSeconds(response.headers, now);
  const graph = record(record(body)?.['error']);
  const code = typeof graph?.['code'] === 'number' ? graph['code'] : undefined;
  if (code !== undefined) {
    // Meta labels most errors OAuthException, so the type says little; the code says which.
    if (META_AUTH_CODES.has(code)) kind = 'auth';
    else if (META_RATE_CODES.has(code)) {
      kind = 'rate_limited';
      wait ??= metaRegainSeconds(response.headers);
    } else if (META_TRANSIENT_CODES.has(code) || graph?.['is_transient'] === true) kind = 'transient';
    else if (status === 400) kind = 'permanent';
  }
  if (status === 429) kind = 'rate_limited';
  // X answers 403 both for a refused app (client-forbidden: credentials) and for a refused post (duplicate content: this request).
  if (status === 403 && kind === 'auth' && /duplicate content|not allowed to (create|reply)/i.test(text)) kind = 'permanent';
  const words = errorWords(body, text);
  const where = context ? ` ${context}` : '';
  return new ChannelError(kind, `${platform} answered ${status}${where}: ${words || '(no detail)'}`, { status, ...(kind === 'rate_limited' ? { retryAfterSeconds: wait } : {}) });
}

/** Any failure as a ChannelError: errors that carry an HTTP status by it, network failures as transient, the rest transient too. */
export function asChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = record(error)?.['status'];
  if (typeof status === 'number' && status >= 400) return new ChannelError(kindOfStatus(status), message, { status, cause: error });
  if (error instanceof Error && error.name === 'BlockedAddressError') return new ChannelError('config', message, { cause: error });
  return new ChannelError('transient', message, { cause: error });
}
