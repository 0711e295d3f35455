import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** AES-256-GCM for secrets at rest (channel credentials). Format: v1.<iv>.<tag>.<ciphertext>, base64url. */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromBase64(keyBase64: string): SecretBox {
    const key = Buffer.from(keyBase64, 'base64');
    if (key.length !== 32) throw new Error('TOWNHALL_SECRET_KEY must be 32 bytes encoded as base64 (try: openssl rand -base64 32)');
    return new SecretBox(key);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('sealed secret has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Uses the configured key, or one generated once into the data folder (mode 0600). */
export async function loadSecretBox(configuredKey: string | undefined, dataDir: string): Promise<{ box: SecretBox; generated: boolean }> {
  if (configuredKey) return { box: SecretBox.fromBase64(configuredKey), generated: false };
  const path = join(dataDir, 'secret.key');
  try {
    return { box: SecretBox.fromBase64((await readFile(path, 'utf8')).trim()), generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  await writeFile(path, key + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return { box: SecretBox.fromBase64(key), generated: true };
}
