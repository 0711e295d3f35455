import { Option, type Command } from 'commander';
import { presentDeal } from '../customers/deals.presenter.ts';
import { findDeal, listDeals } from '../customers/deals.repository.ts';
import { CreateDealBody, DealQuery, UpdateDealBody } from '../customers/deals.schema.ts';
import { changeDeal, createDeal, removeDeal } from '../customers/deals.service.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import type { DealStatus } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { checked, clearable, customOf, definedOnly, forCli, limitOf, printPage, requireId, type Fields } from './input.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

const FIELDS: Fields = {
  options: {
    title: '--title',
    amount: '--amount',
    currency: '--currency',
    stage: '--stage',
    pipeline: '--pipeline',
    status: '--status',
    closeDate: '--close-date',
    contactId: '--contact-id',
    accountId: '--account-id',
    ownerId: '--owner-id',
    custom: '--custom',
    q: '--q',
    limit: '--limit',
    cursor: '--cursor',
  },
  expects: {
    amount: 'must be a decimal number with at most 2 decimals and no thousands separators, e.g. 1250.00',
    currency: 'must be a three-letter ISO 4217 code, e.g. EUR',
    closeDate: 'must be a date written YYYY-MM-DD',
    custom: 'must be a JSON object of at most 100 fields',
  },
};

/** Runs a deal action in the workspace, rewording its errors for the CLI. */
const inWorkspace = <T>(slug: string | undefined, action: Parameters<typeof withWorkspace<T>>[1]): Promise<T> =>
  withWorkspace(slug, action, { reword: (error) => forCli(error, FIELDS, 'check the id (townhall deals list), or choose the workspace with --workspace') });
const statusOption = (description: string) => new Option('--status <status>', description).choices(['open', 'won', 'lost']);

interface DealOptions {
  title?: string;
  amount?: string;
  currency?: string;
  stage?: string;
  pipeline?: string;
  status?: DealStatus;
  closeDate?: string;
  contactId?: string;
  accountId?: string;
  ownerId?: string;
  custom?: string;
  workspace?: string;
}

/** The options that set a deal's fields, shared by create and update. */
function dealOptions(command: Command): Command {
  return command
    .option('--title <title>', 'deal title')
    .option('--amount <decimal>', 'amount as a decimal, e.g. 1250.00 ("" clears it)')
    .option('--currency <code>', 'ISO 4217 currency (default EUR)')
    .option('--stage <stage>', 'stage within the pipeline (default lead)')
    .option('--pipeline <name>', 'pipeline (default "default")')
    .addOption(statusOption('deal status (default open)'))
    .option('--close-date <date>', 'expected or actual close date, YYYY-MM-DD ("" clears it)')
    .option('--contact-id <uuid>', 'contact of the deal ("" unlinks it)')
    .option('--account-id <uuid>', 'account of the deal ("" unlinks it)')
    .option('--owner-id <uuid>', 'owning user ("" clears it)')
    .option('--custom <json>', 'custom fields as a JSON object (on update: replaces them)')
    .option(...WORKSPACE_OPTION);
}

/** The API body the options describe: only the options given. */
function dealBody(options: DealOptions): Record<string, unknown> {
  return definedOnly({
    title: options.title,
    amount: clearable(options.amount),
    currency: options.currency?.toUpperCase(),
    stage: options.stage,
    pipeline: options.pipeline,
    status: options.status,
    closeDate: clearable(options.closeDate),
    contactId: clearable(options.contactId),
    accountId: clearable(options.accountId),
    ownerId: clearable(options.ownerId),
    custom: customOf(options.custom),
  });
}

/** `townhall deals list|show|create|update|delete`. */
export function registerDeals(program: Command): void {
  const deals = program.command('deals').description('deals (amount, currency, stage, pipeline, close date, owner): list, show, create, update, delete (see docs/CUSTOMERS.md)');

  deals
    .command('list')
    .description("list deals, newest first, one JSON object per line; the next page's cursor goes to stderr")
    .option('--q <text>', 'search titles')
    .addOption(statusOption('deals with this status'))
    .option('--stage <stage>', 'deals in this stage (exact)')
    .option('--pipeline <name>', 'deals in this pipeline (exact)')
    .option('--contact-id <uuid>', 'deals of this contact')
    .option('--account-id <uuid>', 'deals of this account')
    .option('--owner-id <uuid>', 'deals of this owner')
    .option('--limit <n>', `page size (default ${DEFAULT_PAGE_SIZE})`)
    .option('--cursor <cursor>', 'the cursor printed after the previous page')
    .option(...WORKSPACE_OPTION)
    .action(
      async (options: { q?: string; status?: DealStatus; stage?: string; pipeline?: string; contactId?: string; accountId?: string; ownerId?: string; limit?: string; cursor?: string; workspace?: string }) => {
        const { workspace, limit, ...rest } = options;
        const query = checked(DealQuery, definedOnly({ ...rest, limit: limitOf(limit) }), FIELDS);
        const { cursor, limit: size = DEFAULT_PAGE_SIZE, ...filter } = query;
        printPage(await inWorkspace(workspace, async (db, actor) => toExactPage(await listDeals(db, actor.workspaceId, filter, decodeUuidCursor(cursor), size), size, presentDeal)));
      },
    );

  deals
    .command('show')
    .description("print one deal as JSON (the API's fields; the amount is a decimal string)")
    .argument('<id>', 'deal id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'a deal');
      const deal = await inWorkspace(options.workspace, async (db, actor) => {
        const row = await findDeal(db, actor.workspaceId, id);
        if (!row) throw errors.notFound('deal');
        return presentDeal(row);
      });
      console.log(JSON.stringify(deal, null, 2));
    });

  dealOptions(deals.command('create').description('create a deal (--title is required); audited as deal.created')).action(async (options: DealOptions) => {
    const body = checked(CreateDealBody, dealBody(options), FIELDS);
    const deal = await inWorkspace(options.workspace, (db, actor) => createDeal(db, actor, body));
    console.log(`created deal ${deal.id} (${deal.title})`);
  });

  dealOptions(
    deals.command('update').description('change the given fields of a deal; audited as deal.stage_changed (stage, status) and deal.updated (other fields)').argument('<id>', 'deal id'),
  ).action(async (id: string, options: DealOptions) => {
    const body = checked(UpdateDealBody, dealBody(options), FIELDS);
    requireId(id, 'a deal');
    const deal = await inWorkspace(options.workspace, (db, actor) => changeDeal(db, actor, id, body));
    console.log(`updated deal ${deal.id} (${deal.title})`);
  });

  deals
    .command('delete')
    .description('delete a deal; audited as deal.deleted')
    .argument('<id>', 'deal id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'a deal');
      await inWorkspace(options.workspace, (db, actor) => removeDeal(db, actor, id));
      console.log(`deleted deal ${id}`);
    });
}
