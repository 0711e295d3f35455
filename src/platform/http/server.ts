import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { installAuth } from '../../auth/auth.plugin.ts';
import { apiRoutes } from '../../routes.ts';
import type { AppContext } from '../context.ts';
import { installErrorHandling, sendProblem } from './errors.plugin.ts';
import { healthRoutes } from './health.routes.ts';
import { installMetrics } from './metrics.plugin.ts';
import { Problem, strictQuerystring } from './schemas.ts';

/** One registered route, as the authorisation matrix test and the docs see it. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: string | undefined;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: RouteEntry[];
  }
}

const WEB_DIST = resolve(import.meta.dirname, '../../../web/dist');

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Builds the HTTP server: API, OpenAPI, health, metrics and the web app, all in one Fastify instance. */
export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'] },
    trustProxy: false,
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      catalog.push({ method, url: route.url, permission: route.config?.permission, public: route.config?.public === true });
    }
  });
  app.addHook('onRoute', rejectUnknownQueryParameters);

  installErrorHandling(app);
  app.addSchema(Problem);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Townhall API', version: '1', description: 'Social CRM: listening, customers, engagement. Every call accepts Authorization: Bearer <token>.' },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from POST /api/v1/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'townhall_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  installMetrics(app, ctx.store);
  installAuth(app, ctx.store, ctx.now);
  await app.register(healthRoutes, { ctx });
  await app.register(apiRoutes, { ctx });
  await installWebApp(app);
  return app;
}

/**
 * Every API route refuses query parameters it does not declare (a misspelt or unsupported filter must
 * not silently return everything). Ajv runs with removeAdditional off, so `additionalProperties: false`
 * fails validation instead of stripping; the error handler names the parameter and the accepted ones.
 * Webhook routes are left alone: platforms add parameters of their own (hub.challenge, crc_token).
 */
function rejectUnknownQueryParameters(route: RouteOptions): void {
  if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
  route.schema = { ...route.schema, querystring: strictQuerystring(route.schema?.querystring) };
}

/** Serves the built React app; unknown non-API GETs fall back to index.html for client-side routing. */
async function installWebApp(app: FastifyInstance): Promise<void> {
  const hasBuild = existsSync(join(WEB_DIST, 'index.html'));
  if (hasBuild) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain').send('Townhall API is running. The web app is not built: run "npm run build:web". API docs: /api/docs'),
    );
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path.startsWith('/webhooks/') || path === '/metrics';
    if (hasBuild && request.method === 'GET' && !isApi && !path.includes('.')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return sendProblem(reply, request, { status: 404, code: 'route_not_found', title: 'Not found', detail: `no route for ${request.method} ${path}` });
  });
}
