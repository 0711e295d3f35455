import type { TSchema } from 'typebox';
import type { ParseResult } from '../listening/canonical.ts';

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
