import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionView, NativePayload } from '../../../src/channels/driver.ts';
import { enrichMetaPayload } from '../../../src/channels/meta/meta.enrich.ts';
import { metaDriver } from '../../../src/channels/meta/meta.driver.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { hmacSha256Hex } from '../../../src/channels/signatures.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import { systemActor } from '../../../src/auth/actor.ts';
import { createContact } from '../../../src/customers/contacts.service.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { createEnricher } from '../../../src/pipeline/enrich.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { sendJson, startStandIn, type StandIn } from './standin.ts';

const deps = { analyze: null, now: () => new Date() };
const APP_SECRET = 'meta-app-secret-for-tests';
const VERIFY_TOKEN = 'verify-me-please';
const RECORDED_DIR = new URL('../../../test/fixtures/recorded/meta/', import.meta.url);
const OWN = new URL('../../fixtures/meta/', import.meta.url);
const recordedPath = (name: string) => new URL(name, RECORDED_DIR).pathname;
const ownPath = (name: string) => new URL(name, OWN).pathname;

/** The recorded bodies in the order a Page would send them, with what each must leave in the store. */
const RECORDED = [
  'facebook-feed-post-add-25.json',
  'facebook-feed-comment-add-211.json',
  'facebook-feed-comment-remove-25.json',
  'facebook-mention-post-add-real.json',
  'facebook-messaging-message-basic.json',
  'instagram-wh-comments.json',
  'whatsapp-incoming-message-text.json',
  'whatsapp-incoming-message-image.json',
];

