import { compile } from 'html-to-text';

/**
 * HTML → plain text for posts (feed items, Discourse "cooked" posts, HTML-only mails). html-to-text
 * parses with htmlparser2 and never executes anything; scripts, styles and images are dropped,
 * links keep their text (their targets are collected separately into `links`).
 */

const MAX_HTML = 2_000_000;

const convert = compile({
  wordwrap: false,
  limits: { maxInputLength: MAX_HTML },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/** Plain text of an HTML fragment, whitespace tidied. */
export function htmlToText(html: string): string {
  if (!html.trim()) return '';
  return tidy(convert(html));
}

/** Collapses runs of spaces and blank lines; trims. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Absolute http(s) link targets in an HTML fragment, in order, without duplicates. */
export function htmlLinks(html: string, base?: string | null): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const raw = decodeXmlEntities(match[1] ?? match[2] ?? '');
    const url = absoluteUrl(raw, base);
    if (url) found.add(url);
  }
  return [...found];
}

/** http(s) URLs in plain text, in order, without duplicates. */
export function textLinks(text: string): string[] {
  return [...new Set(text.match(/\bhttps?:\/\/[^\s<>"')\]]+/g) ?? [])].map((u) => u.replace(/[.,;:!?]+$/, ''));
}

/** An absolute http(s) URL, resolved against `base` when relative; null otherwise. */
export function absoluteUrl(raw: string, base?: string | null): string | null {
  try {
    const url = base ? new URL(raw, base) : new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references (once). */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot|apos);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}
