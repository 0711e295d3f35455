import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/schema.ts';
import { openStore } from '../../src/platform/db/store.ts';
import { townhall, useCliStore } from '../support/cli.ts';
import { STORE_KINDS } from '../support/stores.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

// One scenario per record type, each spawning the CLI a dozen times (each run opens the store):
// slow on a busy machine, so generous limits. Data and audit entries are read from the store directly.
describe.each(STORE_KINDS)('townhall contacts|accounts|deals on %s', { timeout: 300_000 }, (kind) => {
  const env = useCliStore(kind, 'crm');

  const run = async (args: string[], code = 0) => {
    const result = await townhall(args, env);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
    if (code !== 0) expect(result.stderr.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
    return result;
  };
  const createdId = (stdout: string) => /^created \w+ (\S+)/.exec(stdout)?.[1] ?? '';
  const lines = (stdout: string): Record<string, unknown>[] =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const ids = (stdout: string) => lines(stdout).map((item) => item['id']);
  const cursorOf = (stderr: string) => /--cursor (\S+)/.exec(stderr)?.[1] ?? '';

  /** Reads the store the CLI wrote (the embedded store only while no CLI process holds it). */
  async function inStore<T>(read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const store = await openStore(env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'], poolSize: 1 } : { dataDir: env['TOWNHALL_DATA'] ?? '' });
    try {
      return await read(store.db);
    } finally {
      await store.close();
    }
  }
  const auditOf = (db: Kysely<Database>, targetIds: string[]) =>
    db.selectFrom('audit_log').select(['action', 'target_id', 'detail', 'actor_user_id']).where('target_id', 'in', targetIds).orderBy('id').execute();

  it('creates, lists, shows, updates and deletes accounts, with one-line errors', async () => {
    const acme = createdId((await run(['accounts', 'create', '--name', 'Acme GmbH', '--domain', 'ACME.example', '--domain', 'acme.test', '--industry', 'Retail'])).stdout);
    const beta = createdId((await run(['accounts', 'create', '--name', 'Beta AG', '--domain', 'beta.example', '--custom', '{"tier":"gold"}'])).stdout);
    expect((await run(['accounts', 'create', '--name', 'Bad', '--domain', 'https://bad.example'], 1)).stderr).toMatch(/--domain: must be a domain name such as example\.com/);

    const first = await run(['accounts', 'list', '--limit', '1']);
    expect(ids(first.stdout)).toEqual([beta]);
    expect(ids((await run(['accounts', 'list', '--limit', '1', '--cursor', cursorOf(first.stderr)])).stdout)).toEqual([acme]);
    expect(ids((await run(['accounts', 'list', '--domain', 'Acme.EXAMPLE'])).stdout)).toEqual([acme]);

    expect((await run(['accounts', 'update', acme, '--name', 'Acme Group', '--industry', '', '--size', '11-50'])).stdout).toContain(`updated account ${acme} (Acme Group)`);
    expect((await run(['accounts', 'update', acme], 1)).stderr).toMatch(/nothing to change: give at least one field option/);
    const shown = JSON.parse((await run(['accounts', 'show', acme])).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: acme, name: 'Acme Group', domains: ['acme.example', 'acme.test'], industry: null, size: '11-50', custom: {} });

    expect((await run(['accounts', 'delete', beta])).stdout).toContain(`deleted account ${beta}`);
    const gone = await run(['accounts', 'show', beta], 1);
    expect(gone.stderr).toMatch(/account does not exist in this workspace; check the id \(townhall accounts list\)/);
    expect((await run(['accounts', 'delete', 'nope'], 1)).stderr).toMatch(/"nope" is not an account id \(a UUID\)/);

    await inStore(async (db) => {
      expect(await db.selectFrom('accounts').select(['id', 'industry']).execute()).toEqual([{ id: acme, industry: null }]);
      expect(await auditOf(db, [acme, beta])).toEqual([
        { action: 'account.created', target_id: acme, detail: { name: 'Acme GmbH' }, actor_user_id: null },
        { action: 'account.created', target_id: beta, detail: { name: 'Beta AG' }, actor_user_id: null },
        { action: 'account.updated', target_id: acme, detail: { fields: ['name', 'industry', 'size'] }, actor_user_id: null },
        { action: 'account.deleted', target_id: beta, detail: { name: 'Beta AG' }, actor_user_id: null },
      ]);
    });
  });

  it('creates, lists, shows, updates and deletes deals, checking amounts, dates and references', async () => {
    const account = createdId((await run(['accounts', 'create', '--name', 'Deal Co'])).stdout);
    const contact = createdId((await run(['contacts', 'create', '--name', 'Dee Buyer'])).stdout);
    const renewal = createdId(
      (
        await run([
          'deals',
          'create',
          '--title',
          'Renewal',
          '--amount',
          '1250.5',
          '--currency',
          'usd',
          '--stage',
          'proposal',
          '--pipeline',
          'renewals',
          '--close-date',
          '2025-12-01',
          '--account-id',
          account,
          '--contact-id',
          contact,
        ])
      ).stdout,
    );
    const upsell = createdId((await run(['deals', 'create', '--title', 'Upsell'])).stdout);
    expect((await run(['deals', 'create', '--title', 'Bad', '--amount', '1,250.00'], 1)).stderr).toMatch(/--amount: must be a decimal number with at most 2 decimals/);
    expect((await run(['deals', 'create', '--title', 'Bad', '--contact-id', UNKNOWN], 1)).stderr).toContain(`--contact-id: contact ${UNKNOWN} does not exist in this workspace`);

    expect(ids((await run(['deals', 'list', '--pipeline', 'renewals', '--status', 'open', '--account-id', account])).stdout)).toEqual([renewal]);
    const first = await run(['deals', 'list', '--limit', '1']);
    expect(ids(first.stdout)).toEqual([upsell]);
    expect(ids((await run(['deals', 'list', '--limit', '1', '--cursor', cursorOf(first.stderr)])).stdout)).toEqual([renewal]);

    await run(['deals', 'update', renewal, '--stage', 'closed', '--status', 'won', '--amount', '', '--close-date', '2025-11-30']);
    const shown = JSON.parse((await run(['deals', 'show', renewal])).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: renewal, title: 'Renewal', amount: null, currency: 'USD', stage: 'closed', pipeline: 'renewals', status: 'won', closeDate: '2025-11-30', accountId: account, contactId: contact });

    await run(['deals', 'delete', upsell]);
    expect((await run(['deals', 'delete', upsell], 1)).stderr).toMatch(/deal does not exist in this workspace; check the id \(townhall deals list\)/);

    await inStore(async (db) => {
      expect(await db.selectFrom('deals').select(['id', 'amount', 'close_date']).execute()).toEqual([{ id: renewal, amount: null, close_date: '2025-11-30' }]);
      expect((await auditOf(db, [renewal, upsell])).map(({ action, target_id, detail }) => ({ action, target_id, detail }))).toEqual([
        { action: 'deal.created', target_id: renewal, detail: { title: 'Renewal', status: 'open' } },
        { action: 'deal.created', target_id: upsell, detail: { title: 'Upsell', status: 'open' } },
        { action: 'deal.stage_changed', target_id: renewal, detail: { from: { stage: 'proposal', status: 'open' }, to: { stage: 'closed', status: 'won' } } },
        { action: 'deal.updated', target_id: renewal, detail: { fields: ['amount', 'closeDate'] } },
        { action: 'deal.deleted', target_id: upsell, detail: { title: 'Upsell' } },
      ]);
    });
  });

  it('shows, merges, unmerges, exports and deletes contacts, refusing a second merge with a 409', async () => {
    const target = createdId((await run(['contacts', 'create', '--name', 'Ana Target', '--email', 'ana@crm.test', '--lifecycle-stage', 'customer'])).stdout);
    const source = createdId((await run(['contacts', 'create', '--name', 'Ana Source', '--email', 'ana.s@crm.test', '--city', 'Köln'])).stdout);
    await run(['contacts', 'update', source, '--lifecycle-stage', 'former_customer']);
    const deal = createdId((await run(['deals', 'create', '--title', 'Source deal', '--contact-id', source])).stdout);

    expect(JSON.parse((await run(['contacts', 'show', source])).stdout)).toMatchObject({ id: source, name: 'Ana Source', emails: ['ana.s@crm.test'], city: 'Köln', mergedIntoId: null });
    expect(lines((await run(['contacts', 'lifecycle', source])).stdout).map((c) => [c['fromStage'], c['toStage']])).toEqual([
      [null, 'prospect'],
      ['prospect', 'former_customer'],
    ]);

    const merged = await run(['contacts', 'merge', target, source]);
    expect(merged.stdout).toContain(`merged contact ${source} into ${target} (moved 1 deal, 2 lifecycle changes)`);
    const mergeId = /unmerge (\S+)/.exec(merged.stdout)?.[1] ?? '';
    const again = await run(['contacts', 'merge', target, source], 1);
    expect(again.stderr).toContain(`contact ${source} is already merged into ${target}`);
    expect(again.stderr).toContain('townhall contacts merges');
    expect(lines((await run(['contacts', 'merges', source])).stdout)).toMatchObject([{ id: mergeId, targetId: target, sourceId: source, undoneAt: null }]);
    // The merged-away contact is not exported; the target carries both addresses.
    const csv = (await run(['contacts', 'export', '--q', 'Ana'])).stdout;
    expect(csv.split('\r\n').filter(Boolean)).toEqual(['name,first_name,last_name,email,phone,company,city,country,handles,lifecycle_stage', 'Ana Target,,,ana@crm.test;ana.s@crm.test,,,Köln,,,customer']);

    expect((await run(['contacts', 'unmerge', mergeId])).stdout).toContain(`undid merge ${mergeId}: contact ${source} (Ana Source) is separate from ${target} again`);
    expect((await run(['contacts', 'unmerge', mergeId], 1)).stderr).toContain(`merge ${mergeId} is already undone`);

    const file = join(env['TOWNHALL_DATA'] ?? '', 'former.vcf');
    expect((await run(['contacts', 'export', '--format', 'vcard', '--lifecycle-stage', 'former_customer', '--out', file])).stderr).toContain(`exported to ${file}`);
    const cards = await readFile(file, 'utf8');
    expect(cards.match(/BEGIN:VCARD/g)).toHaveLength(1);
    expect(cards).toContain(`UID:urn:uuid:${source}\r\n`);
    expect(cards).toContain('ADR:;;;Köln;;;\r\n');

    await run(['contacts', 'delete', source]);
    expect((await run(['contacts', 'show', source], 1)).stderr).toMatch(/contact does not exist in this workspace; check the id \(townhall contacts list\)/);

    await inStore(async (db) => {
      // The deal went back to the source with the undo, and lost its contact when the source was deleted.
      expect(await db.selectFrom('deals').select('contact_id').where('id', '=', deal).executeTakeFirst()).toEqual({ contact_id: null });
      const audit = await auditOf(db, [target, source]);
      expect(audit.map((entry) => entry.action)).toEqual(['contact.created', 'contact.created', 'contact.lifecycle_changed', 'contact.merged', 'contact.unmerged', 'contact.deleted']);
      expect(audit.find((entry) => entry.action === 'contact.merged')).toMatchObject({ target_id: target, detail: { mergeId, sourceId: source } });
      expect(audit.find((entry) => entry.action === 'contact.unmerged')).toMatchObject({ target_id: target, detail: { mergeId, sourceId: source } });
      expect(audit.at(-1)).toMatchObject({ action: 'contact.deleted', target_id: source });
    });
  });
});
