/**
 * Text clean-up before language detection: social posts carry URLs, handles, hashtag marks and emoji
 * that carry no language signal and mislead character n-gram detectors on short texts.
 */

const URL_RE = /\b(?:https?:\/\/|www\.)\S*|\bhttps?\b(?=\s|$)/giu;
const MENTION_RE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_.]+/gu;
const HASHTAG_MARK_RE = /#(?=[\p{L}\p{N}_])/gu;
const CASHTAG_RE = /\$[A-Za-z]{1,6}\b/g;
const ENTITY_RE = /&(?:amp|lt|gt|quot|apos|nbsp|#\d+);/g;
// Emoji, pictographs, symbols, variation selectors, zero-width joiners and keycaps.
const EMOJI_RE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{FE0E}\u{FE0F}\u{200D}\u{20E3}]/gu;
// Control characters and lone surrogates are noise for every detector.
const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const RT_RE = /^\s*RT\b\s*(?:@[\p{L}\p{N}_.]+)?\s*:?/u;
const DIGITS_RE = /[\p{N}_]+/gu;
const SPACE_RE = /\s+/g;

/** Longest text the detectors look at: the first few hundred characters decide the language. */
export const MAX_DETECT_CHARS = 300;

/** Removes URLs, @mentions, hashtag marks, cashtags, emoji, digits and control characters; collapses spaces. */
export function cleanForLanguage(text: string): string {
  const head = text.length > MAX_DETECT_CHARS * 2 ? text.slice(0, MAX_DETECT_CHARS * 2) : text;
  return head
    .replace(CONTROL_RE, ' ')
    .replace(RT_RE, ' ')
    .replace(URL_RE, ' ')
    .replace(MENTION_RE, '$1 ')
    .replace(CASHTAG_RE, ' ')
    .replace(HASHTAG_MARK_RE, '')
    .replace(ENTITY_RE, ' ')
    .replace(EMOJI_RE, ' ')
    .replace(DIGITS_RE, ' ')
    .replace(SPACE_RE, ' ')
    .trim()
    .slice(0, MAX_DETECT_CHARS);
}
