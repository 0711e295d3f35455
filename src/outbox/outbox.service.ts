import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findConnection } from '../channels/channels.repository.ts';
import { driverFor } from '../channels/registry.ts';
import type { Database, OutboxRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { findPostForReply, insertOutbox } from './outbox.repository.ts';

/** Queues a reply on the post's own channel: public reply, or a private message to its author. */
export async function enqueueReply(db: Kysely<Database>, actor: Actor, postId: string, input: { text: string; private?: boolean | undefined }): Promise<OutboxRow> {
  const post = await findPostForReply(db, actor.workspaceId, postId);
  if (!post) throw errors.notFound('post');
  if (post.deleted_at) throw errors.conflict('the post was deleted on its platform; it cannot be answered there');
  if (!post.channel_connection_id) throw errors.conflict('this post did not arrive through a connected channel (imported?), so there is no account to reply from');
  const connection = await findConnection(db, actor.workspaceId, post.channel_connection_id);
  if (!connection) throw errors.conflict('the channel this post came from is no longer connected');
  if (!driverFor(connection.type)?.send) throw errors.conflict(`replies are not supported for ${connection.type} channels`);
  return db.transaction().execute(async (trx) => {
    const row = await insertOutbox(trx, {
      workspaceId: actor.workspaceId,
      connectionId: connection.id,
      kind: input.private ? 'message' : 'reply',
      inReplyToPostId: post.id,
      body: {
        text: input.text,
        channel: post.channel,
        inReplyTo: { externalId: post.external_id, authorExternalId: post.author_external_id, threadExternalId: post.thread_external_id, url: post.url },
      },
      createdBy: actor.userId,
    });
    await recordAudit(trx, actor, { action: 'outbox.reply_queued', targetType: 'post', targetId: post.id, detail: { outboxId: row.id, private: Boolean(input.private) } });
    return row;
  });
}

/** Queues a broadcast (1:n) post on a connected channel. */
export async function enqueuePublish(db: Kysely<Database>, actor: Actor, input: { channelId: string; text: string }): Promise<OutboxRow> {
  const connection = await findConnection(db, actor.workspaceId, input.channelId);
  if (!connection) throw errors.notFound('channel');
  if (!driverFor(connection.type)?.send) throw errors.conflict(`publishing is not supported for ${connection.type} channels`);
  return db.transaction().execute(async (trx) => {
    const row = await insertOutbox(trx, {
      workspaceId: actor.workspaceId,
      connectionId: connection.id,
      kind: 'publish',
      inReplyToPostId: null,
      body: { text: input.text, channel: connection.type },
      createdBy: actor.userId,
    });
    await recordAudit(trx, actor, { action: 'outbox.publish_queued', targetType: 'channel', targetId: connection.id, detail: { outboxId: row.id } });
    return row;
  });
}
