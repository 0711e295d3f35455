import { describe, expect, it } from 'vitest';
import { compileTopicMatcher } from './topics.ts';
import { discoverEmergingTopics, logLikelihood, promoteToTopic } from './discover.ts';

const chatter = (n: number, offset = 0): Array<{ text: string; lang: string }> =>
  Array.from({ length: n }, (_, i) => ({ text: `Post ${i + offset}: the weather and my phone plan, nothing special about the store`, lang: 'en' }));

describe('discoverEmergingTopics', () => {
  const current = [
    ...chatter(100),
    ...Array.from({ length: 12 }, (_, i) => ({ text: `The app crashes on login after the update (${i}) #appcrash`, lang: 'en' })),
    ...Array.from({ length: 8 }, (_, i) => ({ text: `Die App stürzt nach dem Update beim Login ab (${i})`, lang: 'de' })),
  ];
  const baseline = chatter(200, 1000);

  it('finds a keyphrase that surged against the baseline, with counts and examples', () => {
    const [top, ...rest] = discoverEmergingTopics(current, baseline);
    expect(top).toBeDefined();
    expect(top?.label).toBe('app crashes');
    expect(top?.count).toBe(20);
    expect(top?.baselineCount).toBe(0);
    expect(top?.keyphrases).toEqual(expect.arrayContaining(['app crashes', 'app stürzt', 'login', 'update']));
    expect(top?.examples).toHaveLength(3);
    expect(rest.map((c) => c.label)).not.toContain('weather');
  });

  it('ignores stopwords and words as frequent as in the baseline', () => {
    const words = discoverEmergingTopics(current, baseline).flatMap((c) => c.keyphrases);
    for (const w of ['the', 'and', 'nach', 'dem', 'weather', 'phone']) expect(words).not.toContain(w);
  });

  it('needs a minimum count', () => {
    const few = [...chatter(100), { text: 'Login broken', lang: 'en' }, { text: 'Login broken again', lang: 'en' }];
    expect(discoverEmergingTopics(few, baseline)).toEqual([]);
  });

  it('promotes a candidate into a topic that then matches posts', () => {
    const [top] = discoverEmergingTopics(current, baseline);
    if (top === undefined) throw new Error('no candidate');
    const topic = promoteToTopic(top, 'App crash');
    expect(topic.name).toBe('App crash');
    const m = compileTopicMatcher([topic]);
    expect(m.matchTopics('Your app crashed again', 'en')).toEqual(['App crash']);
  });

  it('scores independence as zero and a surge as significant', () => {
    expect(logLikelihood(10, 100, 20, 200)).toBeCloseTo(0, 6);
    expect(logLikelihood(20, 100, 0, 200)).toBeGreaterThan(10.83);
  });

  it('handles empty and hostile windows', () => {
    expect(discoverEmergingTopics([], baseline)).toEqual([]);
    const hostile = [{ text: '' }, { text: '\uD800\u0000' }, { text: 'x'.repeat(100_000) }, { text: 'only', lang: 'zz' }];
    expect(Array.isArray(discoverEmergingTopics(hostile, []))).toBe(true);
  });
});
