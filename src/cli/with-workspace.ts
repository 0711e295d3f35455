import type { Kysely } from 'kysely';
import { systemActor, type Actor } from '../auth/actor.ts';
import { openMigratedStore } from '../platform/app.ts';
import { loadConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import { resolveWorkspace } from '../workspaces/bootstrap.ts';

/** Runs a CLI action against the configured store, acting as the system in the chosen workspace. */
export async function withWorkspace<T>(slug: string | undefined, action: (db: Kysely<Database>, actor: Actor) => Promise<T>): Promise<T> {
  const store = await openMigratedStore(loadConfig());
  try {
    const workspace = await resolveWorkspace(store.db, slug);
    return await action(store.db, systemActor(workspace.id));
  } finally {
    await store.close();
  }
}
