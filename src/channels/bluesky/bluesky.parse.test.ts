import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError, type ParsedItem } from '../../listening/canonical.ts';
import { eventTimeUs, parseAtUri, parseJetstreamEvent } from './bluesky.parse.ts';
import { detectFacets, postRecord } from './bluesky.send.ts';
import { profileBatches } from './profiles.ts';
import { CURSOR_SAFETY_MARGIN_US, JetstreamFilter, subscribeUrl } from './jetstream.ts';
import { isRecord, type JsonRecord } from '../json-read.ts';

const RECORDED = fileURLToPath(new URL('../../../test/fixtures/recorded/bluesky/', import.meta.url));
const OWN = fileURLToPath(new URL('../../../test/fixtures/bluesky/', import.meta.url));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
const itemsOf = (path: string) => lines(path).map((l) => parseJetstreamEvent(l));
const objects = (path: string): JsonRecord[] => lines(path).map((l): unknown => JSON.parse(l)).filter(isRecord);
const post = (items: ParsedItem[]) => (items[0]?.type === 'post' ? items[0].post : undefined);

describe('Bluesky parser on the recorded Jetstream events', () => {
  const results = itemsOf(`${RECORDED}jetstream_golden_v1.jsonl`);

  it('maps each of the ten events: a like, a reply, a repost, a profile; the rest is skipped', () => {
    expect(results).toHaveLength(10);
    expect(results.map((r) => r.items.map((i) => i.type).join(',') || r.skipped?.join(','))).toEqual([
      'engagement',
      'post',
      'engagement',
      'create app.bsky.graph.follow',
      'identity',
      'delete org.hypercerts.claim.activity',
      'update place.stream.broadcast.origin',
      'identity event without handle',
      'account event',
      'create app.bsky.graph.block',
    ]);
  });

  it('turns a like into an engagement on the liked post, keyed by the like record URI', () => {
    expect(results[0]?.items).toEqual([
      {
        type: 'engagement',
        channel: 'bluesky',
        externalId: 'at://did:plc:mcc5yghbk7tixqryac2yxku7/app.bsky.feed.like/3mmoojp7etg2g',
        targetExternalId: 'at://did:plc:vfnmgxg2yscfliemmcxzyfyh/app.bsky.feed.post/3mmoodizfwc2j',
        kind: 'like',
        actor: { channel: 'bluesky', externalId: 'did:plc:mcc5yghbk7tixqryac2yxku7', profileUrl: 'https://bsky.app/profile/did:plc:mcc5yghbk7tixqryac2yxku7' },
        at: '2026-05-25T14:23:28.778Z',
      },
    ]);
    expect(results[2]?.items[0]).toMatchObject({ kind: 'share', externalId: 'at://did:plc:eizxoqcsvvvarxeb3pjkblrp/app.bsky.feed.repost/3mmoojpbade2i', targetExternalId: 'at://did:plc:hjloomm2tkve3pmfgbxegl3v/app.bsky.feed.post/3mmood3a6hc25' });
  });

  it('reads the reply with its parent and thread root', () => {
    expect(post(results[1]?.items ?? [])).toEqual({
      channel: 'bluesky',
      externalId: 'at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223',
      author: { channel: 'bluesky', externalId: 'did:plc:q235v55g5unth4zjjdpacfdr', profileUrl: 'https://bsky.app/profile/did:plc:q235v55g5unth4zjjdpacfdr' },
      kind: 'reply',
      direction: 'in',
      visibility: 'public',
      text: 'Try RSV for a good time !!',
      language: 'en',
      postedAt: '2026-05-25T14:23:28.757Z',
      parentExternalId: 'at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26',
      threadExternalId: 'at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26',
      quotedExternalId: null,
      mentions: [],
      hashtags: [],
      links: [],
      url: 'https://bsky.app/profile/did:plc:q235v55g5unth4zjjdpacfdr/post/3mmoojp4cd223',
    });
  });

  it('takes display name and bio from a profile update', () => {
    expect(results[4]?.items).toEqual([
      {
        type: 'identity',
        identity: {
          channel: 'bluesky',
          externalId: 'did:plc:o6t5vwyr7ae73foww7bgye4r',
          profileUrl: 'https://bsky.app/profile/did:plc:o6t5vwyr7ae73foww7bgye4r',
          displayName: 'Multiversal Lokis Unit🔞',
          bio: 'Damian Lokison, 32, Loki stan, Universal Orlando devotee, HHN and Horror Enthusiast. NSFW Artist 🔞',
        },
      },
    ]);
  });
});

