import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletions, identityKeys } from '../../src/identity-resolution/blocking.ts';
import { nameTokens, phoneKey } from '../../src/identity-resolution/text.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

/**
 * The SQL blocking keys (migrations 0006 and 0009, `townhall_contact_keys`) must fold names exactly as the
 * model does (`nameTokens`), and drop letters as `deletions` does, or a contact is never found as a
 * candidate for its own identity.
 */
const NAMES = [
  'José Núñez Ortíz',
  'Łukasz Dvořák',
  'Mehmet Yılmaz',
  'Søren Bjørnsen',
  'Zoë Lefèvre',
  'Jürgen Müller-Weiß',
  'Ægir Cœurdelion',
  'Ana Peña Ibáñez',
  'Şule Öztürk',
  'Tomáš Dušek',
];

describe.each(STORE_KINDS)('name blocking keys in SQL on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('folds accented names to the tokens the model compares', async () => {
    for (const name of NAMES) {
      const { rows } = await sql<{ keys: string[] }>`select townhall_contact_keys(${name}, '{}'::text[], '{}'::text[], '{}'::jsonb) as keys`.execute(store.db);
      const fromSql = (rows[0]?.keys ?? []).filter((k) => k.startsWith('n:')).sort();
      const fromModel = [...new Set(nameTokens(name).filter((t) => t.length >= 3))].map((t) => `n:${t}`).sort();
      expect(fromSql, name).toEqual(fromModel);
      const variantsFromSql = (rows[0]?.keys ?? []).filter((k) => k.startsWith('d:')).sort();
      const variantsFromModel = [...new Set(nameTokens(name).filter((t) => t.length >= 3).flatMap(deletions))].map((t) => `d:${t}`).sort();
      expect(variantsFromSql, name).toEqual(variantsFromModel);
    }
  });
});

describe('WhatsApp business-scoped user ids in blocking', () => {
  const facts = (externalId: string, handle: string | null) => ({ id: 'i', channel: 'whatsapp', externalId, handle, displayName: null, profileUrl: null, bio: null, location: null, language: null });

  it('never reads a BSUID as a phone number, and finds the contact by the phone number given as its handle', () => {
    expect(phoneKey('US.13491208655302741918')).toBeNull();
    expect(phoneKey('US.ENT.11815799212886844830')).toBeNull();
    expect(identityKeys(facts('BR.13491208655302741918', 'ana.trilhas')).phones).toEqual([]);
    expect(identityKeys(facts('DE.21833456019283746510', '+4915112345678')).phones).toEqual([phoneKey('+4915112345678')]);
    expect(identityKeys(facts('4915112345678', '+4915112345678')).phones).toEqual([phoneKey('4915112345678')]);
  });
});
