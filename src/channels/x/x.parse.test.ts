import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost, type ParsedItem } from '../../listening/canonical.ts';
import { crcResponseToken, verifyXWebhook } from './x.webhook.ts';
import { parseXPayload, snowflakeTime, xLanguage } from './x.parse.ts';
import { belongsToOthers, ndjsonLines } from './x.stream.ts';
import { tweetRequestBody } from './x.send.ts';
import { hmacSha256Base64 } from '../signatures.ts';

const RECORDED = fileURLToPath(new URL('../../../test/fixtures/recorded/x/', import.meta.url));
const OWN = fileURLToPath(new URL('../../../test/fixtures/x/', import.meta.url));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');

const posts = (items: ParsedItem[]): CanonicalPost[] => items.flatMap((i) => (i.type === 'post' ? [i.post] : []));
const engagements = (items: ParsedItem[]) => items.filter((i) => i.type === 'engagement');
const identities = (items: ParsedItem[]) => items.flatMap((i) => (i.type === 'identity' ? [i.identity.handle] : []));

describe('X parser on the recorded search responses', () => {
  it('turns a retweet into a share on the original and stores the original from includes (two_tweets)', () => {
    const [line] = lines(`${RECORDED}two_tweets.jsonl`);
    const { items } = parseXPayload(line ?? '');
    expect(identities(items)).toEqual(['LachiVeronica', 'bibaigna96']);
    expect(engagements(items)).toEqual([
      {
        type: 'engagement',
        channel: 'x',
        externalId: '1394735776701816833',
        targetExternalId: '1391677057810288641',
        kind: 'share',
        actor: expect.objectContaining({ externalId: '1379899464345923590', handle: 'LachiVeronica', displayName: 'Veronica Lachi', followers: 0 }),
        at: '2021-05-18T19:24:56.000Z',
      },
    ]);
    expect(posts(items)).toEqual([
      {
        channel: 'x',
        externalId: '1391677057810288641',
        author: expect.objectContaining({ externalId: '1380086327023169540', handle: 'bibaigna96', displayName: 'bibaigna96', followers: 1, verified: false }),
        kind: 'post',
        direction: 'in',
        visibility: 'public',
        text: '#POIUYTREWQ',
        language: null,
        postedAt: '2021-05-10T08:50:41.000Z',
        parentExternalId: null,
        threadExternalId: null,
        quotedExternalId: null,
        mentions: [],
        hashtags: ['POIUYTREWQ'],
        links: [],
        metrics: { likes: 0, shares: 1, replies: 0, quotes: 0 },
        url: 'https://x.com/bibaigna96/status/1391677057810288641',
        geo: null,
      },
    ]);
  });

  it('reads the retweeted original with its mentions, hashtags and author profile (mentions_tweet)', () => {
    const [line] = lines(`${RECORDED}mentions_tweet.jsonl`);
    const { items } = parseXPayload(line ?? '');
    expect(engagements(items)).toHaveLength(1);
    expect(engagements(items)[0]).toMatchObject({ externalId: '1589681856941002753', targetExternalId: '1589671906718134272', kind: 'share', actor: { handle: 'BaldManGamer', location: 'North West, England', followers: 569 } });
    const [original] = posts(items);
    expect(posts(items)).toHaveLength(1);
    expect(original).toMatchObject({
      externalId: '1589671906718134272',
      author: { handle: 'S3NT1N3L17', followers: 1686 },
      language: 'en',
      postedAt: '2022-11-07T17:31:31.000Z',
      mentions: ['Xbox', 'masseffect', 'Ubisoft', 'RockstarGames', 'tombraider', 'CallofDuty', 'SonySantaMonica', 'Naughty_Dog'],
      hashtags: ['Xbox', 'PlayStation', 'gaming'],
      // The "show more" link points at the post itself and is dropped.
      links: [],
      metrics: { likes: 6, shares: 1, replies: 1, quotes: 0 },
    });
    expect(original?.text.startsWith('Looking for gaming mutuals (and I usually follow back')).toBe(true);
  });
});

