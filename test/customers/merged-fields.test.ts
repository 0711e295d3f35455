import { describe, expect, it } from 'vitest';
import { mergedFields } from '../../src/customers/contact-merges.service.ts';
import type { ContactRow } from '../../src/platform/db/schema.ts';

const contact = (fields: Partial<ContactRow>): ContactRow => ({
  id: 'id',
  workspace_id: 'ws',
  name: '',
  first_name: null,
  last_name: null,
  emails: [],
  phones: [],
  city: null,
  country: null,
  languages: [],
  lifecycle_stage: 'prospect',
  account_id: null,
  owner_id: null,
  custom: {},
  consent: {},
  merged_into_id: null,
  created_at: new Date(0),
  updated_at: new Date(0),
  ...fields,
});

describe('mergedFields', () => {
  it('unites emails, phones and languages with the target first and without repeats', () => {
    const fields = mergedFields(contact({ emails: ['a@x.test'], phones: ['1'], languages: ['en'] }), contact({ emails: ['b@x.test', 'a@x.test'], phones: ['2'], languages: ['de', 'en'] }));
    expect(fields).toMatchObject({ emails: ['a@x.test', 'b@x.test'], phones: ['1', '2'], languages: ['en', 'de'] });
  });

  it('fills only what the target lacks: empty fields and missing custom fields', () => {
    const fields = mergedFields(contact({ name: 'Ana', city: 'Bonn', custom: { tier: 'gold' } }), contact({ name: 'Ana B', city: 'Köln', country: 'DE', first_name: 'Ana', custom: { tier: 'silver', vip: true } }));
    expect(fields).toMatchObject({ name: 'Ana', city: 'Bonn', country: 'DE', first_name: 'Ana' });
    expect(JSON.parse(String(fields.custom))).toEqual({ tier: 'gold', vip: true });
  });
});
