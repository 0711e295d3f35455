import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, isPermission, PERMISSIONS, ROLES } from '../../src/auth/policy.ts';
import type { Store } from '../../src/platform/db/store.ts';
import type { RouteEntry } from '../../src/platform/http/server.ts';
import { fillPath, hasBody, loadRouteCatalog, protectedApiRoutes } from '../support/route-catalog.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestResponse, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/**
 * The authorisation matrix, generated from the server's own route catalog: every authenticated API
 * route is called without credentials, with a bogus token and as every role, and the outcome must
 * match the policy table. A route added tomorrow is covered without touching this file.
 */
const catalog = await loadRouteCatalog();
const routes = protectedApiRoutes(catalog);
const label = (route: RouteEntry) => `${route.method} ${route.url}`;

function expectProblem(response: TestResponse, status: number, code?: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(response.body).toMatchObject({ status, ...(code ? { code } : {}) });
}

describe('the route catalog', () => {
  it('lists the authenticated API routes', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it.each(routes.map((route) => [label(route), route] as const))('%s declares a permission that exists in the policy', (_name, route) => {
    expect(route.permission, `${label(route)} has no config.permission; add one from PERMISSIONS in src/auth/policy.ts or mark it public`).toBeDefined();
    expect(isPermission(route.permission), `${label(route)} names unknown permission "${route.permission}"`).toBe(true);
  });
});

describe.each(STORE_KINDS)('route × role matrix on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  /** Observed status per route and role, printed as a table at the end. */
  const observed = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'matrix');
  });
  afterAll(async () => {
    if (observed.size > 0) {
      console.log(`route × role matrix on ${kind} (allowed/denied by policy, observed status):`);
      console.table(Object.fromEntries([...observed].sort(([a], [b]) => a.localeCompare(b))));
    }
    await server?.close();
    await store?.close();
  });

  /** Calls a route with random ids and, for methods with a body, an empty object, so nothing real changes. */
  function call(route: RouteEntry, headers: Record<string, string> = {}, token?: string): Promise<TestResponse> {
    return server.request(route.method, fillPath(route.url), { headers, ...(token ? { token } : {}), ...(hasBody(route.method) ? { body: {} } : {}) });
  }

  describe.each(routes.map((route) => [label(route), route] as const))('%s', (name, route) => {
    it('refuses a call without credentials with 401 problem+json', async () => {
      expectProblem(await call(route), 401, 'unauthenticated');
    });

    it('refuses an invalid bearer token with 401 problem+json', async () => {
      expectProblem(await call(route, { authorization: 'Bearer th_not_a_real_token_0000000000000000' }), 401, 'unauthenticated');
    });

    it.each(ROLES.map((role) => [role] as const))('as %s: follows the policy', async (role) => {
      const permission = route.permission;
      if (!isPermission(permission)) throw new Error(`${name} has no valid permission`);
      const allowed = can(role, permission);
      const response = await call(route, {}, ws.tokens[role]);
      observed.set(name, { ...observed.get(name), permission, [role]: `${allowed ? 'allowed' : 'denied'} ${response.status}` });
      if (allowed) {
        expect([401, 403], `${role} holds ${permission} but ${name} answered ${response.status}: ${response.text}`).not.toContain(response.status);
        expect(response.status, `${name} as ${role} failed on our side: ${response.text}`).toBeLessThan(500);
      } else {
        expectProblem(response, 403, 'forbidden');
      }
    });
  });
});

describe('the policy table', () => {
  it('gives admins every permission', () => {
    for (const permission of Object.keys(PERMISSIONS)) {
      expect(isPermission(permission) && can('admin', permission)).toBe(true);
    }
  });
});
