import type { CanonicalPost } from './canonical.ts';

/** A listening query as the matcher needs it: what to look for, where, and what to leave out. */
export interface ListeningQuery {
  id: string;
  channels: string[];
  languages: string[];
  keywords: string[];
  hashtags: string[];
  accounts: string[];
  excludeKeywords: string[];
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Keyword as a whole word or phrase (not "care" inside "careful"), accent- and case-insensitive. */
function containsPhrase(haystack: string, phrase: string): boolean {
  const needle = fold(phrase.trim());
  if (!needle) return false;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : haystack[at - 1] ?? '';
    const after = haystack[at + needle.length] ?? '';
    if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) return true;
    from = at + 1;
  }
}

const stripMark = (value: string) => fold(value.replace(/^[@#]/, ''));

/**
 * Pure: does a post match a listening query? Filters (channels, languages) narrow; any keyword,
 * hashtag or account matches; an exclude keyword vetoes. A query with no terms matches nothing.
 */
export function matchesQuery(query: ListeningQuery, post: CanonicalPost, language: string | null): boolean {
  if (query.channels.length > 0 && !query.channels.includes(post.channel)) return false;
  if (query.languages.length > 0 && (!language || !query.languages.includes(language))) return false;
  const text = fold(post.text);
  if (query.excludeKeywords.some((k) => containsPhrase(text, k))) return false;
  if (query.keywords.some((k) => containsPhrase(text, k))) return true;
  const tags = new Set((post.hashtags ?? []).map(stripMark));
  for (const match of post.text.matchAll(/#([\p{L}\p{N}_]+)/gu)) tags.add(stripMark(match[1] ?? ''));
  if (query.hashtags.some((h) => tags.has(stripMark(h)))) return true;
  const accounts = new Set<string>();
  if (post.author?.handle) accounts.add(stripMark(post.author.handle));
  for (const m of post.mentions ?? []) accounts.add(stripMark(m));
  return query.accounts.some((a) => accounts.has(stripMark(a)));
}

/** Ids of the queries a post matches. */
export function matchingQueryIds(queries: ListeningQuery[], post: CanonicalPost, language: string | null): string[] {
  return queries.filter((q) => matchesQuery(q, post, language)).map((q) => q.id);
}
