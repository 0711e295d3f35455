import type { Static } from 'typebox';
import type { PostRevisionRow, PostView } from './posts.repository.ts';
import type { Post, PostRevision } from './posts.schema.ts';

/** The fields of a post a client sees; createdAt is when it was posted on its channel. */
export function presentPost(row: PostView): Static<typeof Post> {
  return {
    id: row.id,
    channel: row.channel,
    channelId: row.channel_connection_id,
    externalId: row.external_id,
    kind: row.kind,
    direction: row.direction,
    visibility: row.visibility,
    text: row.text,
    language: row.language,
    createdAt: row.posted_at.toISOString(),
    url: row.url,
    parentExternalId: row.parent_external_id,
    parentId: row.parent_id,
    threadExternalId: row.thread_external_id,
    threadId: row.thread_id,
    conversationId: row.conversation_id,
    authorId: row.author_identity_id,
    author: row.author_identity_id === null ? null : { id: row.author_identity_id, handle: row.author_handle, displayName: row.author_display_name },
    mentions: row.mentions,
    hashtags: row.hashtags,
    links: row.links,
    metrics: row.metrics,
    analysis: row.analysis,
    editedAt: row.edited_at?.toISOString() ?? null,
    deletedAt: row.deleted_at?.toISOString() ?? null,
    ingestedAt: row.ingested_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentPostRevision(row: PostRevisionRow): Static<typeof PostRevision> {
  return { id: row.id, text: row.text, metrics: row.metrics, revisedAt: row.revised_at.toISOString() };
}
