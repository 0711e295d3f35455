import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupCommitter } from '../../src/intake/group-commit.ts';
import { insertRawMany, type RawPayloadInput } from '../../src/intake/intake.repository.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('priority writes and group commit on %s', (kind) => {
  let store: Store;
  let workspaceId: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    workspaceId = (await seedWorkspace(store.db, 'priority')).workspaceId;
  });
  afterAll(async () => {
    await store?.close();
  });

  const payload = (body: string): RawPayloadInput => ({ workspaceId, connectionId: null, channel: 'webhook', source: 'webhook', contentType: 'application/json', headers: {}, body, dedupeKey: null });

  it.runIf(kind === 'pglite')('runs a priority write before background work queued earlier, after the transaction in progress', async () => {
    const order: string[] = [];
    let leaveTransaction!: () => void;
    const inTransaction = new Promise<void>((resolve) => (leaveTransaction = resolve));
    let entered!: () => void;
    const transactionStarted = new Promise<void>((resolve) => (entered = resolve));
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      entered();
      await inTransaction;
      order.push('transaction');
    });
    await transactionStarted;
    const background = sql`select 1`.execute(store.db).then(() => order.push('background'));
    const urgent = insertRawMany(store.priorityDb, [payload('{"urgent":true}')]).then(() => order.push('priority'));
    await new Promise((resolve) => setImmediate(resolve));
    leaveTransaction();
    await Promise.all([transaction, background, urgent]);
    expect(order).toEqual(['transaction', 'priority', 'background']);
  });

  it('stores concurrent submits in few statements, each body exactly once under the id it was answered', async () => {
    let statements = 0;
    const commit = createGroupCommitter(async (inputs: RawPayloadInput[]) => {
      statements++;
      return insertRawMany(store.priorityDb, inputs);
    });
    const bodies = Array.from({ length: 100 }, (_, i) => JSON.stringify({ n: i }));
    const answers = await Promise.all(bodies.map((body) => commit.submit([payload(body)])));
    expect(statements).toBeLessThan(bodies.length);
    const rows = await store.db.selectFrom('raw_intake').select(['id', 'body']).where('workspace_id', '=', workspaceId).where('body', 'in', bodies).execute();
    expect(rows).toHaveLength(bodies.length);
    const idOf = new Map(rows.map((row) => [row.body, row.id]));
    bodies.forEach((body, i) => expect(answers[i]?.[0]?.id).toBe(idOf.get(body)));
  });

  it('fails only the submit the store refuses', async () => {
    const commit = createGroupCommitter((inputs: RawPayloadInput[]) => insertRawMany(store.priorityDb, inputs));
    const first = commit.submit([payload('{"first":1}')]);
    // A workspace that does not exist violates the foreign key: that submit fails, its neighbours are stored.
    const bad = commit.submit([{ ...payload('{"bad":1}'), workspaceId: '00000000-0000-4000-8000-000000000000' }]);
    const good = commit.submit([payload('{"good":1}')]);
    await expect(bad).rejects.toThrow();
    const [[a], [b]] = await Promise.all([first, good]);
    const stored = await store.db.selectFrom('raw_intake').select('body').where('id', 'in', [a?.id ?? 0, b?.id ?? 0]).orderBy('id').execute();
    expect(stored.map((r) => r.body)).toEqual(['{"first":1}', '{"good":1}']);
  });
});