describe('Bluesky parser on our own cases (test/fixtures/bluesky/thread.jsonl)', () => {
  const results = itemsOf(`${OWN}thread.jsonl`);
  const root = 'at://did:plc:acmebrand0000000000000001/app.bsky.feed.post/3lbroot00001';

  it('reads a root post with a link card, marked outbound for the brand account', () => {
    const first = parseJetstreamEvent(lines(`${OWN}thread.jsonl`)[0] ?? '', { ownDid: 'did:plc:acmebrand0000000000000001' });
    expect(post(first.items)).toMatchObject({ externalId: root, direction: 'out', kind: 'post', threadExternalId: null, links: ['https://acme.example/x200'], language: 'en' });
  });

  it('reads facets by UTF-8 byte offsets: the mention shows the handle, tags and links', () => {
    expect(post(results[1]?.items ?? [])).toMatchObject({
      kind: 'reply',
      text: '@acme.bsky.social mein X200 ist kaputt 😞 #X200 https://acme.example/faq',
      language: 'de',
      parentExternalId: root,
      threadExternalId: root,
      mentions: ['acme.bsky.social'],
      hashtags: ['X200'],
      links: ['https://acme.example/faq'],
    });
  });

  it('links quotes, plain and with media', () => {
    expect(post(results[2]?.items ?? [])).toMatchObject({ quotedExternalId: root, parentExternalId: null, kind: 'post' });
    expect(post(results[3]?.items ?? [])).toMatchObject({ quotedExternalId: root, text: 'Mine came with a scratch, see photo' });
  });

  it('turns likes and reposts into engagements and their deletion into a withdrawal by record URI', () => {
    expect(results.slice(4, 7).map((r) => r.items[0]?.type === 'engagement' && `${r.items[0].kind}:${r.items[0].targetExternalId === root}`)).toEqual(['like:true', 'like:true', 'share:true']);
    expect(results[7]?.items).toEqual([{ type: 'delete', channel: 'bluesky', externalId: 'at://did:plc:leameier0000000000000004/app.bsky.feed.like/3lblike00002', at: '2024-11-20T10:53:32.000Z' }]);
  });

  it('reads a reply to a reply, its deletion, a handle change and a profile', () => {
    expect(post(results[8]?.items ?? [])).toMatchObject({ parentExternalId: 'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0001', threadExternalId: root });
    expect(results[9]?.items).toEqual([{ type: 'delete', channel: 'bluesky', externalId: 'at://did:plc:anabeta00000000000000002/app.bsky.feed.post/3lbreply0002', at: '2024-11-20T10:53:35.000Z' }]);
    expect(results[10]?.items).toEqual([{ type: 'identity', identity: { channel: 'bluesky', externalId: 'did:plc:anabeta00000000000000002', profileUrl: 'https://bsky.app/profile/did:plc:anabeta00000000000000002', handle: 'ana-b.bsky.social' } }]);
    expect(results[11]?.items).toEqual([]);
    expect(results[12]?.items[0]).toMatchObject({ type: 'identity', identity: { displayName: 'Ana B.', bio: 'Runner. Coffee.' } });
  });

  it('rejects what is not a Jetstream event', () => {
    expect(() => parseJetstreamEvent('{"did": ')).toThrow(ParseError);
    expect(() => parseJetstreamEvent('{"kind":"commit"}')).toThrow(/did, time_us and kind/);
    expect(() => parseJetstreamEvent('{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k"}}')).toThrow(/has no record/);
  });
});

