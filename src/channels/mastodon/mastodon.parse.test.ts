import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost, type ParsedItem } from '../../listening/canonical.ts';
import { compareIds, mastodonRetryAfter, mastodonSources, parseLinkHeader } from './mastodon.client.ts';
import { externalLinks, htmlToPlainText } from './mastodon.html.ts';
import { parseMastodon } from './mastodon.parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/mastodon/${name}`, import.meta.url), 'utf8');
const posts = (items: ParsedItem[]): CanonicalPost[] => items.flatMap((i) => (i.type === 'post' ? [i.post] : []));

describe('Mastodon HTML to text', () => {
  it('keeps mentions, hashtags and full link text, decodes entities and drops scripts and images', () => {
    const html = '<p>Hi <span class="h-card"><a href="https://a.example/@x" class="u-url mention">@<span>x</span></a></span> &amp; <a href="https://a.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a> <a href="https://e.example/long/path"><span class="invisible">https://</span><span class="ellipsis">e.example/lo</span><span class="invisible">ng/path</span></a></p><p>&lt;b&gt;not bold&lt;/b&gt;<script>alert(1)</script><img src=x onerror="alert(2)"><br>second line</p>';
    expect(htmlToPlainText(html)).toBe('Hi @x & #t https://e.example/long/path\n\n<b>not bold</b>\nsecond line');
    expect(externalLinks(html)).toEqual(['https://e.example/long/path']);
  });

  it('returns text unchanged when there is no markup and empty text for empty content', () => {
    expect(htmlToPlainText('plain words 😀')).toBe('plain words 😀');
    expect(htmlToPlainText('')).toBe('');
  });
});

describe('Mastodon parsing', () => {
  it('reads a hashtag timeline: posts, an edited German reply, a boost as share, content warning and media description', () => {
    const { items, skipped } = parseMastodon(fixture('timeline-tag-x200.json'));
    expect(skipped).toEqual([]);
    expect(items.map((i) => i.type)).toEqual(['post', 'post', 'engagement', 'post', 'post']);
    const [cw, boosted, reply] = posts(items);
    expect(cw).toMatchObject({
      externalId: '113555000000000404',
      text: 'CW: gear rant, resolved\n\nUpdate: NorthPeak replaced it 🎉\nNew one feels sturdier <3 "lifetime warranty" is real\n\n#X200',
      links: ['https://www.northpeak.example/warranty'],
      metrics: { replies: 0, shares: 0, likes: 12 },
    });
    expect(boosted).toMatchObject({
      externalId: '113555000000000101',
      kind: 'post',
      visibility: 'public',
      language: 'en',
      text: "My new #X200 backpack's zip broke after 2 days & support hasn't answered 😤 https://shop.northpeak.example/orders/48213/status\n\n[image: Close-up of a torn zipper on a green backpack]",
      hashtags: ['x200'],
      links: ['https://shop.northpeak.example/orders/48213/status', 'https://files.mastodon.social/media_attachments/files/113/555/000/original/zip.jpg'],
      metrics: { replies: 2, shares: 1, likes: 7 },
      url: 'https://mastodon.social/@ana_b/113555000000000101',
      author: {
        channel: 'mastodon',
        externalId: 'https://mastodon.social/users/ana_b',
        handle: 'ana_b@mastodon.social',
        displayName: 'Ana B. 🏔️',
        profileUrl: 'https://mastodon.social/@ana_b',
        bio: 'Hiker, #gear nerd & coffee fan',
        followers: 1532,
        following: 210,
      },
    });
    expect(items[2]).toEqual({
      type: 'engagement',
      channel: 'mastodon',
      externalId: 'reblog:109333333333333333:113555000000000101',
      targetExternalId: '113555000000000101',
      kind: 'share',
      actor: expect.objectContaining({ handle: 'gearbot@botsin.space', followers: 4012 }),
      at: '2025-11-24T09:00:00.000Z',
    });
    expect(reply).toMatchObject({
      externalId: '113555000000000202',
      kind: 'reply',
      language: 'de',
      parentExternalId: '113555000000000101',
      text: '@ana_b Bei mir genauso – der Reißverschluss hielt keine Woche. #X200',
      mentions: ['ana_b@mastodon.social'],
      editedAt: '2025-11-24T08:45:30.000Z',
      author: { handle: 'jo@chaos.social', externalId: 'https://chaos.social/users/jo' },
    });
    // The boost wrapper and the plain copy carry the same status: same id, so one post once stored.
    expect(posts(items).filter((p) => p.externalId === '113555000000000101')).toHaveLength(2);
  });

  it('reads notifications: mentions as posts (a direct one private), a favourite as like, a follow skipped', () => {
    const { items, skipped } = parseMastodon(fixture('notifications-mentions.json'));
    expect(skipped).toEqual(['notification follow 88000']);
    const [direct, publicMention] = posts(items);
    expect(direct).toMatchObject({ externalId: '113555000000000606', kind: 'direct', visibility: 'private', text: '@northpeak thanks for the quick swap! Order 48213 👍' });
    expect(publicMention).toMatchObject({ externalId: '113555000000000505', kind: 'post', visibility: 'public', text: '@northpeak is the X200 repair kit available in Germany? Asking for a friend 🙃', mentions: ['northpeak@mastodon.social'] });
    expect(items.find((i) => i.type === 'engagement')).toMatchObject({ kind: 'like', externalId: 'favourite:109322222222222222:113555000000000050', targetExternalId: '113555000000000050' });
  });

  it('reads streaming events: update as post, status.update as edit, delete at the receive time', () => {
    const { items } = parseMastodon(fixture('streaming-events.json'));
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ type: 'post', post: { externalId: '113555000000000707', text: 'Oops, wrong thread', editedAt: null } });
    expect(items[1]).toMatchObject({ type: 'post', post: { externalId: '113555000000000202', text: '@ana_b Bei mir genauso – der Reißverschluss hielt keine Woche. Update: Ersatz kam heute ✅ #X200', editedAt: '2025-11-24T12:00:00.000Z' } });
    expect(items[2]).toEqual({ type: 'delete', channel: 'mastodon', externalId: '113555000000000707', at: '2025-11-24T12:06:00.000Z' });
  });

  it('rejects what is not a Mastodon payload', () => {
    expect(() => parseMastodon('<html>')).toThrow(ParseError);
    expect(() => parseMastodon('{"hello": 1}')).toThrow(/not a Mastodon status/);
    expect(() => parseMastodon('{"error": "The access token is invalid"}')).toThrow(/access token is invalid/);
    expect(parseMastodon('[]').items).toEqual([]);
  });
});

