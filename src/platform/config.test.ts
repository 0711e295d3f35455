import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to port 3000 and ./data with the embedded store', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.cookieSecure).toBe(false);
  });

  it('marks cookies secure when the public URL is https', () => {
    expect(loadConfig({ TOWNHALL_PUBLIC_URL: 'https://crm.example.com/' }).cookieSecure).toBe(true);
    expect(loadConfig({ TOWNHALL_PUBLIC_URL: 'https://crm.example.com/' }).publicUrl).toBe('https://crm.example.com');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ TOWNHALL_ADMIN_EMAIL: 'nobody' }, /TOWNHALL_ADMIN_EMAIL is not an email/],
    [{ TOWNHALL_ADMIN_PASSWORD: 'short' }, /at least 8 characters/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ TOWNHALL_COOKIE_SECURE: 'yes' }, /TOWNHALL_COOKIE_SECURE must be true or false/],
  ])('names the variable when %o is invalid', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
