import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/platform/db/store.ts';
import { createUser } from '../../src/users/users.service.ts';
import { systemActor } from '../../src/auth/actor.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';

describe.each(STORE_KINDS)('sign-in and tokens on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'auth');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('signs in with email and password, sets an httpOnly session cookie and returns the user', async () => {
    await createUser(store.db, systemActor(ws.workspaceId), { email: `ana-${kind}@auth.test`, name: 'Ana', role: 'agent', password: 'correct horse battery' });
    const login = await server.request('POST', '/api/v1/auth/login', { body: { email: `ANA-${kind}@auth.test`, password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: `ana-${kind}@auth.test`, role: 'agent' });
    expect(login.body.user).not.toHaveProperty('passwordHash');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/townhall_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const session = cookie.split(';')[0] ?? '';
    const me = await server.request('GET', '/api/v1/auth/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ via: 'session', user: { name: 'Ana' } });

    const token = await server.request('POST', '/api/v1/tokens', { headers: { cookie: session, origin: server.url }, body: { name: 'ci' } });
    expect(token.status).toBe(201);
    expect(token.body.token).toMatch(/^th_/);
    const viaToken = await server.request('GET', '/api/v1/auth/me', { token: token.body.token });
    expect(viaToken.body).toMatchObject({ via: 'token', user: { name: 'Ana' } });

    const list = await server.request('GET', '/api/v1/tokens', { token: token.body.token });
    expect(list.body.items[0]).not.toHaveProperty('token');
    expect(JSON.stringify(list.body)).not.toContain(token.body.token);

    await server.request('POST', '/api/v1/auth/logout', { headers: { cookie: session } });
    expect((await server.request('GET', '/api/v1/auth/me', { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses a wrong password with a problem document and records the failure in the audit log', async () => {
    await createUser(store.db, systemActor(ws.workspaceId), { email: `bo-${kind}@auth.test`, name: 'Bo', role: 'analyst', password: 'right password' });
    const res = await server.request('POST', '/api/v1/auth/login', { body: { email: `bo-${kind}@auth.test`, password: 'wrong password' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'invalid_credentials', status: 401 });
    const audit = await server.request('GET', '/api/v1/audit?action=auth.sign_in_failed', { token: ws.tokens.admin });
    expect(audit.body.items.length).toBeGreaterThan(0);
  });

  it('rejects a revoked token', async () => {
    const created = await server.request('POST', '/api/v1/tokens', { token: ws.tokens.analyst, body: { name: 'short-lived' } });
    expect((await server.request('GET', '/api/v1/auth/me', { token: created.body.token })).status).toBe(200);
    expect((await server.request('DELETE', `/api/v1/tokens/${created.body.apiToken.id}`, { token: ws.tokens.analyst })).status).toBe(204);
    const after = await server.request('GET', '/api/v1/auth/me', { token: created.body.token });
    expect(after.status).toBe(401);
    const audit = await server.request('GET', `/api/v1/audit?targetId=${created.body.apiToken.id}`, { token: ws.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['token.created', 'token.revoked']);
  });

  it('refuses a session-cookie write from another origin (CSRF) but accepts the same call with a token', async () => {
    await createUser(store.db, systemActor(ws.workspaceId), { email: `cy-${kind}@auth.test`, name: 'Cy', role: 'admin', password: 'cy password 1' });
    const login = await server.request('POST', '/api/v1/auth/login', { body: { email: `cy-${kind}@auth.test`, password: 'cy password 1' } });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const cross = await server.request('POST', '/api/v1/teams', { headers: { cookie: session, origin: 'https://evil.example' }, body: { name: `csrf-${kind}` } });
    expect(cross.status).toBe(403);
    const viaToken = await server.request('POST', '/api/v1/teams', { token: ws.tokens.admin, headers: { origin: 'https://evil.example' }, body: { name: `csrf-${kind}` } });
    expect(viaToken.status).toBe(201);
  });

  it('rate-limits sign-in attempts per client with 429 and Retry-After', async () => {
    const limited = await startTestServer(store, { TOWNHALL_LOGIN_RATE_LIMIT: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await limited.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@auth.test', password: 'x' } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const res = await limited.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@auth.test', password: 'x' } });
      expect(res.body.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('validates bodies and answers malformed JSON with 400 problem+json', async () => {
    const missing = await server.request('POST', '/api/v1/auth/login', { body: { email: 'a@b.c' } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('validation_failed');
    const malformed = await server.request('POST', '/api/v1/teams', { token: ws.tokens.admin, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
