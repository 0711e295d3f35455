import { describe, expect, it } from 'vitest';
import { createAnalyzer, DEFAULT_LANGUAGE, INTENTS, type Analysis, type WorkspaceAnalysisConfig } from './index.ts';

const config: WorkspaceAnalysisConfig = {
  brands: [{ name: 'Telekom', aliases: ['Deutsche Telekom'] }],
  products: [{ name: 'MagentaTV' }, { name: 'Speedport' }],
  competitors: [{ name: 'Vodafone' }],
  topics: [
    { name: 'delivery', keywords: ['delivery', 'Lieferung', 'Paket'] },
    { name: 'outage', keywords: ['outage', 'Störung', 'Ausfall'] },
    { name: 'billing', keywords: ['invoice', 'Rechnung'] },
  ],
};
const analyze = createAnalyzer(config);

/** Checks the output contract of `townhall analyze` on one analysis. */
function expectContract(a: Analysis): void {
  expect(a.lang).toMatch(/^[a-z]{2}$/);
  expect(a.langConfidence).toBeGreaterThanOrEqual(0);
  expect(a.langConfidence).toBeLessThanOrEqual(1);
  expect(['positive', 'neutral', 'negative']).toContain(a.sentiment.label);
  expect(a.sentiment.score).toBeGreaterThanOrEqual(-1);
  expect(a.sentiment.score).toBeLessThanOrEqual(1);
  expect(INTENTS).toContain(a.intent);
  expect(Object.keys(a.intentScores).sort()).toEqual([...INTENTS].sort());
  expect(Array.isArray(a.topics)).toBe(true);
  for (const t of a.topics) expect(typeof t).toBe('string');
  for (const e of a.entities) {
    expect(typeof e.type).toBe('string');
    expect(typeof e.text).toBe('string');
  }
  expect(['none', 'low', 'high']).toContain(a.urgency.level);
  expect(a.spam.score).toBeGreaterThanOrEqual(0);
  expect(() => JSON.stringify(a)).not.toThrow();
}

describe('createAnalyzer', () => {
  it('reads an English complaint with an outage, a brand and a hashtag', () => {
    const a = analyze({ text: '@Telekom internet outage again since this morning, this is unacceptable #fail' });
    expectContract(a);
    expect(a.lang).toBe('en');
    expect(a.sentiment.label).toBe('negative');
    expect(a.intent).toBe('complaint');
    expect(a.topics).toContain('outage');
    expect(a.entities.map((e) => e.type)).toEqual(expect.arrayContaining(['hashtag']));
    expect(a.urgency.level).not.toBe('none');
  });

  it('keeps negation in sentiment: "not good" is negative', () => {
    const a = analyze({ text: 'The new MagentaTV app is not good at all, it keeps crashing' });
    expect(a.sentiment.label).toBe('negative');
    expect(a.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'product', text: 'MagentaTV' })]));
  });

  it('reads emoji as sentiment', () => {
    expect(analyze({ text: 'MagentaTV 😍😍🔥' }).sentiment.label).toBe('positive');
    expect(analyze({ text: 'Speedport again 😡😡😡' }).sentiment.label).toBe('negative');
  });

  it('analyses German in German: compounds and umlauts reach the taxonomy', () => {
    const a = analyze({ text: 'Seit drei Tagen Störung und die Lieferverzögerung beim Paket nervt, schlechter Kundenservice!' });
    expectContract(a);
    expect(a.lang).toBe('de');
    expect(a.sentiment.label).toBe('negative');
    expect(a.topics).toEqual(expect.arrayContaining(['outage', 'delivery']));
  });

  it('finds a German complaint about the invoice with umlauts spelled out', () => {
    const a = analyze({ text: 'Die Rechnung ist schon wieder falsch, ich will mein Geld zurueck. Unverschaemt!' });
    expect(a.lang).toBe('de');
    expect(a.topics).toContain('billing');
    expect(a.intent).toBe('complaint');
  });

  it('picks one language for a mixed-language post and still finds both languages’ topics', () => {
    const a = analyze({ text: 'Meine Lieferung ist nicht angekommen, the delivery tracking says delivered, was soll das?' });
    expectContract(a);
    expect(['de', 'en']).toContain(a.lang);
    expect(a.topics).toContain('delivery');
  });

  it('keeps a plausible platform language tag', () => {
    expect(analyze({ text: 'ok', lang: 'de-DE' }).lang).toBe('de');
  });

  it('maps a post without letters to the default language with confidence 0', () => {
    for (const text of ['', '   ', '12345', '😀😀', '!!!', '\u0000\u0001']) {
      const a = analyze({ text });
      expectContract(a);
      expect(a.lang).toBe(DEFAULT_LANGUAGE);
      expect(a.langConfidence).toBe(0);
    }
  });

  it('reads the empty post as neutral, other, with nothing found', () => {
    const a = analyze({ text: '' });
    expect(a).toMatchObject({ sentiment: { label: 'neutral', score: 0 }, intent: 'other', topics: [], entities: [] });
  });

  it('never throws on hostile input', () => {
    const hostile: string[] = [
      'a'.repeat(100_000),
      'Die Lieferung ist kaputt. '.repeat(4_000),
      '\uD800\uD800 lone \uDC00 surrogates \uDBFF',
      'control \u0000\u0007\u001B[31m characters \u007F\u0085',
      '\u202E reversed \u200B zero width \uFEFF',
      '#'.repeat(10_000),
      '@'.repeat(5_000) + 'x',
      'http://' + 'a.'.repeat(20_000),
      '🏳️‍🌈'.repeat(2_000),
      'ä'.repeat(50_000),
    ];
    for (const text of hostile) expectContract(analyze({ text }));
  });

  it('treats a non-string text or tag from untyped callers as the empty post', () => {
    const untyped: unknown[] = [null, undefined, 42, { text: 1 }, ['x']];
    for (const value of untyped) {
      const a = analyze(JSON.parse(JSON.stringify({ text: value ?? null, lang: value ?? null })));
      expectContract(a);
      expect(a.lang).toBe(DEFAULT_LANGUAGE);
    }
  });

  it('is pure: the same input gives the same analysis', () => {
    const text = 'Switching to Vodafone next month, cancel my Telekom contract';
    expect(analyze({ text })).toEqual(analyze({ text }));
    expect(createAnalyzer(config)({ text })).toEqual(analyze({ text }));
  });

  it('works without a workspace configuration', () => {
    const a = createAnalyzer()({ text: 'Where can I buy the new phone? #question' });
    expectContract(a);
    expect(a.entities.some((e) => e.type === 'brand')).toBe(false);
  });
});
