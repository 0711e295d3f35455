import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { findWorkspace, renameWorkspace } from './workspaces.repository.ts';

const Workspace = Type.Object({ id: Uuid, name: Type.String(), slug: Type.String(), createdAt: Timestamp });

export async function workspacesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['workspace'];
  const present = (w: { id: string; name: string; slug: string; created_at: Date }) => ({ id: w.id, name: w.name, slug: w.slug, createdAt: w.created_at.toISOString() });

  route.get('/api/v1/workspace', { config: { permission: 'workspace:read' }, schema: { tags, response: { 200: Workspace, ...errorResponses } } }, async (request) => {
    const workspace = await findWorkspace(db, actorOf(request).workspaceId);
    if (!workspace) throw errors.notFound('workspace');
    return present(workspace);
  });

  route.patch(
    '/api/v1/workspace',
    {
      config: { permission: 'workspace:write' },
      schema: { tags, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }), response: { 200: Workspace, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      const workspace = await db.transaction().execute(async (trx) => {
        const renamed = await renameWorkspace(trx, actor.workspaceId, request.body.name.trim());
        await recordAudit(trx, actor, { action: 'workspace.renamed', targetType: 'workspace', targetId: actor.workspaceId, detail: { name: request.body.name } });
        return renamed;
      });
      if (!workspace) throw errors.notFound('workspace');
      return present(workspace);
    },
  );
}
