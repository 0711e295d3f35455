import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost, type ParsedItem } from '../../listening/canonical.ts';
import { hmacSha256Hex } from '../signatures.ts';
import { discourseDriver } from './discourse.driver.ts';
import { parsePostExternalId, postExternalId } from './discourse.parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/discourse/${name}`, import.meta.url), 'utf8');
const FORUM = { settings: { baseUrl: 'https://forum.kestrel-bikes.example' } };
const postsOf = (items: ParsedItem[]): CanonicalPost[] => items.flatMap((i) => (i.type === 'post' ? [i.post] : []));

describe('Discourse payload parsing', () => {
  it('turns a post_created webhook for a new topic into the topic post with title, author and links', () => {
    const { items } = discourseDriver.parse({ body: fixture('webhook-post_created-topic.json'), headers: { 'x-discourse-event': 'post_created' } }, FORUM);
    expect(items).toEqual([
      {
        type: 'post',
        post: expect.objectContaining({
          channel: 'discourse',
          externalId: 'forum.kestrel-bikes.example/t/1042/1',
          kind: 'post',
          parentExternalId: null,
          threadExternalId: 'forum.kestrel-bikes.example/t/1042/1',
          url: 'https://forum.kestrel-bikes.example/t/akku-ladt-nach-firmware-update-2-3-nur-bis-80/1042/1',
          postedAt: '2026-03-02T08:14:09.512Z',
          links: ['https://kestrel-bikes.example/support/firmware'],
          author: {
            channel: 'discourse',
            externalId: 'forum.kestrel-bikes.example/u/jonas_k',
            handle: 'jonas_k',
            displayName: 'Jonas Keller',
            profileUrl: 'https://forum.kestrel-bikes.example/u/jonas_k',
            avatarUrl: 'https://forum.kestrel-bikes.example/user_avatar/forum.kestrel-bikes.example/jonas_k/120/118_2.png',
          },
        }),
      },
    ]);
    expect(postsOf(items)[0]?.text).toBe(
      'Akku lädt nach Firmware-Update 2.3 nur bis 80 %\n\nHallo zusammen,\n\nseit dem Firmware-Update 2.3 lädt der Akku meines Kestrel Trail 500 nur noch bis 80 %. Das Ladegerät zeigt grün, aber das Display bleibt bei 80 stehen. Ist das ein bekannter Fehler? Release Notes sagen nichts dazu.',
    );
  });

  it('links a reply without reply_to_post_number to the topic post, keeps mentions and quotes as text', () => {
    const [post] = postsOf(discourseDriver.parse({ body: fixture('webhook-post_created-reply.json'), headers: { 'x-discourse-event': 'post_created' } }, FORUM).items);
    expect(post).toMatchObject({ externalId: 'forum.kestrel-bikes.example/t/1042/2', kind: 'reply', parentExternalId: 'forum.kestrel-bikes.example/t/1042/1', mentions: ['jonas_k'], editedAt: null });
    expect(post?.text).toBe('Hallo @jonas_k, danke für die Meldung! Mit 2.3 ist der Akkuschonmodus standardmäßig aktiv. Du kannst ihn unter Einstellungen → Akku → „Schonladen“ abschalten.\n\n> Ist das ein bekannter Fehler?\n\nDas ist Absicht, kein Fehler. Ein Hinweis in den Release Notes folgt.');
  });

  it('marks a post_edited delivery as an edit at updated_at', () => {
    const [post] = postsOf(discourseDriver.parse({ body: fixture('webhook-post_edited.json'), headers: { 'x-discourse-event': 'post_edited' } }, FORUM).items);
    expect(post).toMatchObject({ externalId: 'forum.kestrel-bikes.example/t/1042/2', editedAt: '2026-03-02T11:30:00.000Z' });
    expect(post?.text).toMatch(/Nachtrag: Die Release Notes sind jetzt ergänzt\.$/);
  });

  it('turns post_destroyed into a delete of that post', () => {
    expect(discourseDriver.parse({ body: fixture('webhook-post_destroyed.json'), headers: { 'x-discourse-event': 'post_destroyed' } }, FORUM).items).toEqual([
      { type: 'delete', channel: 'discourse', externalId: 'forum.kestrel-bikes.example/t/1042/3', at: '2026-03-02T12:01:55.880Z' },
    ]);
  });

  it('keeps only the author of a topic_created event: the text arrives with the first post', () => {
    const result = discourseDriver.parse({ body: fixture('webhook-topic_created.json'), headers: { 'x-discourse-event': 'topic_created' } }, FORUM);
    expect(result.items).toEqual([{ type: 'identity', identity: expect.objectContaining({ externalId: 'forum.kestrel-bikes.example/u/sam_rides', displayName: 'Sam Ortiz' }) }]);
    expect(result.skipped).toHaveLength(1);
  });

  it('reads /posts.json: 5 posts of two topics, the small action skipped, likes from actions_summary', () => {
    const result = discourseDriver.parse({ body: fixture('posts.json') }, FORUM);
    const posts = postsOf(result.items);
    expect(posts.map((p) => p.externalId.replace('forum.kestrel-bikes.example/', ''))).toEqual(['t/1043/2', 't/1043/1', 't/1042/3', 't/1042/2', 't/1042/1']);
    expect(result.skipped).toEqual(['post 1042/4 of type 3']);
    expect(posts[0]).toMatchObject({ author: { handle: 'lena_b' }, metrics: { likes: 3, replies: 0, views: 6 }, hashtags: ['charger'], links: ['https://example.com/shop', 'https://forum.kestrel-bikes.example/tag/charger'], parentExternalId: 'forum.kestrel-bikes.example/t/1043/1' });
    expect(posts[2]).toMatchObject({ author: { handle: 'mara.w' }, parentExternalId: 'forum.kestrel-bikes.example/t/1042/2', threadExternalId: 'forum.kestrel-bikes.example/t/1042/1', text: 'Bei mir genauso, danke für den Tipp! Jetzt lädt er wieder auf 100 %.' });
  });

  it('reads /t/<id>.json with the topic title on the first post', () => {
    const posts = postsOf(discourseDriver.parse({ body: fixture('topic-1042.json') }, FORUM).items);
    expect(posts).toHaveLength(3);
    expect(posts[0]?.text.split('\n')[0]).toBe('Akku lädt nach Firmware-Update 2.3 nur bis 80 %');
    expect(posts.map((p) => p.author?.handle)).toEqual(['jonas_k', 'kestrel_support', 'mara.w']);
  });

  it('uses X-Discourse-Instance when there is no connection, and host-less ids when neither is known', () => {
    const body = fixture('webhook-post_created-reply.json');
    expect(postsOf(discourseDriver.parse({ body, headers: { 'x-discourse-instance': 'https://forum.kestrel-bikes.example' } }).items)[0]?.externalId).toBe('forum.kestrel-bikes.example/t/1042/2');
    expect(postsOf(discourseDriver.parse({ body }).items)[0]?.externalId).toBe('t/1042/2');
  });

  it('round-trips post ids for replies', () => {
    expect(parsePostExternalId(postExternalId('https://forum.example.com/community/', 7, 12))).toEqual({ topicId: 7, postNumber: 12 });
    expect(postExternalId('https://forum.example.com/community/', 7, 12)).toBe('forum.example.com/community/t/7/12');
  });

  it('rejects what is not a Discourse payload', () => {
    expect(() => discourseDriver.parse({ body: '{"hello": 1}' })).toThrow(ParseError);
    expect(() => discourseDriver.parse({ body: 'not json' })).toThrow(ParseError);
  });
});

