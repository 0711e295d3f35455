import type { ContactRow } from '../platform/db/schema.ts';

/**
 * Pure formatting of contacts for export: CSV in the import's own columns (so an export re-imports
 * unchanged) and vCard 4.0 (RFC 6350).
 */

export interface ExportHandle {
  channel: string;
  handle: string;
  profileUrl: string | null;
}

export interface ExportContact {
  contact: ContactRow;
  company: string | null;
  handles: ExportHandle[];
}

export const CSV_COLUMNS = ['name', 'first_name', 'last_name', 'email', 'phone', 'company', 'city', 'country', 'handles', 'lifecycle_stage'] as const;

/**
 * CSV injection guard (OWASP): a spreadsheet runs a cell starting with =, +, -, @ (or tab / CR) as a
 * formula, so such cells get a leading `'`. The import strips exactly this prefix again, so E.164
 * phones (`+49…`) survive the round trip.
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 quoting, after the injection guard. */
export function csvCell(value: string): string {
  const guarded = guardCell(value);
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvLine(cells: string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvLine([...CSV_COLUMNS]);
}

export function csvRow({ contact, company, handles }: ExportContact): string {
  return csvLine([
    contact.name,
    contact.first_name ?? '',
    contact.last_name ?? '',
    contact.emails.join(';'),
    contact.phones.join(';'),
    company ?? '',
    contact.city ?? '',
    contact.country ?? '',
    handles.map((h) => `${h.channel}:${h.handle}`).join(';'),
    contact.lifecycle_stage,
  ]);
}

/** RFC 6350 §3.4 text escaping: backslash, comma, semicolon and newlines. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value: quoted when it holds `:`, `;` or `,`; double quotes cannot appear (RFC 6868 ^' ). */
function paramValue(value: string): string {
  const cleaned = value.replace(/\^/g, '^^').replace(/"/g, "^'").replace(/\r\n|\r|\n/g, '^n');
  return /[:;,]/.test(cleaned) ? `"${cleaned}"` : cleaned;
}

/** RFC 6350 §3.2 folding: lines of at most 75 octets, continued with CRLF and one space; never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const PROFILE_URLS: Record<string, (handle: string) => string> = {
  x: (h) => `https://x.com/${h}`,
  instagram: (h) => `https://www.instagram.com/${h}`,
  facebook: (h) => `https://www.facebook.com/${h}`,
  tiktok: (h) => `https://www.tiktok.com/@${h}`,
  youtube: (h) => `https://www.youtube.com/@${h}`,
  reddit: (h) => `https://www.reddit.com/user/${h}`,
  bluesky: (h) => `https://bsky.app/profile/${h}`,
  linkedin: (h) => `https://www.linkedin.com/in/${h}`,
};

/** The profile URL of a handle: the stored one, a known network's pattern, else null. */
export function profileUrl(handle: ExportHandle): string | null {
  if (handle.profileUrl) return handle.profileUrl;
  if (handle.channel === 'mastodon') {
    const [user, host] = handle.handle.split('@');
    return user && host ? `https://${host}/@${user}` : null;
  }
  const pattern = PROFILE_URLS[handle.channel];
  return pattern ? pattern(encodeURIComponent(handle.handle)) : null;
}

/** One vCard 4.0 with FN, N, EMAIL, TEL, ORG, ADR (locality, country) and X-SOCIALPROFILE per handle, CRLF line ends. */
export function vcard({ contact, company, handles }: ExportContact): string {
  const lines = ['BEGIN:VCARD', 'VERSION:4.0', `UID:urn:uuid:${contact.id}`];
  const fn = contact.name || [contact.first_name, contact.last_name].filter(Boolean).join(' ') || contact.emails[0] || contact.phones[0] || 'Unnamed';
  lines.push(`FN:${escapeText(fn)}`);
  lines.push(`N:${escapeText(contact.last_name ?? '')};${escapeText(contact.first_name ?? '')};;;`);
  contact.emails.forEach((email, i) => lines.push(`EMAIL${i === 0 ? ';PREF=1' : ''}:${escapeText(email)}`));
  contact.phones.forEach((phone, i) => lines.push(`TEL;VALUE=uri${i === 0 ? ';PREF=1' : ''}:tel:${phone.replace(/[^0-9+]/g, '')}`));
  if (company) lines.push(`ORG:${escapeText(company)}`);
  if (contact.city || contact.country) lines.push(`ADR:;;;${escapeText(contact.city ?? '')};;;${escapeText(contact.country ?? '')}`);
  for (const handle of handles) {
    const url = profileUrl(handle);
    // X-SOCIALPROFILE as written by Apple Contacts: TYPE is the network, X-USER the handle, the value a URL.
    lines.push(`X-SOCIALPROFILE;TYPE=${paramValue(handle.channel)};X-USER=${paramValue(handle.handle)}:${url ?? `${escapeText(handle.channel)}:${escapeText(handle.handle)}`}`);
  }
  lines.push(`REV:${contact.updated_at.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`);
  lines.push('END:VCARD');
  return lines.map((line) => `${foldLine(line)}\r\n`).join('');
}
