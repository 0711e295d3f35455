import { describe, expect, it } from 'vitest';
import { changedFields } from './changes.ts';

describe('changedFields', () => {
  const fields = { firstName: 'first_name', emails: 'emails', custom: 'custom' } as const;

  it('names the changed fields by their API names, in the order given', () => {
    const before = { first_name: 'Ana', emails: ['a@x.test'], custom: { tier: 'gold', n: 1 } };
    expect(changedFields(before, { ...before, emails: ['a@x.test', 'b@x.test'], first_name: 'Anna' }, fields)).toEqual(['firstName', 'emails']);
  });

  it('finds nothing when only the key order of a JSON object differs', () => {
    const before = { first_name: null, emails: [], custom: { tier: 'gold', n: 1 } };
    expect(changedFields(before, { first_name: null, emails: [], custom: { n: 1, tier: 'gold' } }, fields)).toEqual([]);
  });
});
