import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentPost, presentPostRevision } from './posts.presenter.ts';
import { findPost } from './posts.repository.ts';
import { CreatePostBody, Post, PostQuery, PostRevision, UpdatePostBody } from './posts.schema.ts';
import { changePost, createPost, findPosts, postHistory, removePost } from './posts.service.ts';

const tags = ['posts'];

export async function postsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/posts', { config: { permission: 'posts:read' }, schema: { tags, description: 'Posts newest first. Filters combine (AND) and keep cursor pagination; unknown parameters are refused with 400.', querystring: PostQuery, response: { 200: PageOf(Post), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = request.query;
    return toExactPage(await findPosts(db, actorOf(request).workspaceId, filter, decodeUuidCursor(cursor), limit), limit, presentPost);
  });

  route.get(
    '/api/v1/posts/:id',
    {
      config: { permission: 'posts:read' },
      schema: { tags, params: IdParams, querystring: Type.Object({ includeDeleted: Type.Optional(Type.Boolean()) }), response: { 200: Post, ...errorResponses } },
    },
    async (request) => {
      const post = await findPost(db, actorOf(request).workspaceId, request.params.id, { includeDeleted: request.query.includeDeleted === true });
      if (!post) throw errors.notFound('post');
      return presentPost(post);
    },
  );

  route.get(
    '/api/v1/posts/:id/revisions',
    { config: { permission: 'posts:read' }, schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(PostRevision) }), ...errorResponses } } },
    async (request) => ({ items: (await postHistory(db, actorOf(request).workspaceId, request.params.id)).map(presentPostRevision) }),
  );

  route.post('/api/v1/posts', { config: { permission: 'posts:write' }, schema: { tags, body: CreatePostBody, response: { 201: Post, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(presentPost(await createPost(db, actorOf(request), request.body, ctx.now()))),
  );

  route.patch(
    '/api/v1/posts/:id',
    { config: { permission: 'posts:write' }, schema: { tags, params: IdParams, body: UpdatePostBody, response: { 200: Post, ...errorResponses } } },
    async (request) => presentPost(await changePost(db, actorOf(request), request.params.id, request.body, ctx.now())),
  );

  route.delete('/api/v1/posts/:id', { config: { permission: 'posts:delete' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removePost(db, actorOf(request), request.params.id, ctx.now());
    return reply.status(204).send(null);
  });
}
