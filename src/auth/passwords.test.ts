import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with a salt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toBe(await hashPassword('correct horse'));
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct hors', hash)).toBe(false);
  });

  it('treats unicode-equivalent spellings as the same password', async () => {
    const hash = await hashPassword('Cafe\u0301');
    expect(await verifyPassword('Caf\u00e9', hash)).toBe(true);
  });

  it('never verifies against a missing or malformed hash', async () => {
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await verifyPassword('anything', 'plain')).toBe(false);
  });

  it('generates readable one-time passwords without look-alike characters', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);
    expect(password).not.toMatch(/[01lIoO]/);
  });
});
