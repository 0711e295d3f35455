import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { ParseError, type CanonicalIdentity, type CanonicalPost, type ParseResult } from '../../listening/canonical.ts';
import type { PostKind } from '../../platform/db/schema.ts';
import { absoluteUrl, decodeXmlEntities, htmlLinks, htmlToText, tidy } from './html-text.ts';

/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 documents → canonical posts. Pure. Text constructs are kept
 * raw by the XML parser (stop nodes) so that escaped HTML, CDATA and inline XHTML are all turned
 * into plain text the same way.
 */

export const CHANNEL = 'rss';

const TEXT_NODES = ['title', 'description', 'summary', 'content', 'content:encoded', 'subtitle'];
const ARRAYS = new Set(['item', 'entry', 'category', 'link', 'author', 'dc:creator', 'dc:subject', 'enclosure', 'atom:link']);

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  stopNodes: TEXT_NODES.map((name) => `*.${name}`),
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The text of an element that may be a plain string or {#text, @_attr}; entities decoded. */
function str(value: unknown): string | null {
  if (typeof value === 'string') return decodeXmlEntities(value).trim() || null;
  if (isNode(value)) return str(value['#text']);
  return null;
}

function attr(value: unknown, name: string): string | null {
  const raw = isNode(value) ? value[`@_${name}`] : undefined;
  return typeof raw === 'string' ? decodeXmlEntities(raw).trim() || null : null;
}

/** The raw inner markup of a stop node, CDATA unwrapped and entities decoded outside CDATA. */
function inner(value: unknown): string {
  const raw = typeof value === 'string' ? value : isNode(value) && typeof value['#text'] === 'string' ? value['#text'] : '';
  let out = '';
  let rest = raw;
  for (;;) {
    const start = rest.indexOf('<![CDATA[');
    if (start < 0) return out + decodeXmlEntities(rest);
    const end = rest.indexOf(']]>', start + 9);
    out += decodeXmlEntities(rest.slice(0, start)) + rest.slice(start + 9, end < 0 ? undefined : end);
    if (end < 0) return out;
    rest = rest.slice(end + 3);
  }
}

/** Plain text of a text construct: Atom type="text" is text, "html"/"xhtml" and RSS descriptions are markup. */
function textOf(value: unknown, markupByDefault: boolean): { text: string; html: string | null } {
  const content = inner(value);
  const type = (attr(value, 'type') ?? '').toLowerCase();
  const markup = type === 'html' || type === 'xhtml' || type.includes('html') || (type === '' && markupByDefault);
  if (!markup) return { text: tidy(content), html: null };
  return { text: htmlToText(content), html: content };
}

function isoDate(value: string | null): string | null {
  if (!value) return null;
  const time = Date.parse(value.replace(/\s+/g, ' '));
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function language(value: string | null): string | null {
  const match = value?.trim().toLowerCase().match(/^([a-z]{2})(?:[-_]|$)/);
  return match?.[1] ?? null;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

interface FeedInfo {
  link: string | null;
  language: string | null;
  date: string | null;
  author: CanonicalIdentity | null;
}

/** An author: RSS "mail@x (Name)" or dc:creator text, or Atom {name, uri, email}; scoped to the feed's site. */
function identityOf(value: unknown, site: string | null): CanonicalIdentity | null {
  let name: string | null = null;
  let email: string | null = null;
  let uri: string | null = null;
  if (isNode(value) && ('name' in value || 'email' in value || 'uri' in value)) {
    name = str(value['name']);
    email = str(value['email']);
    uri = str(value['uri']);
  } else {
    const raw = str(value);
    if (!raw) return null;
    const rss = raw.match(/^([^\s()]+@[^\s()]+)\s*(?:\((.*)\))?$/);
    if (rss) {
      email = rss[1] ?? null;
      name = rss[2]?.trim() || null;
    } else name = raw;
  }
  if (!name && !email && !uri) return null;
  const externalId = uri ?? (email ? `mailto:${email.toLowerCase()}` : `${site ?? 'feed'}/${(name ?? '').toLowerCase()}`);
  return { channel: CHANNEL, externalId, handle: name ?? email, displayName: name ?? email, profileUrl: uri };
}

function atomLink(links: unknown, base: string | null): string | null {
  const all = list(links);
  const alternate = all.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? all[0];
  const href = attr(alternate, 'href') ?? str(alternate);
  return href ? absoluteUrl(href, base) ?? href : null;
}

function siteOf(url: string | null): string | null {
  try {
    return url ? new URL(url).host : null;
  } catch {
    return null;
  }
}

export interface FeedParseOptions {
  kind?: PostKind;
  /** The HTTP Date of the response the document came with: a fallback for undated items. */
  fetchedAt?: string | null;
}

/** Parses one feed document. Items without dates or ids get stable fallbacks; nothing undated crashes. */
export function parseFeed(body: string, options: FeedParseOptions = {}): ParseResult {
  let doc: unknown;
  try {
    doc = xml.parse(body);
  } catch (error) {
    throw new ParseError(`not a well-formed XML feed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isNode(doc)) throw new ParseError('not an XML feed');
  const rss = isNode(doc['rss']) ? doc['rss'] : undefined;
  const rdf = isNode(doc['rdf:RDF']) ? doc['rdf:RDF'] : undefined;
  const atom = isNode(doc['feed']) ? doc['feed'] : undefined;
  const kind = options.kind ?? 'post';
  if (atom) {
    const info = atomFeedInfo(atom, options);
    return { items: list(atom['entry']).filter(isNode).map((entry) => ({ type: 'post' as const, post: atomEntry(entry, info, kind) })) };
  }
  const channel = rss ? rss['channel'] : rdf ? rdf['channel'] : undefined;
  if (!rss && !rdf) throw new ParseError('not an RSS or Atom feed: the root element is neither <rss>, <rdf:RDF> nor <feed>');
  const channelNode = isNode(channel) ? channel : {};
  const info: FeedInfo = {
    link: str(list(channelNode['link'])[0]),
    language: language(str(channelNode['language']) ?? str(channelNode['dc:language'])),
    date: isoDate(str(channelNode['pubDate']) ?? str(channelNode['lastBuildDate']) ?? str(channelNode['dc:date'])) ?? isoDate(options.fetchedAt ?? null),
    author: null,
  };
  const items = list(rss ? channelNode['item'] : rdf?.['item']).filter(isNode);
  return { items: items.map((item) => ({ type: 'post' as const, post: rssItem(item, info, kind) })) };
}

function atomFeedInfo(feed: Node, options: FeedParseOptions): FeedInfo {
  const link = atomLink(feed['link'], null);
  return {
    link,
    language: language(attr(feed, 'xml:lang')),
    date: isoDate(str(feed['updated'])) ?? isoDate(options.fetchedAt ?? null),
    author: identityOf(list(feed['author'])[0], siteOf(link)),
  };
}

function body(title: string, text: string): string {
  if (!title) return text;
  if (!text || text === title) return title;
  return `${title}\n\n${text}`.slice(0, 100_000);
}

/** Deterministic fallback id for items that carry neither guid/id nor link. */
function fallbackId(title: string, text: string): string {
  return `sha256:${hash(`${title}\n${text}`)}`;
}

function rssItem(item: Node, feed: FeedInfo, kind: PostKind): CanonicalPost {
  const site = siteOf(feed.link);
  const title = textOf(item['title'], false).text;
  const main = item['content:encoded'] !== undefined ? textOf(item['content:encoded'], true) : textOf(item['description'], true);
  const link = str(list(item['link'])[0]);
  const url = link ? absoluteUrl(link, feed.link) ?? link : null;
  const guid = str(item['guid']);
  const externalId = guid ?? url ?? str(item['@_rdf:about']) ?? fallbackId(title, main.text);
  const author = identityOf(list(item['author'])[0] ?? list(item['dc:creator'])[0], site) ?? feed.author;
  const categories = [...list(item['category']), ...list(item['dc:subject'])].map(str).filter((c): c is string => !!c);
  const enclosures = list(item['enclosure']).map((e) => attr(e, 'url')).filter((u): u is string => !!u);
  const published = isoDate(str(item['pubDate']) ?? str(item['dc:date']));
  return {
    channel: CHANNEL,
    externalId,
    author,
    kind,
    direction: 'in',
    visibility: 'public',
    text: body(title, main.text),
    language: feed.language,
    postedAt: published ?? feed.date ?? new Date(0).toISOString(),
    hashtags: hashtags(categories),
    links: unique([...(url ? [url] : []), ...(main.html ? htmlLinks(main.html, url ?? feed.link) : []), ...enclosures]),
    url,
    metrics: {},
  };
}

function atomEntry(entry: Node, feed: FeedInfo, kind: PostKind): CanonicalPost {
  const site = siteOf(feed.link);
  const title = textOf(entry['title'], false).text;
  const main = entry['content'] !== undefined ? textOf(entry['content'], false) : textOf(entry['summary'], false);
  const url = atomLink(entry['link'], feed.link);
  const externalId = str(entry['id']) ?? url ?? fallbackId(title, main.text);
  const published = isoDate(str(entry['published']) ?? str(entry['issued']));
  const updated = isoDate(str(entry['updated']) ?? str(entry['modified']));
  const categories = list(entry['category']).map((c) => attr(c, 'term') ?? str(c)).filter((c): c is string => !!c);
  return {
    channel: CHANNEL,
    externalId,
    author: identityOf(list(entry['author'])[0], site) ?? feed.author,
    kind,
    direction: 'in',
    visibility: 'public',
    text: body(title, main.text),
    language: language(attr(entry, 'xml:lang')) ?? feed.language,
    postedAt: published ?? updated ?? feed.date ?? new Date(0).toISOString(),
    // An entry updated after publication is an edit: a changed text then replaces the stored one, with history.
    editedAt: published && updated && updated > published ? updated : null,
    hashtags: hashtags(categories),
    links: unique([...(url ? [url] : []), ...(main.html ? htmlLinks(main.html, url ?? feed.link) : [])]),
    url,
    metrics: {},
  };
}

/** Categories as hashtags: the label lowercased, spaces joined by "-" ("Donald Trump" → "donald-trump"). */
function hashtags(categories: string[]): string[] {
  return unique(categories.map((c) => c.trim().toLowerCase().replace(/\s+/g, '-')).filter(Boolean));
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

export { charsetFromContentType, charsetFromProlog, decodeFeed } from './charset.ts';
