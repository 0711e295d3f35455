import { describe, expect, it } from 'vitest';
import { csvRecords, sniffDelimiter } from '../../src/customers/contacts-csv.ts';
import { csvCell, csvRow, escapeText, foldLine, vcard } from '../../src/customers/contacts-export.ts';
import { mapRow, normaliseHeader, parseHandles, parseMappingOption, planColumns } from '../../src/customers/contacts-import.mapping.ts';
import type { ContactRow } from '../../src/platform/db/schema.ts';

async function all(source: string | string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(source)) out.push(r);
  return out;
}

describe('contacts import mapping', () => {
  it('detects CRM export headers without a mapping', () => {
    const plan = planColumns(['\uFEFFFull Name', 'E-Mail Address', 'Mobile Phone', 'Organization', 'Town', 'Country/Region', 'Social Profiles', 'Notes']);
    expect(plan.fields).toEqual(['name', 'email', 'phone', 'company', 'city', 'country', 'handles', null]);
    expect(plan.ignored).toEqual(['Notes']);
    expect(normaliseHeader('Email1')).toBe('email 1');
  });

  it('lets an explicit mapping override or ignore columns, and refuses unknown ones', () => {
    const plan = planColumns(['Kontakt', 'Email', 'Firma'], parseMappingOption('Kontakt=name,Email=ignore'));
    expect(plan.fields).toEqual(['name', null, 'company']);
    expect(() => parseMappingOption('a=shoe_size')).toThrow(/unknown field/);
    expect(() => planColumns(['a'], { b: 'name' })).toThrow(/does not have/);
  });

  it('normalises emails, phones to E.164, names and handles', () => {
    const plan = planColumns(['first name', 'last name', 'email', 'phone', 'country', 'handles']);
    const row = mapRow(['  Ana ', 'Berg', 'Ana@Example.COM; ana@example.com', '030 1234567', 'DE', 'twitter:@ana_b;instagram:ana.b'], plan);
    expect(row).toEqual({
      ok: true,
      contact: expect.objectContaining({ firstName: 'Ana', lastName: 'Berg', emails: ['ana@example.com'], phones: ['+49301234567'], handles: [{ channel: 'x', handle: 'ana_b' }, { channel: 'instagram', handle: 'ana.b' }] }),
    });
    const usingDefault = mapRow(['Bo', '', '', '(415) 555-0132', '', ''], plan, { defaultCountry: 'US' });
    expect(usingDefault.ok && usingDefault.contact.phones).toEqual(['+14155550132']);
  });

  it('rejects rows with a reason', () => {
    const plan = planColumns(['name', 'email', 'phone', 'handles']);
    expect(mapRow(['', '', '', ''], plan)).toMatchObject({ ok: false, reason: expect.stringMatching(/no name, email or phone/) });
    expect(mapRow(['A', 'not-an-email', '', ''], plan)).toMatchObject({ ok: false, reason: expect.stringMatching(/email "not-an-email"/) });
    expect(mapRow(['A', '', '12', ''], plan)).toMatchObject({ ok: false, reason: expect.stringMatching(/phone "12"/) });
    expect(parseHandles('ana_b')).toMatch(/no channel/);
  });

  it('reads BOM, quoted delimiters, line breaks and semicolon files', async () => {
    expect(await all('\uFEFFname,company\r\n"Berg, Ana","Acme ""Labs"""\r\n"Multi\nLine",X\r\n')).toEqual([
      ['name', 'company'],
      ['Berg, Ana', 'Acme "Labs"'],
      ['Multi\nLine', 'X'],
    ]);
    expect(sniffDelimiter('Name;E-Mail;Firma')).toBe(';');
    expect(await all(['Name;E-M', 'ail\nAna;a@b.de\n'])).toEqual([['Name', 'E-Mail'], ['Ana', 'a@b.de']]);
  });
});

const contact = (over: Partial<ContactRow> = {}): ContactRow => ({
  id: '7b0c2d0e-0000-4000-8000-000000000001',
  workspace_id: 'w',
  name: 'Ana Berg',
  first_name: 'Ana',
  last_name: 'Berg',
  emails: ['ana@example.com'],
  phones: ['+49301234567'],
  city: 'Berlin',
  country: 'DE',
  languages: [],
  lifecycle_stage: 'customer',
  account_id: null,
  owner_id: null,
  custom: {},
  consent: {},
  merged_into_id: null,
  created_at: new Date('2026-01-01T00:00:00Z'),
  updated_at: new Date('2026-01-02T03:04:05Z'),
  ...over,
});

describe('contacts export formatting', () => {
  it('guards CSV cells that a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    for (const prefix of ['+', '-', '@']) expect(csvCell(`${prefix}1`)).toBe(`'${prefix}1`);
    expect(csvCell('Ana')).toBe('Ana');
    expect(csvRow({ contact: contact(), company: 'Acme, Inc', handles: [{ channel: 'x', handle: 'ana_b', profileUrl: null }] })).toBe(
      `Ana Berg,Ana,Berg,ana@example.com,'+49301234567,"Acme, Inc",Berlin,DE,x:ana_b,customer\r\n`,
    );
  });

  it('writes vCard 4.0 with escaped text and folded lines', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const long = `NOTE:${'ä'.repeat(60)}`;
    const folded = foldLine(long);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n ').join('')).toBe(long);
    const card = vcard({ contact: contact({ name: 'Berg, Ana; Jr.' }), company: 'Acme; Labs', handles: [{ channel: 'x', handle: 'ana_b', profileUrl: null }] });
    expect(card.split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:4.0',
      'UID:urn:uuid:7b0c2d0e-0000-4000-8000-000000000001',
      'FN:Berg\\, Ana\\; Jr.',
      'N:Berg;Ana;;;',
      'EMAIL;PREF=1:ana@example.com',
      'TEL;VALUE=uri;PREF=1:tel:+49301234567',
      'ORG:Acme\\; Labs',
      'ADR:;;;Berlin;;;DE',
      'X-SOCIALPROFILE;TYPE=x;X-USER=ana_b:https://x.com/ana_b',
      'REV:20260102T030405Z',
      'END:VCARD',
      '',
    ]);
  });
});
