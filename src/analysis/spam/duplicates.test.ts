import { describe, expect, it } from 'vitest';
import { estimateSimilarity, minHashSignature, NearDuplicateIndex } from './duplicates.ts';

const HOUR = 3600_000;
const campaignText = (i: number): string =>
  `Switch to SuperNet today and get 50% off your first three months, the best fibre deal in town! @friend${i} https://ex.am/ple?ref=${i}`;

describe('NearDuplicateIndex', () => {
  it('finds a near-duplicate with a high Jaccard estimate', () => {
    const index = new NearDuplicateIndex();
    index.add('a', 'My order from last week still has not arrived and nobody answers the hotline', 0, 'ana');
    const [match] = index.findNearDuplicates('My order from last week still has not arrived and nobody answers the hotline!!');
    expect(match?.id).toBe('a');
    expect(match?.similarity).toBeGreaterThan(0.8);
  });

  it('ignores changed mentions and links between copies', () => {
    const index = new NearDuplicateIndex();
    index.add('1', campaignText(1), 0, 'u1');
    expect(index.add('2', campaignText(2), 1, 'u2').map((m) => m.id)).toEqual(['1']);
  });

  it('does not match different posts', () => {
    const index = new NearDuplicateIndex();
    index.add('a', 'The new phone has a great camera and the battery lasts two days', 0);
    expect(index.findNearDuplicates('My invoice was charged twice this month, please refund it')).toEqual([]);
  });

  it('estimates similarity close to the true Jaccard', () => {
    const a = minHashSignature('the quick brown fox jumps over the lazy dog and runs into the forest', 128);
    const b = minHashSignature('the quick brown fox jumps over the lazy cat and runs into the forest', 128);
    if (a === null || b === null) throw new Error('no signature');
    expect(estimateSimilarity(a, a)).toBe(1);
    expect(estimateSimilarity(a, b)).toBeGreaterThan(0.6);
    expect(estimateSimilarity(a, b)).toBeLessThan(1);
  });

  it('evicts items older than the window', () => {
    const index = new NearDuplicateIndex({ windowMs: HOUR });
    index.add('old', campaignText(1), 0, 'u1');
    index.add('new', 'something else entirely, about the weather', 2 * HOUR, 'u2');
    expect(index.size).toBe(1);
    expect(index.findNearDuplicates(campaignText(3))).toEqual([]);
  });

  it('keeps memory bounded by maxItems', () => {
    const index = new NearDuplicateIndex({ maxItems: 100 });
    for (let i = 0; i < 1000; i++) index.add(String(i), `unique post number ${i} about topic ${i * 7919}`, i);
    expect(index.size).toBe(100);
    expect(index.findNearDuplicates('unique post number 5 about topic 39595')).toEqual([]);
  });

  it('groups a copy-paste campaign from five authors', () => {
    const index = new NearDuplicateIndex();
    for (let i = 0; i < 5; i++) index.add(`c${i}`, campaignText(i), i * 60_000, `author${i}`);
    index.add('x1', 'Honestly the fibre install went smoothly, technician was great', 10, 'happy');
    index.add('x2', 'Is anyone else seeing an outage in Berlin right now?', 20, 'worried');
    const campaigns = index.detectCampaigns(5);
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]?.ids).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(campaigns[0]?.authors).toHaveLength(5);
    expect(campaigns[0]?.example).toContain('SuperNet');
  });

  it('does not call one author repeating themselves a campaign', () => {
    const index = new NearDuplicateIndex();
    for (let i = 0; i < 6; i++) index.add(`s${i}`, campaignText(i), i, 'same');
    expect(index.detectCampaigns(5)).toEqual([]);
    expect(index.authorActivity('same')).toMatchObject({ posts: 6, duplicatePosts: 6 });
  });

  it('never throws on hostile input', () => {
    const index = new NearDuplicateIndex();
    for (const [i, text] of ['', '   ', 'x'.repeat(100_000), '\uD800\uDC00\uDFFF', '\u0000\u0001\u0002', 'a'].entries()) index.add(String(i), text, Number.NaN);
    expect(index.findNearDuplicates('')).toEqual([]);
    expect(Array.isArray(index.detectCampaigns())).toBe(true);
  });
});