describe('X parser on the recorded filtered stream', () => {
  const all = lines(`${RECORDED}streaming_output_with_error.jsonl`);

  it('parses seven stream messages and fails only on the cut-off last line', () => {
    expect(all).toHaveLength(8);
    const parsed = all.slice(0, 7).map((l) => parseXPayload(l).items);
    expect(parsed.map((items) => posts(items).map((p) => `${p.author?.handle}:${p.externalId}`))).toEqual([
      ['Manie_DS:1377640162566496258', 'blackheart_265:1377650090978992134'],
      ['PoliceMutual:1377266697850257410', 'sheelaghb18:1377650093109743620'],
      ['dreasaurusrex92:1377650277642338305'],
      ['OpenMindMH:1377650387579248643'],
      ['AndrewDoak_WWL:1377645742874038274', 'courtney_fromm:1377650459033280516'],
      ['HeyokaEmpath01:1377299822399528963', 'RealProstateDoc:1377650500687044618'],
      ['ArborRidge1:1377650529766154240'],
    ]);
    expect(() => parseXPayload(all[7] ?? '')).toThrow(ParseError);
  });

  it('links a quote to the quoted tweet and keeps the place', () => {
    const [quoted, quote] = posts(parseXPayload(all[0] ?? '').items);
    expect(quoted).toMatchObject({ externalId: '1377640162566496258', text: 'My car, Money, Warzone, My dogs, Food, Captain Morgan https://t.co/VRkJDcPO9U', metrics: { quotes: 3 } });
    expect(quote).toMatchObject({
      text: 'Fury https://t.co/YbMgHU5xRX https://t.co/tXgDG9jrKX',
      quotedExternalId: '1377640162566496258',
      parentExternalId: null,
      kind: 'post',
      // The photo link is dropped, the link to the quoted tweet stays.
      links: ['https://twitter.com/Manie_DS/status/1377640162566496258'],
      geo: { place: 'Malawi', country: 'MW' },
      author: { displayName: 'Endangered Species', followers: 881, location: 'Mzuzu, Malawi' },
    });
  });

  it('links replies to their parent and conversation, with coordinates when given', () => {
    const [parent, reply] = posts(parseXPayload(all[1] ?? '').items);
    expect(parent).toMatchObject({ externalId: '1377266697850257410', author: { handle: 'PoliceMutual', followers: 8227 }, metrics: { likes: 404, shares: 18, replies: 11, quotes: 2 } });
    expect(reply).toMatchObject({ kind: 'reply', parentExternalId: '1377266697850257410', threadExternalId: '1377266697850257410', mentions: ['PoliceMutual'], geo: { place: 'Bournemouth, England', country: 'GB' } });
    const [located] = posts(parseXPayload(all[2] ?? '').items);
    expect(located?.geo).toEqual({ lon: -86.58216981, lat: 34.75192228, place: 'Huntsville, AL', country: 'US' });
    expect(located?.links).toEqual(['https://www.instagram.com/p/CNIQbqSrZRL/?igshid=je3jmv61ndpu']);
    const [tagged] = posts(parseXPayload(all[3] ?? '').items);
    expect(tagged).toMatchObject({ text: 'Sometimes I wish she would just relax😅😘🐶\n#DogsofTwitter #dogs https://t.co/1QpZlXcAkj', hashtags: ['DogsofTwitter', 'dogs'], links: [] });
    const verified = posts(parseXPayload(all[4] ?? '').items)[1];
    expect(verified?.author).toMatchObject({ handle: 'courtney_fromm', verified: true, location: 'Denver, CO' });
  });
});

