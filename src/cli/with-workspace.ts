import type { Kysely } from 'kysely';
import { systemActor, type Actor } from '../auth/actor.ts';
import { openMigratedStore } from '../platform/app.ts';
import { loadConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import { resolveWorkspace } from '../workspaces/bootstrap.ts';

/** The `--workspace` option of every command that acts in one workspace, as commander's option(flags, description). */
export const WORKSPACE_OPTION = ['--workspace <slug>', 'workspace slug (default: the first workspace)'] as const;

/**
 * Runs a CLI action against the configured store, acting as the system in the chosen workspace. A
 * failure is thrown as `reword` turns it (the CRM commands word service errors for the command line).
 */
export async function withWorkspace<T>(slug: string | undefined, action: (db: Kysely<Database>, actor: Actor) => Promise<T>, reword: (error: unknown) => unknown = (error) => error): Promise<T> {
  const store = await openMigratedStore(loadConfig());
  try {
    const workspace = await resolveWorkspace(store.db, slug);
    return await action(store.db, systemActor(workspace.id));
  } catch (error) {
    throw reword(error);
  } finally {
    await store.close();
  }
}
