import { randomBytes, randomUUID } from 'node:crypto';
import type { RouteEntry } from '../../src/platform/http/server.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { createAppContext } from '../../src/platform/context.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import { openTestStore } from './stores.ts';

/**
 * Every registered route, read from a freshly built server (not listening), so that tests generated
 * from it cover routes added later without anyone remembering to list them. Meant for module top
 * level: test cases are created from it at collection time.
 */
export async function loadRouteCatalog(): Promise<RouteEntry[]> {
  const store = await openTestStore('pglite');
  try {
    const config = loadConfig({ TOWNHALL_DATA: '.tmp/unused', LOG_LEVEL: 'silent' });
    const app = await buildServer(createAppContext({ config, store, secrets: SecretBox.fromBase64(randomBytes(32).toString('base64')), now: () => new Date() }), { logger: false });
    await app.ready();
    const catalog = app.routeCatalog.map((route) => ({ ...route }));
    await app.close();
    return catalog;
  } finally {
    await store.close();
  }
}

/** Routes of the authenticated API: under /api/v1 and not marked public. */
export function protectedApiRoutes(catalog: RouteEntry[]): RouteEntry[] {
  return catalog.filter((route) => route.url.startsWith('/api/v1') && !route.public);
}

/** Names of the path parameters of a route URL, in order (`/teams/:id/members/:userId` → id, userId). */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
}

/** Fills a route URL's path parameters: the given values first, a random UUID for any other. */
export function fillPath(url: string, values: Record<string, string> = {}): string {
  return url.replace(/:(\w+)/g, (_all, name: string) => encodeURIComponent(values[name] ?? randomUUID()));
}

/** True for methods that carry a JSON body. */
export function hasBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}
