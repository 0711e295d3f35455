import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, PageQuery, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentPost } from '../posts/posts.presenter.ts';
import { listPosts } from '../posts/posts.repository.ts';
import { Post } from '../posts/posts.schema.ts';
import { presentConversation } from './conversations.presenter.ts';
import { findConversation, listConversations } from './conversations.repository.ts';
import { Conversation, ConversationQuery, CreateConversationBody, UpdateConversationBody } from './conversations.schema.ts';
import { changeConversation, createConversation, removeConversation } from './conversations.service.ts';

const tags = ['conversations'];

export async function conversationsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get(
    '/api/v1/conversations',
    { config: { permission: 'conversations:read' }, schema: { tags, querystring: ConversationQuery, response: { 200: PageOf(Conversation), ...errorResponses } } },
    async (request) => {
      const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = request.query;
      return toExactPage(await listConversations(db, actorOf(request).workspaceId, filter, decodeUuidCursor(cursor), limit), limit, presentConversation);
    },
  );

  route.get(
    '/api/v1/conversations/:id',
    { config: { permission: 'conversations:read' }, schema: { tags, params: IdParams, response: { 200: Conversation, ...errorResponses } } },
    async (request) => {
      const conversation = await findConversation(db, actorOf(request).workspaceId, request.params.id);
      if (!conversation) throw errors.notFound('conversation');
      return presentConversation(conversation);
    },
  );

  route.get(
    '/api/v1/conversations/:id/posts',
    {
      config: { permission: 'conversations:read' },
      schema: { tags, params: IdParams, querystring: Type.Object(PageQuery), response: { 200: PageOf(Post), ...errorResponses } },
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      if (!(await findConversation(db, workspaceId, request.params.id))) throw errors.notFound('conversation');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listPosts(db, workspaceId, { conversationId: request.params.id }, decodeUuidCursor(request.query.cursor), limit, 'asc');
      return toExactPage(rows, limit, presentPost);
    },
  );

  route.post(
    '/api/v1/conversations',
    { config: { permission: 'conversations:write' }, schema: { tags, body: CreateConversationBody, response: { 201: Conversation, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(presentConversation(await createConversation(db, actorOf(request), request.body, ctx.now()))),
  );

  route.patch(
    '/api/v1/conversations/:id',
    { config: { permission: 'conversations:write' }, schema: { tags, params: IdParams, body: UpdateConversationBody, response: { 200: Conversation, ...errorResponses } } },
    async (request) => presentConversation(await changeConversation(db, actorOf(request), request.params.id, request.body, ctx.now())),
  );

  route.delete(
    '/api/v1/conversations/:id',
    { config: { permission: 'conversations:delete' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await removeConversation(db, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
