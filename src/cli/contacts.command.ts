import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { importContacts } from '../customers/contacts-import.service.ts';
import { isCountryCode, parseMappingOption } from '../customers/contacts-import.mapping.ts';
import { withWorkspace } from './with-workspace.ts';

/** `townhall contacts import`: streams the file, prints rejected rows on stderr and one summary line on stdout. */
export function registerContacts(program: Command): void {
  const contacts = program.command('contacts').description('contacts: import from CSV (see docs/CONTACTS-IO.md)');
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
