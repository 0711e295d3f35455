import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import type { AuditRow } from '../platform/db/schema.ts';
import { errorResponses, Nullable, PageOf, PageQuery, Timestamp, typed } from '../platform/http/schemas.ts';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../platform/pagination.ts';
import { listAudit } from './audit.repository.ts';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Nullable(Type.String()),
  actorUserId: Nullable(Type.String()),
  actorTokenId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Nullable(Type.String()),
  createdAt: Timestamp,
});

function present(row: AuditRow) {
  return {
    id: row.id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    actorUserId: row.actor_user_id,
    actorTokenId: row.actor_token_id,
    detail: row.detail,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
  };
}

export async function auditRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  typed(app).get(
    '/api/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        querystring: Type.Object({ ...PageQuery, action: Type.Optional(Type.String()), targetType: Type.Optional(Type.String()), targetId: Type.Optional(Type.String()) }),
        response: { 200: PageOf(AuditEntry), ...errorResponses },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listAudit(ctx.store.db, actorOf(request).workspaceId, request.query, decodeCursor(request.query.cursor), limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(present), nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, String(last.id)) : null };
    },
  );
}
