import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedBytes } from '../../../src/channels/payload-bytes.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { countPosts, pollOnce } from './poll-once.ts';

const deps = { analyze: null, now: () => new Date() };
const RECORDED = new URL('../../../test/fixtures/recorded/rss/', import.meta.url);
const sharedPath = (name: string) => new URL(name, RECORDED).pathname;
const ownPath = (name: string) => new URL(`../../fixtures/rss/${name}`, import.meta.url).pathname;
const CHARSET_FILES = ['iso-8859-1-undeclared.rss', 'utf8-undeclared.rss', 'utf8-bom.rss', 'utf16le-bom.rss', 'utf16be-no-bom.rss'];

const FIXTURES: [string, number][] = [
  ['guardian.rss', 55],
  ['heise.atom', 15],
  ['reddit-atom.rss', 24],
  ['encoding.rss', 40],
  ['missing-fields.atom', 1],
];

/** A feed server on loopback speaking conditional GET the way real feed hosts do. */
class FeedStandIn {
  server!: Server;
  url = '';
  version = 1;
  requests: { path: string; ifNoneMatch: string | undefined; ifModifiedSince: string | undefined; status: number }[] = [];
  private readonly heise = readFileSync(sharedPath('heise.atom'), 'utf8');
  private readonly latin = readFileSync(sharedPath('encoding.rss'));

