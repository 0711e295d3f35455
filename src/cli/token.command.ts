import type { Command } from 'commander';
import { errors } from '../platform/errors.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

export function registerToken(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for a user and print it (shown once)')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--name <name>', 'a name to recognise the token by', 'cli')
    .option('--expires-in-days <days>', 'expire after this many days')
    .option(...WORKSPACE_OPTION)
    .action(async (options: { email: string; name: string; expiresInDays?: string; workspace?: string }) => {
      const days = options.expiresInDays === undefined ? undefined : Number(options.expiresInDays);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw errors.validation('--expires-in-days must be a whole number of days, 1 or more');
      const [{ createApiToken }, { findUserByEmail }] = await Promise.all([import('../auth/auth.service.ts'), import('../users/users.repository.ts')]);
      const created = await withWorkspace(options.workspace, async (db, actor) => {
        const user = await findUserByEmail(db, options.email);
        if (!user || user.workspace_id !== actor.workspaceId) throw errors.validation(`no user with email ${options.email} in this workspace; create one with "townhall user create"`);
        return createApiToken(db, actor, { name: options.name, expiresInDays: days, userId: user.id }, new Date());
      });
      console.log(created.token);
      console.error(`token "${created.row.name}" (${created.row.prefix}…) created; it is not shown again`);
    });
}
