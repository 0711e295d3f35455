import { createReadStream } from 'node:fs';
import { access, open, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { presentContactMerge } from '../customers/contact-merges.presenter.ts';
import { mergeContacts, mergesOfContact, undoMerge } from '../customers/contact-merges.service.ts';
import { exportText } from '../customers/contacts-export.service.ts';
import { importContacts } from '../customers/contacts-import.service.ts';
import { isCountryCode, parseMappingOption } from '../customers/contacts-import.mapping.ts';
import { ExportQuery } from '../customers/contacts-io.schema.ts';
import { presentContact, presentLifecycleChange } from '../customers/contacts.presenter.ts';
import { findContact, listContacts } from '../customers/contacts.repository.ts';
import { ContactQuery, CreateContactBody, UpdateContactBody } from '../customers/contacts.schema.ts';
import { changeContact, createContact, lifecycleHistory, removeContact } from '../customers/contacts.service.ts';
import { segmentWhere } from '../segments/segments.service.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import type { LifecycleStage } from '../platform/db/schema.ts';
import { AppError, errors } from '../platform/errors.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { checked, clearable, collect, customOf, definedOnly, forCli, limitOf, printPage, requireId, writeAll, type Fields } from './input.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

/** The option that sets each API field, for messages about invalid values. */
const FIELDS: Fields = {
  options: {
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
    custom: '--custom',
    q: '--q',
    email: '--email',
    phone: '--phone',
    segmentId: '--segment-id',
    limit: '--limit',
    cursor: '--cursor',
  },
  expects: { custom: 'must be a JSON object of at most 100 fields' },
};

const NOT_FOUND_HINT = 'check the id (townhall contacts list), or choose the workspace with --workspace';

/** A service error worded for the CLI; a duplicate email says which option keeps it anyway (the API's detail names the body field). */
function cliError(error: unknown, notFoundHint = NOT_FOUND_HINT): unknown {
  if (error instanceof AppError && error.code === 'duplicate_email' && error.extra.duplicates) {
    const held = error.extra.duplicates.map((d) => `${d.email} already belongs to contact ${d.contactIds.join(', ')}`).join('; ');
    return new AppError(error.code, error.status, error.title, `${held}; pass --allow-duplicate-email to keep it anyway (an address shared by a family)`, error.extra);
  }
  return forCli(error, FIELDS, notFoundHint);
}

/** Runs a contact action in the workspace, rewording its errors for the CLI. */
const inWorkspace = <T>(slug: string | undefined, action: Parameters<typeof withWorkspace<T>>[1], notFoundHint?: string): Promise<T> =>
  withWorkspace(slug, action, { reword: (error) => cliError(error, notFoundHint) });
const stageOption = () => new Option('--lifecycle-stage <stage>', 'lifecycle stage').choices(['prospect', 'customer', 'former_customer']);

interface FilterOptions {
  q?: string;
  email?: string;
  phone?: string;
  lifecycleStage?: LifecycleStage;
  accountId?: string;
  ownerId?: string;
  workspace?: string;
}

/** The filters the contact list and the exports share (ContactQuery). */
function filterOptions(command: Command): Command {
  return command
    .option('--q <text>', 'search names and emails, or phone digits when it looks like a number')
    .option('--email <address>', 'exact email (case-insensitive)')
    .option('--phone <number>', 'exact phone number however written (+49 151 1234567, 0151-1234567, 01511234567)')
    .addOption(stageOption())
    .option('--account-id <uuid>', 'contacts of this account')
    .option('--owner-id <uuid>', 'contacts of this owner')
    .option(...WORKSPACE_OPTION);
}

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
  custom?: string;
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
    .addOption(stageOption())
    .option('--account-id <uuid>', 'account of the contact ("" unlinks it)')
    .option('--owner-id <uuid>', 'owning user ("" clears it)')
    .option('--custom <json>', 'custom fields as a JSON object (on update: replaces them)')
    .option('--allow-duplicate-email', 'keep an email another contact already holds (an address shared by a family)')
    .option(...WORKSPACE_OPTION);
}

