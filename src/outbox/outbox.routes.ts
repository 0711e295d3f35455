import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import type { OutboxRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { findOutbox, listOutbox } from './outbox.repository.ts';
import { enqueuePublish, enqueueReply } from './outbox.service.ts';

const Status = Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')]);
const OutboxItem = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('reply'), Type.Literal('publish'), Type.Literal('message')]),
  channelId: Uuid,
  inReplyToPostId: Nullable(Uuid),
  text: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  nextAttemptAt: Timestamp,
  lastError: Nullable(Type.String({ description: 'Why the last attempt failed; the final reason when status is failed' })),
  externalId: Nullable(Type.String({ description: "The platform's id of the sent message" })),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
});

function present(row: OutboxRow): Static<typeof OutboxItem> {
  return {
    id: row.id,
    kind: row.kind,
    channelId: row.channel_connection_id,
    inReplyToPostId: row.in_reply_to_post_id,
    text: typeof row.body['text'] === 'string' ? row.body['text'] : '',
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    externalId: row.external_id,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}

const Text = Type.String({ minLength: 1, maxLength: 10_000 });

/** Outbound replies (1:1) and broadcasts (1:n) through a persisted outbox with retries and a visible final status. */
export async function outboxRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['outbox'];

  route.post(
    '/api/v1/posts/:id/replies',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        description: 'Answers a post on its own channel: a public reply, or a private message to its author with private: true. Queued; see the outbox item for the result.',
        params: IdParams,
        body: Type.Object({ text: Text, private: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 202: OutboxItem, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(present(await enqueueReply(db, actorOf(request), request.params.id, request.body))),
  );

  route.post(
    '/api/v1/outbox',
    {
      config: { permission: 'channels:write' },
      schema: { tags, description: 'Publishes a post (1:n) on a connected channel.', body: Type.Object({ channelId: Uuid, text: Text }, { additionalProperties: false }), response: { 202: OutboxItem, ...errorResponses } },
    },
    async (request, reply) => reply.status(202).send(present(await enqueuePublish(db, actorOf(request), request.body))),
  );

  route.get(
    '/api/v1/outbox',
    { config: { permission: 'conversations:read' }, schema: { tags, querystring: Type.Object({ ...PageQuery, status: Type.Optional(Status) }), response: { 200: PageOf(OutboxItem), ...errorResponses } } },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listOutbox(db, actorOf(request).workspaceId, request.query, decodeUuidCursor(request.query.cursor), limit);
      return toExactPage(rows, limit, present);
    },
  );

  route.get('/api/v1/outbox/:id', { config: { permission: 'conversations:read' }, schema: { tags, params: IdParams, response: { 200: OutboxItem, ...errorResponses } } }, async (request) => {
    const row = await findOutbox(db, actorOf(request).workspaceId, request.params.id);
    if (!row) throw errors.notFound('outbox item');
    return present(row);
  });
}
