import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, PageQuery, typed } from '../platform/http/schemas.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { findUser, listUsers } from './users.repository.ts';
import { presentUser } from './users.presenter.ts';
import { CreatedUser, CreateUserBody, RoleSchema, UpdateUserBody, User } from './users.schema.ts';
import { changeUser, createUser, removeUser } from './users.service.ts';

const tags = ['users'];

export async function usersRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get(
    '/api/v1/users',
    {
      config: { permission: 'users:read' },
      schema: {
        tags,
        querystring: Type.Object({ ...PageQuery, role: Type.Optional(RoleSchema), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])), q: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: PageOf(User), ...errorResponses },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listUsers(db, actorOf(request).workspaceId, request.query, decodeUuidCursor(request.query.cursor), limit);
      return toExactPage(rows, limit, presentUser);
    },
  );

  route.get('/api/v1/users/:id', { config: { permission: 'users:read' }, schema: { tags, params: IdParams, response: { 200: User, ...errorResponses } } }, async (request) => {
    const user = await findUser(db, actorOf(request).workspaceId, request.params.id);
    if (!user) throw errors.notFound('user');
    return presentUser(user);
  });

  route.post('/api/v1/users', { config: { permission: 'users:write' }, schema: { tags, body: CreateUserBody, response: { 201: CreatedUser, ...errorResponses } } }, async (request, reply) => {
    const { user, oneTimePassword } = await createUser(db, actorOf(request), request.body);
    return reply.status(201).send({ user: presentUser(user), oneTimePassword });
  });

  route.patch(
    '/api/v1/users/:id',
    { config: { permission: 'users:write' }, schema: { tags, params: IdParams, body: UpdateUserBody, response: { 200: User, ...errorResponses } } },
    async (request) => presentUser(await changeUser(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/users/:id', { config: { permission: 'users:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeUser(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
