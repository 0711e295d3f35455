import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/platform/db/store.ts';
import { dropFreshDatabases, freshDatabaseUrl } from '../support/durability-databases.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, freePort } from '../support/spawned-server.ts';
import { SECRET_KEY, spawnRole, startNats, stopAll } from './processes.ts';

/** Several `townhall api` starting at once on an empty database: one migrates and bootstraps, the others find it done. */
describe.skipIf(!inject('postgresTemplate'))('concurrent first starts', () => {
  afterAll(async () => {
    await stopAll();
    await dropFreshDatabases();
  }, 120_000);

  it('two apis and a worker started together on an empty database make one workspace with one admin', async () => {
    const nats = await startNats();
    const databaseUrl = await freshDatabaseUrl('townhall_roles');
    const env = { DATABASE_URL: databaseUrl, NATS_URL: nats.url, TOWNHALL_SECRET_KEY: SECRET_KEY, TOWNHALL_ADMIN_EMAIL: ADMIN_EMAIL, TOWNHALL_ADMIN_PASSWORD: ADMIN_PASSWORD, HOST: '127.0.0.1' };
    const roles = [spawnRole('api', { ...env, PORT: String(await freePort()) }), spawnRole('api', { ...env, PORT: String(await freePort()) }), spawnRole('worker', env)];
    await Promise.all(roles.map((r) => r.running()));
    expect(roles.filter((r) => r.output().includes('First start: created the workspace and its admin')).length).toBe(1);
    const store = await openStore({ databaseUrl });
    try {
      const workspaces = await store.db.selectFrom('workspaces').select('id').execute();
      const users = await store.db.selectFrom('users').select('email').execute();
      expect(workspaces).toHaveLength(1);
      expect(users.map((u) => u.email)).toEqual([ADMIN_EMAIL]);
    } finally {
      await store.close();
    }
  }, 300_000);
});
