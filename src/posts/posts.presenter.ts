import type { Static } from 'typebox';
import type { PostRevisionRow, PostView } from './posts.repository.ts';
import type { Post, PostAttachment, PostRevision } from './posts.schema.ts';

const ATTACHMENT_TYPES = new Set(['image', 'video', 'audio', 'file', 'sticker', 'location']);
type AttachmentType = Static<typeof PostAttachment>['type'];
const isAttachmentType = (value: unknown): value is AttachmentType => typeof value === 'string' && ATTACHMENT_TYPES.has(value);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** The stored attachment objects, field by field (the jsonb column is read as data, never passed through). */
export function presentAttachments(stored: readonly Record<string, unknown>[]): Static<typeof PostAttachment>[] {
  return stored.flatMap((a) => {
    const type = a['type'];
    if (!isAttachmentType(type)) return [];
    return [{ type, url: text(a['url']), mimeType: text(a['mimeType']), alt: text(a['alt']), name: text(a['name']), sizeBytes: num(a['sizeBytes']), width: num(a['width']), height: num(a['height']), durationSeconds: num(a['durationSeconds']), lat: num(a['lat']), lon: num(a['lon']) }];
  });
}

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
    attachments: presentAttachments(row.attachments),
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
