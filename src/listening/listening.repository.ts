import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, EngagementKind, ListeningQueryRow } from '../platform/db/schema.ts';
import type { CanonicalIdentity, CanonicalPost } from './canonical.ts';

/** Writes of the listening pipeline: identities, posts, revisions, engagements, query matches. Idempotent by design. */

/** Inserts or refreshes an identity by (workspace, channel, externalId); never clears a known field. */
export async function upsertIdentity(db: Kysely<Database>, workspaceId: string, identity: CanonicalIdentity): Promise<string> {
  const id = (await upsertIdentities(db, workspaceId, [identity])).get(`${identity.channel}:${identity.externalId}`);
  if (!id) throw new Error(`identity ${identity.channel}:${identity.externalId} was not stored`);
  return id;
}

export interface ExistingPost {
  id: string;
  text: string;
  metrics: Record<string, number>;
  deleted_at: Date | null;
  thread_id: string | null;
  thread_external_id: string | null;
  conversation_id: string | null;
}

export async function findPostByExternalId(db: Kysely<Database>, workspaceId: string, channel: string, externalId: string): Promise<ExistingPost | undefined> {
  return db
    .selectFrom('posts')
    .select(['id', 'text', 'metrics', 'deleted_at', 'thread_id', 'thread_external_id', 'conversation_id'])
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export interface NewPost {
  workspaceId: string;
  connectionId: string | null;
  rawIntakeId: number | null;
  post: CanonicalPost;
  authorIdentityId: string | null;
  parentId: string | null;
  threadId: string | null;
  threadExternalId: string | null;
  conversationId: string | null;
  language: string | null;
  analysis: Record<string, unknown> | null;
}

/** Inserts a post unless (workspace, channel, externalId) exists; returns the new id or undefined. */
export async function insertPostIfNew(db: Kysely<Database>, input: NewPost): Promise<string | undefined> {
  const [row] = await insertPostsIfNew(db, [input]);
  return row?.id;
}

/** Applies an edit: keeps the previous text in post_revisions, then updates text, metrics and analysis. */
export async function applyPostEdit(
  db: Kysely<Database>,
  workspaceId: string,
  existing: ExistingPost,
  change: { text: string; metrics: Record<string, number>; editedAt: Date; analysis: Record<string, unknown> | null },
): Promise<void> {
  await db.insertInto('post_revisions').values({ workspace_id: workspaceId, post_id: existing.id, text: existing.text, metrics: JSON.stringify(existing.metrics) }).execute();
  await db
    .updateTable('posts')
    .set({
      text: change.text,
      metrics: JSON.stringify(change.metrics),
      edited_at: change.editedAt,
      updated_at: new Date(),
      ...(change.analysis ? { analysis: JSON.stringify(change.analysis) } : {}),
    })
    .where('id', '=', existing.id)
    .execute();
}

export async function updatePostMetrics(db: Kysely<Database>, postId: string, metrics: Record<string, number>): Promise<void> {
  await db.updateTable('posts').set({ metrics: JSON.stringify(metrics), updated_at: new Date() }).where('id', '=', postId).execute();
}

/** Marks a post deleted (kept for the record); returns its id, or undefined when it is unknown or already deleted. */
export async function markPostDeleted(db: Kysely<Database>, workspaceId: string, channel: string, externalId: string, at: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('posts')
    .set({ deleted_at: at, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Remembers a delete whose item is not stored (yet): out-of-order deliveries must not bring it back. */
export async function recordTombstone(
  db: Kysely<Database>,
  input: { workspaceId: string; channel: string; externalId: string; at: Date; rawIntakeId: number | null },
): Promise<void> {
  await db
    .insertInto('intake_tombstones')
    .values({ workspace_id: input.workspaceId, channel: input.channel, external_id: input.externalId, deleted_at: input.at, raw_intake_id: input.rawIntakeId })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'external_id']).doNothing())
    .execute();
}

/** When the item was deleted, if a delete for it arrived before it did. */
export async function findTombstone(db: Kysely<Database>, workspaceId: string, channel: string, externalId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('intake_tombstones')
    .select('deleted_at')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.deleted_at;
}

/** Newly stored posts whose delete came first are marked deleted at the delete's time; returns their ids. */
export async function applyTombstones(db: Kysely<Database>, workspaceId: string, postIds: string[]): Promise<string[]> {
  if (postIds.length === 0) return [];
  const rows = await db
    .updateTable('posts')
    .from('intake_tombstones as t')
    .set((eb) => ({ deleted_at: eb.ref('t.deleted_at'), updated_at: new Date() }))
    .whereRef('t.workspace_id', '=', 'posts.workspace_id')
    .whereRef('t.channel', '=', 'posts.channel')
    .whereRef('t.external_id', '=', 'posts.external_id')
    .where('posts.workspace_id', '=', workspaceId)
    .where('posts.id', 'in', postIds)
    .where('posts.deleted_at', 'is', null)
    .returning('posts.id')
    .execute();
  return rows.map((r) => r.id);
}

/** Records an engagement once; returns its id when it is new (so the target's counter moves), undefined when it was stored before. */
export async function insertEngagementIfNew(
  db: Kysely<Database>,
  input: {
    workspaceId: string;
    channel: string;
    externalId: string;
    targetExternalId: string;
    kind: EngagementKind;
    actorIdentityId: string | null;
    at: Date;
    /** Set when the engagement was withdrawn before it arrived (a tombstone). */
    removedAt?: Date | null;
    rawIntakeId: number | null;
  },
): Promise<number | undefined> {
  const row = await db
    .insertInto('engagements')
    .values({
      workspace_id: input.workspaceId,
      channel: input.channel,
      external_id: input.externalId,
      target_external_id: input.targetExternalId,
      kind: input.kind,
      actor_identity_id: input.actorIdentityId,
      occurred_at: input.at,
      removed_at: input.removedAt ?? null,
      raw_intake_id: input.rawIntakeId,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Withdraws an engagement (unlike); returns the target and kind when it was active. */
export async function removeEngagement(db: Kysely<Database>, workspaceId: string, channel: string, externalId: string, at: Date) {
  return db
    .updateTable('engagements')
    .set({ removed_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .where('removed_at', 'is', null)
    .returning(['id', 'target_external_id', 'kind'])
    .executeTakeFirst();
}

/** Active engagement counts per kind for one target post. */
export async function engagementCounts(db: Kysely<Database>, workspaceId: string, channel: string, targetExternalId: string): Promise<Partial<Record<EngagementKind, number>>> {
  const rows = await db
    .selectFrom('engagements')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('target_external_id', '=', targetExternalId)
    .where('removed_at', 'is', null)
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.count)]));
}

export async function enabledQueries(db: Kysely<Database>, workspaceId: string): Promise<ListeningQueryRow[]> {
  return db.selectFrom('listening_queries').selectAll().where('workspace_id', '=', workspaceId).where('enabled', '=', true).execute();
}

export async function insertQueryMatches(db: Kysely<Database>, workspaceId: string, postId: string, queryIds: string[]): Promise<void> {
  if (queryIds.length === 0) return;
  await db
    .insertInto('post_query_matches')
    .values(queryIds.map((queryId) => ({ workspace_id: workspaceId, post_id: postId, query_id: queryId })))
    .onConflict((oc) => oc.columns(['post_id', 'query_id']).doNothing())
    .execute();
}

/** Upserts many identities in one statement (keys must be unique within the call); returns ids by channel:externalId. */
export async function upsertIdentities(db: Kysely<Database>, workspaceId: string, identities: CanonicalIdentity[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (identities.length === 0) return ids;
  const rows = await db
    .insertInto('social_identities')
    .values(
      identities.map((identity) => ({
        workspace_id: workspaceId,
        channel: identity.channel,
        external_id: identity.externalId,
        handle: identity.handle ?? null,
        display_name: identity.displayName ?? null,
        profile_url: identity.profileUrl ?? null,
        avatar_url: identity.avatarUrl ?? null,
        bio: identity.bio ?? null,
        location: identity.location ?? null,
        language: identity.language ?? null,
        followers: identity.followers ?? null,
        following: identity.following ?? null,
        verified: identity.verified ?? false,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'channel', 'external_id']).doUpdateSet((eb) => ({
        handle: eb.fn.coalesce('excluded.handle', 'social_identities.handle'),
        display_name: eb.fn.coalesce('excluded.display_name', 'social_identities.display_name'),
        profile_url: eb.fn.coalesce('excluded.profile_url', 'social_identities.profile_url'),
        avatar_url: eb.fn.coalesce('excluded.avatar_url', 'social_identities.avatar_url'),
        bio: eb.fn.coalesce('excluded.bio', 'social_identities.bio'),
        location: eb.fn.coalesce('excluded.location', 'social_identities.location'),
        language: eb.fn.coalesce('excluded.language', 'social_identities.language'),
        followers: eb.fn.coalesce('excluded.followers', 'social_identities.followers'),
        following: eb.fn.coalesce('excluded.following', 'social_identities.following'),
        verified: sql<boolean>`excluded.verified or social_identities.verified`,
        updated_at: sql<Date>`now()`,
      })),
    )
    .returning(['id', 'channel', 'external_id'])
    .execute();
  for (const row of rows) ids.set(`${row.channel}:${row.external_id}`, row.id);
  return ids;
}

/** The contact each identity is linked to (null when none), by identity id. */
export async function identityContacts(db: Kysely<Database>, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('social_identities').select(['id', 'contact_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.contact_id]));
}

export interface StoredPostRef {
  id: string;
  channel: string;
  external_id: string;
  thread_id: string | null;
  thread_external_id: string | null;
  conversation_id: string | null;
}

/** Stored posts among (channel, externalId) pairs, for linking replies to parents outside a batch. */
export async function findPostsByExternalIds(db: Kysely<Database>, workspaceId: string, keys: { channel: string; externalId: string }[]): Promise<StoredPostRef[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('posts')
    .select(['id', 'channel', 'external_id', 'thread_id', 'thread_external_id', 'conversation_id'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb(eb.refTuple('channel', 'external_id'), 'in', keys.map((k) => eb.tuple(k.channel, k.externalId))))
    .execute();
}

/**
 * Inserts many new posts in one statement; returns the ones actually inserted (others already existed).
 * Each row is stored with its parent and thread root when they are known by then: given by the caller,
 * already stored (one lookup), or in the same statement (ids are chosen here, so a reply can point at a
 * parent inserted beside it). Linking them afterwards (linkParents) rewrote every reply row and its
 * full-text index entry once or twice more; linkParents now only finds what arrived out of order.
 */
export async function insertPostsIfNew(db: Kysely<Database>, inputs: NewPost[]): Promise<{ id: string; channel: string; external_id: string }[]> {
  if (inputs.length === 0) return [];
  const workspaceId = inputs[0]?.workspaceId ?? '';
  const key = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;
  const inCall = new Map<string, string>();
  const ids = inputs.map((input) => {
    const id = randomUUID();
    const k = key(input.post.channel, input.post.externalId);
    // The same post twice in one call: only the first is inserted, so only its id can be pointed at.
    if (input.workspaceId === workspaceId && !inCall.has(k)) inCall.set(k, id);
    return id;
  });
  const wanted = new Map<string, { channel: string; externalId: string }>();
  for (const input of inputs) {
    if (input.workspaceId !== workspaceId) continue;
    const { channel, parentExternalId } = input.post;
    if (!input.parentId && parentExternalId) wanted.set(key(channel, parentExternalId), { channel, externalId: parentExternalId });
    if (!input.threadId && input.threadExternalId) wanted.set(key(channel, input.threadExternalId), { channel, externalId: input.threadExternalId });
  }
  const stored = new Map<string, string>();
  for (const row of await findPostsByExternalIds(db, workspaceId, [...wanted.values()])) stored.set(key(row.channel, row.external_id), row.id);
  const linkOf = (input: NewPost, externalId: string | null | undefined, ownId: string): string | null => {
    if (!externalId || input.workspaceId !== workspaceId) return null;
    const k = key(input.post.channel, externalId);
    const found = stored.get(k) ?? inCall.get(k) ?? null;
    return found === ownId ? null : found;
  };
  return db
    .insertInto('posts')
    .values(
      inputs.map(({ post, ...input }, i) => ({
        id: ids[i] ?? randomUUID(),
        workspace_id: input.workspaceId,
        channel: post.channel,
        channel_connection_id: input.connectionId,
        external_id: post.externalId,
        author_identity_id: input.authorIdentityId,
        kind: post.kind,
        direction: post.direction,
        visibility: post.visibility,
        text: post.text,
        language: input.language,
        posted_at: post.postedAt,
        parent_external_id: post.parentExternalId ?? null,
        parent_id: input.parentId ?? linkOf({ post, ...input }, post.parentExternalId, ids[i] ?? ''),
        thread_external_id: input.threadExternalId,
        thread_id: input.threadId ?? linkOf({ post, ...input }, input.threadExternalId, ids[i] ?? ''),
        quoted_external_id: post.quotedExternalId ?? null,
        conversation_id: input.conversationId,
        url: post.url ?? null,
        mentions: post.mentions ?? [],
        hashtags: post.hashtags ?? [],
        links: post.links ?? [],
        metrics: JSON.stringify(post.metrics ?? {}),
        geo: post.geo ? JSON.stringify(post.geo) : null,
        attachments: JSON.stringify(post.attachments ?? []),
        analysis: input.analysis ? JSON.stringify(input.analysis) : null,
        raw_intake_id: input.rawIntakeId,
        edited_at: post.editedAt ? new Date(post.editedAt) : null,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'external_id']).doNothing())
    .returning(['id', 'channel', 'external_id'])
    .execute();
}

/**
 * Links a set of new posts into their threads, whatever order posts arrived in: replies to their parents (both
 * ways), posts whose thread key named a new post take over that post's key (its ancestors arrived), and every
 * post whose thread root is stored points at it (thread_id stays null while the root is unknown).
 */
export async function linkThreads(db: Kysely<Database>, workspaceId: string, newIds: string[]): Promise<void> {
  if (newIds.length === 0) return;
  await sql`
    update posts as c set parent_id = p.id
    from posts as p
    where c.id = any(${newIds}::uuid[]) and c.parent_id is null and c.parent_external_id is not null
      and p.workspace_id = ${workspaceId} and p.channel = c.channel and p.external_id = c.parent_external_id`.execute(db);
  await sql`
    update posts as c set parent_id = p.id
    from posts as p
    where p.id = any(${newIds}::uuid[])
      and c.workspace_id = ${workspaceId} and c.channel = p.channel and c.parent_external_id = p.external_id and c.parent_id is null`.execute(db);
  await sql`
    update posts as c set thread_external_id = n.thread_external_id
    from posts as n
    where n.id = any(${newIds}::uuid[]) and n.thread_external_id is not null and n.thread_external_id <> n.external_id
      and c.workspace_id = ${workspaceId} and c.channel = n.channel and c.thread_external_id = n.external_id and c.id <> n.id`.execute(db);
  await sql`
    update posts as c set thread_id = t.id
    from posts as t, (
      select channel, thread_external_id as key from posts where id = any(${newIds}::uuid[]) and thread_external_id is not null
      union select channel, external_id from posts where id = any(${newIds}::uuid[])
    ) as k
    where c.workspace_id = ${workspaceId} and c.channel = k.channel and c.thread_external_id = k.key
      and t.workspace_id = ${workspaceId} and t.channel = c.channel and t.external_id = c.thread_external_id
      and t.id <> c.id and c.thread_id is distinct from t.id`.execute(db);
}

/** Active engagement counts for many targets at once: rows of (target, kind, count). */
export async function engagementCountsFor(db: Kysely<Database>, workspaceId: string, keys: { channel: string; externalId: string }[]) {
  if (keys.length === 0) return [];
  return db
    .selectFrom('engagements')
    .select(['channel', 'target_external_id', 'kind', (eb) => eb.fn.countAll<number>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .where('removed_at', 'is', null)
    .where((eb) => eb(eb.refTuple('channel', 'target_external_id'), 'in', keys.map((k) => eb.tuple(k.channel, k.externalId))))
    .groupBy(['channel', 'target_external_id', 'kind'])
    .execute();
}

export async function insertQueryMatchRows(db: Kysely<Database>, rows: { workspace_id: string; post_id: string; query_id: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('post_query_matches').values(rows).onConflict((oc) => oc.columns(['post_id', 'query_id']).doNothing()).execute();
}
