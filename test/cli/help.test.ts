import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { COMMANDS } from '../../src/cli/commands.ts';
import { townhall } from '../support/cli.ts';

const CLI = resolve(import.meta.dirname, '../../src/cli');

describe('townhall --help', { timeout: 120_000 }, () => {
  it('lists every command with its description', async () => {
    const run = await townhall(['--help'], {});
    expect(run.code).toBe(0);
    const listed = [...run.stdout.matchAll(/^ {2}(\S+)/gm)].map((match) => match[1]).filter((name) => name !== 'help' && !name?.startsWith('-'));
    expect(listed).toEqual(Object.keys(COMMANDS));
    // commander wraps descriptions; compare words.
    const words = run.stdout.replace(/\s+/g, ' ');
    for (const { description } of Object.values(COMMANDS)) expect(words).toContain(description);
  });

  it("shows each command's own help with the description the list shows", async () => {
    for (const [name, { description }] of Object.entries(COMMANDS)) {
      const run = await townhall([name, '--help'], {});
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout.replace(/\s+/g, ' '), name).toContain(description);
    }
  });

  it('knows every command module in src/cli', async () => {
    const listing = await readFile(resolve(CLI, 'commands.ts'), 'utf8');
    for (const file of (await readdir(CLI)).filter((name) => name.endsWith('.command.ts'))) expect(listing, file).toContain(`'./${file}'`);
  });
});
