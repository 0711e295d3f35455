import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import type { RouteEntry } from '../../src/platform/http/server.ts';
import { fillPath, hasBody, loadRouteCatalog, pathParams, protectedApiRoutes } from '../support/route-catalog.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestResponse, type TestServer } from '../support/server.ts';
import { minimalInstance, requestBodySchema } from '../support/schema-sample.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { SAMPLES, type Sample } from './samples.ts';

/**
 * Workspace isolation, generated from the route catalog and SAMPLES: a resource created in workspace A
 * is attacked from workspace B through every route that takes its id, and must stay invisible and
 * unchanged. A new collection is covered as soon as it has a SAMPLES entry, and this file fails
 * until it has one.
 */
const catalog = await loadRouteCatalog();
const api = protectedApiRoutes(catalog);
const label = (route: RouteEntry) => `${route.method} ${route.url}`;

/** POST routes that create in a collection: no path params, and the collection is listed or has item routes. */
const collectionsWithPost = [
  ...new Set(
    api
      .filter((route) => route.method === 'POST' && pathParams(route.url).length === 0 && !route.url.startsWith('/api/v1/auth/'))
      .filter((route) => api.some((other) => (other.method === 'GET' && other.url === route.url) || other.url.startsWith(`${route.url}/:`)))
      .map((route) => route.url),
  ),
].sort();

/** The routes that address one item of a collection: `<collection>/:param...`; that first param takes the victim's id. */
function itemRoutes(collection: string): { route: RouteEntry; idParam: string }[] {
  return api.flatMap((route) => {
    const match = route.url.startsWith(`${collection}/:`) ? /^\/:(\w+)/.exec(route.url.slice(collection.length)) : null;
    return match?.[1] ? [{ route, idParam: match[1] }] : [];
  });
}

const sampleEntries = Object.entries(SAMPLES).sort(([a], [b]) => a.localeCompare(b));

describe('SAMPLES', () => {
  it.each(collectionsWithPost.map((url) => [url] as const))('has a create body for POST %s', (url) => {
    expect(
      SAMPLES[url],
      `POST ${url} creates resources but test/security/samples.ts has no SAMPLES['${url}'] entry; add a body factory so the workspace isolation test can attack it`,
    ).toBeDefined();
  });
});

function idOf(sample: Sample, response: TestResponse): string {
  const id: unknown = sample.idOf ? sample.idOf(response.body) : response.body?.id;
  if (typeof id !== 'string' || id === '') throw new Error(`could not find the new resource's id in ${response.text}`);
  return id;
}

/**
 * Bodies to try for a write: the sample body, each of its fields alone, the smallest body the route's
 * own schema accepts, and {}; the first that passes validation is the one that reaches the lookup.
 */
function candidateBodies(sample: Sample, bodySchema: unknown): unknown[] {
  const full = sample.body();
  return [full, ...Object.entries(full).map(([key, value]) => ({ [key]: value })), ...(bodySchema ? [minimalInstance(bodySchema)] : []), {}];
}

describe.each(STORE_KINDS)('workspace isolation on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let a: SeededWorkspace;
  let b: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    a = await seedWorkspace(store.db, 'wsa');
    b = await seedWorkspace(store.db, 'wsb');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  /** What A sees of its resource: the item route when there is one, else the item in A's list. */
  async function snapshot(collection: string, id: string): Promise<unknown> {
    if (api.some((route) => route.method === 'GET' && route.url === `${collection}/:id`)) {
      const response = await server.request('GET', `${collection}/${id}`, { token: a.tokens.admin });
      expect(response.status, response.text).toBe(200);
      return response.body;
    }
    const list = await server.request('GET', collection, { token: a.tokens.admin });
    expect(list.status, list.text).toBe(200);
    const item: unknown = (list.body.items as { id: string }[]).find((entry) => entry.id === id);
    expect(item, `${id} is not in A's own list of ${collection}`).toBeDefined();
    return item;
  }

  describe.each(sampleEntries)('%s', (collection, sample) => {
    let victimId: string;
    let before: unknown;

    beforeAll(async () => {
      const body = sample.prepare ? await sample.prepare(server, a.tokens.admin) : sample.body();
      const created = await server.request('POST', collection, { token: a.tokens.admin, body });
      expect([201, 202], `creating a sample in ${collection}: ${created.text}`).toContain(created.status);
      victimId = idOf(sample, created);
      before = await snapshot(collection, victimId);
    });

    const attacks = itemRoutes(collection);
    it.each(attacks.map(({ route, idParam }) => [label(route), route, idParam] as const))(
      "%s with A's id, as B's admin, does not reach A's resource",
      async (name, route, idParam) => {
        // Other params get random UUIDs, and once more B's own admin user id, so a check on them cannot hide the leak.
        const others = pathParams(route.url).filter((param) => param !== idParam);
        const paths = [fillPath(route.url, { [idParam]: victimId })];
        if (others.length > 0) paths.push(fillPath(route.url, { ...Object.fromEntries(others.map((param) => [param, b.users.admin.id])), [idParam]: victimId }));
        const bodySchema = requestBodySchema(server.app.swagger(), route.method, route.url);
        for (const path of paths) {
          const bodies = hasBody(route.method) ? candidateBodies(sample, bodySchema) : [undefined];
          let reachedHandler = false;
          for (const body of bodies) {
            const response = await server.request(route.method, path, { token: b.tokens.admin, ...(body !== undefined ? { body } : {}) });
            expect(response.status, `${name} as B answered ${response.status}: ${response.text}`).toBeGreaterThanOrEqual(400);
            if (response.status === 400 && response.body?.code === 'validation_failed') continue;
            expect([403, 404], `${route.method} ${path} as B answered ${response.status}: ${response.text}`).toContain(response.status);
            reachedHandler = true;
            break;
          }
          expect(reachedHandler, `no body passed validation for ${name}, so the attack never reached its lookup; give SAMPLES['${collection}'] fields the route accepts`).toBe(true);
        }
        expect(await snapshot(collection, victimId)).toEqual(before);
      },
    );

    it("does not list A's resource to B", async () => {
      for (const query of ['', '?all=true']) {
        const list = await server.request('GET', collection + query, { token: b.tokens.admin });
        if (query === '') expect(list.status, list.text).toBe(200);
        if (list.status !== 200) continue;
        const ids = (list.body.items as { id: string }[]).map((item) => item.id);
        expect(ids).not.toContain(victimId);
      }
      expect(await snapshot(collection, victimId)).toEqual(before);
    });
  });
});
