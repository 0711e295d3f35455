import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { importContacts } from '../customers/contacts-import.service.ts';
import { isCountryCode, parseMappingOption } from '../customers/contacts-import.mapping.ts';
import { presentContact } from '../customers/contacts.presenter.ts';
import { listContacts } from '../customers/contacts.repository.ts';
import { ContactQuery, CreateContactBody, UpdateContactBody } from '../customers/contacts.schema.ts';
import { changeContact, createContact } from '../customers/contacts.service.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import type { LifecycleStage } from '../platform/db/schema.ts';
import { AppError, errors } from '../platform/errors.ts';
import { Uuid } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { withWorkspace } from './with-workspace.ts';

/** The option that sets each API field, for messages about invalid values. */
const OPTION_OF: Record<string, string> = {
  name: '--name',
  firstName: '--first-name',
  lastName: '--last-name',
  emails: '--email',
  phones: '--phone',
  city: '--city',
  country: '--country',
  languages: '--language',
  lifecycleStage: '--lifecycle-stage',
  accountId: '--account-id',
  ownerId: '--owner-id',
  q: '--q',
  email: '--email',
  phone: '--phone',
  limit: '--limit',
  cursor: '--cursor',
};

/** Validates CLI input with the API's own schema, so the CLI accepts exactly what the API accepts. */
function checked<S extends TSchema>(schema: S, value: unknown): Static<S> {
  if (Value.Check(schema, value)) return value;
  const problems = [...Value.Errors(schema, value)];
  const first = problems[0];
  const field = first?.instancePath.split('/')[1] ?? '';
  throw errors.validation(`${OPTION_OF[field] ?? (field || 'options')}: ${first?.message ?? 'is not valid'}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`);
}

/** A duplicate email refused by the service, worded for the CLI (the API's detail names the body field). */
function cliError(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'duplicate_email' || !error.extra.duplicates) return error;
  const held = error.extra.duplicates.map((d) => `${d.email} already belongs to contact ${d.contactIds.join(', ')}`).join('; ');
  return new AppError(error.code, error.status, error.title, `${held}; pass --allow-duplicate-email to keep it anyway (an address shared by a family)`, error.extra);
}

/** The options given: one not given is left out (absent, not undefined), as in a request body. */
function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

interface ContactOptions {
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string[];
  phone?: string[];
  city?: string;
  country?: string;
  language?: string[];
  lifecycleStage?: LifecycleStage;
  accountId?: string;
  ownerId?: string;
  allowDuplicateEmail?: boolean;
  workspace?: string;
}

/** The options that set a contact's fields, shared by create and update. */
function contactOptions(command: Command): Command {
  return command
    .option('--name <name>', 'display name (default: first and last name, else the first email)')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--email <address>', 'email; repeat for several (on update: replaces the list)', collect)
    .option('--phone <number>', 'phone number as written; repeat for several (on update: replaces the list)', collect)
    .option('--city <city>', 'city ("" clears it)')
    .option('--country <country>', 'country ("" clears it)')
    .option('--language <tag>', 'language tag (de, en-GB); repeat for several', collect)
    .addOption(new Option('--lifecycle-stage <stage>', 'lifecycle stage').choices(['prospect', 'customer', 'former_customer']))
    .option('--account-id <uuid>', 'account of the contact')
    .option('--owner-id <uuid>', 'owning user')
    .option('--allow-duplicate-email', 'keep an email another contact already holds (an address shared by a family)')
    .option('--workspace <slug>', 'workspace slug (default: the first workspace)');
}

/** The API body the options describe: only the options given. */
function contactBody(options: ContactOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    name: options.name,
    firstName: options.firstName,
    lastName: options.lastName,
    emails: options.email,
    phones: options.phone,
    city: options.city,
    country: options.country,
    languages: options.language,
    lifecycleStage: options.lifecycleStage,
    accountId: options.accountId,
    ownerId: options.ownerId,
    allowDuplicateEmail: options.allowDuplicateEmail,
  };
  return definedOnly(fields);
}