describe('Bluesky helpers', () => {
  it('splits at:// URIs and reads event times', () => {
    expect(parseAtUri('at://did:plc:abc/app.bsky.feed.post/3k')).toEqual({ did: 'did:plc:abc', collection: 'app.bsky.feed.post', rkey: '3k' });
    expect(parseAtUri('https://bsky.app')).toBeUndefined();
    expect(eventTimeUs('{"time_us": 1732100000000000}')).toBe(1732100000000000);
    expect(eventTimeUs('nope')).toBeUndefined();
  });

  it('builds the subscribe URL with collections, DIDs and the cursor rewound by the safety margin', () => {
    const url = subscribeUrl({ settings: { endpoint: 'wss://jet.example/', wantedDids: ['did:plc:a'] } }, 1732100000000000);
    expect(url.origin + url.pathname).toBe('wss://jet.example/subscribe');
    expect(url.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost']);
    expect(url.searchParams.getAll('wantedDids')).toEqual(['did:plc:a']);
    expect(url.searchParams.get('cursor')).toBe(String(1732100000000000 - CURSOR_SAFETY_MARGIN_US));
    expect(subscribeUrl({ settings: {} }, undefined).searchParams.has('cursor')).toBe(false);
  });

  it('keeps keyword posts and what relates to them, and drops the rest of the firehose', () => {
    const filter = new JetstreamFilter({ keywords: ['X200'], watchDids: ['did:plc:acmebrand0000000000000001'] });
    const events = objects(`${OWN}thread.jsonl`);
    expect(events.map((e) => filter.keep(e))).toEqual([true, true, true, true, true, true, true, true, true, true, true, false, true]);
    const other = new JetstreamFilter({ keywords: ['zebra'] });
    const golden = objects(`${RECORDED}jetstream_golden_v1.jsonl`);
    expect(golden.filter((e) => other.keep(e))).toEqual([]);
    expect(new JetstreamFilter({}).keep(golden[3] ?? {})).toBe(true);
  });

  it('builds post records with link and tag facets at UTF-8 byte offsets', () => {
    const text = 'Sorry 😞 see https://acme.example/help. #AcmeCare';
    expect(detectFacets(text)).toEqual([
      { index: { byteStart: 15, byteEnd: 40 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://acme.example/help' }] },
      { index: { byteStart: 42, byteEnd: 51 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'AcmeCare' }] },
    ]);
    const ref = { uri: 'at://did:plc:a/app.bsky.feed.post/1', cid: 'bafy' };
    expect(postRecord('Hi', '2026-01-01T00:00:00.000Z', { root: ref, parent: ref })).toEqual({ $type: 'app.bsky.feed.post', text: 'Hi', createdAt: '2026-01-01T00:00:00.000Z', reply: { root: ref, parent: ref } });
  });
});

describe('Bluesky embeds as attachment metadata', () => {
  it('keeps the image of a quote with media: CDN URL, MIME type, alt text and size', () => {
    const quote = lines(`${OWN}thread.jsonl`).find((l) => l.includes('3lbquote0002'));
    expect(post(parseJetstreamEvent(quote ?? '').items)?.attachments).toEqual([
      { type: 'image', url: 'https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:leameier0000000000000004/bafkreiimage@jpeg', mimeType: 'image/jpeg', alt: 'scratched screen', sizeBytes: 1000, width: null, height: null },
    ]);
  });

  it('keeps a video embed with its aspect ratio (app.bsky.embed.video lexicon)', () => {
    const event = {
      did: 'did:plc:leameier0000000000000004',
      time_us: 1732100009000000,
      kind: 'commit',
      commit: {
        rev: '3lbrev0009', operation: 'create', collection: 'app.bsky.feed.post', rkey: '3lbvideo0009', cid: 'bafyreivideo',
        record: { $type: 'app.bsky.feed.post', createdAt: '2024-11-20T09:09:00.000Z', text: '', embed: { $type: 'app.bsky.embed.video', alt: 'the tent collapsing', aspectRatio: { width: 1080, height: 1920 }, video: { $type: 'blob', ref: { $link: 'bafkreivideo' }, mimeType: 'video/mp4', size: 4200000 } } },
      },
    };
    expect(post(parseJetstreamEvent(JSON.stringify(event)).items)?.attachments).toEqual([
      { type: 'video', url: 'https://video.bsky.app/watch/did%3Aplc%3Aleameier0000000000000004/bafkreivideo/playlist.m3u8', mimeType: 'video/mp4', alt: 'the tent collapsing', sizeBytes: 4200000, width: 1080, height: 1920 },
    ]);
  });
});

describe('Bluesky getProfiles answers (stored by the profile lookups)', () => {
  it('turns each profile view into an identity with handle, name, avatar, bio and counts; "handle.invalid" is no handle', () => {
    const body = {
      profiles: [
        { did: 'did:plc:maxkrueger000000000000003', handle: 'maxkrueger.de', displayName: 'Max Krüger', avatar: 'https://cdn.bsky.app/img/avatar/plain/x@jpeg', description: 'Radfahrer.', followersCount: 12, followsCount: 3 },
        { did: 'did:plc:leameier0000000000000004', handle: 'handle.invalid' },
        { handle: 'no-did.bsky.social' },
      ],
    };
    expect(parseJetstreamEvent(JSON.stringify(body)).items).toEqual([
      { type: 'identity', identity: { channel: 'bluesky', externalId: 'did:plc:maxkrueger000000000000003', handle: 'maxkrueger.de', displayName: 'Max Krüger', profileUrl: 'https://bsky.app/profile/maxkrueger.de', avatarUrl: 'https://cdn.bsky.app/img/avatar/plain/x@jpeg', bio: 'Radfahrer.', followers: 12, following: 3 } },
      { type: 'identity', identity: { channel: 'bluesky', externalId: 'did:plc:leameier0000000000000004', handle: null, displayName: null, profileUrl: 'https://bsky.app/profile/did:plc:leameier0000000000000004', avatarUrl: null, bio: null, followers: null, following: null } },
    ]);
  });

  it('cuts DIDs into calls of at most 25', () => {
    const dids = Array.from({ length: 51 }, (_, i) => `did:plc:${i}`);
    expect(profileBatches(dids).map((b) => b.length)).toEqual([25, 25, 1]);
  });
});

