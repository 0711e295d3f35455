import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ParseError, type CanonicalPost } from '../../listening/canonical.ts';
import { rssDriver } from './rss.driver.ts';
import { storedBytes } from '../payload-bytes.ts';
import { detectFeedCharset } from './charset.ts';
import { charsetFromProlog, decodeFeed, parseFeed } from './rss.parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/recorded/rss/${name}`, import.meta.url));
const posts = (body: string, kind?: 'post' | 'review'): CanonicalPost[] =>
  parseFeed(body, kind ? { kind } : {}).items.flatMap((item) => (item.type === 'post' ? [item.post] : []));

describe('RSS and Atom parsing of the recorded feeds', () => {
  it('turns the Guardian RSS 2.0 feed into 55 posts with dc:creator authors, categories as hashtags and HTML descriptions as text', () => {
    const items = posts(decodeFeed(fixture('guardian.rss')));
    expect(items).toHaveLength(55);
    const first = items[0];
    expect(first).toMatchObject({
      channel: 'rss',
      externalId: 'https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord',
      kind: 'post',
      visibility: 'public',
      language: 'en',
      postedAt: '2018-01-31T07:26:05.000Z',
      url: 'https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord',
      author: { handle: 'David Smith in Washington', displayName: 'David Smith in Washington', externalId: 'www.theguardian.com/david smith in washington' },
    });
    expect(first?.text.startsWith('Trump State of the Union address promised unity but emphasized discord\n\nThe president’s ‘new American moment’ speech')).toBe(true);
    expect(first?.text).not.toMatch(/<p>|&lt;/);
    expect(first?.hashtags).toContain('donald-trump');
    expect(new Set(items.map((p) => p.externalId)).size).toBe(55);
  });

  it('reads the heise Atom feed: 15 entries, feed-level author, published → postedAt, a later updated → editedAt', () => {
    const items = posts(decodeFeed(fixture('heise.atom')));
    expect(items).toHaveLength(15);
    expect(items[0]).toMatchObject({
      externalId: 'http://heise.de/-3088438',
      author: { handle: 'heise online', externalId: 'www.heise.de/heise online' },
      postedAt: '2016-02-01T16:22:00.000Z',
      editedAt: '2016-02-01T16:54:50.000Z',
      url: 'http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom',
    });
    expect(items[0]?.text).toMatch(/^Java-Anwendungsserver: Red Hat gibt WildFly 10 frei\n\nDie nun verfügbare Version 10 des Enterprise-Java-Servers/);
    expect(items[1]?.editedAt).toBeNull();
  });

  it('reads raw (unescaped) HTML inside Reddit descriptions as text and collects its links', () => {
    const items = posts(decodeFeed(fixture('reddit-atom.rss')));
    expect(items).toHaveLength(24);
    expect(items[0]).toMatchObject({ externalId: 'https://www.reddit.com/r/space/comments/42babr/the_difficulties_in_space/', hashtags: ['space'], postedAt: '2016-01-23T15:40:37.000Z', author: null });
    expect(items[0]?.text).toBe('The Difficulties in Space\n\nsubmitted bybenjaab123tospace\n[link][959 comments]');
    expect(items[0]?.links).toContain('https://gfycat.com/UnfinishedForkedBluet');
  });

  it('decodes an ISO-8859-1 feed by its XML prolog', () => {
    const bytes = fixture('encoding.rss');
    expect(charsetFromProlog(bytes)).toBe('ISO-8859-1');
    const items = posts(decodeFeed(bytes));
    expect(items).toHaveLength(40);
    expect(items[0]?.text).toMatch(/^Mãe de utente é a nova presidente da Raríssimas\n\nSónia Laygue, profissional na área/);
    expect(items[0]).toMatchObject({ language: 'pt', hashtags: ['nacional'], postedAt: '2018-01-03T13:47:00.000Z' });
    expect(items.some((p) => p.text.includes('\uFFFD'))).toBe(false);
  });

  it('gives an entry without title, date or link a stable post instead of crashing', () => {
    const items = posts(decodeFeed(fixture('missing-fields.atom')));
    expect(items).toEqual([
      expect.objectContaining({ externalId: 'tag:github.com,2008:Repository/11167738/v3.9.0', text: '', postedAt: '1970-01-01T00:00:00.000Z', author: null, url: null, language: 'en' }),
    ]);
  });
});

