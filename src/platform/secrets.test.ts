import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretBox, SecretBox } from './secrets.ts';

describe('SecretBox', () => {
  const box = SecretBox.fromBase64(randomBytes(32).toString('base64'));

  it('encrypts so that the same secret never looks the same twice, and decrypts back', () => {
    const a = box.encrypt('app-secret');
    const b = box.encrypt('app-secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('app-secret');
    expect(box.decrypt(a)).toBe('app-secret');
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = box.encrypt('app-secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => box.decrypt(parts.join('.'))).toThrow();
  });

  it('refuses a key of the wrong size with a hint', () => {
    expect(() => SecretBox.fromBase64('c2hvcnQ=')).toThrow(/32 bytes/);
  });

  it('generates a key file once with owner-only permissions and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'townhall-secret-'));
    const first = await loadSecretBox(undefined, dir);
    const second = await loadSecretBox(undefined, dir);
    expect(first.generated).toBe(true);
    expect(second.generated).toBe(false);
    expect(second.box.decrypt(first.box.encrypt('x'))).toBe('x');
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, 'secret.key'), 'utf8')).trim()).toHaveLength(44);
  });
});
