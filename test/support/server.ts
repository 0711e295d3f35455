import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import { createApiToken } from '../../src/auth/auth.service.ts';
import { ROLES } from '../../src/auth/policy.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createAppContext, type AppContext } from '../../src/platform/context.ts';
import type { Database, Role } from '../../src/platform/db/schema.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import { insertUser } from '../../src/users/users.repository.ts';
import { insertWorkspace } from '../../src/workspaces/workspaces.repository.ts';
import { openTestStore, type StoreKind } from './stores.ts';

export interface TestServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  /** fetch against the real server on loopback, with JSON body and bearer token handled. */
  request(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Starts the real HTTP server on 127.0.0.1 with a random port over the given store. */
export async function startTestServer(store: Store, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ TOWNHALL_DATA: '.tmp/unused', LOG_LEVEL: 'silent', TOWNHALL_LOGIN_RATE_LIMIT: '1000', ...env });
  const ctx: AppContext = createAppContext({ config, store, secrets: SecretBox.fromBase64(randomBytes(32).toString('base64')), now: () => new Date() });
  const app = await buildServer(ctx, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    ctx,
    url,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers['authorization'] = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      }
      const response = await fetch(url + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON; keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    close: () => app.close(),
  };
}

export interface SeededWorkspace {
  workspaceId: string;
  users: Record<Role, { id: string; email: string }>;
  tokens: Record<Role, string>;
}

/** A new workspace with one user and one API token per role; tests isolate themselves by workspace. */
export async function seedWorkspace(db: Kysely<Database>, label = 'ws'): Promise<SeededWorkspace> {
  const suffix = randomBytes(4).toString('hex');
  const workspace = await insertWorkspace(db, `${label} ${suffix}`, `${label}-${suffix}`);
  const users = {} as Record<Role, { id: string; email: string }>;
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const email = `${role}-${suffix}@${label}.test`;
    const user = await insertUser(db, { workspace_id: workspace.id, email, name: `${role} ${suffix}`, role, password_hash: null });
    users[role] = { id: user.id, email };
    tokens[role] = (await createApiToken(db, systemActor(workspace.id), { name: `${role} token`, userId: user.id }, new Date())).token;
  }
  return { workspaceId: workspace.id, users, tokens };
}

export interface TestServerFixture {
  readonly store: Store;
  readonly server: TestServer;
  readonly ws: SeededWorkspace;
}

/**
 * The usual setup of an API test file: a store of `kind`, the real server on loopback and a seeded
 * workspace, opened before the describe block's tests and closed after them. Read the fields inside tests.
 */
export function useTestServer(kind: StoreKind, workspaceLabel: string, env: Record<string, string> = {}): TestServerFixture {
  let store: Store | undefined;
  let server: TestServer | undefined;
  let ws: SeededWorkspace | undefined;
  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store, env);
    ws = await seedWorkspace(store.db, workspaceLabel);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useTestServer: ${name} is only available inside tests`);
    return value;
  };
  return {
    get store() {
      return ready(store, 'store');
    },
    get server() {
      return ready(server, 'server');
    },
    get ws() {
      return ready(ws, 'ws');
    },
  };
}
