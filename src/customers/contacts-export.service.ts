import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { csvHeader, csvRow, vcard, type ExportContact } from './contacts-export.ts';
import { accountNames, exportPage, linkedHandles, type ExportFilter } from './contacts-io.repository.ts';

const PAGE = 500;

/** Contacts matching the filter, page by page (keyset), each with its account name and linked handles. */
export async function* exportContacts(db: Kysely<Database>, workspaceId: string, filter: ExportFilter): AsyncGenerator<ExportContact[]> {
  let cursor: { at: string; id: string } | undefined;
  for (;;) {
    const rows = await exportPage(db, workspaceId, filter, cursor, PAGE);
    if (rows.length === 0) return;
    const accounts = await accountNames(db, workspaceId, [...new Set(rows.flatMap((r) => (r.account_id ? [r.account_id] : [])))]);
    const handles = await linkedHandles(db, workspaceId, rows.map((r) => r.id));
    yield rows.map((contact) => ({
      contact,
      company: contact.account_id ? (accounts.get(contact.account_id) ?? null) : null,
      handles: handles.filter((h) => h.contact_id === contact.id).map((h) => ({ channel: h.channel, handle: h.handle ?? h.external_id, profileUrl: h.profile_url })),
    }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < PAGE) return;
    cursor = { at: last.cursor_at, id: last.id };
  }
}

/** The export as text chunks: CSV (header, then one line per contact) or vCard (one card per contact). */
export async function* exportText(db: Kysely<Database>, workspaceId: string, filter: ExportFilter, format: 'csv' | 'vcf'): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  for await (const page of exportContacts(db, workspaceId, filter)) yield page.map(format === 'csv' ? csvRow : vcard).join('');
}
