import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../platform/db/store.ts';
import { errors } from '../platform/errors.ts';
import type { Actor } from './actor.ts';
import { authenticate } from './auth.service.ts';
import { can, isPermission, type Permission } from './policy.ts';

export const SESSION_COOKIE = 'townhall_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Permission the caller's role must hold; every /api/v1 route names one or is public. */
    permission?: Permission;
    /** Route reachable without authentication (sign-in, health). */
    public?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** Cookie sessions on unsafe methods must come from our own origin (CSRF); bearer tokens need no such check. */
function crossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return request.headers['sec-fetch-site'] === 'cross-site';
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/** The single authorisation hook: authenticate, then check the route's permission against the role policy. */
export function installAuth(app: FastifyInstance, store: Store, now: () => Date): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url ?? '';
    if (config.public) return;
    const permission = config.permission;
    if (permission === undefined) {
      if (url.startsWith('/api/v1')) {
        // Fail closed: an API route that forgot to declare a permission is unreachable.
        request.log.error({ route: url }, 'route has no permission declared');
        throw errors.forbidden('this route has no access policy');
      }
      return;
    }
    if (!isPermission(permission)) throw errors.forbidden('unknown permission');
    const bearer = bearerOf(request);
    const sessionId = bearer === undefined ? request.cookies[SESSION_COOKIE] : undefined;
    const principal = await authenticate(store.db, { bearer, sessionId }, now());
    if (!principal) {
      throw errors.unauthenticated(bearer !== undefined ? 'The API token is not valid, revoked or expired.' : undefined);
    }
    if (principal.via === 'session' && UNSAFE.has(request.method) && crossSite(request)) {
      throw errors.forbidden('cross-site request refused; call the API from the Townhall web app or with an API token');
    }
    request.actor = { workspaceId: principal.workspaceId, userId: principal.userId, role: principal.role, tokenId: principal.tokenId, via: principal.via, ip: request.ip };
    if (!can(principal.role, permission)) throw errors.forbidden(`the ${principal.role} role does not hold ${permission}`);
  });
}

/** The acting principal of an authenticated route (the hook guarantees it is set). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw errors.unauthenticated();
  return request.actor;
}
