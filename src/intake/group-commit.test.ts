import { describe, expect, it } from 'vitest';
import { createGroupCommitter } from './group-commit.ts';

/** An insertMany over an in-memory table that records each statement it receives. */
function table(options: { rejects?: (row: string) => boolean } = {}) {
  const rows: string[] = [];
  const statements: string[][] = [];
  let releaseFirst: (() => void) | undefined;
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  const insertMany = async (inputs: string[]) => {
    statements.push(inputs);
    if (statements.length === 1) await firstHeld;
    if (inputs.some((row) => options.rejects?.(row))) throw new Error('constraint violated');
    return inputs.map((row) => rows.push(row));
  };
  return { rows, statements, insertMany, releaseFirst: () => releaseFirst?.() };
}

describe('createGroupCommitter', () => {
  it('sends a lone submit at once and answers its ids in order', async () => {
    const t = table();
    t.releaseFirst();
    const commit = createGroupCommitter(t.insertMany);
    expect(await commit.submit(['a', 'b'])).toEqual([1, 2]);
    expect(t.statements).toEqual([['a', 'b']]);
  });

  it('coalesces the submits that arrive while a statement is in flight into the next statement', async () => {
    const t = table();
    const commit = createGroupCommitter(t.insertMany);
    const first = commit.submit(['first']);
    await Promise.resolve();
    const waiting = Array.from({ length: 20 }, (_, i) => commit.submit([`w${i}`]));
    t.releaseFirst();
    const results = await Promise.all([first, ...waiting]);
    expect(t.statements).toHaveLength(2);
    expect(t.statements[1]).toHaveLength(20);
    // Every submit gets the id of its own row.
    results.forEach((ids, i) => expect(t.rows[(ids[0] ?? 0) - 1]).toBe(i === 0 ? 'first' : `w${i - 1}`));
  });

  it('keeps each statement within maxRows but never splits one submit', async () => {
    const t = table();
    const commit = createGroupCommitter(t.insertMany, { maxRows: 5 });
    const first = commit.submit(['x']);
    await Promise.resolve();
    const waiting = [commit.submit(['a', 'b', 'c']), commit.submit(['d', 'e', 'f']), commit.submit(['g', 'h', 'i', 'j', 'k', 'l'])];
    t.releaseFirst();
    await Promise.all([first, ...waiting]);
    expect(t.statements.slice(1)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g', 'h', 'i', 'j', 'k', 'l']]);
    expect(t.rows).toHaveLength(13);
  });

  it('fails only the submit whose row the store refuses; the others of its statement are stored', async () => {
    const t = table({ rejects: (row) => row === 'bad' });
    const commit = createGroupCommitter(t.insertMany);
    const first = commit.submit(['first']);
    await Promise.resolve();
    const good1 = commit.submit(['good1']);
    const bad = commit.submit(['bad']);
    const good2 = commit.submit(['good2']);
    t.releaseFirst();
    await expect(bad).rejects.toThrow('constraint violated');
    await Promise.all([first, good1, good2]);
    expect(t.rows.sort()).toEqual(['first', 'good1', 'good2']);
  });

  it('rejects when the store answers a different number of rows than it was sent', async () => {
    const commit = createGroupCommitter(async (inputs: string[]) => inputs.slice(1));
    await expect(commit.submit(['a', 'b'])).rejects.toThrow('2 rows sent, 1 results returned');
  });
});
