import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost, type ParsedItem } from '../../listening/canonical.ts';
import { redditSources, watchedThreads } from './reddit.driver.ts';
import { idBatches, moreStubs } from './reddit.more.ts';
import { parseReddit, unescapeLegacy } from './reddit.parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/reddit/${name}`, import.meta.url), 'utf8');
const posts = (items: ParsedItem[]): CanonicalPost[] => items.flatMap((i) => (i.type === 'post' ? [i.post] : []));

describe('Reddit listing parsing', () => {
  it('reads a subreddit listing: an edited self post, a link post, a deleted post, a German post', () => {
    const { items, skipped } = parseReddit(fixture('r-campinggear-new.json'));
    expect(skipped).toEqual([]);
    expect(items.map((i) => i.type)).toEqual(['post', 'post', 'delete', 'post']);
    const [edited, link, german] = posts(items);
    expect(edited).toEqual({
      channel: 'reddit',
      externalId: 't3_1h2abc1',
      author: { channel: 'reddit', externalId: 't2_trail_9x', handle: 'trail_mia', displayName: 'trail_mia', profileUrl: 'https://www.reddit.com/user/trail_mia/' },
      kind: 'post',
      direction: 'in',
      visibility: 'public',
      text: 'NorthPeak X200 zipper broke after 2 days\n\nBought the X200 last week & the main zip split on day 2 😞\n\nAnyone had luck with their warranty? > "lifetime" they said',
      postedAt: '2024-11-24T08:00:00.000Z',
      mentions: [],
      links: [],
      metrics: { score: 42, replies: 5 },
      url: 'https://www.reddit.com/r/CampingGear/comments/1h2abc1/northpeak_x200_zipper_broke_af/',
      editedAt: '2024-11-24T09:00:00.000Z',
    });
    expect(link).toMatchObject({ externalId: 't3_1h2abc2', text: 'NorthPeak vs Ridgeline: 6 months later', links: ['https://ridgeline-vs-northpeak.example/review?src=reddit&v=2'], metrics: { score: 118, replies: 34 }, author: { handle: 'gear_guru' } });
    expect(items[2]).toEqual({ type: 'delete', channel: 'reddit', externalId: 't3_1h2abc3', at: '2024-11-24T06:00:00.000Z' });
    expect(german).toMatchObject({ externalId: 't3_1h2abc4', text: 'X200 in grün – lohnt sich das?\n\nTaugt der Rucksack für Mehrtagestouren? 🏔️', editedAt: null });
  });

  it('reads the comments endpoint: the post, nested replies with parent and thread, a deleted comment, a more stub', () => {
    const { items, skipped } = parseReddit(fixture('comments-t3_1h2abc1.json'));
    expect(skipped).toEqual(['more: 3 comments under t1_lz9d001']);
    expect(items.map((i) => (i.type === 'post' ? i.post.externalId : `${i.type}:${i.type === 'delete' ? i.externalId : ''}`))).toEqual([
      't3_1h2abc1',
      't1_lz9d001',
      't1_lz9d003',
      't1_lz9d004',
      'delete:t1_lz9d005',
      't1_lz9d006',
      't1_lz9d007',
    ]);
    const comments = posts(items).filter((p) => p.kind === 'comment');
    expect(comments.map((c) => [c.externalId, c.author?.handle, c.parentExternalId, c.threadExternalId])).toEqual([
      ['t1_lz9d001', 'gear_guru', 't3_1h2abc1', 't3_1h2abc1'],
      ['t1_lz9d003', 'northpeak_support', 't1_lz9d001', 't3_1h2abc1'],
      ['t1_lz9d004', 'trail_mia', 't1_lz9d003', 't3_1h2abc1'],
      ['t1_lz9d006', 'rando_hiker', 't1_lz9d005', 't3_1h2abc1'],
      ['t1_lz9d007', 'hans_im_wald', 't3_1h2abc1', 't3_1h2abc1'],
    ]);
    expect(comments[1]?.text).toBe("Hi! Sorry about that <3 Please DM us your order number and we'll swap it.");
    expect(comments[4]).toMatchObject({ editedAt: '2024-11-24T08:45:00.000Z', postedAt: '2024-11-24T08:40:00.000Z' });
  });

  it('reads search results across subreddits', () => {
    const result = posts(parseReddit(fixture('search-northpeak-x200.json')).items);
    expect(result.map((p) => [p.externalId, p.author?.handle, p.text.split('\n')[0]])).toEqual([
      ['t3_1h2xyz9', 'ul_nerd', 'Lighter alternative to the NorthPeak X200?'],
      ['t3_1h2xyz8', 'bifl_fan', '[Request] Backpack with a real lifetime warranty (not NorthPeak)'],
    ]);
    expect(result[0]?.text).toContain("<1kg packs. X200 is 1.4 kg & that's too much.");
  });

  it('undoes only the legacy escaping of &, < and >', () => {
    expect(unescapeLegacy('a &amp;lt; b &lt;3 &gt; &quot;')).toBe('a &lt; b <3 > &quot;');
  });

  it('rejects bodies that are not listings', () => {
    expect(() => parseReddit('nope')).toThrow(ParseError);
    expect(() => parseReddit('{"kind": "t3"}')).toThrow(/Listing/);
    expect(() => parseReddit('{"message": "Too Many Requests", "error": 429}')).toThrow(/Too Many Requests/);
  });

  it('derives subreddit and search sources from settings', () => {
    expect(redditSources({ subreddits: ['r/CampingGear', 'Ultralight'], searches: ['northpeak x200'] })).toEqual([
      { key: 'r/campinggear', path: '/r/CampingGear/new.json', params: {} },
      { key: 'r/ultralight', path: '/r/Ultralight/new.json', params: {} },
      { key: 'search:northpeak x200', path: '/search.json', params: { q: 'northpeak x200', sort: 'new', type: 'link' } },
    ]);
  });
});

