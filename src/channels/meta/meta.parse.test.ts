import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost, type ParsedItem } from '../../listening/canonical.ts';
import { hmacSha256Hex } from '../signatures.ts';
import { metaDriver, metaTargetOf, verifyMetaWebhook } from './meta.driver.ts';
import { parseMetaWebhook } from './meta.parse.ts';

const recorded = (name: string) => readFileSync(new URL(`../../../test/fixtures/recorded/meta/${name}`, import.meta.url), 'utf8');
const own = (name: string) => readFileSync(new URL(`../../../test/fixtures/meta/${name}`, import.meta.url), 'utf8');

const posts = (items: ParsedItem[]): CanonicalPost[] => items.flatMap((i) => (i.type === 'post' ? [i.post] : []));

describe('Meta webhook parsing of the recorded bodies', () => {
  it('turns a Page feed comment by the Page itself into an outbound comment threaded under its post', () => {
    const { items } = parseMetaWebhook(recorded('facebook-feed-comment-add-211.json'));
    expect(items).toHaveLength(1);
    expect(posts(items)[0]).toMatchObject({
      channel: 'facebook',
      externalId: '901097836652708_903438993085259',
      kind: 'comment',
      direction: 'out',
      text: 'and the next one',
      postedAt: '2015-12-03T09:30:03.000Z',
      parentExternalId: '1234567890321_901097836652708',
      threadExternalId: '1234567890321_901097836652708',
      author: { channel: 'facebook', externalId: '1234567890321', displayName: 'Tester' },
      editedAt: null,
    });
  });

  it('turns a removed comment into a delete at the entry time', () => {
    expect(parseMetaWebhook(recorded('facebook-feed-comment-remove-25.json')).items).toEqual([
      { type: 'delete', channel: 'facebook', externalId: '905578656204626_905579239537901', at: '2016-01-06T19:06:22.000Z' },
    ]);
  });

  it('turns a visitor post on the Page feed into an inbound post with its author', () => {
    const { items } = parseMetaWebhook(recorded('facebook-feed-post-add-25.json'));
    expect(posts(items)).toEqual([
      expect.objectContaining({
        channel: 'facebook',
        externalId: '1234567890321_7293787835232',
        kind: 'post',
        direction: 'in',
        visibility: 'public',
        text: "Let's check this",
        author: expect.objectContaining({ externalId: '8423678347823', displayName: 'John Doe' }),
        postedAt: '2016-02-05T21:17:00.000Z',
        url: 'https://www.facebook.com/1234567890321_7293787835232',
      }),
    ]);
  });

  it('turns a Page mention into a post without an author when Meta names none', () => {
    const { items } = parseMetaWebhook(recorded('facebook-mention-post-add-real.json'));
    expect(posts(items)).toEqual([expect.objectContaining({ externalId: '1234567890321_98722536423179', text: 'A test post message', author: null, postedAt: '2021-02-26T11:56:02.000Z' })]);
  });

  it('turns a Messenger message with numeric ids into a private direct message threaded by page and person', () => {
    const { items } = parseMetaWebhook(recorded('facebook-messaging-message-basic.json'));
    expect(posts(items)).toEqual([
      expect.objectContaining({
        channel: 'messenger',
        externalId: 'mid.1457764197618:41d102a3e1ae206a38',
        kind: 'direct',
        visibility: 'private',
        direction: 'in',
        text: 'hello, world!',
        postedAt: '2016-03-12T06:29:57.627Z',
        author: { channel: 'messenger', externalId: '987654321432' },
        threadExternalId: 'messenger:12345654332:987654321432',
      }),
    ]);
  });

  it('turns an Instagram comment into a comment at the entry time', () => {
    const { items } = parseMetaWebhook(recorded('instagram-wh-comments.json'));
    expect(posts(items)).toEqual([expect.objectContaining({ channel: 'instagram', externalId: '123456789', kind: 'comment', text: 'This is an example.', author: null, postedAt: '2018-02-23T15:21:47.000Z' })]);
  });

  it('turns WhatsApp text and image messages into direct messages with the contact name and phone', () => {
    const text = posts(parseMetaWebhook(recorded('whatsapp-incoming-message-text.json')).items);
    const image = posts(parseMetaWebhook(recorded('whatsapp-incoming-message-image.json')).items);
    const author = { channel: 'whatsapp', externalId: '491234567890', handle: '+491234567890', displayName: 'TestUser' };
    expect(text).toEqual([
      expect.objectContaining({ channel: 'whatsapp', kind: 'direct', visibility: 'private', text: 'Test', author, threadExternalId: 'whatsapp:10634295353625:491234567890', postedAt: '2022-05-22T21:01:53.000Z' }),
    ]);
    expect(image).toEqual([
      expect.objectContaining({ text: 'Some awesome image', author, links: ['https://graph.facebook.com/v21.0/400962571939895#type=image%2Fjpeg'] }),
    ]);
    // Both recordings reuse one message id: a second delivery of the same id is the same message.
    expect(text[0]?.externalId).toBe(image[0]?.externalId);
  });
});

