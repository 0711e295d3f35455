import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/townhall.js');
const INTENTS = ['complaint', 'question', 'purchase_intent', 'praise', 'feature_request', 'churn_threat', 'spam', 'other'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `townhall analyze` with the given stdin, as a user would from a shell. */
function analyze(stdin: string, args: string[] = []): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'analyze', ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr }));
    child.stdin.end(stdin);
  });
}

function records(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const parsed: unknown = JSON.parse(l);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`not an object: ${l}`);
      return Object.fromEntries(Object.entries(parsed));
    });
}

/** The PRODUCT.md contract fields of one output line. */
function expectContract(r: Record<string, unknown>): void {
  expect(r['lang']).toMatch(/^[a-z]{2}$/);
  const sentiment = r['sentiment'];
  expect(sentiment).toEqual({ label: expect.stringMatching(/^(positive|neutral|negative)$/), score: expect.any(Number) });
  const score = typeof sentiment === 'object' && sentiment !== null ? Reflect.get(sentiment, 'score') : NaN;
  expect(score).toBeGreaterThanOrEqual(-1);
  expect(score).toBeLessThanOrEqual(1);
  expect(INTENTS).toContain(r['intent']);
  expect(Array.isArray(r['topics'])).toBe(true);
  for (const t of r['topics'] as unknown[]) expect(typeof t).toBe('string');
  expect(Array.isArray(r['entities'])).toBe(true);
  for (const e of r['entities'] as unknown[]) expect(e).toEqual({ type: expect.any(String), text: expect.any(String) });
}

// Each case spawns the CLI, which loads the models: slow on a busy machine, so generous limits.
describe('townhall analyze', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'townhall-analyze-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the input fields plus lang, sentiment, intent, topics and entities for every line', async () => {
    const input = [
      { id: 'a1', text: '@Telekom internet down again since this morning, this is unacceptable #fail https://t.co/x', channel: 'x' },
      { id: 2, text: 'Ich liebe die neue App, super schnell! 😍', lang: 'de-DE' },
      { text: 'Where can I buy the Speedport? $TMUS' },
      { id: 'empty', text: '' },
    ];
    const run = await analyze(input.map((o) => JSON.stringify(o)).join('\n') + '\n');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const out = records(run.stdout);
    expect(out).toHaveLength(4);
    out.forEach(expectContract);
    expect(out[0]).toMatchObject({ id: 'a1', channel: 'x', text: input[0]?.text, lang: 'en', intent: 'complaint', sentiment: { label: 'negative' } });
    expect(out[0]?.['entities']).toEqual(expect.arrayContaining([{ type: 'mention', text: '@Telekom' }, { type: 'hashtag', text: '#fail' }]));
    expect(out[1]).toMatchObject({ id: 2, lang: 'de', sentiment: { label: 'positive' } });
    expect(out[2]?.['entities']).toEqual(expect.arrayContaining([{ type: 'cashtag', text: '$TMUS' }]));
    expect(out[3]).toMatchObject({ id: 'empty', lang: 'en', intent: 'other', topics: [], entities: [] });
  });

  it('answers each malformed line with an error object and goes on', async () => {
    const lines = [
      JSON.stringify({ id: 1, text: 'first is fine' }),
      '{"id": 2, "text": "broken',
      JSON.stringify({ id: 3 }),
      JSON.stringify({ id: 4, text: 42 }),
      '[1, 2, 3]',
      'null',
      JSON.stringify({ id: 7, text: 'last is fine too' }),
    ];
    const run = await analyze(lines.join('\n'));
    expect(run.code, run.stderr).toBe(0);
    const out = records(run.stdout);
    expect(out).toHaveLength(7);
    expect(out[0]).toMatchObject({ id: 1 });
    expectContract(out[0] ?? {});
    expect(out.slice(1, 6).map((r) => r['line'])).toEqual([2, 3, 4, 5, 6]);
    for (const r of out.slice(1, 6)) expect(typeof r['error']).toBe('string');
    expect(out[2]).toMatchObject({ id: 3 });
    expect(out[6]).toMatchObject({ id: 7 });
    expectContract(out[6] ?? {});
  });

  it('keeps hostile text analysable: lone surrogates, control characters, a 100 kB post, CRLF line ends', async () => {
    const lines = [
      JSON.stringify({ id: 1, text: '\uD800 lone \uDC00 surrogates' }),
      JSON.stringify({ id: 2, text: 'control \u0000\u0007\u001B[31m chars' }),
      JSON.stringify({ id: 3, text: 'Die Lieferung ist kaputt. '.repeat(4000) }),
      JSON.stringify({ id: 4, text: 'windows line end' }),
    ];
    const run = await analyze('\uFEFF' + lines.join('\r\n') + '\r\n');
    expect(run.code, run.stderr).toBe(0);
    const out = records(run.stdout);
    expect(out.map((r) => r['id'])).toEqual([1, 2, 3, 4]);
    out.forEach(expectContract);
    expect(out[2]?.['lang']).toBe('de');
  });

  it('uses the workspace configuration for brands, products and topics', async () => {
    const file = join(dir, 'workspace.json');
    await writeFile(file, JSON.stringify({ brands: [{ name: 'Telekom' }], products: [{ name: 'MagentaTV' }], competitors: ['Vodafone'], topics: [{ name: 'outage', keywords: ['Störung', 'outage'] }] }));
    const run = await analyze(JSON.stringify({ text: 'Seit gestern Störung bei MagentaTV, ich wechsle zu Vodafone' }) + '\n', ['--workspace-config', file]);
    expect(run.code, run.stderr).toBe(0);
    const [r] = records(run.stdout);
    expect(r?.['topics']).toEqual(['outage']);
    expect(r?.['entities']).toEqual(expect.arrayContaining([{ type: 'product', text: 'MagentaTV' }, { type: 'competitor', text: 'Vodafone' }]));
  });

  it('refuses an invalid workspace configuration with a clear message', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ brands: [{ aliases: ['x'] }] }));
    const run = await analyze('', ['--workspace-config', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/brands\[0\] needs a non-empty string "name"/);
  });

  it('writes nothing and exits 0 on empty input', async () => {
    const run = await analyze('');
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('keeps input order over 20,000 lines analysed by the worker pool', async () => {
    const words = ['great', 'terrible', 'delivery', 'Lieferung', 'kaputt', 'love', 'refund', 'why', 'cancel', 'super', '#help', '@brand', 'merci', 'gracias'];
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (i % 997 === 500) {
        lines.push('{oops');
        continue;
      }
      const text = Array.from({ length: 6 + (i % 9) }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
      lines.push(JSON.stringify({ id: i, text }));
    }
    const run = await analyze(lines.join('\n') + '\n', ['--threads', '2', '--verbose']);
    expect(run.code, run.stderr).toBe(0);
    // The summary says how many blocks the workers analysed: the pool must have taken part.
    const pooled = /, (\d+) by 2 worker threads/.exec(run.stderr);
    expect(Number(pooled?.[1] ?? 0), run.stderr).toBeGreaterThan(0);
    const out = records(run.stdout);
    expect(out).toHaveLength(20_000);
    out.forEach((r, i) => {
      if (i % 997 === 500) expect(r, `line ${i + 1}`).toMatchObject({ line: i + 1, error: expect.any(String) });
      else expect(r['id'], `line ${i + 1}`).toBe(i);
    });
    expectContract(out[19_999] ?? {});
  }, 600_000);
});
