import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

/** A concrete path for a route pattern: every :param becomes a fresh uuid or number (validation answers before any lookup). */
function concrete(url: string, value: () => string): string {
  return url.replace(/:[A-Za-z]+/g, () => value());
}

describe.each(STORE_KINDS)('unknown query parameters on %s', (kind) => {
  const t = useTestServer(kind, 'strict-query');

  it('refuses GET /api/v1/posts?sentiment-typo with 400 naming the parameter and the accepted ones', async () => {
    const res = await t.server.request('GET', '/api/v1/posts?sentimnet=negative', { token: t.ws.tokens.analyst });
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('unknown_query_parameter');
    expect(res.body.detail).toMatch(/unknown query parameter "sentimnet"; accepted: cursor, limit, channel/);
    expect(res.body.detail).toContain('sentiment');
    expect(res.body.errors).toEqual([{ path: 'querystring/sentimnet', message: 'is not a parameter of GET /api/v1/posts' }]);
  });

  it('names every unknown parameter at once, and says when a route takes none', async () => {
    const many = await t.server.request('GET', '/api/v1/posts?foo=1&bar=2&limit=5', { token: t.ws.tokens.analyst });
    expect(many.status).toBe(400);
    expect(many.body.detail).toMatch(/^unknown query parameters "foo", "bar"; accepted: /);
    const none = await t.server.request('GET', `/api/v1/posts/${randomUUID()}/revisions?verbose=1`, { token: t.ws.tokens.analyst });
    expect(none.status).toBe(400);
    expect(none.body.detail).toBe('unknown query parameter "verbose"; this route accepts no query parameters');
  });

  it('still accepts declared parameters and reports a bad value of one as validation_failed', async () => {
    expect((await t.server.request('GET', '/api/v1/posts?limit=5&channel=x', { token: t.ws.tokens.analyst })).status).toBe(200);
    const bad = await t.server.request('GET', '/api/v1/posts?limit=0', { token: t.ws.tokens.analyst });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });

  it('refuses an undeclared parameter on every GET route of the API', async () => {
    const routes = t.server.app.routeCatalog.filter((r) => r.method === 'GET' && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
    expect(routes.length).toBeGreaterThan(30);
    const accepted: string[] = [];
    for (const route of routes) {
      const get = (value: () => string) => t.server.request('GET', `${concrete(route.url, value)}?notAParameter=1`, { token: t.ws.tokens.admin });
      let res = await get(randomUUID);
      // Path parameters are validated first: a numeric id (raw intake) needs a number.
      if (res.body?.errors?.[0]?.path?.startsWith('params')) res = await get(() => '1');
      if (res.status !== 400 || res.body?.code !== 'unknown_query_parameter') accepted.push(`${route.url} → ${res.status}`);
    }
    expect(accepted).toEqual([]);
  });

  it('leaves webhook routes alone: platforms add parameters of their own', async () => {
    const res = await t.server.request('GET', '/webhooks/no-such-key?hub.mode=subscribe&hub.challenge=1');
    expect(res.body?.code).not.toBe('unknown_query_parameter');
  });
});
