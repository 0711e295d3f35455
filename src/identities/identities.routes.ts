import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentIdentity } from './identities.presenter.ts';
import { findIdentity, listIdentities } from './identities.repository.ts';
import { CreateIdentityBody, Identity, IdentityQuery, UpdateIdentityBody } from './identities.schema.ts';
import { changeIdentity, createIdentity, removeIdentity } from './identities.service.ts';

const tags = ['identities'];

export async function identitiesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/identities', { config: { permission: 'identities:read' }, schema: { tags, querystring: IdentityQuery, response: { 200: PageOf(Identity), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = request.query;
    return toExactPage(await listIdentities(db, actorOf(request).workspaceId, filter, decodeUuidCursor(cursor), limit), limit, presentIdentity);
  });

  route.get('/api/v1/identities/:id', { config: { permission: 'identities:read' }, schema: { tags, params: IdParams, response: { 200: Identity, ...errorResponses } } }, async (request) => {
    const identity = await findIdentity(db, actorOf(request).workspaceId, request.params.id);
    if (!identity) throw errors.notFound('identity');
    return presentIdentity(identity);
  });

  route.post('/api/v1/identities', { config: { permission: 'identities:write' }, schema: { tags, body: CreateIdentityBody, response: { 201: Identity, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(presentIdentity(await createIdentity(db, actorOf(request), request.body))),
  );

  route.patch(
    '/api/v1/identities/:id',
    { config: { permission: 'identities:write' }, schema: { tags, params: IdParams, body: UpdateIdentityBody, response: { 200: Identity, ...errorResponses } } },
    async (request) => presentIdentity(await changeIdentity(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/identities/:id', { config: { permission: 'identities:delete' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeIdentity(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