describe('X parser on our own cases (test/fixtures/x)', () => {
  const [search, streamMessage, disconnect, emptyPage] = lines(`${OWN}conversation.jsonl`);

  it('orders a page: shares first, then parents before replies and quoted before quotes; long posts use note_tweet', () => {
    const result = parseXPayload(search ?? '');
    const kinds = result.items.map((i) => (i.type === 'post' ? `post:${i.post.externalId}` : i.type === 'engagement' ? `share:${i.externalId}` : i.type === 'identity' ? `identity:${i.identity.handle}` : i.type));
    expect(kinds).toEqual([
      'identity:ana_b',
      'identity:acme_support',
      'identity:max_k',
      'identity:lea_m',
      'share:1860000000000000103',
      'post:1860000000000000100',
      'post:1860000000000000101',
      'post:1860000000000000102',
      'post:1860000000000000104',
    ]);
    expect(result.skipped).toEqual(['error: Not Found Error (Could not find tweet with referenced_tweets.id: [1860000000000000099].)']);
    const [brand, reply, quote, long] = posts(result.items);
    expect(brand).toMatchObject({ author: { handle: 'acme_support', verified: true, followers: 120000 }, metrics: { likes: 40, shares: 1, replies: 1, quotes: 1, views: 9000, bookmarks: 0 }, links: ['https://acme.example/x200'] });
    expect(reply).toMatchObject({ parentExternalId: '1860000000000000100', threadExternalId: '1860000000000000100', links: ['https://photos.example/broken-box'], geo: { place: 'San Francisco, CA', country: 'US' }, metrics: { views: 57 } });
    expect(quote).toMatchObject({ language: 'de', quotedExternalId: '1860000000000000100', hashtags: ['fail'], author: { displayName: 'Max Krüger' } });
    expect(long?.text).toMatch(/^Long review of the X200 .* #X200 #review$/);
    expect(long).toMatchObject({ hashtags: ['X200', 'review'], links: [] });
  });

  it('reads a stream message whose parent comes in includes, and marks the brand account outbound', () => {
    const items = posts(parseXPayload(streamMessage ?? '', { ownUserId: '1500000000000000001' }).items);
    expect(items.map((p) => [p.externalId, p.direction, p.parentExternalId, p.threadExternalId])).toEqual([
      ['1860000000000000101', 'in', '1860000000000000100', '1860000000000000100'],
      ['1860000000000000105', 'out', '1860000000000000101', '1860000000000000100'],
    ]);
  });

  it('understands stream error messages and empty pages as nothing to store', () => {
    expect(parseXPayload(disconnect ?? '')).toEqual({ items: [], skipped: ['error: operational-disconnect (This stream has been disconnected for operational reasons.)'] });
    expect(parseXPayload(emptyPage ?? '')).toEqual({ items: [], skipped: ['empty page'] });
    expect(parseXPayload('   ')).toEqual({ items: [], skipped: ['keep-alive'] });
  });

  it('reads Account Activity deliveries: replies, likes, retweets, deletes and DMs', () => {
    const [create, favorite, retweet, deletion, dm, follow] = lines(`${OWN}account_activity.jsonl`).map((l) => parseXPayload(l).items);
    expect(posts(create ?? [])).toEqual([
      expect.objectContaining({
        externalId: '1860000000000000201',
        kind: 'reply',
        text: '@acme_support Still waiting for the replacement, it has been a week now and your chat just loops me back to the FAQ. Order 4711. #AcmeHelp https://t.co/faq1',
        parentExternalId: '1860000000000000100',
        postedAt: '2024-11-20T11:00:00.000Z',
        hashtags: ['AcmeHelp'],
        mentions: ['acme_support'],
        links: ['https://acme.example/faq'],
        geo: { lon: -122.4194, lat: 37.7749, place: 'San Francisco, CA', country: 'US' },
        author: expect.objectContaining({ externalId: '1500000000000000002', handle: 'ana_b', followers: 842, following: 501 }),
      }),
    ]);
    expect(favorite?.map((i) => i.type)).toEqual(['engagement', 'post']);
    expect(favorite?.[0]).toMatchObject({ externalId: 'like:a7ba59eab0bfcba386f7acedac279542', kind: 'like', targetExternalId: '1860000000000000100', actor: { handle: 'max_k' }, at: '2024-11-20T11:05:00.000Z' });
    expect(posts(favorite ?? [])[0]).toMatchObject({ externalId: '1860000000000000100', direction: 'out', metrics: { likes: 41 } });
    expect(retweet?.[0]).toMatchObject({ type: 'engagement', externalId: '1860000000000000202', kind: 'share', targetExternalId: '1860000000000000100' });
    expect(deletion).toEqual([{ type: 'delete', channel: 'x', externalId: '1860000000000000201', at: '2024-11-20T11:20:00.000Z' }]);
    expect(posts(dm ?? [])).toEqual([
      expect.objectContaining({ externalId: 'dm:1860000000000000301', kind: 'direct', visibility: 'private', direction: 'in', threadExternalId: 'dm:1500000000000000001-1500000000000000002', author: expect.objectContaining({ handle: 'ana_b' }) }),
    ]);
    expect(follow).toEqual([]);
  });

  it('rejects what is not an X payload', () => {
    expect(() => parseXPayload('{"data": ')).toThrow(ParseError);
    expect(() => parseXPayload('[1,2]')).toThrow(/not a JSON object/);
    expect(() => parseXPayload('{"hello": "world"}')).toThrow(/not an X API v2 response/);
  });
});

describe('X helpers', () => {
  it('derives a time from a snowflake id and keeps only real language codes', () => {
    expect(snowflakeTime('1394735776701816833')).toBe('2021-05-18T19:24:56.760Z');
    expect(xLanguage('und')).toBeNull();
    expect(xLanguage('qme')).toBeNull();
    expect(xLanguage('in')).toBe('id');
    expect(xLanguage('pt-BR')).toBe('pt');
  });

  it('answers the CRC check and verifies body signatures in constant time', () => {
    const connection = { id: 'c', workspaceId: 'w', settings: {}, secrets: { consumerSecret: 'consumer-secret' }, state: {} };
    expect(crcResponseToken('consumer-secret', 'token-1')).toBe(`sha256=${hmacSha256Base64('consumer-secret', 'token-1')}`);
    const crc = verifyXWebhook({ method: 'GET', query: { crc_token: 'token-1' }, headers: {}, rawBody: Buffer.alloc(0) }, connection);
    expect(crc).toEqual({ kind: 'respond', status: 200, contentType: 'application/json', body: JSON.stringify({ response_token: crcResponseToken('consumer-secret', 'token-1') }) });
    const body = Buffer.from('{"for_user_id":"1"}');
    const good = { 'x-twitter-webhooks-signature': `sha256=${hmacSha256Base64('consumer-secret', body)}` };
    expect(verifyXWebhook({ method: 'POST', query: {}, headers: good, rawBody: body }, connection)).toEqual({ kind: 'accept' });
    expect(verifyXWebhook({ method: 'POST', query: {}, headers: { 'x-twitter-webhooks-signature': 'sha256=AAAA' }, rawBody: body }, connection).kind).toBe('reject');
    expect(verifyXWebhook({ method: 'GET', query: {}, headers: {}, rawBody: body }, connection).kind).toBe('reject');
  });

  it('splits an NDJSON byte stream across chunk boundaries and drops keep-alives', async () => {
    const encoder = new TextEncoder();
    const bytes = encoder.encode('{"a":"ü"}\r\n\r\n{"b":2}\r\n\r\n');
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }
    const out: string[] = [];
    for await (const line of ndjsonLines(chunks())) out.push(line);
    expect(out).toEqual(['{"a":"ü"}', '{"b":2}']);
  });

  it('leaves stream messages matched only by another connection’s rules to that connection', () => {
    expect(belongsToOthers('{"data":{},"matching_rules":[{"id":"1","tag":"townhall:other"}]}', 'mine')).toBe(true);
    expect(belongsToOthers('{"data":{},"matching_rules":[{"id":"1","tag":"townhall:other"},{"id":"2","tag":"townhall:mine"}]}', 'mine')).toBe(false);
    expect(belongsToOthers('{"data":{},"matching_rules":[{"id":"1","tag":null}]}', 'mine')).toBe(false);
  });

  it('builds reply and post bodies for POST /2/tweets', () => {
    expect(tweetRequestBody({ kind: 'reply', text: 'Sorry!', inReplyTo: { externalId: '42' } })).toEqual({ text: 'Sorry!', reply: { in_reply_to_tweet_id: '42' } });
    expect(tweetRequestBody({ kind: 'publish', text: 'Hello' })).toEqual({ text: 'Hello' });
    expect(() => tweetRequestBody({ kind: 'reply', text: 'x' })).toThrow(/needs the id/);
  });
});

