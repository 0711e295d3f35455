import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentDeal } from './deals.presenter.ts';
import { findDeal, listDeals } from './deals.repository.ts';
import { CreateDealBody, Deal, DealQuery, UpdateDealBody } from './deals.schema.ts';
import { changeDeal, createDeal, removeDeal } from './deals.service.ts';

const tags = ['deals'];

export async function dealsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/deals', { config: { permission: 'deals:read' }, schema: { tags, querystring: DealQuery, response: { 200: PageOf(Deal), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = request.query;
    return toExactPage(await listDeals(db, actorOf(request).workspaceId, filter, decodeUuidCursor(cursor), limit), limit, presentDeal);
  });

  route.get('/api/v1/deals/:id', { config: { permission: 'deals:read' }, schema: { tags, params: IdParams, response: { 200: Deal, ...errorResponses } } }, async (request) => {
    const deal = await findDeal(db, actorOf(request).workspaceId, request.params.id);
    if (!deal) throw errors.notFound('deal');
    return presentDeal(deal);
  });

  route.post('/api/v1/deals', { config: { permission: 'deals:write' }, schema: { tags, body: CreateDealBody, response: { 201: Deal, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(presentDeal(await createDeal(db, actorOf(request), request.body))),
  );

  route.patch(
    '/api/v1/deals/:id',
    { config: { permission: 'deals:write' }, schema: { tags, params: IdParams, body: UpdateDealBody, response: { 200: Deal, ...errorResponses } } },
    async (request) => presentDeal(await changeDeal(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/deals/:id', { config: { permission: 'deals:delete' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeDeal(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
