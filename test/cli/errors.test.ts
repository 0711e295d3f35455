import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { stderrLines, townhall, useCliDataFolder, type Run } from '../support/cli.ts';
import { call, killSpawnedServers, listAll, spawnServer } from '../support/spawned-server.ts';

/** A failed run as the user must see it: a non-zero exit and one line on stderr, saying `pattern`, no stack. */
function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code, run.stderr).not.toBe(0);
  expect(run.code, run.stderr).not.toBeNull();
  expect(stderrLines(run), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(/^townhall: /);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

const POSTS = ['{"id":"first-1","postedAt":"2026-01-05T10:00:00Z","text":"The new release is great"}', '{"id":"first-2","postedAt":"2026-01-05T11:00:00Z","text":"Where is my order?"}'].join('\n') + '\n';

// Every case spawns the real CLI (compiled, from dist/); those that open a store are slow on a busy machine.
describe('townhall CLI errors before any store is opened', { timeout: 120_000 }, () => {
  const env = useCliDataFolder('pglite', 'errors');

  it('refuses a missing file, a folder, an unknown channel, command or option in one line each', async () => {
    expectOneLineError(await townhall(['import', '--channel', 'jsonl', '/nonexistent/posts.jsonl'], env), /\/nonexistent\/posts\.jsonl does not exist; check the path/);
    expectOneLineError(await townhall(['import', '--channel', 'jsonl', env['TOWNHALL_DATA'] ?? ''], env), /is a folder; give one file/);
    expectOneLineError(await townhall(['import', '--channel', 'myspace', 'posts.jsonl'], env), /unknown channel "myspace"; choose one of: .*jsonl/);
    expectOneLineError(await townhall(['frobnicate'], env), /unknown command 'frobnicate'/);
    expectOneLineError(await townhall(['migrate', '--colour'], env), /unknown option '--colour'/);
    expectOneLineError(await townhall(['import', 'posts.jsonl'], env), /required option '--channel <name>' not specified/);
  });

  it('says what is wrong with DATABASE_URL: not PostgreSQL, or no server there', async () => {
    expectOneLineError(await townhall(['migrate'], { ...env, DATABASE_URL: 'mysql://nope' }), /configuration error: DATABASE_URL must use postgres/);
    expectOneLineError(await townhall(['migrate'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/townhall' }), /cannot use the database \(.*ECONNREFUSED.*\); check DATABASE_URL/);
  });

  it('words an unexpected failure in one line pointing to LOG_LEVEL=debug, which shows the stack', async () => {
    // A data folder that is a file: nothing we expect, so no special wording.
    const file = join(env['TOWNHALL_DATA'] ?? '', 'not-a-folder');
    await writeFile(file, 'x');
    const quiet = await townhall(['migrate'], { ...env, TOWNHALL_DATA: file });
    expectOneLineError(quiet, /; run with LOG_LEVEL=debug for details$/m);
    const debug = await townhall(['migrate'], { ...env, TOWNHALL_DATA: file, LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^townhall: .*LOG_LEVEL=debug for details\n/);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

describe.each(STORE_KINDS)('townhall import on a fresh %s store', { timeout: 300_000 }, (kind) => {
  const env = useCliDataFolder(kind, `import_first_${kind}`);
  let file = '';
  afterAll(killSpawnedServers);

  it('creates the store, the workspace and its admin as the first start does, then imports', async () => {
    file = join(env['TOWNHALL_DATA'] ?? '', 'posts.jsonl');
    await writeFile(file, POSTS);
    const run = await townhall(['import', '--channel', 'jsonl', file], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/First start: created the workspace and its admin\./);
    expect(run.stdout).toMatch(/Email: {4}admin@townhall\.local/);
    expect(run.stdout).toMatch(/Password: \S{23} {3}\(one-time/);
    expect(run.stdout).toMatch(/^imported 2, duplicates 0, rejected 0$/m);
    expect(run.stderr).toBe('');
  });

  it('refuses an unknown --workspace, naming the default one', async () => {
    expectOneLineError(await townhall(['import', '--channel', 'jsonl', '--workspace', 'acme', file], env), /no workspace with slug "acme"; leave out --workspace to use "default"/);
  });

  it('exits non-zero when nothing could be imported, or when payloads were rejected, after the summary', async () => {
    const empty = join(env['TOWNHALL_DATA'] ?? '', 'empty.jsonl');
    await writeFile(empty, '');
    const nothing = await townhall(['import', '--channel', 'jsonl', empty], env);
    expectOneLineError(nothing, /nothing could be imported from .*empty\.jsonl; check that it is in the jsonl format/);
    expect(nothing.stdout).toMatch(/^imported 0, duplicates 0, rejected 0$/m);

    const mixed = join(env['TOWNHALL_DATA'] ?? '', 'mixed.jsonl');
    await writeFile(mixed, '{"id":"mixed-1","postedAt":"2026-01-06T10:00:00Z","text":"fine"}\n{"text":"no id"}\n');
    const rejected = await townhall(['import', '--channel', 'jsonl', mixed], env);
    expectOneLineError(rejected, /1 payload of .*mixed\.jsonl rejected \(first: payload 2: .+\); --verbose lists them/);
    expect(rejected.stdout).toMatch(/^imported 1, duplicates 0, rejected 1$/m);
  });

  it('leaves a store that start serves with the imported posts; a running server holds the embedded store', async () => {
    const token = await townhall(['token', 'create', '--email', 'admin@townhall.local', '--name', 'check'], env);
    expect(token.code, token.stderr).toBe(0);
    const server = await spawnServer(env['TOWNHALL_DATA'] ?? '', env);
    await server.waitReady();
    if (kind === 'pglite') {
      expectOneLineError(await townhall(['import', '--channel', 'jsonl', file], env), /is in use by another Townhall process \(pid \d+\); stop it first/);
    }
    const posts = await listAll(server, '/api/v1/posts', token.stdout.trim());
    expect(posts.map((post: { externalId: string }) => post.externalId).sort()).toEqual(['first-1', 'first-2', 'mixed-1']);
    expect((await call(server, 'GET', '/api/v1/posts')).status).toBe(401);
  });
});
