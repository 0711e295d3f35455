import { sql, type Kysely, type Selectable } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Database, Insertable, PostKind, PostRevisionsTable, PostRow, PostsTable, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

/** Posts are indexed with the language-neutral 'simple' configuration (see the search column). */
const SIMPLE_CONFIG = sql<string>`'simple'::regconfig`;

/** A post as the API reads it: the row without its search vector, plus its author's names. */
export type PostView = Omit<PostRow, 'search'> & { author_handle: string | null; author_display_name: string | null; cursor_at: string };
export type PostRevisionRow = Selectable<PostRevisionsTable>;

const POST_COLUMNS = [
  'posts.id',
  'posts.workspace_id',
  'posts.channel',
  'posts.channel_connection_id',
  'posts.external_id',
  'posts.author_identity_id',
  'posts.kind',
  'posts.direction',
  'posts.visibility',
  'posts.text',
  'posts.language',
  'posts.posted_at',
  'posts.parent_external_id',
  'posts.parent_id',
  'posts.thread_external_id',
  'posts.thread_id',
  'posts.quoted_external_id',
  'posts.conversation_id',
  'posts.url',
  'posts.mentions',
  'posts.hashtags',
  'posts.links',
  'posts.metrics',
  'posts.geo',
  'posts.attachments',
  'posts.analysis',
  'posts.raw_intake_id',
  'posts.edited_at',
  'posts.deleted_at',
  'posts.ingested_at',
  'posts.updated_at',
] as const;

function selectPosts(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('posts')
    .leftJoin('social_identities as author', (join) => join.onRef('author.id', '=', 'posts.author_identity_id').onRef('author.workspace_id', '=', 'posts.workspace_id'))
    .select(POST_COLUMNS)
    .select(['author.handle as author_handle', 'author.display_name as author_display_name', exactTimestamp('posts.posted_at').as('cursor_at')])
    .where('posts.workspace_id', '=', workspaceId);
}

export async function findPost(db: Kysely<Database>, workspaceId: string, id: string, options: { includeDeleted?: boolean } = {}): Promise<PostView | undefined> {
  let query = selectPosts(db, workspaceId).where('posts.id', '=', id);
  if (!options.includeDeleted) query = query.where('posts.deleted_at', 'is', null);
  return query.executeTakeFirst();
}

export async function findPostIdByExternalId(db: Kysely<Database>, workspaceId: string, channel: string, externalId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('posts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id;
}

export interface PostFilter {
  channel?: string | undefined;
  channelId?: string | undefined;
  q?: string | undefined;
  authorId?: string | undefined;
  kind?: PostKind | undefined;
  direction?: 'in' | 'out' | undefined;
  language?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  conversationId?: string | undefined;
  includeDeleted?: boolean | undefined;
  sentiment?: string | undefined;
  intent?: string | undefined;
  topic?: string | undefined;
  entity?: string | undefined;
  queryId?: string | undefined;
}

// The analysis expressions, written exactly as the indexes of migration 0015 index them.
const SENTIMENT_LABEL = sql<string>`(posts.analysis -> 'sentiment' ->> 'label')`;
const INTENT = sql<string>`(posts.analysis ->> 'intent')`;
const TOPICS = sql<unknown>`(posts.analysis -> 'topics')`;
const ENTITIES = sql<unknown>`(posts.analysis -> 'entities')`;

/** A jsonb value for a containment test (`@>`), bound as one parameter. */
function jsonb(value: unknown) {
  return sql<unknown>`${JSON.stringify(value)}::jsonb`;
}

/** The query of listPosts, unexecuted (tests EXPLAIN it to see which index serves a filter). */
export function postsQuery(db: Kysely<Database>, workspaceId: string, filter: PostFilter, cursor: Cursor | undefined, limit: number, order: 'asc' | 'desc' = 'desc') {
  let query = selectPosts(db, workspaceId);
  if (!filter.includeDeleted) query = query.where('posts.deleted_at', 'is', null);
  if (filter.channel) query = query.where('posts.channel', '=', filter.channel);
  if (filter.channelId) query = query.where('posts.channel_connection_id', '=', filter.channelId);
  const q = filter.q;
  if (q) query = query.where((eb) => eb('posts.search', '@@', eb.fn<string>('websearch_to_tsquery', [SIMPLE_CONFIG, eb.val(q)])));
  if (filter.authorId) query = query.where('posts.author_identity_id', '=', filter.authorId);
  if (filter.kind) query = query.where('posts.kind', '=', filter.kind);
  if (filter.direction) query = query.where('posts.direction', '=', filter.direction);
  if (filter.language) query = query.where('posts.language', '=', filter.language);
  if (filter.since) query = query.where('posts.posted_at', '>=', new Date(filter.since));
  if (filter.until) query = query.where('posts.posted_at', '<', new Date(filter.until));
  if (filter.conversationId) query = query.where('posts.conversation_id', '=', filter.conversationId);
  if (filter.sentiment) query = query.where(SENTIMENT_LABEL, '=', filter.sentiment);
  if (filter.intent) query = query.where(INTENT, '=', filter.intent);
  if (filter.topic) query = query.where(TOPICS, '@>', jsonb([filter.topic]));
  if (filter.entity) query = query.where(ENTITIES, '@>', jsonb([{ canonical: filter.entity }]));
  const queryId = filter.queryId;
  if (queryId) {
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom('post_query_matches as m').select('m.post_id').whereRef('m.post_id', '=', 'posts.id').where('m.query_id', '=', queryId).where('m.workspace_id', '=', workspaceId)),
    );
  }
  if (cursor) {
    query = query.where((eb) => eb(eb.refTuple('posts.posted_at', 'posts.id'), order === 'desc' ? '<' : '>', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  }
  return query.orderBy('posts.posted_at', order).orderBy('posts.id', order).limit(limit + 1);
}

/** Posts newest first, or oldest first (a conversation read in time order); keyset on (posted_at, id). */
export async function listPosts(
  db: Kysely<Database>,
  workspaceId: string,
  filter: PostFilter,
  cursor: Cursor | undefined,
  limit: number,
  order: 'asc' | 'desc' = 'desc',
): Promise<PostView[]> {
  return postsQuery(db, workspaceId, filter, cursor, limit, order).execute();
}

/** Inserts a post; undefined when (workspace, channel, external id) is already taken. */
export async function insertPost(db: Kysely<Database>, values: Insertable<PostsTable>): Promise<string | undefined> {
  const row = await db
    .insertInto('posts')
    .values(values)
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updatePost(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<PostsTable>): Promise<boolean> {
  const result = await db.updateTable('posts').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertPostRevision(db: Kysely<Database>, values: Insertable<PostRevisionsTable>): Promise<void> {
  await db.insertInto('post_revisions').values(values).execute();
}

/** Earlier versions of a post, oldest first. */
export async function listPostRevisions(db: Kysely<Database>, workspaceId: string, postId: string): Promise<PostRevisionRow[]> {
  return db.selectFrom('post_revisions').selectAll().where('workspace_id', '=', workspaceId).where('post_id', '=', postId).orderBy('id').execute();
}

export async function channelConnectionExists(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom('channel_connections').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