describe('Discourse webhook verification', () => {
  const connection = { id: 'c', workspaceId: 'w', settings: FORUM.settings, secrets: { webhookSecret: 'discourse-hook-secret' }, state: {} };
  const request = (body: string, headers: Record<string, string>) => ({ method: 'POST', query: {}, headers, rawBody: Buffer.from(body) });

  it('accepts sha256=<hex HMAC> of the raw body and rejects anything else', () => {
    const body = fixture('webhook-post_created-topic.json');
    const good = `sha256=${hmacSha256Hex('discourse-hook-secret', body)}`;
    expect(discourseDriver.verifyWebhook?.(request(body, { 'x-discourse-event': 'post_created', 'x-discourse-event-signature': good }), connection)).toEqual({ kind: 'accept' });
    expect(discourseDriver.verifyWebhook?.(request(body + ' ', { 'x-discourse-event': 'post_created', 'x-discourse-event-signature': good }), connection).kind).toBe('reject');
    expect(discourseDriver.verifyWebhook?.(request(body, { 'x-discourse-event-signature': good }), connection).kind).toBe('reject');
    expect(discourseDriver.verifyWebhook?.(request(body, { 'x-discourse-event': 'post_created', 'x-discourse-event-signature': good }), { ...connection, secrets: {} }).kind).toBe('reject');
  });
});
