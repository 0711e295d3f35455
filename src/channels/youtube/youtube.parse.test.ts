import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost } from '../../listening/canonical.ts';
import { pageFacts, youtubeDriver } from './youtube.driver.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/youtube/${name}`, import.meta.url), 'utf8');
const postsOf = (body: string, settings: Record<string, unknown> = {}): CanonicalPost[] =>
  youtubeDriver.parse({ body }, { settings }).items.flatMap((i) => (i.type === 'post' ? [i.post] : []));

describe('YouTube commentThreads.list parsing', () => {
  it('turns page 1 into 2 top-level comments and 2 replies linked to their comment, all in the video thread', () => {
    const posts = postsOf(fixture('commentThreads-page1.json'));
    expect(posts.map((p) => [p.externalId, p.kind, p.parentExternalId, p.threadExternalId])).toEqual([
      ['UgzQ8m1Hc4kP2vXr7Bl4AaABAg', 'comment', null, 'kq7Rz3T2eXo'],
      ['UgzQ8m1Hc4kP2vXr7Bl4AaABAg.AbCdEfGhIjK9xYz01', 'reply', 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg', 'kq7Rz3T2eXo'],
      ['UgzQ8m1Hc4kP2vXr7Bl4AaABAg.AbCdEfGhIjK9xYz02', 'reply', 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg', 'kq7Rz3T2eXo'],
      ['Ugw9fT3nLq5Rk8bYz1x4AaABAg', 'comment', null, 'kq7Rz3T2eXo'],
    ]);
    expect(posts[0]).toMatchObject({
      text: 'Die Bremsen quietschen bei Nässe total, ist das normal beim Trail 500? 😕 #kestrel',
      author: { externalId: 'UC7pQ2mR9sT4vW1xY3zA5bC7', handle: '@trailmaria', displayName: 'trailmaria', profileUrl: 'http://www.youtube.com/@trailmaria' },
      metrics: { likes: 14, replies: 2 },
      hashtags: ['kestrel'],
      postedAt: '2026-04-10T18:22:31.000Z',
      url: 'https://www.youtube.com/watch?v=kq7Rz3T2eXo&lc=UgzQ8m1Hc4kP2vXr7Bl4AaABAg',
      editedAt: null,
    });
    expect(posts[2]).toMatchObject({ mentions: ['@trailmaria'], editedAt: '2026-04-11T07:43:10.000Z', author: { handle: '@mtb_tom' } });
  });

  it('counts the connection\'s own channel as outbound', () => {
    const posts = postsOf(fixture('commentThreads-page1.json'), { channelId: 'UCk3stR3lB1k3sOfficial01' });
    expect(posts.map((p) => p.direction)).toEqual(['in', 'out', 'in', 'in']);
  });

  it('reads page 2: one German comment without replies', () => {
    const posts = postsOf(fixture('commentThreads-page2.json'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ externalId: 'UgyH2jK7pW4nE6sMd0c4AaABAg', author: { handle: '@veloklaus' }, metrics: { likes: 2, replies: 0 } });
  });

  it('reads comments.list responses too', () => {
    const page = JSON.parse(fixture('commentThreads-page1.json'));
    const replies = { kind: 'youtube#commentListResponse', items: page.items[0].replies.comments };
    expect(postsOf(JSON.stringify(replies)).map((p) => p.parentExternalId)).toEqual(['UgzQ8m1Hc4kP2vXr7Bl4AaABAg', 'UgzQ8m1Hc4kP2vXr7Bl4AaABAg']);
  });

  it('rejects non-list payloads', () => {
    expect(() => youtubeDriver.parse({ body: '{"error": {"code": 403}}' })).toThrow(ParseError);
    expect(() => youtubeDriver.parse({ body: '{"items": [{"snippet": {}}]}' })).toThrow(ParseError);
  });

  it('knows each page\'s next token and newest comment time for polling', () => {
    expect(pageFacts(fixture('commentThreads-page1.json'))).toEqual({
      nextPageToken: 'QURTSl9pMkx5dGpHbEpYMWRhNXFjN3Rk',
      newest: '2026-04-11T07:41:55.000Z',
      threadTimes: ['2026-04-10T18:22:31.000Z', '2026-04-10T15:03:12.000Z'],
      moreReplies: [],
    });
  });

  it('names the threads whose totalReplyCount exceeds the replies carried inline', () => {
    expect(pageFacts(fixture('commentThreads-many-replies.json')).moreReplies).toEqual([{ id: 'UgwMny7Rpl1s9Kx4Tq2AaABAg', publishedAt: '2026-04-14T09:02:11.000Z', videoId: 'Vb3kT9xQ2mE' }]);
  });

  it('threads comments.list replies without a videoId under the video stored with the payload', () => {
    const result = youtubeDriver.parse({ body: fixture('comments-parentId-page1.json'), headers: { 'x-youtube-video-id': 'Vb3kT9xQ2mE' } });
    const posts = result.items.flatMap((item) => (item.type === 'post' ? [item.post] : []));
    expect(posts).toHaveLength(4);
    expect(posts.every((p) => p.threadExternalId === 'Vb3kT9xQ2mE' && p.parentExternalId === 'UgwMny7Rpl1s9Kx4Tq2AaABAg' && p.kind === 'reply')).toBe(true);
    expect(posts[0]?.url).toBe('https://www.youtube.com/watch?v=Vb3kT9xQ2mE&lc=UgwMny7Rpl1s9Kx4Tq2AaABAg.AqR01mnyRpl9xYz0');
  });
});
