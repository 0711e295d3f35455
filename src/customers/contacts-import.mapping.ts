import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { LifecycleStage } from '../platform/db/schema.ts';

/**
 * Pure part of the contacts CSV import: which column feeds which field, and turning one CSV record
 * into a normalised contact or a reason to reject it. No I/O here, so every rule is unit-testable.
 */

export const IMPORT_FIELDS = ['name', 'first_name', 'last_name', 'email', 'phone', 'company', 'city', 'country', 'handles', 'lifecycle_stage'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** A mapping target: a field, or `ignore` to skip a column. */
export type MappingTarget = ImportField | 'ignore';

/** Header names seen in CRM exports (HubSpot, Salesforce, Pipedrive, Google/Outlook contacts), after normaliseHeader. */
const SYNONYMS: Record<ImportField, string[]> = {
  name: ['name', 'full name', 'fullname', 'contact name', 'contact', 'display name', 'person', 'person name'],
  first_name: ['first name', 'firstname', 'first', 'given name', 'forename', 'vorname'],
  last_name: ['last name', 'lastname', 'last', 'surname', 'family name', 'nachname'],
  email: ['email', 'e mail', 'email address', 'e mail address', 'mail', 'primary email', 'work email', 'email 1', 'email 1 value', 'e mail 1 value', 'email work', 'business email', 'personal email'],
  phone: ['phone', 'phone number', 'mobile', 'mobile phone', 'mobile number', 'telephone', 'tel', 'cell', 'cell phone', 'phone 1', 'phone 1 value', 'work phone', 'business phone', 'primary phone', 'telefon'],
  company: ['company', 'company name', 'organization', 'organisation', 'organization name', 'organisation name', 'org', 'account', 'account name', 'employer', 'firma'],
  city: ['city', 'town', 'locality', 'mailing city', 'billing city', 'address city', 'stadt', 'ort'],
  country: ['country', 'country code', 'country region', 'mailing country', 'billing country', 'address country', 'land'],
  handles: ['handles', 'handle', 'social', 'socials', 'social handles', 'social profiles', 'social media', 'social accounts'],
  lifecycle_stage: ['lifecycle stage', 'lifecycle', 'lifecyclestage', 'stage', 'status'],
};

const BY_SYNONYM = new Map<string, ImportField>(Object.entries(SYNONYMS).flatMap(([field, names]) => names.map((n) => [n, field as ImportField] as const)));

/** Lower case, BOM and punctuation removed, words separated by one space: `E-Mail Address` → `e mail address`. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/([a-z])([0-9])/g, '$1 $2')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function isImportField(value: string): value is ImportField {
  return (IMPORT_FIELDS as readonly string[]).includes(value);
}

/**
 * Parses `col=field,col2=field2` (the CLI's --mapping); field may be `ignore`. Column names compare
 * after normaliseHeader, so `E-Mail=email` and `e mail=email` are the same rule.
 */
export function parseMappingOption(option: string): Record<string, MappingTarget> {
  const mapping: Record<string, MappingTarget> = {};
  for (const part of option.split(',')) {
    if (part.trim() === '') continue;
    const at = part.lastIndexOf('=');
    if (at <= 0) throw new Error(`mapping "${part}" is not col=field`);
    const column = part.slice(0, at).trim();
    const field = part.slice(at + 1).trim().toLowerCase();
    if (field !== 'ignore' && !isImportField(field)) throw new Error(`mapping "${part}": unknown field "${field}"; fields are ${IMPORT_FIELDS.join(', ')}, ignore`);
    mapping[column] = field === 'ignore' ? 'ignore' : (field as ImportField);
  }
  return mapping;
}

export interface ColumnPlan {
  /** One target per column index, null when the column is ignored. */
  fields: (ImportField | null)[];
  /** header → field, for the report. */
  mapped: Record<string, ImportField>;
  ignored: string[];
}

/** Decides which column feeds which field: the explicit mapping first, then the header synonyms. */
export function planColumns(header: string[], explicit: Record<string, MappingTarget> = {}): ColumnPlan {
  const rules = new Map(Object.entries(explicit).map(([column, target]) => [normaliseHeader(column), target]));
  for (const column of rules.keys()) {
    if (!header.some((h) => normaliseHeader(h) === column)) throw new Error(`mapping names column "${column}", which the CSV header does not have`);
  }
  const fields: (ImportField | null)[] = [];
  const mapped: Record<string, ImportField> = {};
  const ignored: string[] = [];
  for (const raw of header) {
    const key = normaliseHeader(raw);
    const explicitTarget = rules.get(key);
    const field = explicitTarget !== undefined ? (explicitTarget === 'ignore' ? null : explicitTarget) : (BY_SYNONYM.get(key) ?? (isImportField(key.replace(/ /g, '_')) ? (key.replace(/ /g, '_') as ImportField) : null));
    fields.push(field);
    const label = raw.replace(/^\uFEFF/, '').trim();
    if (field) mapped[label] = field;
    else ignored.push(label);
  }
  if (!fields.some((f) => f !== null)) throw new Error(`no column of the header maps to a contact field (${header.join(', ')}); pass a mapping`);
  return { fields, mapped, ignored };
}

export interface ImportedHandle {
  channel: string;
  handle: string;
}

/** One CSV row, normalised and ready to match or create. */
export interface ImportedContact {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  emails: string[];
  phones: string[];
  company: string | null;
  city: string | null;
  country: string | null;
  handles: ImportedHandle[];
  lifecycleStage: LifecycleStage | null;
}

export type RowResult = { ok: true; contact: ImportedContact } | { ok: false; reason: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CHANNEL_ALIASES: Record<string, string> = { twitter: 'x', tw: 'x', ig: 'instagram', insta: 'instagram', fb: 'facebook', li: 'linkedin', yt: 'youtube', bsky: 'bluesky', wa: 'whatsapp' };
const STAGES: Record<string, LifecycleStage> = { prospect: 'prospect', lead: 'prospect', customer: 'customer', 'former customer': 'former_customer', former_customer: 'former_customer', churned: 'former_customer' };

/**
 * A cell written by our CSV export with the injection guard (`'` before =, +, -, @) reads back as
 * the original value; other cells are only trimmed.
 */
export function unguardCell(cell: string): string {
  const trimmed = cell.trim();
  return /^'[=+\-@\t\r]/.test(trimmed) ? trimmed.slice(1) : trimmed;
}

const list = (cell: string) => cell.split(/[;\n]/).map((v) => v.trim()).filter((v) => v !== '');

/** `@ana_b` → `ana_b`; a Mastodon `@user@host` keeps its host (`user@host`). */
export function normaliseHandle(handle: string): string {
  return handle.trim().replace(/^@/, '');
}

/** Parses `x:@ana_b;instagram:ana.b`; an entry without a channel is an error. */
export function parseHandles(cell: string): ImportedHandle[] | string {
  const handles: ImportedHandle[] = [];
  for (const entry of list(cell)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) return `handle "${entry}" has no channel: write channel:handle, e.g. x:@ana_b`;
    const rawChannel = entry.slice(0, colon).trim().toLowerCase();
    const channel = CHANNEL_ALIASES[rawChannel] ?? rawChannel;
    const handle = normaliseHandle(entry.slice(colon + 1));
    if (!/^[a-z0-9_-]{1,40}$/.test(channel)) return `handle "${entry}": channel "${rawChannel}" is not a channel name`;
    if (handle === '' || handle.length > 200 || /\s/.test(handle)) return `handle "${entry}" is empty or contains spaces`;
    if (!handles.some((h) => h.channel === channel && h.handle.toLowerCase() === handle.toLowerCase())) handles.push({ channel, handle });
  }
  return handles;
}

/** E.164 or null: the row's ISO country (when it is a two-letter code) or the default country resolves national numbers. */
export function normalisePhone(raw: string, country: string | null, defaultCountry: CountryCode | undefined): string | null {
  const rowCountry = country && /^[A-Za-z]{2}$/.test(country) ? (country.toUpperCase() as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw, rowCountry ?? defaultCountry);
  return parsed && parsed.isValid() ? parsed.number : null;
}

export interface RowOptions {
  defaultCountry?: CountryCode | undefined;
}

/** Turns one CSV record (cells in header order) into a normalised contact, or the reason it cannot be imported. */
export function mapRow(cells: string[], plan: ColumnPlan, options: RowOptions = {}): RowResult {
  const values: Partial<Record<ImportField, string[]>> = {};
  plan.fields.forEach((field, index) => {
    const cell = unguardCell(cells[index] ?? '');
    if (field && cell !== '') (values[field] ??= []).push(cell);
  });
  const single = (field: ImportField): string | null => {
    const joined = (values[field] ?? []).join(' ').replace(/\s+/g, ' ').trim();
    return joined === '' ? null : joined;
  };
  const country = single('country');
  const emails: string[] = [];
  for (const raw of (values.email ?? []).flatMap(list)) {
    const email = raw.replace(/^mailto:/i, '').toLowerCase();
    if (!EMAIL.test(email) || email.length > 320) return { ok: false, reason: `email "${raw}" is not a valid address` };
    if (!emails.includes(email)) emails.push(email);
  }
  const phones: string[] = [];
  for (const raw of (values.phone ?? []).flatMap(list)) {
    const phone = normalisePhone(raw, country, options.defaultCountry);
    if (!phone) {
      const hint = raw.trim().startsWith('+') || options.defaultCountry ? '' : ' (national numbers need a country: a two-letter country column or the default country option)';
      return { ok: false, reason: `phone "${raw}" is not a valid phone number${hint}` };
    }
    if (!phones.includes(phone)) phones.push(phone);
  }
  const handles = parseHandles((values.handles ?? []).join(';'));
  if (typeof handles === 'string') return { ok: false, reason: handles };
  const stageCell = single('lifecycle_stage');
  let lifecycleStage: LifecycleStage | null = null;
  if (stageCell !== null) {
    const stage = STAGES[stageCell.toLowerCase().replace(/[-_]+/g, ' ').trim()] ?? STAGES[stageCell.toLowerCase()];
    if (!stage) return { ok: false, reason: `lifecycle stage "${stageCell}" is not one of prospect, customer, former_customer` };
    lifecycleStage = stage;
  }
  const contact: ImportedContact = {
    name: single('name'),
    firstName: single('first_name'),
    lastName: single('last_name'),
    emails,
    phones,
    company: single('company'),
    city: single('city'),
    country,
    handles,
    lifecycleStage,
  };
  for (const [label, value, max] of [
    ['name', contact.name, 200],
    ['first name', contact.firstName, 100],
    ['last name', contact.lastName, 100],
    ['company', contact.company, 200],
    ['city', contact.city, 100],
    ['country', contact.country, 100],
  ] as const) {
    if (value !== null && value.length > max) return { ok: false, reason: `${label} is longer than ${max} characters` };
  }
  if (!contact.name && !contact.firstName && !contact.lastName && emails.length === 0 && phones.length === 0) {
    return { ok: false, reason: 'no name, email or phone: a contact needs at least one of them' };
  }
  if (emails.length > 20 || phones.length > 20) return { ok: false, reason: 'more than 20 emails or phones' };
  return { ok: true, contact };
}

/** True for a two-letter code libphonenumber knows. */
export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}
