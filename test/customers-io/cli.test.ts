import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnce, townhall } from '../support/cli.ts';

const CSV =
  '\uFEFFFull Name;E-Mail;Telefon;Firma;Social\r\n' +
  'Ana Berg;ana@example.com;030 1234567;Acme;x:@ana_b;instagram:ana.b\r\n' +
  'Bo Chen;bo@example.com;;Acme;\r\n' +
  ';not-an-email;;;\r\n';

// Spawns the CLI (through tsx) several times: generous limits on a busy machine.
describe('townhall contacts import', { timeout: 180_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;
  let file: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'townhall-contacts-'));
    env = { TOWNHALL_DATA: dataDir };
    file = join(dataDir, 'contacts.csv');
    // The quoted handles cell keeps its semicolons inside the semicolon-separated file.
    await writeFile(file, CSV.replace('x:@ana_b;instagram:ana.b', '"x:@ana_b;instagram:ana.b"'));
    await startOnce(env);
  }, 180_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports a dry run without writing, then imports, then only matches on a second run', async () => {
    const dry = await townhall(['contacts', 'import', file, '--dry-run', '--default-country', 'DE'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe('created 2, updated 0, matched 0, rejected 1\n');
    expect(dry.stderr).toContain('rejected row 4: email "not-an-email" is not a valid address');

    const applied = await townhall(['contacts', 'import', file, '--default-country', 'DE'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toBe('created 2, updated 0, matched 0, rejected 1\n');

    const again = await townhall(['contacts', 'import', file, '--default-country', 'DE'], env);
    expect(again.stdout).toBe('created 0, updated 0, matched 2, rejected 1\n');
  });

  it('takes an explicit mapping and fails only on fatal errors', async () => {
    const mapped = join(dataDir, 'mapped.csv');
    await writeFile(mapped, 'Kontakt,Adresse\nCleo Diaz,cleo@example.com\n');
    const run = await townhall(['contacts', 'import', mapped, '--mapping', 'Kontakt=name,Adresse=email'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('created 1, updated 0, matched 0, rejected 0\n');

    const missing = await townhall(['contacts', 'import', join(dataDir, 'nope.csv')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    const badMapping = await townhall(['contacts', 'import', mapped, '--mapping', 'Kontakt=shoe_size'], env);
    expect(badMapping.code).toBe(1);
    expect(badMapping.stderr).toMatch(/unknown field "shoe_size"/);
  });
});
