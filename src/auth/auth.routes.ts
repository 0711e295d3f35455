import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import type { ApiTokenRow } from '../platform/db/schema.ts';
import { findUser } from '../users/users.repository.ts';
import { presentUser } from '../users/users.presenter.ts';
import { User } from '../users/users.schema.ts';
import { actorOf, SESSION_COOKIE } from './auth.plugin.ts';
import { changeOwnPassword, createApiToken, listApiTokens, revokeApiToken, signIn, signOut } from './auth.service.ts';

const LoginBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the token, to recognise it' }),
  userId: Uuid,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

function presentToken(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

function meta(request: FastifyRequest, now: Date) {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, now };
}

export async function authRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['auth'];

  route.post(
    '/api/v1/auth/login',
    {
      config: {
        public: true,
        rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute', errorResponseBuilder: (_req, context) => errors.rateLimited(Math.ceil(context.ttl / 1000)) },
      },
      schema: { tags, body: LoginBody, response: { 200: Type.Object({ user: User }), ...errorResponses, 429: Type.Ref('Problem') } },
    },
    async (request, reply) => {
      const { user, sessionId, expiresAt } = await signIn(db, request.body.email, request.body.password, meta(request, ctx.now()), ctx.config.sessionTtlHours);
      reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.cookieSecure, expires: expiresAt });
      return { user: presentUser(user) };
    },
  );

  route.post('/api/v1/auth/logout', { config: { public: true }, schema: { tags, response: { 204: Type.Null() } } }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) await signOut(db, sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  route.get('/api/v1/auth/me', { config: { permission: 'self' }, schema: { tags, response: { 200: Type.Object({ user: User, via: Type.String() }), ...errorResponses } } }, async (request) => {
    const actor = actorOf(request);
    const user = actor.userId ? await findUser(db, actor.workspaceId, actor.userId) : undefined;
    if (!user) throw errors.unauthenticated();
    return { user: presentUser(user), via: actor.via };
  });

  route.post(
    '/api/v1/auth/password',
    {
      config: { permission: 'self' },
      schema: {
        tags,
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 8, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await changeOwnPassword(db, actorOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  const tokenTags = ['tokens'];
  route.post(
    '/api/v1/tokens',
    {
      config: { permission: 'tokens:own' },
      schema: {
        tags: tokenTags,
        description: 'Creates an API token. The token is in the response once and never again.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
            userId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), apiToken: ApiToken }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, row } = await createApiToken(db, actorOf(request), request.body, ctx.now());
      return reply.status(201).send({ token, apiToken: presentToken(row) });
    },
  );

  route.get(
    '/api/v1/tokens',
    {
      config: { permission: 'tokens:own' },
      schema: { tags: tokenTags, querystring: Type.Object({ ...PageQuery, all: Type.Optional(Type.Boolean()) }), response: { 200: PageOf(ApiToken), ...errorResponses } },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listApiTokens(db, actorOf(request), request.query.all ?? false, decodeUuidCursor(request.query.cursor), limit);
      return toExactPage(rows, limit, presentToken);
    },
  );

  route.delete('/api/v1/tokens/:id', { config: { permission: 'tokens:own' }, schema: { tags: tokenTags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await revokeApiToken(db, actorOf(request), request.params.id, ctx.now());
    return reply.status(204).send(null);
  });
}