describe.each(STORE_KINDS)('Meta webhooks through the real server on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let channel: { id: string; webhookUrl: string };

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'meta');
    const created = await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'meta', name: 'Brand on Meta', settings: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } } });
    expect(created.status).toBe(201);
    channel = created.body;
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const deliver = (body: string, signature = `sha256=${hmacSha256Hex(APP_SECRET, body)}`) =>
    fetch(server.url + channel.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  const countRaw = async () => Number((await store.db.selectFrom('raw_intake').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow()).n);
  const listPosts = async (channelName: string) => {
    const res = await server.request('GET', `/api/v1/posts?channel=${channelName}`, { token: ws.tokens.analyst });
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  it('returns a webhook URL and never the app secret or verify token', async () => {
    expect(channel.webhookUrl).toMatch(/^\/webhooks\/[A-Za-z0-9_-]{32}$/);
    const fetched = await server.request('GET', `/api/v1/channels/${channel.id}`, { token: ws.tokens.admin });
    expect(fetched.text).not.toContain(APP_SECRET);
    expect(fetched.text).not.toContain(VERIFY_TOKEN);
    const row = await store.db.selectFrom('channel_connections').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(APP_SECRET);
  });

  it('answers the hub.challenge handshake with the challenge for the right token and 403 for a wrong one, storing nothing', async () => {
    const before = await countRaw();
    const ok = await fetch(`${server.url}${channel.webhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${server.url}${channel.webhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('1158201444');
    expect(await countRaw()).toBe(before);
  });

  it('answers a wrong or missing X-Hub-Signature-256 with 401 and stores nothing', async () => {
    const before = await countRaw();
    const body = readFileSync(recordedPath('facebook-feed-post-add-25.json'), 'utf8');
    expect((await deliver(body, `sha256=${hmacSha256Hex('not-the-secret', body)}`)).status).toBe(401);
    expect((await fetch(server.url + channel.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    expect(await countRaw()).toBe(before);
  });

  it('stores every signed recorded body, turns it into posts per platform, and ignores re-deliveries', async () => {
    for (const name of RECORDED) {
      const res = await deliver(readFileSync(recordedPath(name), 'utf8'));
      expect(res.status, name).toBe(200);
    }
    // Meta re-delivers when it misses our 200: the same bodies again change nothing.
    for (const name of RECORDED) expect((await deliver(readFileSync(recordedPath(name), 'utf8'))).status).toBe(200);
    expect(await countRaw()).toBe(RECORDED.length * 2);
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const dead = await store.db.selectFrom('raw_intake').select(['status', 'error']).where('workspace_id', '=', ws.workspaceId).where('status', '!=', 'processed').execute();
    expect(dead).toEqual([]);

    const facebook = await listPosts('facebook');
    expect(facebook.map((p) => p['externalId']).sort()).toEqual(['1234567890321_7293787835232', '1234567890321_98722536423179', '901097836652708_903438993085259']);
    const comment = facebook.find((p) => p['externalId'] === '901097836652708_903438993085259');
    expect(comment).toMatchObject({ kind: 'comment', direction: 'out', text: 'and the next one', author: { displayName: 'Tester' }, parentExternalId: '1234567890321_901097836652708' });
    expect(facebook.find((p) => p['externalId'] === '1234567890321_7293787835232')).toMatchObject({ text: "Let's check this", author: { displayName: 'John Doe' } });

    const messenger = await listPosts('messenger');
    expect(messenger).toHaveLength(1);
    expect(messenger[0]).toMatchObject({ kind: 'direct', visibility: 'private', text: 'hello, world!', threadExternalId: 'messenger:12345654332:987654321432' });

    const instagram = await listPosts('instagram');
    expect(instagram.map((p) => [p['externalId'], p['text']])).toEqual([['123456789', 'This is an example.']]);

    // Both WhatsApp recordings carry the same message id: one message, the first text wins.
    const whatsapp = await listPosts('whatsapp');
    expect(whatsapp).toHaveLength(1);
    expect(whatsapp[0]).toMatchObject({ text: 'Test', kind: 'direct', author: { handle: '+491234567890', displayName: 'TestUser' } });
    const identity = await store.db.selectFrom('social_identities').selectAll().where('workspace_id', '=', ws.workspaceId).where('channel', '=', 'whatsapp').executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ external_id: '491234567890', handle: '+491234567890', display_name: 'TestUser' });
  });

  it('applies an edit with history, links a reaction, and deletes a removed comment', async () => {
    expect((await deliver(readFileSync(ownPath('facebook-feed-edit-reply-reaction.json'), 'utf8'))).status).toBe(200);
    const removal = JSON.stringify({
      object: 'page',
      entry: [{ id: '1234567890321', time: 1764065000, changes: [{ field: 'feed', value: { item: 'comment', verb: 'remove', comment_id: '901097836652708_903438993085259', post_id: '1234567890321_901097836652708' } }] }],
    });
    expect((await deliver(removal)).status).toBe(200);
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const post = await store.db.selectFrom('posts').select(['id', 'text', 'metrics']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', '1234567890321_7293787835232').executeTakeFirstOrThrow();
    expect(post.text).toBe("Let's check this – the X200 zip broke after 2 days 😕");
    expect(post.metrics).toMatchObject({ reactions: 1 });
    const revisions = await store.db.selectFrom('post_revisions').select('text').where('post_id', '=', post.id).execute();
    expect(revisions.map((r) => r.text)).toEqual(["Let's check this"]);
    const facebook = await listPosts('facebook');
    expect(facebook.map((p) => p['externalId']).sort()).toEqual(['1234567890321_7293787835232', '1234567890321_98722536423179', '7293787835232_5550001112223']);
  });

  it('returns a media message\'s attachment metadata in the posts API, and a BSUID sender as its author', async () => {
    expect((await deliver(readFileSync(ownPath('whatsapp-document-video-statuses.json'), 'utf8'))).status).toBe(200);
    expect((await deliver(readFileSync(ownPath('whatsapp-bsuid-text.json'), 'utf8'))).status).toBe(200);
    await drainIntake(store.db, deps, { workspaceId: ws.workspaceId });
    const whatsapp = await listPosts('whatsapp');
    const doc = whatsapp.find((p) => p['text'] === 'Rechnung für die Reklamation\nrechnung-2025-113.pdf');
    expect(doc?.['attachments']).toEqual([
      { type: 'file', url: 'https://graph.facebook.com/v21.0/1003383421387256#type=application%2Fpdf', mimeType: 'application/pdf', alt: 'Rechnung für die Reklamation', name: 'rechnung-2025-113.pdf', sizeBytes: null, width: null, height: null, durationSeconds: null, lat: null, lon: null },
    ]);
    const ana = whatsapp.find((p) => p['text'] === 'Oi! A barraca chegou com a vareta quebrada, podem trocar?');
    expect(ana?.['author']).toMatchObject({ handle: 'ana.trilhas', displayName: 'Ana Souza' });
    expect(ana?.['attachments']).toEqual([]);
  });
});

describe.each(STORE_KINDS)('Meta import of webhook bodies on %s', (kind) => {
  let store: Store;
  let ws: SeededWorkspace;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ws = await seedWorkspace(store.db, 'metaimport');
  });
  afterAll(async () => {
    await store?.close();
  });

  const cases: Array<[string, string, number, number]> = [
    // file, path, imported the first time, duplicates the first time
    ['facebook-feed-post-add-25.json', recordedPath('facebook-feed-post-add-25.json'), 1, 0],
    ['facebook-feed-comment-add-211.json', recordedPath('facebook-feed-comment-add-211.json'), 1, 0],
    ['facebook-feed-comment-remove-25.json', recordedPath('facebook-feed-comment-remove-25.json'), 0, 0],
    ['facebook-mention-post-add-real.json', recordedPath('facebook-mention-post-add-real.json'), 1, 0],
    ['facebook-messaging-message-basic.json', recordedPath('facebook-messaging-message-basic.json'), 1, 0],
    ['instagram-wh-comments.json', recordedPath('instagram-wh-comments.json'), 1, 0],
    ['whatsapp-incoming-message-text.json', recordedPath('whatsapp-incoming-message-text.json'), 1, 0],
    ['whatsapp-incoming-message-image.json', recordedPath('whatsapp-incoming-message-image.json'), 0, 1],
    ['own facebook-feed-edit-reply-reaction.json', ownPath('facebook-feed-edit-reply-reaction.json'), 1, 1],
    ['own instagram-comment-reply-mention.json', ownPath('instagram-comment-reply-mention.json'), 2, 0],
    ['own messenger-echo-attachment-delivery.json', ownPath('messenger-echo-attachment-delivery.json'), 2, 0],
    ['own whatsapp-document-video-statuses.json', ownPath('whatsapp-document-video-statuses.json'), 2, 0],
  ];

  it.each(cases)('imports %s with exact counts, and adds nothing the second time', async (_name, path, imported, duplicates) => {
    const first = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'meta', path });
    expect(first).toMatchObject({ imported, duplicates, rejected: 0 });
    const second = await importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'meta', path });
    expect(second.imported).toBe(0);
    expect(second.rejected).toBe(0);
  });

  it('ends with exactly the posts the bodies hold', async () => {
    const rows = await store.db.selectFrom('posts').select(['channel']).where('workspace_id', '=', ws.workspaceId).execute();
    const byChannel: Record<string, number> = {};
    for (const row of rows) byChannel[row.channel] = (byChannel[row.channel] ?? 0) + 1;
    expect(byChannel).toEqual({ facebook: 4, messenger: 3, instagram: 3, whatsapp: 3 });
  });
});

describe.each(STORE_KINDS)('Instagram mention lookups through a Graph API stand-in on %s', (kind) => {
  const IG_USER = '17841400000000001';
  const PAGE_TOKEN = 'EAAB-page-token-ig';
  let store: Store;
  let graph: StandIn;
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
  const own = (name: string) => readFileSync(ownPath(name), 'utf8');

  beforeAll(async () => {
    store = await openTestStore(kind);
    graph = await startStandIn((request, response) => {
      if (request.headers['authorization'] !== `Bearer ${PAGE_TOKEN}`) return sendJson(response, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      if (request.method !== 'GET' || request.path !== `/v21.0/${IG_USER}`) return sendJson(response, 400, { error: { message: 'Unsupported get request', type: 'GraphMethodException', code: 100 } });
      const fields = request.url.searchParams.get('fields');
      if (fields === 'mentioned_comment.comment_id(17888777666555444){text,timestamp,media{id},username,like_count}') return sendJson(response, 200, JSON.parse(own('graph-mentioned-comment.json')));
      if (fields === 'mentioned_media.media_id(18033344455566677){caption,media_type,timestamp,permalink,username,like_count,comments_count}') return sendJson(response, 200, JSON.parse(own('graph-mentioned-media.json')));
      return sendJson(response, 400, { error: { message: '(#100) Tried accessing nonexisting field', type: 'OAuthException', code: 100 } });
    });
  });
  afterAll(async () => {
    controller.abort();
    await graph?.close();
    await store?.close();
  });

  const connection = (secrets: Record<string, string>) => ({ settings: { graphBaseUrl: `${graph.url}/v21.0` }, secrets: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, ...secrets } });
  /** What the intake worker does with an enriched delivery: store it as its own payload, then process it. */
  const storeAndProcess = async (workspaceId: string, payload: NativePayload) => {
    const stored = await insertRaw(store.db, { workspaceId, connectionId: null, channel: 'meta', source: 'webhook', contentType: payload.contentType ?? null, headers: payload.headers ?? {}, body: payload.body, dedupeKey: null });
    await drainIntake(store.db, deps, { workspaceId });
    return stored.id;
  };
  const postsOf = (workspaceId: string) =>
    store.db
      .selectFrom('posts')
      .leftJoin('social_identities', 'social_identities.id', 'posts.author_identity_id')
      .select(['posts.external_id', 'posts.kind', 'posts.text', 'posts.posted_at', 'posts.parent_external_id', 'posts.metrics', 'posts.url', 'social_identities.handle'])
      .where('posts.workspace_id', '=', workspaceId)
      .where('posts.channel', '=', 'instagram')
      .orderBy('posts.external_id')
      .execute();

  it('looks up a mention in a comment with the Page token and stores the text and author', async () => {
    const ws = await seedWorkspace(store.db, 'igmention');
    graph.requests.length = 0;
    const enriched = await enrichMetaPayload({ body: own('instagram-comment-reply-mention.json') }, connection({ accessToken: PAGE_TOKEN }), runtime);
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]?.url.searchParams.get('appsecret_proof')).toBe(hmacSha256Hex(APP_SECRET, PAGE_TOKEN));
    if (!enriched) throw new Error('nothing enriched');
    expect(enriched.headers).toEqual({ 'x-townhall-enriched': 'instagram-mentions' });
    await storeAndProcess(ws.workspaceId, enriched);
    const rows = await postsOf(ws.workspaceId);
    expect(rows.map((r) => [r.external_id, r.kind, r.text, r.handle, r.parent_external_id])).toEqual([
      ['17888777666555444', 'comment', '@brand_official my X200 zipper broke on day two, what now?', 'trail.mia', '18022233344455566'],
      ['17999888777666555', 'comment', '@brand_official does the X200 come in green? 💚', 'ana.b', '17999888777666000'],
    ]);
    expect(new Date(rows[0]!.posted_at).toISOString()).toBe('2025-11-25T10:58:41.000Z');
    // Looked up once: the stored copy needs no second lookup, so a replay reads the same text.
    expect(await enrichMetaPayload(enriched, connection({ accessToken: PAGE_TOKEN }), runtime)).toBeNull();
    expect(graph.requests).toHaveLength(1);
  });

  it('completes a signed mention delivery received by the real server: the pipeline looks it up, stores the copy, and parses that', async () => {
    const server = await startTestServer(store, { TOWNHALL_ALLOW_PRIVATE_NETWORK: 'true' });
    try {
      const ws = await seedWorkspace(store.db, 'igmention-e2e');
      const created = await server.request('POST', '/api/v1/channels', {
        token: ws.tokens.manager,
        body: { type: 'meta', name: 'Brand on Instagram', settings: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, accessToken: PAGE_TOKEN, graphBaseUrl: `${graph.url}/v21.0` } },
      });
      expect(created.status).toBe(201);
      const body = own('instagram-comment-reply-mention.json');
      const delivered = await fetch(server.url + created.body.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(APP_SECRET, body)}` }, body });
      expect(delivered.status).toBe(200);
      graph.requests.length = 0;
      const enrich = createEnricher({ config: { allowPrivateNetwork: true }, secrets: server.ctx.secrets, now: () => new Date() });
      await drainIntake(store.db, { ...deps, enrich }, { workspaceId: ws.workspaceId });
      expect(graph.requests).toHaveLength(1);

      const rows = await postsOf(ws.workspaceId);
      expect(rows.map((r) => [r.external_id, r.text, r.handle])).toEqual([
        ['17888777666555444', '@brand_official my X200 zipper broke on day two, what now?', 'trail.mia'],
        ['17999888777666555', '@brand_official does the X200 come in green? 💚', 'ana.b'],
      ]);
      // The signed original is kept as received, marked replaced; the copy is what was parsed.
      const raws = await store.db.selectFrom('raw_intake').select(['id', 'body', 'status', 'error', 'headers']).where('workspace_id', '=', ws.workspaceId).orderBy('id').execute();
      expect(raws).toHaveLength(2);
      expect(raws[0]).toMatchObject({ body, status: 'processed', error: `replaced by its enriched copy #${raws[1]!.id}` });
      expect(raws[1]).toMatchObject({ status: 'processed', error: null, headers: { 'x-townhall-enriched': 'instagram-mentions' } });
    } finally {
      await server.close();
    }
  });

  it('looks up a mention in a caption as the media: caption, permalink, counts', async () => {
    const ws = await seedWorkspace(store.db, 'igmedia');
    const enriched = await enrichMetaPayload({ body: own('instagram-mention-media.json') }, connection({ accessToken: PAGE_TOKEN }), runtime);
    if (!enriched) throw new Error('nothing enriched');
    await storeAndProcess(ws.workspaceId, enriched);
    expect(await postsOf(ws.workspaceId)).toMatchObject([
      { external_id: '18033344455566677', kind: 'post', text: 'Sunrise at the lake with my new X200 tent ⛺ thanks @brand_official!', handle: 'ana.b', url: 'https://www.instagram.com/p/DCx7aBcTz9Q/', metrics: { likes: 128, replies: 9 } },
    ]);
  });

  it('keeps the mention without text and records why when the token is missing or the lookup fails', async () => {
    const ws = await seedWorkspace(store.db, 'igfail');
    graph.requests.length = 0;
    const untokened = await enrichMetaPayload({ body: own('instagram-mention-media.json') }, connection({}), runtime);
    expect(graph.requests).toHaveLength(0);
    const refused = await enrichMetaPayload({ body: own('instagram-comment-reply-mention.json') }, connection({ accessToken: 'EAAB-expired' }), runtime);
    if (!untokened || !refused) throw new Error('nothing enriched');
    const ids = [await storeAndProcess(ws.workspaceId, untokened), await storeAndProcess(ws.workspaceId, refused)];
    const rows = await postsOf(ws.workspaceId);
    expect(rows.find((r) => r.external_id === '18033344455566677')).toMatchObject({ text: '', handle: null });
    expect(rows.find((r) => r.external_id === '17888777666555444')).toMatchObject({ text: '', handle: null, parent_external_id: '18022233344455566' });
    const raws = await store.db.selectFrom('raw_intake').select(['id', 'status', 'body']).where('id', 'in', ids).orderBy('id').execute();
    expect(raws.map((r) => r.status)).toEqual(['processed', 'processed']);
    expect(JSON.parse(raws[0]!.body).entry[0].changes[0].value.townhall_lookup_error).toBe('no accessToken on this connection: the mention cannot be looked up');
    expect(JSON.parse(raws[1]!.body).entry[0].changes[1].value.townhall_lookup_error).toBe('Graph API answered 400: Invalid OAuth access token.');
  });

  it('leaves deliveries without Instagram mentions alone', async () => {
    graph.requests.length = 0;
    for (const name of RECORDED) expect(await enrichMetaPayload({ body: readFileSync(recordedPath(name), 'utf8') }, connection({ accessToken: PAGE_TOKEN }), runtime)).toBeNull();
    expect(graph.requests).toHaveLength(0);
  });
});

