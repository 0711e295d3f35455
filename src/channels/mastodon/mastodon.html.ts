import { compile } from 'html-to-text';
import { Parser } from 'htmlparser2';

/**
 * Mastodon sends status content as sanitized HTML (`<p>`, `<br>`, `<a>`, `<span class="invisible">`).
 * It is turned into plain text with html-to-text (a real HTML parser, entities decoded): links and
 * mentions stay as their visible text, scripts and images are dropped, nothing is ever rendered.
 */
const toText = compile({
  wordwrap: false,
  decodeEntities: true,
  selectors: [
    // Mastodon link text already is the full URL (split in invisible/ellipsis spans); hrefs would repeat it.
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
});

/** Plain text of a status's HTML content. */
export function htmlToPlainText(html: string): string {
  if (!html) return '';
  return toText(html).trim();
}

/** Hrefs of links in the content that are neither mentions nor hashtags (those come from the status's own lists). */
export function externalLinks(html: string): string[] {
  const links: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'a') return;
        const classes = (attributes['class'] ?? '').split(/\s+/);
        const href = attributes['href'];
        if (!href || classes.includes('mention') || classes.includes('hashtag') || attributes['rel']?.split(/\s+/).includes('tag')) return;
        if (/^https?:\/\//i.test(href) && !links.includes(href)) links.push(href);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return links;
}
