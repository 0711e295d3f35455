import { describe, expect, it } from 'vitest';
import { townhall, useCliStore } from '../support/cli.ts';
import { STORE_KINDS } from '../support/stores.ts';

// Each case spawns the CLI, which opens the store: slow on a busy machine, so generous limits.
describe.each(STORE_KINDS)('townhall contacts list|create|update on %s', { timeout: 180_000 }, (kind) => {
  const env = useCliStore(kind, 'contacts');

  const run = async (args: string[], code = 0) => {
    const result = await townhall(['contacts', ...args], env);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
    return result;
  };
  const createdId = (stdout: string) => /created contact (\S+)/.exec(stdout)?.[1] ?? '';
  const listed = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: string; name: string; emails: string[]; city: string | null });

  it('creates contacts, refusing an address another holds unless --allow-duplicate-email', async () => {
    const tom = createdId((await run(['create', '--name', 'Tom Lange', '--email', 'lange@cli.test', '--phone', '+49 151 7654321'])).stdout);
    expect(tom).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await run(['create', '--name', 'Eva Lange', '--email', 'LANGE@cli.test'], 1);
    expect(refused.stderr).toContain(`lange@cli.test already belongs to contact ${tom}`);
    expect(refused.stderr).toContain('--allow-duplicate-email');
    const eva = createdId((await run(['create', '--name', 'Eva Lange', '--email', 'lange@cli.test', '--phone', '0151-7654321', '--allow-duplicate-email'])).stdout);
    expect(eva).not.toBe('');

    const byEmail = listed((await run(['list', '--email', 'Lange@CLI.test'])).stdout);
    expect(byEmail.map((c) => c.id)).toEqual([eva, tom]);
    const byPhone = listed((await run(['list', '--phone', '01517654321', '--limit', '1'])).stdout);
    expect(byPhone.map((c) => c.id)).toEqual([eva]);
    const page = await run(['list', '--phone', '+49 151 7654321', '--limit', '1']);
    const cursor = /--cursor (\S+)/.exec(page.stderr)?.[1] ?? '';
    expect(listed((await run(['list', '--phone', '+49 151 7654321', '--limit', '1', '--cursor', cursor])).stdout).map((c) => c.id)).toEqual([tom]);

    const bad = await run(['create', '--name', 'Bad', '--email', 'not-an-email'], 1);
    expect(bad.stderr).toMatch(/--email: must match format "email"/);
  });

  it('updates a contact, refusing an added address another holds unless allowed', async () => {
    const ada = createdId((await run(['create', '--name', 'Ada Update', '--email', 'ada@cli.test'])).stdout);
    const bo = createdId((await run(['create', '--name', 'Bo Update', '--email', 'bo@cli.test'])).stdout);
    const updated = await run(['update', ada, '--city', 'Bonn', '--lifecycle-stage', 'customer']);
    expect(updated.stdout).toContain(`updated contact ${ada} (Ada Update)`);
    expect(listed((await run(['list', '--email', 'ada@cli.test'])).stdout)[0]?.city).toBe('Bonn');
    const refused = await run(['update', ada, '--email', 'ada@cli.test', '--email', 'bo@cli.test'], 1);
    expect(refused.stderr).toContain(`bo@cli.test already belongs to contact ${bo}`);
    await run(['update', ada, '--email', 'ada@cli.test', '--email', 'bo@cli.test', '--allow-duplicate-email']);
    expect(listed((await run(['list', '--email', 'bo@cli.test'])).stdout).map((c) => c.id).sort()).toEqual([ada, bo].sort());
    expect((await run(['update', 'nope', '--city', 'X'], 1)).stderr).toMatch(/"nope" is not a contact id/);
    expect((await run(['update', '00000000-0000-4000-8000-000000000000', '--city', 'X'], 1)).stderr).toMatch(/contact does not exist/);
  });
});
