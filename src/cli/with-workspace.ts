import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { BootstrapResult } from '../workspaces/bootstrap.ts';

/** The `--workspace` option of every command that acts in one workspace, as commander's option(flags, description). */
export const WORKSPACE_OPTION = ['--workspace <slug>', 'workspace slug (default: the first workspace)'] as const;

export interface WorkspaceOptions {
  /** Rewords a failure for the command line (the CRM commands word service errors for the command line). */
  reword?: (error: unknown) => unknown;
  /**
   * On a store without a workspace, creates it and its admin as the first `townhall start` does (and prints
   * the admin's sign-in), instead of asking for a start first: `townhall import` works on a fresh data folder.
   */
  createFirst?: boolean;
}

/** The lines `townhall start` and a first `townhall import` print about the workspace and admin they created. */
export function firstStartLines(created: NonNullable<BootstrapResult['created']>, config: Config): string[] {
  return [
    'First start: created the workspace and its admin.',
    `  Sign in at ${config.publicUrl}/login`,
    `  Email:    ${created.adminEmail}`,
    created.oneTimePassword ? `  Password: ${created.oneTimePassword}   (one-time: shown only now; change it after signing in)` : '  Password: the one set in TOWNHALL_ADMIN_PASSWORD',
  ];
}

/**
 * Runs a CLI action against the configured store (migrated first), acting as the system in the chosen
 * workspace. The store's modules load here, when a command runs, not when the CLI starts.
 */
export async function withWorkspace<T>(slug: string | undefined, action: (db: Kysely<Database>, actor: Actor) => Promise<T>, options: WorkspaceOptions = {}): Promise<T> {
  const [{ openMigratedStore }, { loadConfig }, { systemActor }, { ensureWorkspace }, { findWorkspaceBySlug, firstWorkspace }, { errors }] = await Promise.all([
    import('../platform/app.ts'),
    import('../platform/config.ts'),
    import('../auth/actor.ts'),
    import('../workspaces/bootstrap.ts'),
    import('../workspaces/workspaces.repository.ts'),
    import('../platform/errors.ts'),
  ]);
  const reword = options.reword ?? ((error: unknown) => error);
  const config = loadConfig();
  const store = await openMigratedStore(config);
  try {
    let workspace = slug === undefined ? await firstWorkspace(store.db) : await findWorkspaceBySlug(store.db, slug);
    if (!workspace && slug !== undefined) {
      const first = await firstWorkspace(store.db);
      throw errors.validation(`no workspace with slug "${slug}"; ${first ? `leave out --workspace to use "${first.slug}"` : 'the store has no workspace yet: run "townhall start" once'}`);
    }
    if (!workspace && options.createFirst) {
      const bootstrap = await ensureWorkspace(store.db, { email: config.adminEmail, password: config.adminPassword });
      if (bootstrap.created) process.stdout.write(firstStartLines(bootstrap.created, config).join('\n') + '\n');
      workspace = await firstWorkspace(store.db);
    }
    if (!workspace) throw errors.validation('the store has no workspace yet; run "townhall start" once first');
    return await action(store.db, systemActor(workspace.id));
  } catch (error) {
    throw reword(error);
  } finally {
    await store.close();
  }
}
