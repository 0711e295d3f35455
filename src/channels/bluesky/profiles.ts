import type { CanonicalIdentity, ParseResult } from '../../listening/canonical.ts';
import type { DriverRuntime } from '../driver.ts';
import { isRecord, nonEmpty, records, type JsonRecord } from '../json-read.ts';

/**
 * Bluesky profiles by DID: Jetstream commits name their author by DID only, so handles and display
 * names come from `app.bsky.actor.getProfiles` on the public AppView (up to 25 actors per call,
 * docs.bsky.app/docs/api/app-bsky-actor-get-profiles). Its answer is stored as a payload of its own
 * and parsed here into identities, so parsing stays pure and replayable.
 */

export const DEFAULT_APPVIEW_URL = 'https://public.api.bsky.app';
/** The AppView's limit on `actors` per getProfiles call. */
export const PROFILES_PER_CALL = 25;

/** One profile view (app.bsky.actor.defs#profileViewDetailed) as a canonical identity; null without a DID. */
export function identityFromProfile(profile: JsonRecord): CanonicalIdentity | null {
  const did = nonEmpty(profile['did']);
  if (!did) return null;
  // "handle.invalid" is what the AppView says when a handle no longer verifies: no handle is better.
  const rawHandle = nonEmpty(profile['handle']);
  const handle = rawHandle && rawHandle !== 'handle.invalid' ? rawHandle : null;
  const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);
  return {
    channel: 'bluesky',
    externalId: did,
    handle,
    displayName: nonEmpty(profile['displayName']) ?? null,
    profileUrl: `https://bsky.app/profile/${handle ?? did}`,
    avatarUrl: nonEmpty(profile['avatar']) ?? null,
    bio: nonEmpty(profile['description']) ?? null,
    followers: count(profile['followersCount']),
    following: count(profile['followsCount']),
  };
}

/** True for a getProfiles answer (`{profiles: [...]}`), as opposed to a Jetstream event. */
export function isProfilesAnswer(body: JsonRecord): boolean {
  return Array.isArray(body['profiles']) && body['kind'] === undefined;
}

/** A stored getProfiles answer → identity items. */
export function parseProfilesAnswer(body: JsonRecord): ParseResult {
  const items = records(body['profiles']).flatMap((profile) => {
    const identity = identityFromProfile(profile);
    return identity ? [{ type: 'identity' as const, identity }] : [];
  });
  return { items };
}

/** Cuts DIDs into getProfiles calls. */
export function profileBatches(dids: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < dids.length; i += PROFILES_PER_CALL) batches.push(dids.slice(i, i + PROFILES_PER_CALL));
  return batches;
}

/** Asks the AppView for up to 25 profiles through the guarded fetch; throws on HTTP or shape errors. */
export async function fetchProfiles(runtime: Pick<DriverRuntime, 'fetch' | 'signal'>, appViewUrl: string, dids: readonly string[]): Promise<JsonRecord[]> {
  if (dids.length > PROFILES_PER_CALL) throw new Error(`getProfiles takes at most ${PROFILES_PER_CALL} actors, got ${dids.length}`);
  const url = new URL('/xrpc/app.bsky.actor.getProfiles', appViewUrl);
  for (const did of dids) url.searchParams.append('actors', did);
  const response = await runtime.fetch(url, { headers: { accept: 'application/json' }, signal: runtime.signal });
  const text = await response.text();
  if (!response.ok) {
    let reason = text.slice(0, 200);
    try {
      const body: unknown = JSON.parse(text);
      if (isRecord(body)) reason = [nonEmpty(body['error']), nonEmpty(body['message'])].filter(Boolean).join(': ') || reason;
    } catch {
      // Not JSON: the first bytes say enough.
    }
    throw new Error(`getProfiles answered HTTP ${response.status}${reason ? ` (${reason})` : ''}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('getProfiles answered something that is not JSON');
  }
  if (!isRecord(body) || !Array.isArray(body['profiles'])) throw new Error('getProfiles answer has no profiles list');
  return records(body['profiles']);
}
