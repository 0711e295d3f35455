import type { Command } from 'commander';
import { presentAccount } from '../customers/accounts.presenter.ts';
import { findAccount, listAccounts } from '../customers/accounts.repository.ts';
import { AccountQuery, CreateAccountBody, UpdateAccountBody } from '../customers/accounts.schema.ts';
import { changeAccount, createAccount, removeAccount } from '../customers/accounts.service.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { checked, clearable, collect, customOf, definedOnly, forCli, limitOf, printPage, requireId, type Fields } from './input.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

const FIELDS: Fields = {
  options: { name: '--name', domains: '--domain', industry: '--industry', size: '--size', ownerId: '--owner-id', custom: '--custom', q: '--q', domain: '--domain', limit: '--limit', cursor: '--cursor' },
  expects: { domains: 'must be a domain name such as example.com (no scheme, no path)', custom: 'must be a JSON object of at most 100 fields' },
};

/** Runs an account action in the workspace, rewording its errors for the CLI. */
const inWorkspace = <T>(slug: string | undefined, action: Parameters<typeof withWorkspace<T>>[1]): Promise<T> =>
  withWorkspace(slug, action, { reword: (error) => forCli(error, FIELDS, 'check the id (townhall accounts list), or choose the workspace with --workspace') });

interface AccountOptions {
  name?: string;
  domain?: string[];
  industry?: string;
  size?: string;
  ownerId?: string;
  custom?: string;
  workspace?: string;
}

/** The options that set an account's fields, shared by create and update. */
function accountOptions(command: Command): Command {
  return command
    .option('--name <name>', 'company name')
    .option('--domain <domain>', 'web or mail domain (example.com); repeat for several (on update: replaces the list)', collect)
    .option('--industry <text>', 'industry ("" clears it)')
    .option('--size <text>', 'company size, free text such as 11-50 ("" clears it)')
    .option('--owner-id <uuid>', 'owning user ("" clears it)')
    .option('--custom <json>', 'custom fields as a JSON object (on update: replaces them)')
    .option(...WORKSPACE_OPTION);
}

/** The API body the options describe: only the options given. */
function accountBody(options: AccountOptions): Record<string, unknown> {
  return definedOnly({
    name: options.name,
    domains: options.domain,
    industry: clearable(options.industry),
    size: clearable(options.size),
    ownerId: clearable(options.ownerId),
    custom: customOf(options.custom),
  });
}

/** `townhall accounts list|show|create|update|delete`. */
export function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('accounts (companies and their domains): list, show, create, update, delete (see docs/CUSTOMERS.md)');

  accounts
    .command('list')
    .description("list accounts, newest first, one JSON object per line; the next page's cursor goes to stderr")
    .option('--q <text>', 'search names and domains')
    .option('--domain <domain>', 'accounts with this domain (case-insensitive)')
    .option('--owner-id <uuid>', 'accounts of this owner')
    .option('--limit <n>', `page size (default ${DEFAULT_PAGE_SIZE})`)
    .option('--cursor <cursor>', 'the cursor printed after the previous page')
    .option(...WORKSPACE_OPTION)
    .action(async (options: { q?: string; domain?: string; ownerId?: string; limit?: string; cursor?: string; workspace?: string }) => {
      const { workspace, limit, ...rest } = options;
      const query = checked(AccountQuery, definedOnly({ ...rest, limit: limitOf(limit) }), FIELDS);
      const { cursor, limit: size = DEFAULT_PAGE_SIZE, ...filter } = query;
      // As the API's list route: domains are stored lower-case.
      const where = { ...filter, domain: filter.domain?.toLowerCase() };
      printPage(await inWorkspace(workspace, async (db, actor) => toExactPage(await listAccounts(db, actor.workspaceId, where, decodeUuidCursor(cursor), size), size, presentAccount)));
    });

  accounts
    .command('show')
    .description("print one account as JSON (the API's fields)")
    .argument('<id>', 'account id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'an account');
      const account = await inWorkspace(options.workspace, async (db, actor) => {
        const row = await findAccount(db, actor.workspaceId, id);
        if (!row) throw errors.notFound('account');
        return presentAccount(row);
      });
      console.log(JSON.stringify(account, null, 2));
    });

  accountOptions(accounts.command('create').description('create an account (--name is required); audited as account.created')).action(async (options: AccountOptions) => {
    const body = checked(CreateAccountBody, accountBody(options), FIELDS);
    const account = await inWorkspace(options.workspace, (db, actor) => createAccount(db, actor, body));
    console.log(`created account ${account.id} (${account.name})`);
  });

  accountOptions(accounts.command('update').description('change the given fields of an account; audited as account.updated').argument('<id>', 'account id')).action(async (id: string, options: AccountOptions) => {
    const body = checked(UpdateAccountBody, accountBody(options), FIELDS);
    requireId(id, 'an account');
    const account = await inWorkspace(options.workspace, (db, actor) => changeAccount(db, actor, id, body));
    console.log(`updated account ${account.id} (${account.name})`);
  });

  accounts
    .command('delete')
    .description('delete an account; its contacts and deals stay, unlinked; audited as account.deleted')
    .argument('<id>', 'account id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'an account');
      await inWorkspace(options.workspace, (db, actor) => removeAccount(db, actor, id));
      console.log(`deleted account ${id}`);
    });
}
