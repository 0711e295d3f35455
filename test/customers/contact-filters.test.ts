import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { phoneKeys } from '../../src/customers/phone-keys.ts';
import { collectPages } from '../api/collect-pages.ts';
import { seedWorkspace, useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('contact list: exact email and phone filters on %s', (kind) => {
  const t = useTestServer(kind, 'contact-filters');

  const create = async (body: Record<string, unknown>, token = t.ws.tokens.agent) => {
    const res = await t.server.request('POST', '/api/v1/contacts', { token, body: { allowDuplicateEmail: true, ...body } });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const ids = async (query: string, token = t.ws.tokens.agent) => {
    const res = await t.server.request('GET', `/api/v1/contacts?${query}`, { token });
    expect(res.status, res.text).toBe(200);
    return (res.body.items as { id: string }[]).map((c) => c.id).sort();
  };
  const phone = (number: string) => `phone=${encodeURIComponent(number)}`;

  it('finds a phone number however it is written, on either side', async () => {
    const ws = await seedWorkspace(t.store.db, 'phones');
    const token = ws.tokens.agent;
    const international = await create({ name: 'Ida International', phones: ['+49 151 1234567'] }, token);
    const national = await create({ name: 'Nils National', phones: ['0151-1234567'] }, token);
    const bare = await create({ name: 'Bea Bare', phones: ['030 999', '01511234567'] }, token);
    const austria = await create({ name: 'Anton Austria', phones: ['+43 151 1234567'] }, token);
    await create({ name: 'Other Number', phones: ['+49 151 12345678', '0151 123456'] }, token);
    for (const written of ['+49 151 1234567', '0049 151 1234567', '+49 (0)151 1234567']) expect(await ids(phone(written), token), written).toEqual([international, national, bare].sort());
    // Written without a country code the number may be Austrian too; with +49 it may not, nor +43 German.
    for (const written of ['0151-1234567', '01511234567', '(0151) 123 45 67']) expect(await ids(phone(written), token), written).toEqual([international, national, bare, austria].sort());
    expect(await ids(phone('+43 151 1234567'), token)).toEqual([austria, national, bare].sort());
    expect(await ids(phone('1234567'), token)).toEqual([]);
    expect(await ids(`${phone('01511234567')}&q=nils`, token)).toEqual([national]);
  });

  it('filters by exact email, trimmed and case-insensitive, and never by part of one', async () => {
    const ws = await seedWorkspace(t.store.db, 'emails');
    const token = ws.tokens.agent;
    const ana = await create({ name: 'Ana Mail', emails: ['ana@mail.test', 'ana@work.test'] }, token);
    await create({ name: 'Anabel Mail', emails: ['anabel@mail.test'] }, token);
    expect(await ids(`email=${encodeURIComponent(' ANA@Mail.test ')}`, token)).toEqual([ana]);
    expect(await ids('email=ana@work.test', token)).toEqual([ana]);
    expect(await ids('email=ana@mail', token)).toEqual([]);
  });

  it('pages through a filtered list without gaps or repeats, and leaves out merged and foreign contacts', async () => {
    const ws = await seedWorkspace(t.store.db, 'phone-pages');
    const token = ws.tokens.agent;
    const expected: string[] = [];
    for (const [i, written] of ['+49 30 7654321', '030 7654321', '0307654321', '0049 30 765 43 21', '030/7654321'].entries()) {
      expected.push(await create({ name: `Page ${i}`, emails: ['family@pages.test'], phones: [written] }, token));
      await create({ name: `Noise ${i}`, phones: [`030 76543${i}0`] }, token);
    }
    const merged = expected.pop() ?? '';
    expect((await t.server.request('POST', `/api/v1/contacts/${expected[0]}/merge`, { token, body: { sourceId: merged } })).status).toBe(201);
    const other = await seedWorkspace(t.store.db, 'phone-pages-other');
    await create({ name: 'Foreign Same', emails: ['family@pages.test'], phones: ['+49 30 7654321'] }, other.tokens.agent);
    for (const query of [phone('+49 30 7654321'), 'email=family@pages.test', `email=family@pages.test&${phone('030 7654321')}`]) {
      const { ids: seen, pages } = await collectPages(t.server, token, `/api/v1/contacts?${query}`, 1);
      expect(seen, query).toEqual([...expected].reverse());
      expect(pages).toBe(expected.length);
    }
  });

  it('exports with the same phone filter', async () => {
    const ws = await seedWorkspace(t.store.db, 'phone-export');
    await create({ name: 'Exported Person', phones: ['+49 40 5551234'] }, ws.tokens.agent);
    await create({ name: 'Left Out', phones: ['+49 40 5551235'] }, ws.tokens.agent);
    const csv = await t.server.request('GET', `/api/v1/contacts/export.csv?${phone('040 5551234')}`, { token: ws.tokens.agent });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.text).toContain('Exported Person');
    expect(csv.text).not.toContain('Left Out');
  });

  it('rejects a phone filter that is no number with 400', async () => {
    const res = await t.server.request('GET', `/api/v1/contacts?${phone('call me')}`, { token: t.ws.tokens.agent });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('computes the same phone keys in SQL (migration 0010) as in TypeScript', async () => {
    const samples = ['+49 151 1234567', '0151-1234567', '0049 (0)151 123 45 67', '+1 (555) 123-4567', '+39 06 1234567', '+353 1 234 5678', '+7 495 123-45-67', '+998 71 123 45 67', '030 999', '000', '+49', ' +44 20 7946 0958'];
    for (const sample of samples) {
      const result = await sql<{ keys: string[] }>`select townhall_phone_keys(array[${sample}]::text[]) as keys`.execute(t.store.db);
      expect([...(result.rows[0]?.keys ?? [])].sort(), sample).toEqual(phoneKeys(sample).sort());
    }
  });

  it('answers the phone and email filters from an index', async () => {
    // Small tables make a sequential scan cheapest; with it disabled, the plan shows whether an index can answer at all.
    const plans = await t.store.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const explain = async (where: ReturnType<typeof sql>) => (await sql<{ 'QUERY PLAN': string }>`explain select id from contacts where ${where}`.execute(trx)).rows.map((r) => r['QUERY PLAN']).join('\n');
      return {
        phone: await explain(sql`townhall_phone_keys(contacts.phones) && array['n:1511234567', 'l:1511234567']::text[]`),
        email: await explain(sql`contacts.emails @> array['ana@mail.test']::text[]`),
      };
    });
    expect(plans.phone).toContain('contacts_phone_keys_idx');
    expect(plans.email).toContain('contacts_emails_idx');
  });
});