describe.each(STORE_KINDS)('Meta import of BSUID senders, contact cards, reactions, edits and media on %s', (kind) => {
  let store: Store;
  let ws: SeededWorkspace;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ws = await seedWorkspace(store.db, 'metabsuid');
  });
  afterAll(async () => {
    await store?.close();
  });
  const importOwn = (name: string) => importFile(store.db, deps, { workspaceId: ws.workspaceId, channel: 'meta', path: ownPath(name) });
  const postOf = (channel: string, externalId: string) =>
    store.db.selectFrom('posts').selectAll().where('workspace_id', '=', ws.workspaceId).where('channel', '=', channel).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const identity = (externalId: string) =>
    store.db.selectFrom('social_identities').selectAll().where('workspace_id', '=', ws.workspaceId).where('channel', '=', 'whatsapp').where('external_id', '=', externalId).executeTakeFirst();
  const ANA_MESSAGE = 'wamid.HBgLQlIuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQUI3RjA0QjQ2QTk1NkQxMkE5OAA=';

  it('stores the text of a customer known only by a business-scoped user id, as that identity', async () => {
    expect(await importOwn('whatsapp-bsuid-text.json')).toMatchObject({ imported: 1, rejected: 0, skipped: [] });
    const post = await postOf('whatsapp', ANA_MESSAGE);
    expect(post.text).toBe('Oi! A barraca chegou com a vareta quebrada, podem trocar?');
    expect(await identity('BR.13491208655302741918')).toMatchObject({ id: post.author_identity_id, handle: 'ana.trilhas', display_name: 'Ana Souza' });
  });

  it('counts a reaction on that message, and its removal by an empty emoji', async () => {
    expect(await importOwn('whatsapp-reaction-added.json')).toMatchObject({ imported: 0, engagements: 1, rejected: 0 });
    expect((await postOf('whatsapp', ANA_MESSAGE)).metrics).toEqual({ reactions: 1 });
    await importOwn('whatsapp-reaction-removed.json');
    expect((await postOf('whatsapp', ANA_MESSAGE)).metrics).toEqual({ reactions: 0 });
    const engagement = await store.db.selectFrom('engagements').selectAll().where('workspace_id', '=', ws.workspaceId).where('target_external_id', '=', ANA_MESSAGE).executeTakeFirstOrThrow();
    expect(engagement.removed_at).not.toBeNull();
  });

  it('stores a contact card as text, a sticker and a location with their metadata, both ids of the sender, and reports the unsupported message', async () => {
    const summary = await importOwn('whatsapp-bsuid-and-phone-contacts-card.json');
    expect(summary).toMatchObject({ imported: 3, rejected: 0, skipped: [{ reason: 'whatsapp unsupported message (Message type unknown)', count: 1 }] });
    const card = await postOf('whatsapp', 'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBMEY3QzIxQjQ0QTk1NkQxQjExAA==');
    expect(card.text).toMatch(/^Shared contact: Petra Schmidt \(Alpenverein Sektion Nord/);
    const sticker = await postOf('whatsapp', 'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBMEY3QzIxQjQ0QTk1NkQxQjEyAA==');
    expect(sticker.attachments).toEqual([{ type: 'sticker', url: 'https://graph.facebook.com/v21.0/1276395830157243#type=image%2Fwebp', mimeType: 'image/webp', alt: null, name: null }]);
    const phone = await identity('4915112345678');
    const bsuid = await identity('DE.21833456019283746510');
    expect(phone).toMatchObject({ id: card.author_identity_id, display_name: 'Jürgen Müller' });
    expect(bsuid).toMatchObject({ handle: '+4915112345678', display_name: 'Jürgen Müller' });
  });

  it('links the phone identity and the BSUID identity of one sender to the contact holding that number', async () => {
    const linked = await seedWorkspace(store.db, 'metabsuidlink');
    const contact = await createContact(store.db, systemActor(linked.workspaceId), { name: 'Jürgen Müller', phones: ['+49 151 12345678'] });
    await importFile(store.db, deps, { workspaceId: linked.workspaceId, channel: 'meta', path: ownPath('whatsapp-bsuid-and-phone-contacts-card.json') });
    const rows = await store.db.selectFrom('social_identities').select(['external_id', 'contact_id']).where('workspace_id', '=', linked.workspaceId).where('channel', '=', 'whatsapp').orderBy('external_id').execute();
    expect(rows).toEqual([
      { external_id: '4915112345678', contact_id: contact.id },
      { external_id: 'DE.21833456019283746510', contact_id: contact.id },
    ]);
  });

  it('applies a Messenger message edit to the stored message and keeps the old text as a revision', async () => {
    await importOwn('messenger-echo-attachment-delivery.json');
    const mid = 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P';
    const before = await postOf('messenger', mid);
    expect(before.attachments).toEqual([{ type: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/zip.jpg', name: null }]);
    expect(await importOwn('messenger-message-edit.json')).toMatchObject({ imported: 0, edits: 1, rejected: 0 });
    const after = await postOf('messenger', mid);
    expect(after.text).toBe('Order #48213 arrived without the tent poles, not the stakes. Sorry!');
    expect(after.edited_at?.toISOString()).toBe('2026-06-01T13:20:00.000Z');
    const revisions = await store.db.selectFrom('post_revisions').select('text').where('post_id', '=', after.id).execute();
    expect(revisions.map((r) => r.text)).toEqual([before.text]);
  });

  it('reports what a body holds but cannot store, by reason', async () => {
    const summary = await importOwn('whatsapp-document-video-statuses.json');
    expect(summary.skipped).toEqual([{ reason: 'whatsapp delivered status', count: 1 }]);
  });
});

describe('Meta replies through the Graph API stand-in', () => {
  let graph: StandIn;
  const controller = new AbortController();
  const runtime = createDriverRuntime({ allowPrivateNetwork: true }, controller.signal);
  let connection: ConnectionView;

  beforeAll(async () => {
    graph = await startStandIn((request, response) => {
      if (request.path.startsWith('/v21.0/bad/')) return sendJson(response, 400, { error: { message: 'Unsupported post request', type: 'GraphMethodException', code: 100 } });
      if (request.path.endsWith('/comments') || request.path.endsWith('/replies') || request.path.endsWith('/feed')) return sendJson(response, 200, { id: 'new_123' });
      if (request.path.endsWith('/me/messages')) return sendJson(response, 200, { recipient_id: '987654321432', message_id: 'm_sent_1' });
      if (request.path.endsWith('/10634295353625/messages')) return sendJson(response, 200, { messaging_product: 'whatsapp', contacts: [{ input: '491234567890', wa_id: '491234567890' }], messages: [{ id: 'wamid.SENT' }] });
      return sendJson(response, 400, { error: { message: 'Unsupported post request', type: 'GraphMethodException', code: 100 } });
    });
    connection = { id: 'c1', workspaceId: 'w1', settings: { graphBaseUrl: `${graph.url}/v21.0`, pageId: '1234567890321' }, secrets: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, accessToken: 'EAAB-page-token' }, state: {} };
  });
  afterAll(async () => {
    controller.abort();
    await graph?.close();
  });

  const last = () => {
    const request = graph.requests.at(-1);
    if (!request) throw new Error('no request reached the stand-in');
    return { path: request.path, proof: request.url.searchParams.get('appsecret_proof'), auth: request.headers['authorization'], body: JSON.parse(request.body) as unknown };
  };
  const proof = hmacSha256Hex(APP_SECRET, 'EAAB-page-token');

  it('replies to a Facebook comment with POST /{comment-id}/comments', async () => {
    const sent = await metaDriver.send!({ kind: 'reply', text: 'Sorry! DM us your order number.', inReplyTo: { externalId: '901097836652708_903438993085259', threadExternalId: '1234567890321_901097836652708' } }, connection, runtime);
    expect(sent).toEqual({ externalId: 'new_123' });
    expect(last()).toEqual({ path: '/v21.0/901097836652708_903438993085259/comments', proof, auth: 'Bearer EAAB-page-token', body: { message: 'Sorry! DM us your order number.' } });
  });

  it('replies to an Instagram comment with POST /{ig-comment-id}/replies', async () => {
    await metaDriver.send!({ kind: 'reply', text: 'Yes, in forest green 💚', inReplyTo: { externalId: '17999888777666555', threadExternalId: '18011122233344455' } }, connection, runtime);
    expect(last()).toMatchObject({ path: '/v21.0/17999888777666555/replies', auth: 'Bearer EAAB-page-token', body: { message: 'Yes, in forest green 💚' } });
  });

  it('answers a Messenger conversation with POST /me/messages to the person', async () => {
    const sent = await metaDriver.send!({ kind: 'message', text: 'Replacement is on its way.', inReplyTo: { externalId: 'mid.1457764197618:41d102a3e1ae206a38', authorExternalId: '987654321432', threadExternalId: 'messenger:12345654332:987654321432' } }, connection, runtime);
    expect(sent).toEqual({ externalId: 'm_sent_1' });
    expect(last()).toMatchObject({ path: '/v21.0/me/messages', body: { recipient: { id: '987654321432' }, messaging_type: 'RESPONSE', message: { text: 'Replacement is on its way.' } } });
  });

  it('answers a WhatsApp message with POST /{phone-number-id}/messages quoting it in context', async () => {
    const wamid = 'wamid.HBgNNDkxNTIwOTgzMzM5OBUCABIYHGDEHJVFHJEVCFHJEVBCMTkyODk1OEIyAA==';
    const sent = await metaDriver.send!({ kind: 'message', text: 'Danke! Wir melden uns.', inReplyTo: { externalId: wamid, authorExternalId: '491234567890', threadExternalId: 'whatsapp:10634295353625:491234567890' } }, connection, runtime);
    expect(sent).toEqual({ externalId: 'wamid.SENT' });
    expect(last()).toEqual({
      path: '/v21.0/10634295353625/messages',
      proof,
      auth: 'Bearer EAAB-page-token',
      body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '491234567890', type: 'text', text: { preview_url: false, body: 'Danke! Wir melden uns.' }, context: { message_id: wamid } },
    });
  });

  it('reports the Graph API error message when a send fails', async () => {
    await expect(metaDriver.send!({ kind: 'reply', text: 'x', inReplyTo: { externalId: '1_2' } }, { ...connection, settings: { graphBaseUrl: `${graph.url}/v21.0/bad` } }, runtime)).rejects.toThrow(
      /Graph API answered 400 .*Unsupported post request/,
    );
  });
});
