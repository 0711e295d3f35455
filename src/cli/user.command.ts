import { Option, type Command } from 'commander';
import type { Role } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

export function registerUser(program: Command): void {
  const user = program.command('user').description('manage users');
  user
    .command('create')
    .description('create a user; prints a one-time password unless --password is given')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .addOption(new Option('--role <role>', 'role').choices(['admin', 'manager', 'agent', 'analyst']).default('agent'))
    .option('--password <password>', 'password (at least 8 characters); omit to generate a one-time password')
    .option(...WORKSPACE_OPTION)
    .action(async (options: { email: string; name?: string; role: Role; password?: string; workspace?: string }) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw errors.validation(`"${options.email}" is not an email address`);
      if (options.password !== undefined && options.password.length < 8) throw errors.validation('--password must be at least 8 characters');
      const { createUser } = await import('../users/users.service.ts');
      const result = await withWorkspace(options.workspace, (db, actor) =>
        createUser(db, actor, { email: options.email, name: options.name ?? options.email.split('@')[0] ?? options.email, role: options.role, password: options.password }),
      );
      console.log(`created ${result.user.role} ${result.user.email} (${result.user.id})`);
      if (result.oneTimePassword) console.log(`one-time password: ${result.oneTimePassword}`);
    });
}