describe('X media as attachment metadata', () => {
  it('keeps a photo from includes.media with its size (recorded filtered stream)', () => {
    const line = lines(`${RECORDED}streaming_output_with_error.jsonl`).find((l) => l.includes('"3_1377650384366403588"'));
    const [post] = posts(parseXPayload(line ?? '').items);
    expect(post?.attachments).toEqual([{ type: 'image', url: 'https://pbs.twimg.com/media/Ex5lubjXAAQm1WE.jpg', alt: null, width: 1536, height: 2048, durationSeconds: null }]);
  });

  it('reads alt text, videos and GIFs, and says what a media key is when includes.media is missing', () => {
    const body = {
      data: [
        { id: '1860000000000000001', text: '', author_id: '1', created_at: '2026-11-30T10:00:00.000Z', attachments: { media_keys: ['3_1', '7_2'] } },
        { id: '1860000000000000002', text: 'no includes', author_id: '1', created_at: '2026-11-30T10:00:00.000Z', attachments: { media_keys: ['16_9'] } },
      ],
      includes: {
        // Shapes as in the X API v2 media object (docs.x.com/x-api/fundamentals/data-dictionary#media).
        media: [
          { media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/a.jpg', alt_text: 'A torn tent pole', width: 1200, height: 800 },
          { media_key: '7_2', type: 'video', preview_image_url: 'https://pbs.twimg.com/ext_tw_video_thumb/b.jpg', duration_ms: 12500, width: 1280, height: 720 },
        ],
      },
    };
    const [both, bare] = posts(parseXPayload(JSON.stringify(body)).items);
    expect(both?.attachments).toEqual([
      { type: 'image', url: 'https://pbs.twimg.com/media/a.jpg', alt: 'A torn tent pole', width: 1200, height: 800, durationSeconds: null },
      { type: 'video', url: 'https://pbs.twimg.com/ext_tw_video_thumb/b.jpg', alt: null, width: 1280, height: 720, durationSeconds: 12.5 },
    ]);
    expect(bare?.attachments).toEqual([{ type: 'video' }]);
  });
});

