import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { findConnectionByWebhookKey } from '../channels/channels.repository.ts';
import { connectionView } from '../channels/channels.service.ts';
import { driverFor } from '../channels/registry.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { createConnectionCache } from './connection-cache.ts';

/** Headers kept with a payload: enough to re-verify and re-parse it, never credentials. */
const DROPPED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function keptHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function looksLikeJson(contentType: string | undefined): boolean {
  return /\bjson\b/i.test(contentType ?? '');
}

/**
 * Inbound webhooks, one URL per channel connection: /webhooks/<key>. The driver verifies the
 * signature over the raw body in constant time (401 and nothing stored when wrong) or answers the
 * platform's handshake; a verified payload is written to raw intake before the 200 goes out.
 */
export async function webhooksRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  // Signatures are computed over the exact bytes, so this scope keeps bodies raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  const connections = createConnectionCache((key: string) => findConnectionByWebhookKey(ctx.store.priorityDb, key));

  const params = Type.Object({ key: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

  app.route({
    method: ['GET', 'POST'],
    url: '/webhooks/:key',
    config: { public: true },
    schema: { hide: true, params },
    handler: async (request, reply) => {
      const { key } = request.params as { key: string };
      const connection = await connections.get(key);
      const driver = connection ? driverFor(connection.type) : undefined;
      if (!connection || !driver?.verifyWebhook) throw errors.notFound('webhook');
      if (connection.status === 'paused') throw errors.unavailable('this channel is paused; resume it to receive deliveries');
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const query = Object.fromEntries(Object.entries(request.query as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const verdict = driver.verifyWebhook({ method: request.method, query, headers: keptHeaders(request), rawBody }, connectionView(ctx.secrets, connection));
      if (verdict.kind === 'respond') return reply.status(verdict.status).type(verdict.contentType).send(verdict.body);
      if (verdict.kind === 'reject') {
        request.log.warn({ channelId: connection.id, reason: verdict.reason }, 'webhook rejected');
        throw errors.unauthenticated(`webhook signature check failed: ${verdict.reason}`);
      }
      const contentType = request.headers['content-type'];
      const body = rawBody.toString('utf8');
      if (looksLikeJson(contentType)) {
        try {
          JSON.parse(body);
        } catch {
          throw errors.badRequest('the body is not valid JSON');
        }
      }
      const [stored] = await ctx.intake.submit([{
        workspaceId: connection.workspace_id,
        connectionId: connection.id,
        channel: connection.type,
        source: 'webhook',
        contentType: contentType ?? null,
        headers: keptHeaders(request),
        body,
        dedupeKey: null,
      }]);
      if (!stored) throw new Error('the payload was not stored');
      return reply.status(200).send({ received: true, intakeId: stored.id });
    },
  });
}