describe('Reddit more stubs', () => {
  it('reads a /api/morechildren answer as t1 comments with their parents and post, noting leftover stubs', () => {
    const { items, skipped } = parseReddit(fixture('morechildren-lz9d0m1-3.json'));
    expect(posts(items).map((p) => [p.externalId, p.parentExternalId, p.threadExternalId, p.kind])).toEqual([
      ['t1_lz9d0m1', 't1_lz9d001', 't3_1h2abc1', 'comment'],
      ['t1_lz9d0m2', 't1_lz9d0m1', 't3_1h2abc1', 'comment'],
      ['t1_lz9d0m3', 't1_lz9d001', 't3_1h2abc1', 'comment'],
    ]);
    expect(skipped).toEqual(['more: 1 comments under t1_lz9d0m1', 'more: 0 comments under t1_lz9d0m2']);
  });

  it('rejects a morechildren answer that carries errors', () => {
    expect(() => parseReddit('{"json": {"errors": [["RATELIMIT", "slow down", "ratelimit"]]}}')).toThrow(ParseError);
  });

  it('finds stubs with their post: ids to expand and "continue this thread" links', () => {
    expect(moreStubs(fixture('comments-t3_1h2abc1.json'))).toEqual([{ linkId: 't3_1h2abc1', parentId: 't1_lz9d001', children: ['lz9d0m1', 'lz9d0m2', 'lz9d0m3'], continueThread: false }]);
    expect(moreStubs(fixture('morechildren-lz9d0m1-3.json'))).toEqual([
      { linkId: 't3_1h2abc1', parentId: 't1_lz9d0m1', children: ['lz9d0m4'], continueThread: false },
      { linkId: 't3_1h2abc1', parentId: 't1_lz9d0m2', children: [], continueThread: true },
    ]);
    expect(moreStubs('not json')).toEqual([]);
  });

  it('asks for at most 100 ids per morechildren call', () => {
    const ids = Array.from({ length: 250 }, (_, i) => `c${i}`);
    expect(idBatches(ids).map((batch) => batch.length)).toEqual([100, 100, 50]);
  });

  it('reads watched threads as t3 fullnames', () => {
    expect(watchedThreads({ threads: ['1h2abc1', 't3_1H2ABC2', '1h2abc1'] })).toEqual(['t3_1h2abc1', 't3_1h2abc2']);
  });
});

describe('Reddit media as attachment metadata', () => {
  // Listing fields as www.reddit.com/r/<sub>/new.json returns them (post_hint, preview, is_gallery, media_metadata, secure_media).
  const listing = (data: Record<string, unknown>) => JSON.stringify({ kind: 'Listing', data: { children: [{ kind: 't3', data: { id: 'abc1', name: 't3_abc1', title: 'Look', selftext: '', author: 'hiker', created_utc: 1780000000, permalink: '/r/campinggear/comments/abc1/look/', ...data } }] } });
  const attachmentsOf = (data: Record<string, unknown>) => posts(parseReddit(listing(data)).items)[0]?.attachments;

  it('keeps an image link with its preview size', () => {
    expect(attachmentsOf({ post_hint: 'image', url: 'https://i.redd.it/x1.jpeg', preview: { images: [{ source: { url: 'https://preview.redd.it/x1.jpeg?auto=webp&amp;s=1', width: 3024, height: 4032 } }] } })).toEqual([{ type: 'image', url: 'https://i.redd.it/x1.jpeg', width: 3024, height: 4032 }]);
  });

  it('keeps a gallery in its order with captions and MIME types', () => {
    expect(
      attachmentsOf({
        is_gallery: true,
        url: 'https://www.reddit.com/gallery/abc1',
        gallery_data: { items: [{ media_id: 'm2', id: 2, caption: 'the seam' }, { media_id: 'm1', id: 1 }] },
        media_metadata: { m1: { status: 'valid', e: 'Image', m: 'image/jpg', s: { u: 'https://preview.redd.it/m1.jpg?width=1&amp;s=a', x: 1200, y: 900 } }, m2: { status: 'valid', e: 'Image', m: 'image/png', s: { u: 'https://preview.redd.it/m2.png?s=b', x: 800, y: 600 } } },
      }),
    ).toEqual([
      { type: 'image', url: 'https://preview.redd.it/m2.png?s=b', mimeType: 'image/png', alt: 'the seam', width: 800, height: 600 },
      { type: 'image', url: 'https://preview.redd.it/m1.jpg?width=1&s=a', mimeType: 'image/jpg', alt: null, width: 1200, height: 900 },
    ]);
  });

  it('keeps a Reddit-hosted video', () => {
    expect(attachmentsOf({ is_video: true, url: 'https://v.redd.it/v1', secure_media: { reddit_video: { fallback_url: 'https://v.redd.it/v1/DASH_720.mp4?source=fallback', width: 1280, height: 720, duration: 14 } } })).toEqual([
      { type: 'video', url: 'https://v.redd.it/v1/DASH_720.mp4?source=fallback', width: 1280, height: 720, durationSeconds: 14 },
    ]);
  });
});
