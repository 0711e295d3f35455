import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findConversation } from '../conversations/conversations.repository.ts';
import { findIdentity } from '../identities/identities.repository.ts';
import { findQuery } from '../listening/queries.repository.ts';
import type { Database, PostKind } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import type { Cursor } from '../platform/pagination.ts';
import {
  channelConnectionExists,
  findPost,
  findPostIdByExternalId,
  insertPost,
  insertPostRevision,
  listPostRevisions,
  listPosts,
  type PostFilter,
  updatePost,
  type PostRevisionRow,
  type PostView,
} from './posts.repository.ts';

export interface CreatePostInput {
  channel: string;
  channelId?: string | null | undefined;
  externalId: string;
  kind?: PostKind | undefined;
  direction?: 'in' | 'out' | undefined;
  visibility?: 'public' | 'private' | undefined;
  text: string;
  language?: string | null | undefined;
  postedAt?: string | undefined;
  parentExternalId?: string | null | undefined;
  threadExternalId?: string | null | undefined;
  url?: string | null | undefined;
  authorIdentityId?: string | null | undefined;
  conversationId?: string | null | undefined;
  metrics?: Record<string, number> | undefined;
}

async function checkConversation(db: Kysely<Database>, workspaceId: string, conversationId: string | null | undefined): Promise<void> {
  if (conversationId && !(await findConversation(db, workspaceId, conversationId))) {
    throw errors.validation(`conversationId: conversation ${conversationId} does not exist in this workspace`);
  }
}

/** Creates a canonical post by hand; (channel, externalId) is unique per workspace, so a repeat is a conflict. */
export async function createPost(db: Kysely<Database>, actor: Actor, input: CreatePostInput, now: Date): Promise<PostView> {
  if (input.channelId && !(await channelConnectionExists(db, actor.workspaceId, input.channelId))) {
    throw errors.validation(`channelId: channel connection ${input.channelId} does not exist in this workspace`);
  }
  if (input.authorIdentityId) {
    const author = await findIdentity(db, actor.workspaceId, input.authorIdentityId);
    if (!author) throw errors.validation(`authorIdentityId: identity ${input.authorIdentityId} does not exist in this workspace`);
    if (author.channel !== input.channel) throw errors.validation(`authorIdentityId: identity is on ${author.channel}, the post on ${input.channel}`);
  }
  await checkConversation(db, actor.workspaceId, input.conversationId);
  return db.transaction().execute(async (trx) => {
    // Replies link to their parent and thread when those are already stored.
    const parentId = input.parentExternalId ? await findPostIdByExternalId(trx, actor.workspaceId, input.channel, input.parentExternalId) : undefined;
    const threadId = input.threadExternalId ? await findPostIdByExternalId(trx, actor.workspaceId, input.channel, input.threadExternalId) : undefined;
    const id = await insertPost(trx, {
      workspace_id: actor.workspaceId,
      channel: input.channel,
      channel_connection_id: input.channelId ?? null,
      external_id: input.externalId,
      author_identity_id: input.authorIdentityId ?? null,
      kind: input.kind,
      direction: input.direction,
      visibility: input.visibility,
      text: input.text,
      language: input.language ?? null,
      posted_at: input.postedAt ? new Date(input.postedAt) : now,
      parent_external_id: input.parentExternalId ?? null,
      parent_id: parentId ?? null,
      thread_external_id: input.threadExternalId ?? null,
      thread_id: threadId ?? null,
      conversation_id: input.conversationId ?? null,
      url: input.url ?? null,
      metrics: JSON.stringify(input.metrics ?? {}),
    });
    if (!id) throw errors.conflict(`a post ${input.channel}:${input.externalId} already exists`);
    await recordAudit(trx, actor, { action: 'post.created', targetType: 'post', targetId: id, detail: { channel: input.channel, externalId: input.externalId } });
    const post = await findPost(trx, actor.workspaceId, id);
    if (!post) throw errors.notFound('post');
    return post;
  });
}

export interface UpdatePostInput {
  text?: string | undefined;
  language?: string | null | undefined;
  visibility?: 'public' | 'private' | undefined;
  url?: string | null | undefined;
  conversationId?: string | null | undefined;
  metrics?: Record<string, number> | undefined;
}

/** Updates a post; a changed text keeps the previous version in the revisions and marks the post edited. */
export async function changePost(db: Kysely<Database>, actor: Actor, id: string, input: UpdatePostInput, now: Date): Promise<PostView> {
  await checkConversation(db, actor.workspaceId, input.conversationId);
  return db.transaction().execute(async (trx) => {
    const before = await findPost(trx, actor.workspaceId, id);
    if (!before) throw errors.notFound('post');
    const textChanged = input.text !== undefined && input.text !== before.text;
    if (textChanged) {
      await insertPostRevision(trx, { workspace_id: actor.workspaceId, post_id: id, text: before.text, metrics: JSON.stringify(before.metrics) });
    }
    await updatePost(trx, actor.workspaceId, id, {
      ...(textChanged && input.text !== undefined ? { text: input.text, edited_at: now } : {}),
      ...(input.language !== undefined ? { language: input.language } : {}),
      ...(input.visibility !== undefined ? { visibility: input.visibility } : {}),
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.conversationId !== undefined ? { conversation_id: input.conversationId } : {}),
      ...(input.metrics !== undefined ? { metrics: JSON.stringify(input.metrics) } : {}),
    });
    if (textChanged) await recordAudit(trx, actor, { action: 'post.edited', targetType: 'post', targetId: id, detail: {} });
    const after = await findPost(trx, actor.workspaceId, id);
    if (!after) throw errors.notFound('post');
    return after;
  });
}

/** Soft-deletes a post: it leaves lists but keeps its (channel, externalId), so re-ingestion cannot bring it back. */
export async function removePost(db: Kysely<Database>, actor: Actor, id: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const post = await findPost(trx, actor.workspaceId, id);
    if (!post) throw errors.notFound('post');
    await updatePost(trx, actor.workspaceId, id, { deleted_at: now });
    await recordAudit(trx, actor, { action: 'post.deleted', targetType: 'post', targetId: id, detail: { channel: post.channel, externalId: post.external_id } });
  });
}

/** Earlier texts of a post, oldest first. */
export async function postHistory(db: Kysely<Database>, workspaceId: string, id: string): Promise<PostRevisionRow[]> {
  if (!(await findPost(db, workspaceId, id, { includeDeleted: true }))) throw errors.notFound('post');
  return listPostRevisions(db, workspaceId, id);
}

/** One page of posts, newest first; a listening query filter must name a query of this workspace. */
export async function findPosts(db: Kysely<Database>, workspaceId: string, filter: PostFilter, cursor: Cursor | undefined, limit: number): Promise<PostView[]> {
  if (filter.queryId && !(await findQuery(db, workspaceId, filter.queryId))) {
    throw errors.validation(`queryId: listening query ${filter.queryId} does not exist in this workspace`);
  }
  return listPosts(db, workspaceId, filter, cursor, limit);
}
