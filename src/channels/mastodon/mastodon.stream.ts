import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { backoffDelayMs, sleep } from '../backoff.ts';
import { asChannelError, channelErrorFromResponse, type ChannelError, type ConnectionView, type DriverRuntime, type NativePayload } from '../driver.ts';
import { authHeaders, compareIds, fetchNewer, MAX_PAGES_PER_SOURCE, PAGE_LIMIT, instanceBase, mastodonRetryAfter, mastodonSources, stateOf, type MastodonSource, type MastodonState } from './mastodon.client.ts';

/**
 * Mastodon streaming over Server-Sent Events (docs.joinmastodon.org/methods/streaming): one SSE
 * connection per source. Mastodon does not replay missed events, so every (re)connect first
 * catches up over REST from the persisted cursor and only then reads the stream; `update` events
 * at or below the cursor are duplicates of that catch-up and are dropped. Each event is handed over
 * as `{stream, event, payload, receivedAt}`, the WebSocket API's envelope plus our receive time.
 */

const IDLE_TIMEOUT_MS = 90_000;

type OnPayload = (payload: NativePayload, state: Record<string, unknown>) => Promise<void>;

function idOfPayload(data: string): string | null {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && 'id' in parsed && typeof parsed.id === 'string' ? parsed.id : null;
  } catch {
    return null;
  }
}

