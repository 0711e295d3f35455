import { backoffDelayMs, retryAfterSeconds, sleep } from '../backoff.ts';
import type { ConnectionView, DriverRuntime, NativePayload } from '../driver.ts';
import { apiUrl, errorDetail, readToken, TWEET_QUERY, XApiError } from './x.api.ts';
import { isRecord, nonEmpty, records } from '../json-read.ts';

type OnPayload = (payload: NativePayload, state: Record<string, unknown>) => Promise<void>;

/** Rule tag marking the filtered-stream rules a connection owns; other rules on the app are left alone. */
export const ruleTag = (connectionId: string) => `townhall:${connectionId}`;

/** Splits a byte stream into complete lines (X ends each message with \r\n; blank lines are keep-alives). */
export async function* ndjsonLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line.trim()) yield line;
      newline = buffer.indexOf('\n');
    }
  }
  // An unterminated tail is a message cut off by a dropped connection: X ends every message with \r\n.
}

/**
 * True when a stream message was matched only by rules another Townhall connection owns: one X app
 * has one rule set and one stream, so each connection keeps only what its own rules (or untagged
 * rules set up outside Townhall) matched.
 */
export function belongsToOthers(line: string, connectionId: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(line);
  } catch {
    return false;
  }
  if (!isRecord(body)) return false;
  const rules = records(body['matching_rules']);
  if (rules.length === 0) return false;
  const ours = ruleTag(connectionId);
  return rules.every((rule) => {
    const tag = nonEmpty(rule['tag']);
    return tag !== undefined && tag.startsWith('townhall:') && tag !== ours;
  });
}

function configuredRules(connection: ConnectionView): string[] | undefined {
  const rules = connection.settings['rules'];
  if (!Array.isArray(rules)) return undefined;
  return rules.filter((r): r is string => typeof r === 'string' && r.trim() !== '').map((r) => r.trim());
}

/**
 * Makes the app's filtered-stream rules tagged for this connection equal to settings.rules: adds the
 * missing ones, deletes the ones no longer configured. Without settings.rules the rules are not touched.
 */
export async function syncStreamRules(connection: ConnectionView, runtime: DriverRuntime): Promise<void> {
  const wanted = configuredRules(connection);
  if (wanted === undefined) return;
  const headers = { authorization: `Bearer ${readToken(connection)}`, 'content-type': 'application/json' };
  const listed = await runtime.fetch(apiUrl(connection, '/2/tweets/search/stream/rules'), { headers });
  const text = await listed.text();
  if (!listed.ok) throw new XApiError(listed.status, errorDetail(text), retryAfterSeconds(listed.headers, runtime.now()));
  let body: unknown = {};
  try {
    body = JSON.parse(text);
  } catch {
    throw new XApiError(listed.status, 'stream rules answer is not JSON');
  }
  const tag = ruleTag(connection.id);
  const existing = isRecord(body) ? records(body['data']).filter((r) => r['tag'] === tag) : [];
  const existingValues = new Set(existing.map((r) => nonEmpty(r['value'])));
  const toAdd = wanted.filter((value) => !existingValues.has(value));
  const toDelete = existing.filter((r) => !wanted.includes(nonEmpty(r['value']) ?? '')).map((r) => nonEmpty(r['id'])).filter((id): id is string => id !== undefined);
  const change = async (payload: object) => {
    const response = await runtime.fetch(apiUrl(connection, '/2/tweets/search/stream/rules'), { method: 'POST', headers, body: JSON.stringify(payload) });
    const answer = await response.text();
    if (!response.ok) throw new XApiError(response.status, errorDetail(answer), retryAfterSeconds(response.headers, runtime.now()));
  };
  if (toDelete.length > 0) await change({ delete: { ids: toDelete } });
  if (toAdd.length > 0) await change({ add: toAdd.map((value) => ({ value, tag })) });
}

/** Waits until the signal aborts. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Holds the filtered stream (GET /2/tweets/search/stream) until the signal aborts, following X's
 * reconnect guidance: network drops back off from 250 ms up to 16 s, HTTP errors from 5 s up to
 * 320 s, and 429 waits until x-rate-limit-reset (or backs off from a minute). Stalls are caught by
 * the runtime fetch's body timeout (X sends a keep-alive every 20 s). Each message line is handed
 * over as one native payload; the filtered stream has no resume cursor, so the state is passed
 * through unchanged. Connections without settings.stream just wait for the signal.
 */
export async function runFilteredStream(connection: ConnectionView, runtime: DriverRuntime, onPayload: OnPayload): Promise<void> {
  if (connection.settings['stream'] !== true) return untilAborted(runtime.signal);
  const token = readToken(connection);
  let rulesSynced = false;
  let networkFailures = 0;
  let httpFailures = 0;
  let rateLimited = 0;
  while (!runtime.signal.aborted) {
    try {
      if (!rulesSynced) {
        await syncStreamRules(connection, runtime);
        rulesSynced = true;
      }
      const response = await runtime.fetch(apiUrl(connection, '/2/tweets/search/stream', TWEET_QUERY), { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 429) {
        await response.body?.cancel();
        const wait = retryAfterSeconds(response.headers, runtime.now());
        const ms = wait !== undefined ? wait * 1000 : backoffDelayMs(rateLimited, 60_000, 15 * 60_000);
        rateLimited++;
        runtime.log.warn({ connectionId: connection.id, waitMs: ms }, 'x filtered stream rate-limited');
        await sleep(ms, runtime.signal);
        continue;
      }
      if (!response.ok || !response.body) {
        const detail = errorDetail(await response.text());
        const ms = backoffDelayMs(httpFailures, 5_000, 320_000);
        httpFailures++;
        runtime.log.warn({ connectionId: connection.id, status: response.status, detail, waitMs: ms }, 'x filtered stream refused');
        await sleep(ms, runtime.signal);
        continue;
      }
      networkFailures = 0;
      httpFailures = 0;
      rateLimited = 0;
      for await (const line of ndjsonLines(response.body)) {
        if (belongsToOthers(line, connection.id)) continue;
        await handOver(line, connection, runtime, onPayload);
        if (runtime.signal.aborted) break;
      }
      if (runtime.signal.aborted) return;
      runtime.log.info({ connectionId: connection.id }, 'x filtered stream closed by the server; reconnecting');
    } catch (error) {
      if (runtime.signal.aborted) return;
      runtime.log.warn({ connectionId: connection.id, err: error instanceof Error ? error.message : String(error) }, 'x filtered stream dropped');
      if (error instanceof XApiError) {
        const ms = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : backoffDelayMs(httpFailures++, 5_000, 320_000);
        await sleep(ms, runtime.signal);
        continue;
      }
    }
    await sleep(Math.min(16_000, 250 * (networkFailures + 1)), runtime.signal);
    networkFailures++;
  }
}

/** Hands one message over; if storing fails, retries with backoff rather than dropping the tweet (the stream has no replay). */
async function handOver(line: string, connection: ConnectionView, runtime: DriverRuntime, onPayload: OnPayload): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await onPayload({ body: line, contentType: 'application/json' }, connection.state);
      return;
    } catch (error) {
      if (runtime.signal.aborted) throw error;
      runtime.log.error({ connectionId: connection.id, err: error instanceof Error ? error.message : String(error) }, 'storing an x stream message failed; retrying');
      await sleep(backoffDelayMs(attempt, 500, 30_000), runtime.signal);
    }
  }
}