describe('RSS parsing rules', () => {
  const rss = (items: string, channel = '') => `<?xml version="1.0"?><rss version="2.0"><channel><title>Shop reviews</title><link>https://shop.example/</link>${channel}${items}</channel></rss>`;

  it('falls back from guid to link to a hash of title and text, the same on every parse', () => {
    const body = rss('<item><title>Great bike</title><description>Love it</description></item><item><title>Ok</title><link>/reviews/2</link></item>');
    const [hashed, linked] = posts(body);
    expect(hashed?.externalId).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(posts(body)[0]?.externalId).toBe(hashed?.externalId);
    expect(linked?.externalId).toBe('https://shop.example/reviews/2');
  });

  it('takes the feed date when an item has none, and marks posts as reviews when the connection says so', () => {
    const [post] = posts(rss('<item><guid>r-1</guid><title>Five stars</title><author>anna@example.com (Anna B.)</author></item>', '<lastBuildDate>Mon, 02 Mar 2026 10:00:00 GMT</lastBuildDate>'), 'review');
    expect(post).toMatchObject({ kind: 'review', postedAt: '2026-03-02T10:00:00.000Z', author: { externalId: 'mailto:anna@example.com', displayName: 'Anna B.' } });
  });

  it('prefers content:encoded, strips scripts and keeps CDATA text', () => {
    const [post] = posts(rss('<item><guid>x</guid><title>T &amp; C</title><description>short</description><content:encoded><![CDATA[<p>Long <b>text</b></p><script>alert(1)</script>]]></content:encoded></item>'));
    expect(post?.text).toBe('T & C\n\nLong text');
  });

  it('reads Atom text constructs by type: text stays literal, html and xhtml become text', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id><updated>2026-01-01T00:00:00Z</updated><title type="text">a &lt; b</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hallo <em>Welt</em></p></div></content></entry><entry><id>e2</id><updated>2026-01-01T00:00:00Z</updated><title type="html">&lt;b&gt;Bold&lt;/b&gt;</title></entry></feed>`;
    expect(posts(atom).map((p) => p.text)).toEqual(['a < b\n\nHallo Welt', 'Bold']);
  });

  it('rejects documents that are not feeds with a ParseError', () => {
    expect(() => parseFeed('<html><body>nope</body></html>')).toThrow(ParseError);
    expect(() => parseFeed('{"json": true}')).toThrow(ParseError);
  });

  it('decodes by the Content-Type charset first, then the prolog, with a BOM winning', () => {
    const latin = iconv.encode('<?xml version="1.0"?><rss><channel><item><guid>1</guid><title>Grüße</title></item></channel></rss>', 'latin1');
    expect(decodeFeed(latin, 'application/rss+xml; charset=ISO-8859-1')).toContain('Grüße');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><x>ü</x>')]);
    expect(decodeFeed(bom)).toContain('ü');
    expect(rssDriver.decode?.(latin, 'text/xml; charset=windows-1252')).toContain('Grüße');
  });
});

describe('feed charset detection and faithful storage', () => {
  const own = (name: string) => readFileSync(new URL(`../../../test/fixtures/rss/${name}`, import.meta.url));
  const titles = (bytes: Buffer, contentType: string | null = null) => {
    const payload = rssDriver.storeBytes!(bytes, contentType);
    return rssDriver.parse(payload).items.flatMap((i) => (i.type === 'post' ? [i.post.text.split('\n')[0]] : []));
  };

  it.each([
    ['iso-8859-1-undeclared.rss', null, 'guess'],
    ['utf8-undeclared.rss', null, 'utf8'],
    ['utf8-bom.rss', null, 'bom'],
    ['utf16le-bom.rss', null, 'bom'],
    ['utf16be-no-bom.rss', null, 'prolog'],
    ['iso-8859-1-undeclared.rss', 'application/rss+xml; charset=ISO-8859-1', 'header'],
  ] as const)('reads %s (Content-Type %s) by its %s without mojibake', (name, contentType, source) => {
    expect(detectFeedCharset(own(name), contentType).source).toBe(source);
    expect(titles(own(name), contentType)).toEqual([
      'Liderança feminina na gestão de trilhas: três lições',
      'Barracas ultraleves: avaliação após a temporada de verão',
      'Ação de limpeza no Parque Estadual reúne 120 pessoas',
    ]);
  });

  it('reads windows-1252 quotes, euro sign and dashes named only by the Content-Type', () => {
    expect(titles(own('windows-1252-header-only.rss'), 'application/rss+xml; charset=windows-1252')).toEqual(['„Kestrel Trail 600“ – jetzt für 249 €']);
  });

  it('guesses an undeclared 8-bit feed instead of replacing its letters with U+FFFD', () => {
    const [title] = titles(own('windows-1252-header-only.rss'));
    expect(title).not.toContain('\uFFFD');
    expect(title).toContain('für 249');
  });

  it('guesses when a feed is served as UTF-8 but its bytes are not', () => {
    expect(detectFeedCharset(own('iso-8859-1-undeclared.rss'), 'text/xml; charset=utf-8').source).toBe('guess');
  });

  it('stores the bytes exactly as received: UTF-8 as text, other 8-bit charsets one char per byte, UTF-16 in base64', () => {
    for (const name of ['iso-8859-1-undeclared.rss', 'utf8-undeclared.rss', 'utf8-bom.rss', 'utf16le-bom.rss', 'utf16be-no-bom.rss', 'windows-1252-header-only.rss']) {
      const payload = rssDriver.storeBytes!(own(name), 'application/rss+xml');
      expect(storedBytes(payload)?.equals(own(name))).toBe(true);
    }
    expect(rssDriver.storeBytes!(own('utf8-undeclared.rss'), null).contentType).toBe('application/xml; x-townhall-bytes=utf8');
    expect(rssDriver.storeBytes!(own('iso-8859-1-undeclared.rss'), 'application/rss+xml').contentType).toBe('application/rss+xml; x-townhall-bytes=latin1');
    expect(rssDriver.storeBytes!(own('utf16le-bom.rss'), 'application/rss+xml').contentType).toBe('application/rss+xml; x-townhall-bytes=base64');
  });

  it('still parses a body stored as decoded text before the bytes were kept', () => {
    const text = own('utf8-undeclared.rss').toString('utf8');
    expect(rssDriver.parse({ body: text, contentType: 'application/rss+xml' }).items).toHaveLength(3);
  });
});