/** The API body the options describe: only the options given. */
function contactBody(options: ContactOptions): Record<string, unknown> {
  return definedOnly({
    name: options.name,
    firstName: options.firstName,
    lastName: options.lastName,
    emails: options.email,
    phones: options.phone,
    city: options.city,
    country: options.country,
    languages: options.language,
    lifecycleStage: options.lifecycleStage,
    accountId: clearable(options.accountId),
    ownerId: clearable(options.ownerId),
    custom: customOf(options.custom),
    allowDuplicateEmail: options.allowDuplicateEmail,
  });
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "1 deal, 2 notes" for the rows a merge moved; "no other records" when none. */
function movedText(moved: ReturnType<typeof presentContactMerge>['moved']): string {
  const parts = [
    moved.identities ? plural(moved.identities, 'identity', 'identities') : '',
    moved.deals ? plural(moved.deals, 'deal', 'deals') : '',
    moved.conversations ? plural(moved.conversations, 'conversation', 'conversations') : '',
    moved.notes ? plural(moved.notes, 'note', 'notes') : '',
    moved.lifecycleChanges ? plural(moved.lifecycleChanges, 'lifecycle change', 'lifecycle changes') : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no other records';
}

/** `townhall contacts list|show|create|update|delete|lifecycle|merge|merges|unmerge|export|import`. */
export function registerContacts(program: Command): void {
  const contacts = program.command('contacts').description('contacts: list, show, create, update, delete, merge, export, import (see docs/CUSTOMERS.md)');

  filterOptions(contacts.command('list').description("list live contacts, newest first, one JSON object per line; the next page's cursor goes to stderr"))
    .option('--limit <n>', `page size (default ${DEFAULT_PAGE_SIZE})`)
    .option('--cursor <cursor>', 'the cursor printed after the previous page')
    .action(async (options: FilterOptions & { limit?: string; cursor?: string }) => {
      const { workspace, limit, ...rest } = options;
      const query = checked(ContactQuery, definedOnly({ ...rest, limit: limitOf(limit) }), FIELDS);
      const { cursor, limit: size = DEFAULT_PAGE_SIZE, ...filter } = query;
      printPage(await inWorkspace(workspace, async (db, actor) => toExactPage(await listContacts(db, actor.workspaceId, filter, decodeUuidCursor(cursor), size), size, presentContact)));
    });

  contacts
    .command('show')
    .description('print one contact as JSON (the API\'s fields; a merged-away contact shows mergedIntoId)')
    .argument('<id>', 'contact id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'a contact');
      const contact = await inWorkspace(options.workspace, async (db, actor) => {
        const row = await findContact(db, actor.workspaceId, id);
        if (!row) throw errors.notFound('contact');
        return presentContact(row);
      });
      console.log(JSON.stringify(contact, null, 2));
    });

  contacts
    .command('lifecycle')
    .description('lifecycle stage history of a contact, oldest first, one JSON object per line')
    .argument('<id>', 'contact id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'a contact');
      const history = await inWorkspace(options.workspace, (db, actor) => lifecycleHistory(db, actor.workspaceId, id));
      for (const change of history) console.log(JSON.stringify(presentLifecycleChange(change)));
    });

  contactOptions(contacts.command('create').description('create a contact; an email another live contact holds is refused unless --allow-duplicate-email')).action(async (options: ContactOptions) => {
    const body = checked(CreateContactBody, contactBody(options), FIELDS);
    const contact = await inWorkspace(options.workspace, (db, actor) => createContact(db, actor, body));
    console.log(`created contact ${contact.id} (${contact.name})`);
  });

  contactOptions(contacts.command('update').description('change the given fields of a contact; audited as contact.updated').argument('<id>', 'contact id')).action(async (id: string, options: ContactOptions) => {
    const body = checked(UpdateContactBody, contactBody(options), FIELDS);
    requireId(id, 'a contact');
    const contact = await inWorkspace(options.workspace, (db, actor) => changeContact(db, actor, id, body));
    console.log(`updated contact ${contact.id} (${contact.name})`);
  });

  contacts
    .command('delete')
    .description('delete a contact with its lifecycle history and merge records (cannot be undone); audited as contact.deleted')
    .argument('<id>', 'contact id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'a contact');
      await inWorkspace(options.workspace, (db, actor) => removeContact(db, actor, id));
      console.log(`deleted contact ${id}`);
    });

  contacts
    .command('merge')
    .description('merge the source contact into the target: its records move, empty fields are filled; undo with contacts unmerge')
    .argument('<targetId>', 'contact that stays')
    .argument('<sourceId>', 'contact merged away (hidden from lists, kept for the undo)')
    .option(...WORKSPACE_OPTION)
    .action(async (targetId: string, sourceId: string, options: { workspace?: string }) => {
      requireId(targetId, 'a contact');
      requireId(sourceId, 'a contact');
      const { merge } = await inWorkspace(options.workspace, (db, actor) => mergeContacts(db, actor, targetId, sourceId)).catch((error: unknown) => {
        if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
        throw new AppError(error.code, error.status, error.title, `${error.message}; townhall contacts merges <id> lists a contact's merges`, error.extra);
      });
      const presented = presentContactMerge(merge);
      console.log(`merged contact ${sourceId} into ${targetId} (moved ${movedText(presented.moved)}); merge ${merge.id}, undo with: townhall contacts unmerge ${merge.id}`);
    });

  contacts
    .command('merges')
    .description('the merges a contact took part in (as target or source), newest first, one JSON object per line')
    .argument('<id>', 'contact id')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, options: { workspace?: string }) => {
      requireId(id, 'a contact');
      const merges = await inWorkspace(options.workspace, (db, actor) => mergesOfContact(db, actor.workspaceId, id));
      for (const merge of merges) console.log(JSON.stringify(presentContactMerge(merge)));
    });

  contacts
    .command('unmerge')
    .description('undo a merge: the source contact and the records that moved come back (fields edited since keep their new value)')
    .argument('<mergeId>', 'merge id, as printed by contacts merge or listed by contacts merges <contactId>')
    .option(...WORKSPACE_OPTION)
    .action(async (mergeId: string, options: { workspace?: string }) => {
      requireId(mergeId, 'a merge');
      const { merge, contact } = await inWorkspace(options.workspace, (db, actor) => undoMerge(db, actor, mergeId), "townhall contacts merges <contactId> lists a contact's merges");
      console.log(`undid merge ${merge.id}: contact ${contact.id} (${contact.name}) is separate from ${merge.target_id} again`);
    });

  filterOptions(contacts.command('export').description('export live contacts as CSV (the import\'s columns) or vCard 4.0, to stdout or --out'))
    .addOption(new Option('--format <format>', 'csv or vcard').choices(['csv', 'vcard']).default('csv'))
    .option('--segment-id <uuid>', 'only the contacts of this saved segment')
    .option('--out <file>', 'write to this file instead of stdout (replaced if it exists)')
    .action(async (options: FilterOptions & { format: 'csv' | 'vcard'; segmentId?: string; out?: string }) => {
      const { workspace, format, out, ...rest } = options;
      const { segmentId, ...filter } = checked(ExportQuery, definedOnly(rest), FIELDS);
      await inWorkspace(
        workspace,
        async (db, actor) => {
          const where = segmentId ? await segmentWhere(db, actor.workspaceId, segmentId, new Date()) : undefined;
          const text = exportText(db, actor.workspaceId, { ...filter, where }, format === 'vcard' ? 'vcf' : 'csv');
          if (out === undefined) {
            await writeAll(process.stdout, text).catch((error: unknown) => {
              // The reader stopped early (| head): not a failure of the export.
              if (!(error instanceof Error && 'code' in error && error.code === 'EPIPE')) throw error;
            });
            return;
          }
          const file = await open(out, 'w').catch((error: unknown) => {
            throw errors.badRequest(`cannot write ${out} (${error instanceof Error ? error.message : String(error)}); check the folder exists and is writable`);
          });
          const stream = file.createWriteStream();
          try {
            await writeAll(stream, text);
            stream.end();
            await finished(stream);
          } catch (error) {
            stream.destroy();
            await rm(out, { force: true });
            throw error;
          }
          process.stderr.write(`exported to ${out}\n`);
        },
        'check the id, or choose the workspace with --workspace',
      );
    });

  contacts
    .command('import')
    .description('import contacts from a CSV file; ends with "created N, updated N, matched N, rejected N"')
    .argument('<file>', 'CSV file with a header line')
    .option('--dry-run', 'compute the report without writing anything')
    .option(...WORKSPACE_OPTION)
    .option('--mapping <rules>', 'explicit column mapping: "CSV column=field,..." (fields: name, first_name, last_name, email, phone, company, city, country, handles, lifecycle_stage, ignore)')
    .option('--default-country <code>', 'ISO country (e.g. DE) for phone numbers written without +country code')
    .action(async (file: string, options: { dryRun?: boolean; workspace?: string; mapping?: string; defaultCountry?: string }) => {
      await access(file).catch(() => {
        throw errors.validation(`cannot read ${file}: check the path`);
      });
      const mapping = options.mapping ? parseMappingOption(options.mapping) : undefined;
      const country = options.defaultCountry?.toUpperCase();
      if (country !== undefined && !isCountryCode(country)) throw errors.validation(`--default-country "${options.defaultCountry}" is not a two-letter country code`);
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
