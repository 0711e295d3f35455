import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntake } from '../../src/intake/intake.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const SRC = join(import.meta.dirname, '../../src');

async function sources(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

describe('one producer of raw_intake', () => {
  it('has one query that inserts into raw_intake, called only by the intake', async () => {
    const inserting: string[] = [];
    const callers: string[] = [];
    for (const file of await sources(SRC)) {
      const text = await readFile(file, 'utf8');
      const name = relative(SRC, file);
      if (/insertInto\(\s*['"]raw_intake['"]|insert\s+into\s+raw_intake/i.test(text)) inserting.push(name);
      if (/\binsertRaw(Many)?\b/.test(text) && name !== 'intake/intake.repository.ts') callers.push(name);
    }
    expect(inserting).toEqual(['intake/intake.repository.ts']);
    expect(callers).toEqual(['intake/intake.ts']);
  });
});

describe.each(STORE_KINDS)('the intake on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('commits, then signals only the new pending payloads, and a failing signal does not fail the submit', async () => {
    const ws = await seedWorkspace(store.db, 'intake-producer');
    const signalled: { id: number; workspaceId: string }[][] = [];
    const intake = createIntake(store.db, {
      stored: async (payloads) => {
        // Committed before the signal: a worker woken now can see the rows.
        const rows = await store.db.selectFrom('raw_intake').select('id').where('id', 'in', payloads.map((p) => p.id)).execute();
        expect(rows.length).toBe(payloads.length);
        signalled.push(payloads);
      },
    });
    const input = (body: string, dedupeKey: string | null) => ({ workspaceId: ws.workspaceId, connectionId: null, channel: 'jsonl', source: 'import' as const, contentType: null, headers: {}, body, dedupeKey });
    const first = await intake.submit([input('{"externalId":"a","text":"a","postedAt":"2026-11-01T00:00:00Z"}', 'k-a'), input('{"externalId":"b","text":"b","postedAt":"2026-11-01T00:00:00Z"}', null)]);
    expect(first.map((r) => r.duplicate)).toEqual([false, false]);
    const again = await intake.submit([input('{"externalId":"a","text":"a","postedAt":"2026-11-01T00:00:00Z"}', 'k-a')]);
    expect(again).toEqual([{ id: first[0]?.id, duplicate: true, status: 'pending', error: null }]);
    expect(signalled).toEqual([first.map((r) => ({ id: r.id, workspaceId: ws.workspaceId }))]);

    const errors: unknown[] = [];
    const failing = createIntake(store.db, { stored: async () => Promise.reject(new Error('bus down')) }, (error) => errors.push(error));
    const [stored] = await failing.submit([input('{"externalId":"c","text":"c","postedAt":"2026-11-01T00:00:00Z"}', null)]);
    expect(stored?.duplicate).toBe(false);
    expect(errors).toHaveLength(1);
  });
});
