/**
 * Promotional spam score of a single post: explicit cues (giveaways, crypto schemes, "DM me",
 * follower selling, adult bait) plus shape cues (link density, shorteners, all caps, repeated
 * characters, piles of hashtags or mentions). Each cue adds weight and names itself in `reasons`.
 */
import type { Entity, SpamResult } from '../types.ts';

interface Cue {
  reason: string;
  weight: number;
  pattern: RegExp;
}

const CUES: readonly Cue[] = [
  {
    reason: 'giveaway',
    weight: 0.35,
    pattern:
      /\b(?:giveaway|give away|gewinnspiel|verlosung|win (?:a|an|this|free)|you(?:'ve| have) won|claim your (?:prize|reward)|free (?:iphone|ipad|gift ?cards?|money|followers|tickets)|gratis (?:iphone|geschenk)|gewinne (?:ein|jetzt)|kostenlos(?:e|es)? (?:iphone|geschenk|gutschein))\b/iu,
  },
  {
    reason: 'crypto',
    weight: 0.35,
    pattern:
      /\b(?:crypto|bitcoin|btc|eth(?:ereum)?|usdt|airdrop|nft drop|forex|binary options|double your (?:money|btc|crypto|investment)|passive income|investment opportunity|100x|to the moon|pump and dump|presale|wallet connect|seed phrase|trading signals?|krypto|geld verdoppeln)\b/iu,
  },
  {
    reason: 'dm_me',
    weight: 0.3,
    pattern:
      /\b(?:dm me|dm for|dm us for|send (?:me )?a dm|message me (?:for|to)|inbox me|check (?:my|the) bio|link in (?:my )?bio|whatsapp me|text me on|schreib mir (?:eine )?(?:pn|dm|privat)|pn an mich|link im profil)\b/iu,
  },
  {
    reason: 'follower_selling',
    weight: 0.4,
    pattern:
      /\b(?:buy (?:cheap )?(?:followers|likes|views|subscribers)|gain (?:\d+ )?followers|get (?:\d+k? )?(?:more )?followers|followers? fast|f4f|follow ?4 ?follow|follow back|followback|l4l|like ?4 ?like|sub4sub|follower kaufen|likes kaufen|grow your (?:account|followers|instagram))\b/iu,
  },
  {
    reason: 'money_bait',
    weight: 0.3,
    pattern:
      /\b(?:make \$?\d+[k]? (?:a|per) (?:day|week)|earn (?:money|\$\d+) (?:from home|online|fast)|work from home and earn|limited offer|act now|100% free|risk[- ]free|guaranteed (?:profit|income|returns)|verdiene? \d+ ?(?:€|euro) (?:am|pro) tag|nebenverdienst)\b/iu,
  },
  {
    reason: 'adult_bait',
    weight: 0.4,
    pattern: /\b(?:onlyfans|hot singles|sexy (?:pics|girls)|18\+ content|nudes|dating site)\b/iu,
  },
];

const SHORTENER = /\b(?:bit\.ly|tinyurl\.com|t\.ly|goo\.gl|ow\.ly|is\.gd|cutt\.ly|rebrand\.ly|shorturl\.at|tiny\.cc|rb\.gy|linktr\.ee)\//iu;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const HASHTAG = /(?<![\p{L}\p{N}_&#])#[\p{L}\p{N}_]+/gu;
const MENTION = /(?<![\p{L}\p{N}_.@])@[A-Za-z0-9_]{1,30}/gu;
const REPEATED = /(.)\1{5,}/u;
const MONEY_EMOJI = /[\u{1F4B0}\u{1F4B5}\u{1F4B8}\u{1F680}\u{1F911}\u{1F381}\u{1F4B2}]/gu;

/** Posts at or above this score are treated as spam. */
export const SPAM_THRESHOLD = 0.5;

function countMatches(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

/**
 * Scores a post for promotional spam in [0, 1]. Pass the post's entities (from the entity matcher)
 * to reuse its URLs, hashtags and mentions; otherwise they are counted here.
 */
export function scoreSpam(input: string, entities?: readonly Entity[]): SpamResult {
  const text = typeof input === 'string' ? input : '';
  const reasons: string[] = [];
  if (text.trim().length === 0) return { score: 0, isSpam: false, reasons };
  // Cues are looked for in the first 5,000 characters: spam says what it wants early, and it keeps the cost flat.
  const head = text.length > 5000 ? text.slice(0, 5000) : text;
  let score = 0;

  for (const cue of CUES) {
    if (cue.pattern.test(head)) {
      score += cue.weight;
      reasons.push(cue.reason);
    }
  }

  let urls: number;
  let hashtags: number;
  let mentions: number;
  if (entities !== undefined) {
    urls = 0;
    hashtags = 0;
    mentions = 0;
    for (const e of entities) {
      if (e.type === 'url') urls++;
      else if (e.type === 'hashtag') hashtags++;
      else if (e.type === 'mention') mentions++;
    }
  } else {
    urls = countMatches(URL, head);
    hashtags = countMatches(HASHTAG, head);
    mentions = countMatches(MENTION, head);
  }

  const words = Math.max(1, head.split(/\s+/u).filter((w) => w.length > 0).length);
  if (urls > 0) {
    const density = urls / words;
    if (urls >= 3 || density > 0.2) {
      score += 0.25;
      reasons.push('link_density');
    }
    if (SHORTENER.test(head)) {
      score += 0.1;
      reasons.push('url_shortener');
    }
  }
  if (hashtags >= 5 || (hashtags >= 3 && hashtags / words > 0.4)) {
    score += hashtags >= 8 ? 0.3 : 0.2;
    reasons.push('many_hashtags');
  }
  if (mentions >= 5) {
    score += mentions >= 10 ? 0.35 : 0.2;
    reasons.push('many_mentions');
  }

  let letters = 0;
  let upper = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c >= 97 && c <= 122) letters++;
  }
  if (letters >= 20 && upper / letters > 0.7) {
    score += 0.15;
    reasons.push('all_caps');
  }
  if (REPEATED.test(head)) {
    score += 0.1;
    reasons.push('repeated_characters');
  }
  if (countMatches(MONEY_EMOJI, head) >= 3) {
    score += 0.1;
    reasons.push('money_emoji');
  }

  // A promotional cue plus a link is the classic spam shape.
  if (urls > 0 && reasons.some((r) => r === 'giveaway' || r === 'crypto' || r === 'follower_selling' || r === 'money_bait' || r === 'adult_bait')) {
    score += 0.15;
    reasons.push('promo_with_link');
  }

  const clamped = Math.min(1, Math.round(score * 1000) / 1000);
  return { score: clamped, isSpam: clamped >= SPAM_THRESHOLD, reasons };
}
