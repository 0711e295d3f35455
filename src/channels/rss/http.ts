import type { RequestInit, Response } from 'undici';
import { ChannelError, kindOfStatus, type DriverRuntime } from '../driver.ts';

/**
 * HTTP helpers shared by the polling drivers. Every request goes through runtime.fetch (SSRF guard);
 * redirects are followed by hand so that each hop is checked again and a permanent move is known.
 */

/** A failed HTTP answer of a feed, forum or video platform, as a ChannelError of the kind its status means. */
export class HttpStatusError extends ChannelError {
  constructor(status: number, message: string, retryAfterSeconds?: number) {
    super(kindOfStatus(status), message, { status, retryAfterSeconds });
    this.name = 'HttpStatusError';
  }
}

export interface FetchedResponse {
  response: Response;
  /** The URL that answered. */
  url: string;
  /** Set when every redirect on the way was permanent (301/308): the URL to use from now on. */
  movedTo: string | null;
}

/** GET/POST following up to `maxRedirects` redirects, each hop through the guarded fetch. */
export async function fetchFollowing(runtime: DriverRuntime, url: string, init: RequestInit = {}, maxRedirects = 5): Promise<FetchedResponse> {
  let current = url;
  let permanent = true;
  for (let hop = 0; ; hop++) {
    const response = await runtime.fetch(current, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(response.status) || !location) {
      return { response, url: current, movedTo: hop > 0 && permanent ? current : null };
    }
    await response.body?.cancel();
    if (hop >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects fetching ${redact(url)}`);
    permanent &&= response.status === 301 || response.status === 308;
    current = new URL(location, current).toString();
  }
}

/** Reads a response body, refusing more than `maxBytes` (a feed is not allowed to fill the memory). */
export async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`response of ${declared} bytes is larger than the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new Error(`response is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** A URL for logs and errors: no query string (API keys travel there). */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