describe('Mastodon paging and limits', () => {
  it('parses Link headers as Mastodon sends them', () => {
    const header = '<https://m.example/api/v1/timelines/tag/x200?limit=40&max_id=101>; rel="next", <https://m.example/api/v1/timelines/tag/x200?limit=40&min_id=404>; rel="prev"';
    expect(parseLinkHeader(header)).toEqual({ next: 'https://m.example/api/v1/timelines/tag/x200?limit=40&max_id=101', prev: 'https://m.example/api/v1/timelines/tag/x200?limit=40&min_id=404' });
    expect(parseLinkHeader(null)).toEqual({});
  });

  it('orders snowflake ids by value, not by text', () => {
    expect(compareIds('99', '100')).toBeLessThan(0);
    expect(compareIds('113555000000000202', '113555000000000101')).toBeGreaterThan(0);
    expect(compareIds('7', '7')).toBe(0);
  });

  it('reads waits from 429 Retry-After and from an exhausted X-RateLimit-Remaining with an ISO reset', () => {
    const now = new Date('2025-11-24T12:00:00.000Z');
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(mastodonRetryAfter(429, headers({ 'retry-after': '30' }), now)).toBe(30);
    expect(mastodonRetryAfter(429, headers({ 'x-ratelimit-reset': '2025-11-24T12:05:00.000Z' }), now)).toBe(300);
    expect(mastodonRetryAfter(200, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2025-11-24T12:02:00.000Z' }), now)).toBe(120);
    expect(mastodonRetryAfter(200, headers({ 'x-ratelimit-remaining': '299', 'x-ratelimit-reset': '2025-11-24T12:02:00.000Z' }), now)).toBeUndefined();
  });

  it('derives sources from settings', () => {
    expect(mastodonSources({ hashtags: ['#X200', 'northpeak'], mentions: true, accounts: ['109344444444444444'] }).map((s) => [s.key, s.path, s.streamPath])).toEqual([
      ['tag:x200', '/api/v1/timelines/tag/X200', '/api/v1/streaming/hashtag?tag=X200'],
      ['tag:northpeak', '/api/v1/timelines/tag/northpeak', '/api/v1/streaming/hashtag?tag=northpeak'],
      ['mentions', '/api/v1/notifications', '/api/v1/streaming/user/notification'],
      ['account:109344444444444444', '/api/v1/accounts/109344444444444444/statuses', null],
    ]);
  });
});

describe('Mastodon media as attachment metadata', () => {
  it('keeps each media attachment with its description as alt text', () => {
    const boosted = posts(parseMastodon(fixture('timeline-tag-x200.json')).items).find((p) => p.externalId === '113555000000000101');
    expect(boosted?.attachments).toEqual([{ type: 'image', url: 'https://files.mastodon.social/media_attachments/files/113/555/000/original/zip.jpg', alt: 'Close-up of a torn zipper on a green backpack', width: null, height: null, durationSeconds: null }]);
  });

  it('reads gifv, audio and meta.original sizes (MediaAttachment entity)', () => {
    const status = {
      id: '113555000000000999', created_at: '2026-11-30T10:00:00.000Z', content: '', visibility: 'public', account: { id: '1', acct: 'ana', url: 'https://mastodon.social/@ana' },
      media_attachments: [
        { id: '1', type: 'gifv', url: 'https://files.example/a.mp4', description: null, meta: { original: { width: 640, height: 360, duration: 3.2 } } },
        { id: '2', type: 'audio', url: 'https://files.example/b.mp3', description: 'voice note', meta: { original: { duration: 41 } } },
      ],
    };
    expect(posts(parseMastodon(JSON.stringify([status])).items)[0]?.attachments).toEqual([
      { type: 'video', url: 'https://files.example/a.mp4', alt: null, width: 640, height: 360, durationSeconds: 3.2 },
      { type: 'audio', url: 'https://files.example/b.mp3', alt: 'voice note', width: null, height: null, durationSeconds: 41 },
    ]);
  });
});