  feedBody(): string {
    if (this.version === 1) return this.heise;
    const extra = `<entry><title>Neu: Kestrel Trail 600 vorgestellt</title><id>tag:kestrel,2026:trail-600</id><published>2026-03-05T10:00:00+01:00</published><updated>2026-03-05T10:00:00+01:00</updated><link rel="alternate" href="https://news.example/trail-600"/><summary>Mehr Akku, weniger Gewicht.</summary></entry>`;
    return this.heise.replace('<entry>', `${extra}<entry>`);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const send = (status: number, headers: Record<string, string>, body?: string | Buffer) => {
      this.requests.push({ path, ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'], status });
      res.writeHead(status, headers).end(body);
    };
    if (path === '/old-feed') return send(301, { location: '/feed.atom' });
    if (path === '/feed.atom') {
      const etag = `"heise-v${this.version}"`;
      const lastModified = this.version === 1 ? 'Mon, 01 Feb 2016 16:54:50 GMT' : 'Thu, 05 Mar 2026 09:00:00 GMT';
      if (req.headers['if-none-match'] === etag || (!req.headers['if-none-match'] && req.headers['if-modified-since'] === lastModified)) return send(304, { etag });
      return send(200, { 'content-type': 'application/atom+xml; charset=utf-8', etag, 'last-modified': lastModified }, this.feedBody());
    }
    // Charset only in the XML prolog (ISO-8859-1), none in Content-Type.
    if (path === '/jn.rss') return send(200, { 'content-type': 'application/rss+xml' }, this.latin);
    // Charset only in Content-Type.
    if (path === '/latin1-header.rss') {
      const body = Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Bewertungen</title><link>https://shop.example/</link><item><guid>b-1</guid><title>Schöne Grüße</title><description>Sehr zufrieden, große Reichweite.</description><pubDate>Tue, 03 Mar 2026 08:00:00 GMT</pubDate></item></channel></rss>', 'latin1');
      return send(200, { 'content-type': 'text/xml; charset=ISO-8859-1' }, body);
    }
    // Nothing declared at all: ISO-8859-1 bytes, no charset anywhere.
    if (path === '/undeclared.rss') return send(200, { 'content-type': 'application/rss+xml' }, readFileSync(ownPath('iso-8859-1-undeclared.rss')));
    if (path === '/cp1252.rss') return send(200, { 'content-type': 'application/rss+xml; charset=windows-1252' }, readFileSync(ownPath('windows-1252-header-only.rss')));
    if (path === '/huge.rss') return send(200, { 'content-type': 'application/rss+xml' }, `<rss><channel>${'<item><title>x</title></item>'.repeat(500)}</channel></rss>`);
    send(404, { 'content-type': 'text/plain' }, 'not found');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(STORE_KINDS)('RSS / Atom on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  const feeds = new FeedStandIn();

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'rss');
    await feeds.start();
  });
  afterAll(async () => {
    await feeds.close();
    await server?.close();
    await store?.close();
  });

  const createFeed = async (settings: Record<string, unknown>): Promise<string> => {
    const created = await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'rss', name: `feed ${Math.random()}`, settings } });
    expect(created.status).toBe(201);
    expect(created.body.webhookUrl ?? null).toBeNull();
    return created.body.id;
  };

  it.each(FIXTURES)('imports %s once: exact count, then a second import adds nothing', async (file, count) => {
    const importWs = await seedWorkspace(store.db, 'rss-import');
    const first = await importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'rss', path: sharedPath(file) });
    expect(first).toMatchObject({ imported: count, rejected: 0 });
    const second = await importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'rss', path: sharedPath(file) });
    expect(second).toMatchObject({ imported: 0, duplicates: count, rejected: 0 });
    expect(await countPosts(store, importWs.workspaceId, 'rss')).toBe(count);
  });

  it('stores an imported ISO-8859-1 feed with its accents intact', async () => {
    const importWs = await seedWorkspace(store.db, 'rss-latin');
    await importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'rss', path: sharedPath('encoding.rss') });
    const post = await store.db.selectFrom('posts').select(['text']).where('workspace_id', '=', importWs.workspaceId).where('external_id', '=', 'http://feeds.jn.pt/~r/JN-ULTIMAS/~3/UBnb8Ra3Q1U/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html').executeTakeFirstOrThrow();
    expect(post.text.slice(0, 47)).toBe('Mãe de utente é a nova presidente da Raríssimas');
  });

  it('polls with a conditional GET: follows a permanent redirect, then gets 304 and adds nothing, then picks up a changed feed', async () => {
    const id = await createFeed({ url: `${feeds.url}/old-feed`, kind: 'review' });
    const first = await pollOnce(store, server.ctx.secrets, ws.workspaceId, id);
    expect(first.payloads).toHaveLength(1);
    expect(first.state).toMatchObject({ url: `${feeds.url}/feed.atom`, etag: '"heise-v1"', lastModified: 'Mon, 01 Feb 2016 16:54:50 GMT' });
    expect(await countPosts(store, ws.workspaceId, 'rss')).toBe(15);
    const review = await store.db.selectFrom('posts').select(['kind', 'text']).where('workspace_id', '=', ws.workspaceId).where('external_id', '=', 'http://heise.de/-3088438').executeTakeFirstOrThrow();
    expect(review.kind).toBe('review');

    const before = feeds.requests.length;
    const second = await pollOnce(store, server.ctx.secrets, ws.workspaceId, id);
    expect(second.payloads).toHaveLength(0);
    expect(feeds.requests.slice(before)).toEqual([{ path: '/feed.atom', ifNoneMatch: '"heise-v1"', ifModifiedSince: 'Mon, 01 Feb 2016 16:54:50 GMT', status: 304 }]);
    expect(await countPosts(store, ws.workspaceId, 'rss')).toBe(15);

    feeds.version = 2;
    const third = await pollOnce(store, server.ctx.secrets, ws.workspaceId, id);
    expect(third.payloads).toHaveLength(1);
    expect(third.state).toMatchObject({ etag: '"heise-v2"' });
    expect(await countPosts(store, ws.workspaceId, 'rss')).toBe(16);
  });

  it('decodes a polled feed by its XML prolog or by the Content-Type charset', async () => {
    const pollWs = await seedWorkspace(store.db, 'rss-charset');
    const prolog = await server.request('POST', '/api/v1/channels', { token: pollWs.tokens.manager, body: { type: 'rss', name: 'JN', settings: { url: `${feeds.url}/jn.rss` } } });
    const header = await server.request('POST', '/api/v1/channels', { token: pollWs.tokens.manager, body: { type: 'rss', name: 'Shop', settings: { url: `${feeds.url}/latin1-header.rss`, kind: 'review' } } });
    await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, prolog.body.id);
    await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, header.body.id);
    const rows = await store.db.selectFrom('posts').select(['external_id', 'text']).where('workspace_id', '=', pollWs.workspaceId).execute();
    expect(rows).toHaveLength(41);
    expect(rows.find((r) => r.external_id === 'b-1')?.text).toBe('Schöne Grüße\n\nSehr zufrieden, große Reichweite.');
    expect(rows.some((r) => r.text.includes('\uFFFD'))).toBe(false);
  });

  it.each(CHARSET_FILES)('imports %s with its accents intact and keeps its bytes unchanged in raw intake', async (file) => {
    const importWs = await seedWorkspace(store.db, 'rss-charsets');
    expect(await importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'rss', path: ownPath(file) })).toMatchObject({ imported: 3, rejected: 0 });
    const rows = await store.db.selectFrom('posts').select(['text']).where('workspace_id', '=', importWs.workspaceId).orderBy('external_id').execute();
    expect(rows.map((r) => r.text.split('\n')[0])).toEqual([
      'Liderança feminina na gestão de trilhas: três lições',
      'Barracas ultraleves: avaliação após a temporada de verão',
      'Ação de limpeza no Parque Estadual reúne 120 pessoas',
    ]);
    const raw = await store.db.selectFrom('raw_intake').select(['body', 'content_type']).where('workspace_id', '=', importWs.workspaceId).executeTakeFirstOrThrow();
    expect(storedBytes({ body: raw.body, contentType: raw.content_type })?.equals(readFileSync(ownPath(file)))).toBe(true);
  });

  it('polls a feed that declares no charset, and one named only by the Content-Type, without mojibake', async () => {
    const pollWs = await seedWorkspace(store.db, 'rss-undeclared');
    const undeclared = await server.request('POST', '/api/v1/channels', { token: pollWs.tokens.manager, body: { type: 'rss', name: 'Trilhas', settings: { url: `${feeds.url}/undeclared.rss` } } });
    const cp1252 = await server.request('POST', '/api/v1/channels', { token: pollWs.tokens.manager, body: { type: 'rss', name: 'Shop', settings: { url: `${feeds.url}/cp1252.rss` } } });
    await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, undeclared.body.id);
    await pollOnce(store, server.ctx.secrets, pollWs.workspaceId, cp1252.body.id);
    const rows = await store.db.selectFrom('posts').select(['external_id', 'text']).where('workspace_id', '=', pollWs.workspaceId).execute();
    expect(rows.find((r) => r.external_id === 'tg-1')?.text).toMatch(/^Liderança feminina na gestão/);
    expect(rows.find((r) => r.external_id === 'ws-1')?.text).toMatch(/^„Kestrel Trail 600“ – jetzt für 249 €/);
    const raw = await store.db.selectFrom('raw_intake').select(['body', 'content_type']).where('workspace_id', '=', pollWs.workspaceId).where('content_type', 'like', '%charset=windows-1252%').executeTakeFirstOrThrow();
    expect(raw.content_type).toBe('application/rss+xml; charset=windows-1252; x-townhall-bytes=latin1');
    expect(storedBytes({ body: raw.body, contentType: raw.content_type })?.equals(readFileSync(ownPath('windows-1252-header-only.rss')))).toBe(true);
  });

  it('refuses a feed larger than its size limit', async () => {
    const id = await createFeed({ url: `${feeds.url}/huge.rss`, maxBytes: 1024 });
    await expect(pollOnce(store, server.ctx.secrets, ws.workspaceId, id)).rejects.toThrow(/larger than the limit/);
  });
});
