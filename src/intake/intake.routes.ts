import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { AppContext } from '../platform/context.ts';
import type { RawIntakeRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, Nullable, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { findIntake, listIntake } from './intake.repository.ts';

const Intake = Type.Object({
  id: Type.Integer(),
  channel: Type.String(),
  channelId: Nullable(Uuid),
  source: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('processed'), Type.Literal('dead')]),
  attempts: Type.Integer(),
  error: Nullable(Type.String({ description: 'Why the payload could not be processed (dead-letter reason)' })),
  contentType: Nullable(Type.String()),
  bytes: Type.Integer(),
  receivedAt: Timestamp,
  processedAt: Nullable(Timestamp),
});

const IntakeDetail = Type.Intersect([Intake, Type.Object({ body: Type.String({ description: 'The payload exactly as received' }) })]);

function present(row: RawIntakeRow) {
  return {
    id: row.id,
    channel: row.channel,
    channelId: row.channel_connection_id,
    source: row.source,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    contentType: row.content_type,
    bytes: Buffer.byteLength(row.body),
    receivedAt: row.received_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
  };
}

/** Raw intake as operators see it: the dead-letter queue with reasons, and re-processing after a fix. */
export async function intakeRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['intake'];

  route.get(
    '/api/v1/intake',
    {
      config: { permission: 'channels:read' },
      schema: {
        tags,
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('processed'), Type.Literal('dead')])),
          channel: Type.Optional(Type.String()),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'nextCursor of the previous page' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Intake), nextCursor: Nullable(Type.String()) }), ...errorResponses },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await listIntake(db, actorOf(request).workspaceId, request.query, request.query.cursor ? Number(request.query.cursor) : undefined, limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(present), nextCursor: rows.length > limit && last ? String(last.id) : null };
    },
  );

  route.get(
    '/api/v1/intake/:id',
    { config: { permission: 'channels:read' }, schema: { tags, params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: IntakeDetail, ...errorResponses } } },
    async (request) => {
      const row = await findIntake(db, actorOf(request).workspaceId, request.params.id);
      if (!row) throw errors.notFound('intake payload');
      return { ...present(row), body: row.body };
    },
  );

  route.post(
    '/api/v1/intake/reprocess',
    {
      config: { permission: 'channels:write' },
      schema: {
        tags,
        description: 'Puts dead-letter payloads back in the queue, after the cause (a driver bug, a missing setting) is fixed.',
        body: Type.Object({ ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })), all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ requeued: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (!request.body.all && !request.body.ids) throw errors.validation('name the payloads to re-process with ids, or set all: true');
      const requeued = await ctx.intake.requeue(actor.workspaceId, request.body.all ? 'all' : request.body.ids ?? [], (trx, ids) =>
        recordAudit(trx, actor, { action: 'intake.requeued', targetType: 'intake', detail: { count: ids.length } }),
      );
      return { requeued };
    },
  );
}
