import { describe, expect, it } from 'vitest';
import { scoreAuthor } from './authors.ts';

describe('scoreAuthor', () => {
  it('flags a new account posting duplicates at a high rate', () => {
    const r = scoreAuthor({ posts: 60, windowHours: 2, duplicatePosts: 50, linkPosts: 58, accountAgeDays: 2, followers: 3, following: 900, handle: 'deals4you83920' });
    expect(r.isBotLike).toBe(true);
    expect(r.score).toBe(1);
    expect(r.reasons).toEqual(expect.arrayContaining(['very_high_posting_rate', 'mostly_duplicates', 'mostly_links', 'new_account', 'generated_handle']));
  });

  it('does not flag an ordinary customer', () => {
    const r = scoreAuthor({ posts: 3, windowHours: 24, duplicatePosts: 0, linkPosts: 0, accountAgeDays: 2000, followers: 150, following: 200, handle: 'ana_b' });
    expect(r).toEqual({ score: 0, isBotLike: false, reasons: [] });
  });

  it('does not flag an established news account for its rate alone', () => {
    const r = scoreAuthor({ posts: 40, windowHours: 4, linkPosts: 40, accountAgeDays: 4000, followers: 500_000, following: 300 });
    expect(r.isBotLike).toBe(false);
  });

  it('works with only window statistics', () => {
    expect(scoreAuthor({ posts: 100, windowHours: 1, duplicatePosts: 80 }).isBotLike).toBe(true);
  });

  it('tolerates nonsense numbers', () => {
    const r = scoreAuthor({ posts: Number.NaN, windowHours: -1, duplicatePosts: Infinity, followers: -5 });
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
  });
});