/** `townhall contacts import|list|create|update`. */
export function registerContacts(program: Command): void {
  const contacts = program.command('contacts').description('contacts: list, create, update, import from CSV (see docs/CUSTOMERS.md, docs/CONTACTS-IO.md)');

  contacts
    .command('list')
    .description('list live contacts, newest first, one JSON object per line; the next page\'s cursor goes to stderr')
    .option('--q <text>', 'search names and emails, or phone digits when it looks like a number')
    .option('--email <address>', 'exact email (case-insensitive)')
    .option('--phone <number>', 'exact phone number however written (+49 151 1234567, 0151-1234567, 01511234567)')
    .addOption(new Option('--lifecycle-stage <stage>', 'lifecycle stage').choices(['prospect', 'customer', 'former_customer']))
    .option('--account-id <uuid>', 'contacts of this account')
    .option('--owner-id <uuid>', 'contacts of this owner')
    .option('--limit <n>', `page size (default ${DEFAULT_PAGE_SIZE})`)
    .option('--cursor <cursor>', 'the cursor printed after the previous page')
    .option('--workspace <slug>', 'workspace slug (default: the first workspace)')
    .action(async (options: { q?: string; email?: string; phone?: string; lifecycleStage?: LifecycleStage; accountId?: string; ownerId?: string; limit?: string; cursor?: string; workspace?: string }) => {
      const { workspace: _workspace, limit: limitText, ...rest } = options;
      const query = checked(ContactQuery, definedOnly({ ...rest, limit: limitText === undefined ? undefined : Number(limitText) }));
      const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = query;
      const page = await withWorkspace(options.workspace, async (db, actor) => toExactPage(await listContacts(db, actor.workspaceId, filter, decodeUuidCursor(cursor), limit), limit, presentContact));
      for (const item of page.items) console.log(JSON.stringify(item));
      if (page.nextCursor) process.stderr.write(`next page: --cursor ${page.nextCursor}\n`);
    });

  contactOptions(contacts.command('create').description('create a contact; an email another live contact holds is refused unless --allow-duplicate-email')).action(async (options: ContactOptions) => {
    const body = checked(CreateContactBody, contactBody(options));
    const contact = await withWorkspace(options.workspace, (db, actor) => createContact(db, actor, body)).catch((error: unknown) => {
      throw cliError(error);
    });
    console.log(`created contact ${contact.id} (${contact.name})`);
  });

  contactOptions(contacts.command('update').description('change the given fields of a contact; audited as contact.updated').argument('<id>', 'contact id')).action(async (id: string, options: ContactOptions) => {
    const body = checked(UpdateContactBody, contactBody(options));
    if (!Value.Check(Uuid, id)) throw errors.validation(`"${id}" is not a contact id (a UUID)`);
    const contact = await withWorkspace(options.workspace, (db, actor) => changeContact(db, actor, id, body)).catch((error: unknown) => {
      throw cliError(error);
    });
    console.log(`updated contact ${contact.id} (${contact.name})`);
  });

  contacts
    .command('import')
    .description('import contacts from a CSV file; ends with "created N, updated N, matched N, rejected N"')
    .argument('<file>', 'CSV file with a header line')
    .option('--dry-run', 'compute the report without writing anything')
    .option('--workspace <slug>', 'workspace slug (default: the first workspace)')
    .option('--mapping <rules>', 'explicit column mapping: "CSV column=field,..." (fields: name, first_name, last_name, email, phone, company, city, country, handles, lifecycle_stage, ignore)')
    .option('--default-country <code>', 'ISO country (e.g. DE) for phone numbers written without +country code')
    .action(async (file: string, options: { dryRun?: boolean; workspace?: string; mapping?: string; defaultCountry?: string }) => {
      await access(file).catch(() => {
        throw new Error(`cannot read ${file}: check the path`);
      });
      const mapping = options.mapping ? parseMappingOption(options.mapping) : undefined;
      const country = options.defaultCountry?.toUpperCase();
      if (country !== undefined && !isCountryCode(country)) throw new Error(`--default-country "${options.defaultCountry}" is not a two-letter country code`);
      const report = await withWorkspace(options.workspace, (db, actor) =>
        importContacts(db, actor, createReadStream(file), {
          dryRun: options.dryRun === true,
          mapping,
          defaultCountry: country,
          onIssue: (kind, issue) => process.stderr.write(`${kind === 'rejected' ? 'rejected' : 'warning'} row ${issue.row}: ${issue.reason}\n`),
        }),
      );
      if (report.dryRun) process.stderr.write('dry run: nothing was written\n');
      console.log(`created ${report.created}, updated ${report.updated}, matched ${report.matched}, rejected ${report.rejected}`);
    });
}