describe('Meta webhook parsing of our own cases', () => {
  it('reads an edited status, a nested reply, a reaction and skips a hidden comment', () => {
    const { items, skipped } = parseMetaWebhook(own('facebook-feed-edit-reply-reaction.json'));
    expect(items).toHaveLength(3);
    const [edit, reply] = posts(items);
    expect(edit).toMatchObject({ externalId: '1234567890321_7293787835232', kind: 'post', text: "Let's check this – the X200 zip broke after 2 days 😕", editedAt: '2025-11-25T10:00:00.000Z' });
    expect(reply).toMatchObject({
      externalId: '7293787835232_5550001112223',
      kind: 'comment',
      parentExternalId: '7293787835232_5550001112220',
      threadExternalId: '1234567890321_7293787835232',
      author: { displayName: 'Lea Vogel' },
      editedAt: null,
    });
    expect(items[2]).toEqual({
      type: 'engagement',
      channel: 'facebook',
      externalId: 'reaction:7700112233445:1234567890321_7293787835232',
      targetExternalId: '1234567890321_7293787835232',
      kind: 'reaction',
      actor: expect.objectContaining({ externalId: '7700112233445' }),
      at: '2025-11-25T09:59:55.000Z',
      removed: false,
    });
    expect(skipped).toEqual(['facebook comment verb "hide" changes nothing we keep']);
  });

  it('reads an Instagram reply with its author and media, and a mention by ids', () => {
    const [comment, mention] = posts(parseMetaWebhook(own('instagram-comment-reply-mention.json')).items);
    expect(comment).toMatchObject({
      channel: 'instagram',
      externalId: '17999888777666555',
      text: '@brand_official does the X200 come in green? 💚',
      author: { externalId: '17841455555555555', handle: 'ana.b', profileUrl: 'https://www.instagram.com/ana.b/' },
      parentExternalId: '17999888777666000',
      threadExternalId: '18011122233344455',
      postedAt: '2025-11-25T11:00:00.000Z',
    });
    expect(mention).toMatchObject({ externalId: '17888777666555444', kind: 'comment', parentExternalId: '18022233344455566', text: '' });
  });

  it('reads a looked-up Instagram mention: the comment text, username as author, its time and likes', () => {
    const body = JSON.parse(own('instagram-mention-media.json'));
    body.entry[0].changes[0].value = { media_id: '18022233344455566', comment_id: '17888777666555444', mentioned_comment: JSON.parse(own('graph-mentioned-comment.json')).mentioned_comment };
    const { items, skipped } = parseMetaWebhook(JSON.stringify(body));
    expect(skipped).toEqual([]);
    expect(posts(items)).toEqual([
      {
        channel: 'instagram',
        externalId: '17888777666555444',
        author: { channel: 'instagram', externalId: 'username:trail.mia', handle: 'trail.mia', displayName: 'trail.mia', profileUrl: 'https://www.instagram.com/trail.mia/' },
        kind: 'comment',
        direction: 'in',
        visibility: 'public',
        text: '@brand_official my X200 zipper broke on day two, what now?',
        postedAt: '2025-11-25T10:58:41.000Z',
        parentExternalId: '18022233344455566',
        threadExternalId: '18022233344455566',
        metrics: { likes: 3 },
      },
    ]);
  });

  it('keeps a mention whose lookup failed, without text, and notes why', () => {
    const body = JSON.parse(own('instagram-mention-media.json'));
    body.entry[0].changes[0].value.townhall_lookup_error = 'Graph API answered 400: Invalid OAuth access token.';
    const { items, skipped } = parseMetaWebhook(JSON.stringify(body));
    expect(posts(items)).toMatchObject([{ externalId: '18033344455566677', kind: 'post', text: '', author: null, postedAt: '2025-11-25T12:00:00.000Z' }]);
    expect(skipped).toEqual(['instagram mention 18033344455566677: text not fetched (Graph API answered 400: Invalid OAuth access token.)']);
  });

  it('reads a Messenger attachment, the Page echo as outbound reply, and skips the delivery receipt', () => {
    const { items, skipped } = parseMetaWebhook(own('messenger-echo-attachment-delivery.json'));
    const [inbound, echo] = posts(items);
    expect(items).toHaveLength(2);
    expect(inbound).toMatchObject({ direction: 'in', text: 'Here is the broken zip', links: ['https://scontent.xx.fbcdn.net/v/t1.15752-9/zip.jpg'], threadExternalId: 'messenger:12345654332:987654321432' });
    expect(echo).toMatchObject({ direction: 'out', parentExternalId: inbound?.externalId, threadExternalId: 'messenger:12345654332:987654321432', author: { externalId: '12345654332' } });
    expect(skipped).toEqual(['messenger delivery event']);
  });

  it('reads WhatsApp document and video messages and turns statuses into a view or a skip, never an error', () => {
    const { items, skipped } = parseMetaWebhook(own('whatsapp-document-video-statuses.json'));
    const [doc, video] = posts(items);
    expect(doc).toMatchObject({
      text: 'Rechnung für die Reklamation\nrechnung-2025-113.pdf',
      parentExternalId: 'wamid.HBgNNDkxNTExMjM0NTY3OBUCABEYEjQ5QkE3RjA4QjQyQTk1NkQxAA==',
      links: ['https://graph.facebook.com/v21.0/1003383421387256#type=application%2Fpdf'],
      author: { displayName: 'Jürgen Müller', handle: '+4915112345678' },
    });
    expect(video).toMatchObject({ text: '[video video/mp4]', links: ['https://graph.facebook.com/v21.0/2038429303254761#type=video%2Fmp4'] });
    expect(items.filter((i) => i.type === 'engagement')).toEqual([
      expect.objectContaining({ kind: 'view', externalId: 'read:wamid.HBgNNDkxNTExMjM0NTY3OBUCABEYEjQ5QkE3RjA4QjQyQTk1NkQxAA==', at: '2025-11-25T12:59:10.000Z' }),
    ]);
    expect(skipped).toEqual(['whatsapp delivered status']);
    expect(doc?.attachments).toEqual([{ type: 'file', url: 'https://graph.facebook.com/v21.0/1003383421387256#type=application%2Fpdf', mimeType: 'application/pdf', alt: 'Rechnung für die Reklamation', name: 'rechnung-2025-113.pdf' }]);
    expect(video?.attachments).toMatchObject([{ type: 'video', mimeType: 'video/mp4', alt: null }]);
  });

  it('accepts a WhatsApp message from a business-scoped user id without a phone number, the BSUID being the identity', () => {
    const { items, skipped } = parseMetaWebhook(own('whatsapp-bsuid-text.json'));
    expect(skipped).toEqual([]);
    expect(items).toEqual([
      {
        type: 'post',
        post: expect.objectContaining({
          externalId: 'wamid.HBgLQlIuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQUI3RjA0QjQ2QTk1NkQxMkE5OAA=',
          text: 'Oi! A barraca chegou com a vareta quebrada, podem trocar?',
          author: { channel: 'whatsapp', externalId: 'BR.13491208655302741918', handle: 'ana.trilhas', displayName: 'Ana Souza' },
          threadExternalId: 'whatsapp:106540352242922:BR.13491208655302741918',
          postedAt: '2026-06-01T11:20:00.000Z',
        }),
      },
    ]);
  });

  it('keeps the phone number as the author when both ids come, and stores the BSUID as an identity with that number', () => {
    const { items } = parseMetaWebhook(own('whatsapp-bsuid-and-phone-contacts-card.json'));
    expect(posts(items)[0]?.author).toEqual({ channel: 'whatsapp', externalId: '4915112345678', handle: '+4915112345678', displayName: 'Jürgen Müller' });
    expect(items.filter((i) => i.type === 'identity')).toEqual([
      { type: 'identity', identity: { channel: 'whatsapp', externalId: 'DE.21833456019283746510', handle: '+4915112345678', displayName: 'Jürgen Müller' } },
    ]);
  });

  it('summarises a shared contact card, keeps sticker and location metadata, and reports the unsupported message', () => {
    const { items, skipped } = parseMetaWebhook(own('whatsapp-bsuid-and-phone-contacts-card.json'));
    const [card, sticker, location] = posts(items);
    expect(card?.text).toBe('Shared contact: Petra Schmidt (Alpenverein Sektion Nord, +49 30 1234567, +49 170 7654321, petra.schmidt@example.org)');
    expect(sticker).toMatchObject({ text: '[sticker image/webp]', attachments: [{ type: 'sticker', mimeType: 'image/webp', url: 'https://graph.facebook.com/v21.0/1276395830157243#type=image%2Fwebp' }] });
    expect(location).toMatchObject({ text: 'Zugspitze, 82475 Grainau', geo: { lat: 47.421, lon: 10.9849 }, attachments: [{ type: 'location', name: 'Zugspitze, 82475 Grainau', lat: 47.421, lon: 10.9849 }] });
    expect(skipped).toEqual(['whatsapp unsupported message (Message type unknown)']);
  });

  it('turns a WhatsApp reaction into an engagement on the target message and an empty emoji into its removal', () => {
    const added = parseMetaWebhook(own('whatsapp-reaction-added.json')).items;
    const removed = parseMetaWebhook(own('whatsapp-reaction-removed.json')).items;
    const target = 'wamid.HBgLQlIuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQUI3RjA0QjQ2QTk1NkQxMkE5OAA=';
    expect(added).toEqual([expect.objectContaining({ type: 'engagement', kind: 'reaction', targetExternalId: target, externalId: `reaction:BR.13491208655302741918:${target}`, removed: false })]);
    expect(removed).toEqual([expect.objectContaining({ type: 'engagement', externalId: `reaction:BR.13491208655302741918:${target}`, removed: true, at: '2026-06-01T11:22:00.000Z' })]);
  });

  it('turns a Messenger message edit into an edit of the message, in the same thread', () => {
    const { items, skipped } = parseMetaWebhook(own('messenger-message-edit.json'));
    expect(skipped).toEqual([]);
    expect(posts(items)).toEqual([
      expect.objectContaining({
        channel: 'messenger',
        externalId: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
        text: 'Order #48213 arrived without the tent poles, not the stakes. Sorry!',
        direction: 'in',
        threadExternalId: 'messenger:12345654332:987654321432',
        editedAt: '2026-06-01T13:20:00.000Z',
      }),
    ]);
  });

  it('keeps Messenger attachments as media metadata', () => {
    const [inbound] = posts(parseMetaWebhook(own('messenger-echo-attachment-delivery.json')).items);
    expect(inbound?.attachments).toEqual([{ type: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/zip.jpg', name: null }]);
  });

  it('rejects bodies that are not Meta webhooks with a ParseError', () => {
    expect(() => parseMetaWebhook('{"object": ')).toThrow(ParseError);
    expect(() => parseMetaWebhook('{"entry": []}')).toThrow(/not a Meta webhook/);
    expect(parseMetaWebhook('{"object": "permissions", "entry": [{}]}').skipped).toEqual(['object "permissions" is not a listening source']);
  });
});

describe('Meta webhook verification', () => {
  const connection = { secrets: { appSecret: "It's a Secret to Everybody", verifyToken: 'tok-123' } };
  const get = (query: Record<string, string>) => verifyMetaWebhook({ method: 'GET', query, headers: {}, rawBody: Buffer.alloc(0) }, connection);
  const post = (signature: string | undefined, body = 'Hello, World!') =>
    verifyMetaWebhook({ method: 'POST', query: {}, headers: signature ? { 'x-hub-signature-256': signature } : {}, rawBody: Buffer.from(body) }, connection);

  it('accepts the documented check vector and rejects anything else', () => {
    expect(post('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17')).toEqual({ kind: 'accept' });
    expect(post(`sha256=${hmacSha256Hex('wrong', 'Hello, World!')}`)).toMatchObject({ kind: 'reject', status: 401 });
    expect(post(undefined)).toMatchObject({ kind: 'reject', status: 401 });
  });

  it('echoes the challenge for the right verify token and answers 403 otherwise', () => {
    expect(get({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'tok-123' })).toEqual({ kind: 'respond', status: 200, contentType: 'text/plain; charset=utf-8', body: '1158201444' });
    expect(get({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'tok-124' })).toMatchObject({ kind: 'respond', status: 403 });
    expect(get({ 'hub.mode': 'unsubscribe', 'hub.challenge': '1', 'hub.verify_token': 'tok-123' })).toMatchObject({ status: 403 });
  });

  it('declares its secrets so the API never returns them', () => {
    expect(metaDriver.secretKeys).toEqual(['appSecret', 'verifyToken', 'accessToken']);
  });
});

describe('Meta reply routing', () => {
  it('picks the Graph endpoint from the ids and thread keys the parser produced', () => {
    expect(metaTargetOf({ kind: 'reply', text: 'x', inReplyTo: { externalId: '1_2' } }, {})).toEqual({ kind: 'facebook-comment', objectId: '1_2' });
    expect(metaTargetOf({ kind: 'reply', text: 'x', inReplyTo: { externalId: '1799' } }, {})).toEqual({ kind: 'instagram-reply', commentId: '1799' });
    expect(metaTargetOf({ kind: 'reply', text: 'x', inReplyTo: { externalId: 'mid.1', threadExternalId: 'messenger:12:98' } }, {})).toEqual({ kind: 'messenger', recipientId: '98' });
    expect(metaTargetOf({ kind: 'reply', text: 'x', inReplyTo: { externalId: 'wamid.A', threadExternalId: 'whatsapp:106:49' } }, {})).toEqual({ kind: 'whatsapp', phoneNumberId: '106', to: '49', contextMessageId: 'wamid.A' });
    expect(metaTargetOf({ kind: 'publish', text: 'x' }, { pageId: '55' })).toEqual({ kind: 'page-feed', pageId: '55' });
    expect(() => metaTargetOf({ kind: 'publish', text: 'x' }, {})).toThrow(/pageId/);
  });
});
