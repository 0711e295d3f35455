import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { createAppContext } from '../../src/platform/context.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';

describe.each(STORE_KINDS)('operations endpoints and OpenAPI on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'ops');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('answers /healthz and reports readiness with the store and migrations checked', async () => {
    expect((await server.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await server.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { store: 'ok', migrations: 'current' } });
  });

  it('exposes Prometheus metrics with request durations by route template', async () => {
    await server.request('GET', '/api/v1/users', { token: ws.tokens.admin });
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.text).toMatch(/townhall_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users",status="200"\} \d+/);
    expect(metrics.text).toMatch(/townhall_process_cpu_seconds_total/);
    expect(metrics.text).toMatch(/townhall_queue_items\{queue="intake",status="pending"\} \d+/);
  });

  it('publishes an OpenAPI 3.1 document that describes every API route', async () => {
    const doc = await server.request('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const apiRoutes = server.app.routeCatalog.filter((r) => r.url.startsWith('/api/v1'));
    expect(apiRoutes.length).toBeGreaterThan(10);
    for (const route of apiRoutes) expect(documented, `${route.method} ${route.url}`).toContain(`${route.method} ${route.url}`);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves the API docs page', async () => {
    const docs = await server.request('GET', '/api/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(/swagger/i);
  });

  it('answers unknown API routes with a 404 problem document', async () => {
    const res = await server.request('GET', '/api/v1/nothing-here', { token: ws.tokens.admin });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'route_not_found', status: 404 });
  });

  it('rejects unknown fields and wrong types with every problem listed', async () => {
    const res = await server.request('POST', '/api/v1/teams', { token: ws.tokens.admin, body: { name: 'x', colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].message).toMatch(/additional properties/);
  });
});

describe('unexpected errors', () => {
  it('become a generic 500 problem with the detail only in the log', async () => {
    const store = await openTestStore('pglite');
    const logged: string[] = [];
    const config = loadConfig({ LOG_LEVEL: 'error', TOWNHALL_DATA: '.tmp/unused' });
    const app = await buildServer(
      createAppContext({ config, store, secrets: SecretBox.fromBase64(randomBytes(32).toString('base64')), now: () => new Date() }),
      { logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } } },
    );
    app.get('/boom', { config: { public: true } }, async () => {
      throw new Error('secret internal detail: connection string postgres://u:p@h');
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'internal_error', status: 500 });
      expect(res.body).not.toContain('secret internal detail');
      expect(logged.join('\n')).toContain('secret internal detail');
    } finally {
      await app.close();
      await store.close();
    }
  });
});
