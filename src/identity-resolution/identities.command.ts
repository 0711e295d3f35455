import type { Command } from 'commander';
import { withWorkspace, WORKSPACE_OPTION } from '../cli/with-workspace.ts';

/** `townhall identities resolve [--workspace slug]`: re-resolves every identity not linked by a person. */
export function registerIdentities(program: Command): void {
  const identities = program.command('identities').description('social identities and their links to contacts');
  identities
    .command('resolve')
    .description('re-run identity resolution over every identity a person has not linked (auto links, suggestions for review)')
    .option(...WORKSPACE_OPTION)
    .action(async (options: { workspace?: string }) => {
      const { resolveAll } = await import('./resolution.service.ts');
      const summary = await withWorkspace(options.workspace, (db, actor) => resolveAll(db, actor));
      console.log(`resolved ${summary.processed}, auto ${summary.auto}, suggested ${summary.suggested}, unlinked ${summary.unlinked}, changed ${summary.changed}`);
    });
}