/** Holds the SSE connections of a Mastodon connection until the signal aborts. */
export async function streamMastodon(connection: ConnectionView, given: DriverRuntime, onPayload: OnPayload, options: { reconnectBaseMs?: number } = {}): Promise<void> {
  // A refusal no retry can fix (credentials, configuration) ends every source and goes to the
  // connector loop, which marks the connection and waits; the rest is retried here.
  const giveUp = new AbortController();
  let fatal: ChannelError | undefined;
  const runtime: DriverRuntime = { ...given, signal: AbortSignal.any([given.signal, giveUp.signal]) };
  const stopOn = (error: unknown): boolean => {
    const failure = asChannelError(error);
    if (failure.kind !== 'auth' && failure.kind !== 'config') return false;
    fatal ??= failure;
    giveUp.abort();
    return true;
  };
  const state: MastodonState = stateOf(connection.state);
  const all = mastodonSources(connection.settings);
  if (all.length === 0) throw new Error('nothing to listen to: set settings.hashtags, settings.mentions or settings.accounts');
  const pollOnly = connection.settings['transport'] === 'poll';
  const sources = pollOnly ? [] : all.filter((s) => s.streamPath !== null);
  const polled = pollOnly ? all : all.filter((s) => s.streamPath === null);
  const intervalMs = (typeof connection.settings['pollIntervalSeconds'] === 'number' ? connection.settings['pollIntervalSeconds'] : 60) * 1000;
  const streamBase = typeof connection.settings['streamingUrl'] === 'string' && connection.settings['streamingUrl'] ? new URL(connection.settings['streamingUrl']) : instanceBase(connection.settings);
  // Payloads of all sources are handed over one at a time, each with the full state after it.
  let queue: Promise<void> = Promise.resolve();
  const emit = (payload: NativePayload, key: string, id: string | null) => {
    const next = queue.then(async () => {
      const cursors = { ...state.cursors };
      if (id && (!cursors[key] || compareIds(id, cursors[key]) > 0)) cursors[key] = id;
      // The cursor moves only once the payload is stored, so a failed hand-over is fetched again.
      await onPayload(payload, { cursors });
      state.cursors = cursors;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const catchUp = async (source: MastodonSource) => {
    await queue;
    for (;;) {
      const cursor = state.cursors[source.key] ?? null;
      const result = await fetchNewer(runtime, connection, source, cursor);
      for (const [index, payload] of result.payloads.entries()) await emit(payload, source.key, index === result.payloads.length - 1 ? result.cursor : null);
      if (result.retryAfterSeconds !== undefined) {
        // Waiting out the limit with the stream still unread keeps the gap closed.
        runtime.log.warn({ source: source.key, seconds: result.retryAfterSeconds }, 'mastodon catch-up rate limited');
        await sleep(result.retryAfterSeconds * 1000, runtime.signal);
        if (runtime.signal.aborted) return;
        continue;
      }
      // A full run of pages means more may be waiting; a first contact takes the newest page only.
      if (!cursor || result.ids.length < MAX_PAGES_PER_SOURCE * PAGE_LIMIT) return;
    }
  };

  const run = async (source: MastodonSource) => {
    let attempt = 0;
    while (!runtime.signal.aborted) {
      const local = new AbortController();
      const signal = AbortSignal.any([runtime.signal, local.signal]);
      let idle: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => local.abort(new Error('stream idle')), IDLE_TIMEOUT_MS);
      };
      let waitMs: number | undefined;
      try {
        const url = new URL((source.streamPath ?? '').replace(/^\//, ''), streamBase);
        const response = await runtime.fetch(url, { headers: { ...authHeaders(connection), accept: 'text/event-stream', 'cache-control': 'no-cache' }, signal });
        if (!response.ok || !response.body) {
          const seconds = mastodonRetryAfter(response.status, response.headers, runtime.now());
          await response.body?.cancel();
          if (seconds !== undefined) waitMs = seconds * 1000;
          throw channelErrorFromResponse('Mastodon streaming', response, '', runtime.now(), `on ${url.pathname}`);
        }
        touch();
        // The stream is open (events queue up on the socket): now fill the gap over REST.
        await catchUp(source);
        const events: EventSourceMessage[] = [];
        const parser = createParser({ onEvent: (event) => events.push(event) });
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          touch();
          parser.feed(decoder.decode(value, { stream: true }));
          for (const event of events.splice(0)) {
            const name = event.event ?? 'message';
            if (name !== 'update' && name !== 'status.update' && name !== 'delete' && name !== 'notification') continue;
            const id = name === 'update' || name === 'notification' ? idOfPayload(event.data) : null;
            const cursor = state.cursors[source.key];
            // Already fetched by the catch-up (or seen before the drop).
            if (id && cursor && compareIds(id, cursor) <= 0) continue;
            const body = JSON.stringify({ stream: [source.key], event: name, payload: event.data, receivedAt: runtime.now().toISOString() });
            await emit({ body, contentType: 'application/json' }, source.key, id);
            attempt = 0;
          }
        }
      } catch (error) {
        if (runtime.signal.aborted || stopOn(error)) return;
        runtime.log.warn({ source: source.key, err: error instanceof Error ? error.message : String(error), attempt }, 'mastodon stream dropped; reconnecting');
      } finally {
        clearTimeout(idle);
        local.abort();
      }
      if (runtime.signal.aborted) return;
      await sleep(waitMs ?? backoffDelayMs(attempt++, options.reconnectBaseMs ?? 1000, 60_000), runtime.signal);
    }
  };

  /** Sources without a stream (account timelines, or transport "poll") are polled on the same state. */
  const poll = async (source: MastodonSource) => {
    let failures = 0;
    while (!runtime.signal.aborted) {
      let waitMs = intervalMs;
      try {
        const result = await fetchNewer(runtime, connection, source, state.cursors[source.key] ?? null, typeof connection.settings['backfillPages'] === 'number' ? connection.settings['backfillPages'] : 0);
        for (const [index, payload] of result.payloads.entries()) await emit(payload, source.key, index === result.payloads.length - 1 ? result.cursor : null);
        if (result.retryAfterSeconds !== undefined) waitMs = Math.max(waitMs, result.retryAfterSeconds * 1000);
        failures = 0;
      } catch (error) {
        if (runtime.signal.aborted || stopOn(error)) return;
        failures++;
        runtime.log.warn({ source: source.key, err: error instanceof Error ? error.message : String(error) }, 'mastodon poll failed');
        waitMs = Math.max(waitMs, backoffDelayMs(failures, 2000, 15 * 60_000));
      }
      await sleep(waitMs, runtime.signal);
    }
  };

  await Promise.all([...sources.map(run), ...polled.map(poll)]);
  await queue;
  if (fatal && !given.signal.aborted) throw fatal;
}
