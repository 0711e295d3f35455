import { describe, expect, it } from 'vitest';
import { AnalysisConfigError, parseWorkspaceConfig } from './config.ts';
import { createAnalyzer } from './index.ts';
import { analyzeJsonl } from './jsonl.ts';

const analyze = createAnalyzer();

describe('analyzeJsonl', () => {
  it('numbers lines from the block start, skips blank lines and answers bad ones with errors', () => {
    const block = ['{"id":1,"text":"hello there"}', '', '{"text":', '{"id":"x","text":null}', '{"id":5,"text":"bye"}'].join('\n');
    const r = analyzeJsonl(block, 101, analyze);
    const out = r.output.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(r).toMatchObject({ lines: 4, errors: 2 });
    expect(out.map((o) => o['id'] ?? o['line'])).toEqual([1, 103, 'x', 5]);
    expect(out[2]).toMatchObject({ error: '"text" must be a string, got null', line: 104, id: 'x' });
  });

  it('keeps the input fields and overrides lang with the ISO 639-1 result', () => {
    const r = analyzeJsonl('{"id":7,"lang":"de-AT","source":"mastodon","text":"Danke, alles super gelaufen!"}', 1, analyze);
    expect(JSON.parse(r.output)).toMatchObject({ id: 7, source: 'mastodon', lang: 'de', sentiment: { label: 'positive' } });
  });
});

describe('parseWorkspaceConfig', () => {
  it('fills missing lists and accepts bare names', () => {
    expect(parseWorkspaceConfig({ brands: ['Acme', { name: 'Globex', aliases: ['GBX'] }] })).toEqual({
      brands: [{ name: 'Acme' }, { name: 'Globex', aliases: ['GBX'] }],
      products: [],
      competitors: [],
      topics: [],
    });
  });

  it('says where a configuration is malformed', () => {
    expect(() => parseWorkspaceConfig([])).toThrow(AnalysisConfigError);
    expect(() => parseWorkspaceConfig({ topics: [{ name: 'x', keywords: 'y' }] })).toThrow('topics[0].keywords must be an array of strings');
    expect(() => parseWorkspaceConfig({ products: {} })).toThrow('"products" must be an array');
  });
});
