import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createIntake, NO_SIGNAL, type Intake } from '../../intake/intake.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { DriverRuntime } from '../driver.ts';
import { isRecord, nonEmpty, type JsonRecord } from '../json-read.ts';
import { DEFAULT_APPVIEW_URL, fetchProfiles, profileBatches } from './profiles.ts';
import { blueskyConnections, didsWithoutHandle, freshProfiles, saveProfiles, type CachedProfile } from './profiles.repository.ts';

/** How long a found profile is trusted before it is asked again. */
export const PROFILE_TTL_MS = 24 * 3600_000;
/** A DID the AppView does not know (deleted, taken down) is asked again after this. */
export const NOT_FOUND_TTL_MS = 6 * 3600_000;
/** A failed lookup (AppView down, rate limited) is retried after this. */
export const FAILURE_TTL_MS = 10 * 60_000;

export interface ProfileRefresh {
  /** Identities without a handle that were considered. */
  unresolved: number;
  fromCache: number;
  fetched: number;
  /** DIDs whose lookup failed (retried after FAILURE_TTL_MS). */
  failed: number;
  /** The stored payload holding the profiles, processed by the pipeline like any other; null when none was found. */
  intakeId: number | null;
  error?: string;
}

const profileView = (row: CachedProfile): JsonRecord => ({
  did: row.did,
  ...(row.handle ? { handle: row.handle } : {}),
  ...(row.display_name ? { displayName: row.display_name } : {}),
  ...(row.avatar_url ? { avatar: row.avatar_url } : {}),
  ...(row.description ? { description: row.description } : {}),
});

/**
 * Gives a workspace's Bluesky identities known by DID only their handle and display name: the DID
 * cache first, then `app.bsky.actor.getProfiles` in calls of 25 for the rest, through the guarded
 * fetch. The profiles are stored as one payload in raw intake (an answer in getProfiles' own shape),
 * which the pipeline parses into identity updates. A failing lookup is remembered for a short while
 * and never touches ingestion: posts are stored without the handle and resolved on a later round.
 */
export async function refreshBlueskyProfiles(
  db: Kysely<Database>,
  runtime: Pick<DriverRuntime, 'fetch' | 'signal'>,
  input: { workspaceId: string; connectionId?: string | null; appViewUrl?: string; now: Date; limit?: number; intake?: Intake },
): Promise<ProfileRefresh> {
  const dids = await didsWithoutHandle(db, input.workspaceId, input.limit ?? 250);
  const result: ProfileRefresh = { unresolved: dids.length, fromCache: 0, fetched: 0, failed: 0, intakeId: null };
  if (dids.length === 0) return result;
  const cached = await freshProfiles(db, dids, input.now);
  const known = new Set(cached.map((row) => row.did));
  const found: CachedProfile[] = cached.filter((row) => row.error === null);
  result.fromCache = found.length;
  const at = input.now.getTime();
  for (const batch of profileBatches(dids.filter((did) => !known.has(did)))) {
    try {
      const profiles = await fetchProfiles(runtime, input.appViewUrl ?? DEFAULT_APPVIEW_URL, batch);
      const rows = new Map<string, CachedProfile>();
      for (const profile of profiles) {
        const did = nonEmpty(profile['did']);
        if (!did || !batch.includes(did)) continue;
        const handle = nonEmpty(profile['handle']);
        rows.set(did, { did, handle: handle && handle !== 'handle.invalid' ? handle : null, display_name: nonEmpty(profile['displayName']) ?? null, avatar_url: nonEmpty(profile['avatar']) ?? null, description: nonEmpty(profile['description']) ?? null, error: null });
      }
      const missing = batch.filter((did) => !rows.has(did)).map((did): CachedProfile => ({ did, handle: null, display_name: null, avatar_url: null, description: null, error: 'not found' }));
      await saveProfiles(db, [
        ...[...rows.values()].map((row) => ({ ...row, fetched_at: input.now, expires_at: new Date(at + PROFILE_TTL_MS) })),
        ...missing.map((row) => ({ ...row, fetched_at: input.now, expires_at: new Date(at + NOT_FOUND_TTL_MS) })),
      ]);
      found.push(...rows.values());
      result.fetched += rows.size;
    } catch (error) {
      if (runtime.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      await saveProfiles(db, batch.map((did) => ({ did, handle: null, display_name: null, avatar_url: null, description: null, error: message, fetched_at: input.now, expires_at: new Date(at + FAILURE_TTL_MS) })));
      result.failed += batch.length;
      result.error = message;
      // The AppView is failing: the rest waits for the next round rather than failing the same way.
      break;
    }
  }
  if (found.length === 0) return result;
  const body = JSON.stringify({ profiles: found.sort((a, b) => a.did.localeCompare(b.did)).map(profileView) });
  const intake = input.intake ?? createIntake(db, NO_SIGNAL);
  const [stored] = await intake.submit([{
    workspaceId: input.workspaceId,
    connectionId: input.connectionId ?? null,
    channel: 'bluesky',
    source: 'poll',
    contentType: 'application/json',
    headers: {},
    body,
    dedupeKey: `profiles:${createHash('sha256').update(body).digest('hex')}`,
  }]);
  result.intakeId = stored?.id ?? null;
  return result;
}

export interface ProfileRefresher {
  stop(): Promise<void>;
}

/**
 * Runs refreshBlueskyProfiles for every active Bluesky connection's workspace every `intervalMs`
 * (the connection's `appViewUrl` setting, else the public AppView), storing the answers through the intake
 * (which signals the workers). Errors are logged, never thrown.
 */
export function startBlueskyProfileRefresher(deps: {
  db: Kysely<Database>;
  runtime: (signal: AbortSignal) => Pick<DriverRuntime, 'fetch' | 'signal'>;
  now: () => Date;
  log: { warn(obj: object, msg?: string): void };
  intake: Intake;
  intervalMs?: number;
}): ProfileRefresher {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    for (const connection of await blueskyConnections(deps.db)) {
      if (controller.signal.aborted) return;
      const appViewUrl = isRecord(connection.settings) && typeof connection.settings['appViewUrl'] === 'string' ? connection.settings['appViewUrl'] : undefined;
      const result = await refreshBlueskyProfiles(deps.db, deps.runtime(controller.signal), { workspaceId: connection.workspace_id, connectionId: connection.id, now: deps.now(), intake: deps.intake, ...(appViewUrl ? { appViewUrl } : {}) });
      if (result.error) deps.log.warn({ channelId: connection.id, failed: result.failed, reason: result.error }, 'Bluesky profile lookup failed; retrying later');
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = round()
        .catch((error: unknown) => {
          if (!controller.signal.aborted) deps.log.warn({ err: error }, 'Bluesky profile refresh failed');
        })
        .finally(() => {
          if (!controller.signal.aborted) schedule();
        });
    }, deps.intervalMs ?? 60_000);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
