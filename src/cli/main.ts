import { Command, CommanderError } from 'commander';
import { ConfigError } from '../platform/config.ts';
import { StoreLockedError } from '../platform/db/store.ts';
import { AppError } from '../platform/errors.ts';
import { MigrationError } from '../platform/db/migrate.ts';
import { registerStart } from './start.command.ts';
import { registerMigrate } from './migrate.command.ts';
import { registerUser } from './user.command.ts';
import { registerToken } from './token.command.ts';
import { registerImport } from './import.command.ts';
import { registerAnalyze } from './analyze.command.ts';
import { registerContacts } from './contacts.command.ts';
import { registerAccounts } from './accounts.command.ts';
import { registerDeals } from './deals.command.ts';
import { registerIdentities } from '../identity-resolution/identities.command.ts';
import { registerApi } from './api.command.ts';
import { registerWorker } from './worker.command.ts';

const program = new Command()
  .name('townhall')
  .description('Townhall, the open-source Social CRM')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerStart(program);
registerApi(program);
registerWorker(program);
registerMigrate(program);
registerUser(program);
registerToken(program);
registerImport(program);
registerAnalyze(program);
registerContacts(program);
registerAccounts(program);
registerDeals(program);
registerIdentities(program);

/** Known failures print one clear line and exit 1; anything else prints its stack. */
function fail(error: unknown): never {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError) console.error(`townhall: configuration error: ${error.message}`);
  else if (error instanceof StoreLockedError || error instanceof MigrationError) console.error(`townhall: ${error.message}`);
  else if (error instanceof AppError) console.error(`townhall: ${error.message}`);
  else if (error instanceof Error && 'code' in error && error.code === 'ECONNREFUSED') {
    console.error(`townhall: cannot reach the database (${error.message}); check DATABASE_URL or unset it to use the embedded store`);
  } else console.error(error);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
