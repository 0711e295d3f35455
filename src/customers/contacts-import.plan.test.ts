import { describe, expect, it } from 'vitest';
import type { ImportedContact } from './contacts-import.mapping.ts';
import { orderedIds, planChunk, type KnownContact } from './contacts-import.plan.ts';

const row = (fields: Partial<ImportedContact>): ImportedContact => ({
  name: null, firstName: null, lastName: null, emails: [], phones: [], company: null, city: null, country: null, handles: [], lifecycleStage: null, ...fields,
});

const known = (fields: Partial<KnownContact> & { id: string; created_at: string }): KnownContact => ({
  name: '', first_name: null, last_name: null, emails: [], phones: [], city: null, country: null, account_id: null, ...fields,
});

describe('orderedIds', () => {
  it('gives version 7 UUIDs that increase strictly, even when the clock stands still or goes back', () => {
    const times = [1000, 1000, 999, 1000, 2000];
    let at = 0;
    const next = orderedIds(() => times[Math.min(at++, times.length - 1)] ?? 0);
    const ids = Array.from({ length: 5000 }, next);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 1; i < ids.length; i++) expect((ids[i] ?? '') > (ids[i - 1] ?? '')).toBe(true);
  });
});

describe('planChunk', () => {
  const ctx = () => ({ now: '2026-11-23T10:00:00.000000Z', newId: orderedIds(), accountCache: new Map<string, string>() });

  it('matches the oldest contact by email before any phone match, and fills only what is empty', () => {
    const byPhone = known({ id: '00000000-0000-4000-8000-000000000001', created_at: '2020-01-01T00:00:00.000000Z', phones: ['+4930111'] });
    const newer = known({ id: '00000000-0000-4000-8000-000000000003', created_at: '2024-01-01T00:00:00.000001Z', name: 'Newer', emails: ['a@x.test'] });
    const older = known({ id: '00000000-0000-4000-8000-000000000002', created_at: '2024-01-01T00:00:00.000000Z', name: 'a@x.test', emails: ['a@x.test'], city: 'Wien' });
    const plan = planChunk([row({ name: 'Ana', emails: ['a@x.test'], phones: ['+4930111'], city: 'Linz' })], { contacts: [byPhone, newer, older], identities: [], accounts: new Map() }, ctx());
    expect(plan.outcomes).toEqual([{ kind: 'updated', warnings: [] }]);
    expect(plan.updatedContacts).toEqual([{ ...older, name: 'Ana', phones: ['+4930111'] }]);
    expect(older.phones).toEqual([]);
  });

  it('creates once and then updates the same new contact; its account is created once and reused', () => {
    const plan = planChunk(
      [row({ name: 'Bo', emails: ['bo@x.test'], company: 'Acme' }), row({ emails: ['bo@x.test'], phones: ['+4930222'], company: 'ACME' }), row({ name: 'Cy', company: 'acme' })],
      { contacts: [], identities: [], accounts: new Map() },
      ctx(),
    );
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['created', 'updated', 'created']);
    expect(plan.updatedContacts).toEqual([]);
    expect(plan.newAccounts).toHaveLength(1);
    expect(plan.newContacts.map((c) => [c.name, c.phones, c.account_id])).toEqual([
      ['Bo', ['+4930222'], plan.newAccounts[0]?.id],
      ['Cy', [], plan.newAccounts[0]?.id],
    ]);
  });
});
