import { describe, expect, it } from 'vitest';
import type { CanonicalPost } from './canonical.ts';
import { matchesQuery, type ListeningQuery } from './query-matcher.ts';

const post = (overrides: Partial<CanonicalPost> = {}): CanonicalPost => ({
  channel: 'x',
  externalId: '1',
  author: { channel: 'x', externalId: 'u1', handle: 'ana_b' },
  kind: 'post',
  direction: 'in',
  visibility: 'public',
  text: 'My Acme Router keeps dropping wifi #AcmeFail',
  postedAt: '2026-11-01T00:00:00Z',
  ...overrides,
});

const query = (overrides: Partial<ListeningQuery> = {}): ListeningQuery => ({
  id: 'q',
  channels: [],
  languages: [],
  keywords: [],
  hashtags: [],
  accounts: [],
  excludeKeywords: [],
  ...overrides,
});

describe('listening query matching', () => {
  it('matches a keyword phrase case-insensitively as whole words', () => {
    expect(matchesQuery(query({ keywords: ['acme router'] }), post(), 'en')).toBe(true);
    expect(matchesQuery(query({ keywords: ['rout'] }), post(), 'en')).toBe(false);
  });

  it('matches accents loosely so "Müller" finds "muller"', () => {
    expect(matchesQuery(query({ keywords: ['muller'] }), post({ text: 'Danke an Müller!' }), 'de')).toBe(true);
  });

  it('matches hashtags found in the text with or without the # in the query', () => {
    expect(matchesQuery(query({ hashtags: ['#acmefail'] }), post(), 'en')).toBe(true);
    expect(matchesQuery(query({ hashtags: ['AcmeFail'] }), post(), 'en')).toBe(true);
  });

  it('matches the author account or a mention', () => {
    expect(matchesQuery(query({ accounts: ['@ana_b'] }), post(), 'en')).toBe(true);
    expect(matchesQuery(query({ accounts: ['acme_help'] }), post({ mentions: ['acme_help'] }), 'en')).toBe(true);
  });

  it('lets an exclude keyword veto a match', () => {
    expect(matchesQuery(query({ keywords: ['acme'], excludeKeywords: ['wifi'] }), post(), 'en')).toBe(false);
  });

  it('restricts by channel and language', () => {
    expect(matchesQuery(query({ keywords: ['acme'], channels: ['mastodon'] }), post(), 'en')).toBe(false);
    expect(matchesQuery(query({ keywords: ['acme'], languages: ['de'] }), post(), 'en')).toBe(false);
    expect(matchesQuery(query({ keywords: ['acme'], languages: ['de'] }), post(), null)).toBe(false);
  });

  it('matches nothing when the query has no terms', () => {
    expect(matchesQuery(query(), post(), 'en')).toBe(false);
  });
});
