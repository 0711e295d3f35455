import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { pendingMigrations } from '../db/migrate.ts';
import type { AppContext } from '../context.ts';

const Health = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** Liveness (the process answers) and readiness (the store answers and its schema is current). */
export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/healthz', { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { public: true }, schema: { tags: ['health'], response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    const storeUp = await ctx.store.ping();
    const pending = storeUp ? await pendingMigrations(ctx.store.db).catch(() => ['unknown']) : ['unknown'];
    const checks = { store: storeUp ? 'ok' : 'unreachable', migrations: pending.length === 0 ? 'current' : `pending: ${pending.join(', ')}` };
    const ready = storeUp && pending.length === 0;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
