import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import { presentContact } from '../customers/contacts.presenter.ts';
import { Contact } from '../customers/contacts.schema.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentSegment } from './segments.presenter.ts';
import { countSegmentMembers, listSegments, segmentMembers } from './segments.repository.ts';
import { CreateSegmentBody, Segment, SegmentCount, SegmentQuery, UpdateSegmentBody } from './segments.schema.ts';
import { changeSegment, createSegment, getSegment, removeSegment, segmentWhere } from './segments.service.ts';

const tags = ['segments'];

/** Saved segments and their members. */
export async function segmentsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/segments', { config: { permission: 'contacts:read' }, schema: { tags, querystring: SegmentQuery, response: { 200: PageOf(Segment), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
    return toExactPage(await listSegments(db, actorOf(request).workspaceId, decodeUuidCursor(cursor), limit), limit, presentSegment);
  });

  route.post('/api/v1/segments', { config: { permission: 'contacts:write' }, schema: { tags, body: CreateSegmentBody, response: { 201: Segment, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(presentSegment(await createSegment(db, actorOf(request), request.body))),
  );

  route.get('/api/v1/segments/:id', { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, response: { 200: Segment, ...errorResponses } } }, async (request) =>
    presentSegment(await getSegment(db, actorOf(request).workspaceId, request.params.id)),
  );

  route.patch('/api/v1/segments/:id', { config: { permission: 'contacts:write' }, schema: { tags, params: IdParams, body: UpdateSegmentBody, response: { 200: Segment, ...errorResponses } } }, async (request) =>
    presentSegment(await changeSegment(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/segments/:id', { config: { permission: 'contacts:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeSegment(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  route.get(
    '/api/v1/segments/:id/contacts',
    { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, querystring: SegmentQuery, response: { 200: PageOf(Contact), ...errorResponses } } },
    async (request) => {
      const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      const workspaceId = actorOf(request).workspaceId;
      const where = await segmentWhere(db, workspaceId, request.params.id, ctx.now());
      return toExactPage(await segmentMembers(db, workspaceId, where, decodeUuidCursor(cursor), limit), limit, presentContact);
    },
  );

  route.get('/api/v1/segments/:id/count', { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, response: { 200: SegmentCount, ...errorResponses } } }, async (request) => {
    const workspaceId = actorOf(request).workspaceId;
    return { count: await countSegmentMembers(db, workspaceId, await segmentWhere(db, workspaceId, request.params.id, ctx.now())) };
  });
}
