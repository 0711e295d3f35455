/**
 * Normalisation and string similarity for identity resolution: accent folding, nickname
 * canonicalisation, Jaro-Winkler, and canonical forms of emails, phones, handles and URLs.
 * Pure functions, no I/O.
 */

/** Lowercases and strips diacritics (Müller → muller, José → jose); ß and æ/ø/œ spelled out. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/œ/g, 'oe')
    .replace(/ł/g, 'l')
    // Turkish dotless i has no decomposition: Yılmaz and Yilmaz are the same name written two ways.
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

/** German transliterations folded to their plain vowel, so Mueller and Müller compare equal. */
function foldTransliterations(token: string): string {
  return token.replace(/ae/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u');
}

/** Nicknames and short forms mapped to one canonical given name (Bill → william, Kathi → katharina). */
const NICKNAMES: Record<string, string[]> = {
  william: ['bill', 'billy', 'will', 'willy', 'liam', 'wilhelm', 'willi'],
  robert: ['bob', 'bobby', 'rob', 'robbie', 'bert'],
  richard: ['rick', 'ricky', 'dick', 'rich'],
  james: ['jim', 'jimmy', 'jamie'],
  john: ['johnny', 'jack', 'jon', 'johannes', 'hans'],
  margaret: ['maggie', 'meg', 'peggy', 'greta', 'margarete', 'grete'],
  elizabeth: ['liz', 'lizzy', 'beth', 'betty', 'eliza', 'elisabeth', 'lisa', 'liese', 'sabeth'],
  katharina: ['kathi', 'kati', 'katie', 'kate', 'katherine', 'catherine', 'kathy', 'katrin', 'kat', 'käthe'],
  alexander: ['alex', 'sascha', 'sandro', 'xander'],
  alexandra: ['alexa', 'sandra', 'alex'],
  michael: ['mike', 'mickey', 'micha', 'michi'],
  christopher: ['chris', 'topher', 'christoph'],
  christina: ['chris', 'tina', 'christine', 'kristina'],
  daniel: ['dan', 'danny', 'dani'],
  joseph: ['joe', 'joey', 'josef', 'sepp', 'jose'],
  thomas: ['tom', 'tommy', 'thommy'],
  anthony: ['tony', 'anton'],
  benjamin: ['ben', 'benny', 'benji'],
  nicholas: ['nick', 'nicky', 'nico', 'niklas', 'nikolaus', 'klaus'],
  patricia: ['pat', 'patty', 'trish', 'patrizia'],
  susanne: ['susi', 'sue', 'susan', 'suzanne', 'susanna'],
  andreas: ['andi', 'andy', 'andrew', 'drew'],
  matthias: ['matze', 'matt', 'matthew', 'mathias'],
  stefan: ['steffen', 'steve', 'stephen', 'steven', 'stephan'],
  friedrich: ['fritz', 'fred', 'freddy', 'frederick'],
  franziska: ['franzi', 'fanny'],
  wolfgang: ['wolf', 'wolfi'],
  jennifer: ['jen', 'jenny'],
  rebecca: ['becky', 'becca'],
  maximilian: ['max', 'maxi'],
  johanna: ['hanna', 'hannah', 'jo'],
  gabriele: ['gabi', 'gaby', 'gabriela'],
  edward: ['ed', 'eddie', 'ted', 'eduard'],
  samuel: ['sam', 'sammy'],
  samantha: ['sam', 'sammy'],
  victoria: ['vicky', 'tori', 'viktoria'],
  isabella: ['bella', 'isa', 'izzy', 'isabel'],
  francesco: ['franco', 'cesco'],
  giuseppe: ['beppe', 'peppe', 'pino'],
  dolores: ['lola', 'lolita'],
  francisco: ['paco', 'pancho', 'curro'],
  manuel: ['manolo', 'manu'],
};

const CANONICAL = new Map<string, string[]>();
for (const [canonical, nicks] of Object.entries(NICKNAMES)) {
  for (const name of [canonical, ...nicks]) {
    const key = foldTransliterations(fold(name));
    CANONICAL.set(key, [...(CANONICAL.get(key) ?? []), foldTransliterations(fold(canonical))]);
  }
}

/** The canonical given names a token can stand for (itself when it is no known nickname). */
export function canonicalNames(token: string): string[] {
  return CANONICAL.get(token) ?? [token];
}

/** Name tokens: folded, transliteration-normalised words of two letters or more, in order. */
export function nameTokens(name: string | null | undefined): string[] {
  if (!name) return [];
  return fold(name)
    .replace(/[^\p{L}\s'-]/gu, ' ')
    .split(/[\s'-]+/)
    .filter((token) => token.length >= 2)
    .map(foldTransliterations);
}

/** Jaro-Winkler similarity in [0, 1] with the standard prefix scale 0.1 over at most 4 characters. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Whether two different strings are one edit apart (optimal string alignment distance 1): one letter
 * inserted, dropped, replaced, or two neighbours swapped. The typos people make in a name.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    const rest = (skip: number) => a.slice(i + skip) === b.slice(i + skip);
    // Replaced, or swapped with the next letter.
    return rest(1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(2));
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i);
}

/** Whether two given-name tokens stand for the same name (Bill and William, Kathi and Katharina). */
export function sameGivenName(a: string, b: string): boolean {
  const ca = canonicalNames(a);
  const cb = canonicalNames(b);
  return ca.some((name) => cb.includes(name));
}

/** Similarity of two given-name tokens, nickname-aware: Bill vs William is 1. */
function givenNameSimilarity(a: string, b: string): number {
  if (sameGivenName(a, b)) return 1;
  // An initial ("A. Berg") agrees with any name it starts.
  if ((a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b))) return 0.9;
  return jaroWinkler(a, b);
}

/**
 * Similarity of two person names in [0, 1]: the last tokens (family names) by Jaro-Winkler, the first
 * tokens (given names) nickname-aware; a single-token name compares with the best token of the other.
 */
export function nameSimilarity(left: string | null | undefined, right: string | null | undefined): number | null {
  const a = nameTokens(left);
  const b = nameTokens(right);
  if (a.length === 0 || b.length === 0) return null;
  if (a.length === 1 || b.length === 1) {
    const [single, other] = a.length === 1 ? [a, b] : [b, a];
    const token = single[0] ?? '';
    // One token against a full name is weaker evidence: cap it below a full agreement.
    return Math.min(0.9, Math.max(...other.map((t) => Math.max(jaroWinkler(token, t), givenNameSimilarity(token, t)))));
  }
  const family = jaroWinkler(a[a.length - 1] ?? '', b[b.length - 1] ?? '');
  const given = givenNameSimilarity(a[0] ?? '', b[0] ?? '');
  const direct = 0.6 * family + 0.4 * given;
  // "Berg Ana" vs "Ana Berg": names written family-first.
  const swapped = 0.6 * jaroWinkler(a[0] ?? '', b[b.length - 1] ?? '') + 0.4 * givenNameSimilarity(a[a.length - 1] ?? '', b[0] ?? '');
  return Math.max(direct, swapped);
}

/** An email address trimmed and lowercased; null when it is no address. */
export function normalizeEmail(value: string | null | undefined): string | null {
  if (!value) return null;
  const email = value.trim().toLowerCase().replace(/^mailto:/, '');
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

const ROLE_LOCAL_PARTS = new Set([
  'info', 'support', 'sales', 'noreply', 'no-reply', 'donotreply', 'do-not-reply', 'team', 'hello', 'contact', 'admin', 'office', 'service',
  'help', 'billing', 'marketing', 'press', 'jobs', 'careers', 'hr', 'mail', 'webmaster', 'postmaster', 'kontakt', 'buero', 'hallo', 'mailer-daemon',
  'orders', 'accounts', 'enquiries', 'inquiries', 'feedback', 'newsletter', 'notifications', 'security', 'abuse', 'privacy', 'legal', 'all', 'family',
]);

/** True for shared or role addresses (info@, support@, noreply@ ...) that never identify one person. */
export function isRoleAddress(email: string): boolean {
  const local = email.split('@')[0] ?? '';
  const base = local.replace(/[+].*$/, '');
  return ROLE_LOCAL_PARTS.has(base) || /^(no-?reply|do-?not-?reply)/.test(base);
}

const FREE_MAIL = new Set(['gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.de', 'hotmail.com', 'outlook.com', 'live.com', 'icloud.com', 'me.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'aol.com', 'proton.me', 'protonmail.com', 'mail.com', 'posteo.de', 'freenet.de']);

/** The domain of an address when it says something about its owner (not gmail.com and the like). */
export function ownDomainOf(email: string): string | null {
  const domain = email.split('@')[1];
  return domain && !FREE_MAIL.has(domain) ? domain : null;
}

/** Phone digits with the country code or trunk prefix ignored: the last nine digits; null when too short. */
export function phoneKey(value: string | null | undefined): string | null {
  // A WhatsApp business-scoped user id (`US.13491208655302741918`) has digits but is no phone number.
  if (!value || /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]+$/.test(value)) return null;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-9) : null;
}

/** A handle without @, lowercased, with a Mastodon-style @server suffix kept. */
export function normalizeHandle(value: string | null | undefined): string | null {
  if (!value) return null;
  const handle = value.trim().toLowerCase().replace(/^@/, '').replace(/^u\//, '');
  return handle.length > 0 ? handle : null;
}

const SOCIAL_HOSTS = new Set(['x.com', 'twitter.com', 'instagram.com', 'facebook.com', 'fb.com', 'bsky.app', 'reddit.com', 'youtube.com', 'youtu.be', 'linkedin.com', 'tiktok.com', 't.co', 'linktr.ee', 'mastodon.social', 'github.com', 'threads.net', 'wa.me', 'medium.com']);

/** A URL reduced to host and path (no scheme, www, query or trailing slash), lowercased; null when no URL. */
export function normalizeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(/^https?:\/\//i.test(value.trim()) ? value.trim() : `https://${value.trim()}`);
    const host = url.hostname.toLowerCase().replace(/^www\./, '').replace(/^twitter\.com$/, 'x.com');
    if (!host.includes('.')) return null;
    return `${host}${url.pathname.replace(/\/+$/, '').toLowerCase()}`;
  } catch {
    return null;
  }
}

/** The registrable-ish domain of a URL (host without www) when it is not a social network; null otherwise. */
export function ownDomainOfUrl(value: string): string | null {
  const normalized = normalizeUrl(value);
  if (!normalized) return null;
  const host = normalized.split('/')[0] ?? '';
  return SOCIAL_HOSTS.has(host) || [...SOCIAL_HOSTS].some((social) => host.endsWith(`.${social}`)) ? null : host;
}

/** URLs and bare domains found in free text (bios). */
export function urlsIn(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(/\b(?:https?:\/\/)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/[^\s)]*)?/gi)].map((m) => m[0]).filter((url) => !url.includes('@'));
}

/** Email addresses found in free text (bios). */
export function emailsIn(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi)].map((m) => m[0].toLowerCase());
}

const STOPWORDS = new Set(['the', 'and', 'for', 'with', 'from', 'this', 'that', 'your', 'about', 'und', 'der', 'die', 'das', 'mit', 'von', 'fur', 'bei', 'ich', 'bin', 'love', 'life', 'views', 'own', 'opinions', 'mine', 'http', 'https', 'www', 'com']);

/** Distinctive keywords of a text: folded words of four letters or more, minus stop words. */
export function keywords(text: string | null | undefined): Set<string> {
  if (!text) return new Set();
  return new Set(fold(text).split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 4 && !STOPWORDS.has(word)));
}

/** A contact detail an identity states in its own words: its email, phone, an order or customer number, or another account of its own. */
export interface Statement {
  kind: 'email' | 'phone' | 'order' | 'handle';
  /** Normalised: a lowercased address, a phone key, an order key, or a handle without @. */
  value: string;
  /** For a handle: the network it is on. */
  channel: string | null;
  /** Stated about someone else ("my husband's order", "her email is", "my sister @lena on insta"): never evidence. */
  quoted: boolean;
}

/** Words that make a detail someone else's: a relative, a colleague, a third person, a fan. */
const THIRD_PERSON =
  /\b(?:my|mein|meine|meinem|meiner|meinen|our)\s+(?:husband|wife|partner|son|daughter|mother|mom|mum|father|dad|sister|brother|friend|colleague|boss|kid|kids|girlfriend|boyfriend|mann|frau|sohn|tochter|mutter|mama|vater|papa|schwester|bruder|freund|freundin|kollege|kollegin|chef|chefin)\b|\b(?:his|her|their|hers|seine|seiner|ihre|ihrer)\b|\bfan\s+of\b|\bfollow\b|\bshop\b|\bfor\s+@/i;

/** The network a cue word names, or null. */
function networkOf(cue: string): string | null {
  const c = cue.toLowerCase().replace(/[^a-z.]/g, '');
  if (['ig', 'insta', 'instagram', 'instagram.com'].includes(c)) return 'instagram';
  if (['x', 'twitter', 'x.com', 'twitter.com', 'tw'].includes(c)) return 'x';
  if (['mastodon', 'masto', 'fediverse', 'mastodon.social'].includes(c)) return 'mastodon';
  if (['tiktok', 'tiktok.com'].includes(c)) return 'tiktok';
  if (['bluesky', 'bsky', 'bsky.app'].includes(c)) return 'bluesky';
  return null;
}

/** Order and customer numbers: digits (5+), optionally with letters and dashes, after an order or customer cue or a #. */
export function orderKey(value: string): string | null {
  const key = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  return key.length >= 5 && /\d{4,}/.test(key) ? key : null;
}

const NETWORK_CUE = '(?:ig|insta|instagram|twitter|tw|x|mastodon|masto|tiktok|bluesky|bsky)';
const HANDLE_PATTERNS: RegExp[] = [
  // "IG: @ana_berg", "insta ana.berg", "Twitter - @ana"
  new RegExp(`\\b(${NETWORK_CUE})\\s*[:|\\-–]?\\s*@([a-z0-9_.]{3,30})`, 'gi'),
  new RegExp(`\\b(${NETWORK_CUE})\\s*:\\s*([a-z0-9_.]{3,30})`, 'gi'),
  // "@ana_berg on Insta", "also @ana_berg (instagram)"
  new RegExp(`@([a-z0-9_.]{3,30})\\s+(?:on|auf|at|@)?\\s*\\(?(${NETWORK_CUE})\\b`, 'gi'),
  // "instagram.com/ana_berg", "x.com/ana_berg"
  /\b((?:www\.)?(?:instagram\.com|x\.com|twitter\.com|tiktok\.com|bsky\.app))\/@?([a-z0-9_.]{3,30})/gi,
];

/**
 * What a text states about its author: email addresses, phone numbers (with a + or a leading 0),
 * order or customer numbers (after a cue word or a #) and other accounts named with their network.
 * Each statement is marked quoted when a third-person cue comes before it in the same sentence. Pure.
 */
export function statementsIn(text: string | null | undefined): Statement[] {
  if (!text) return [];
  const out: Statement[] = [];
  const seen = new Set<string>();
  const push = (s: Statement) => {
    const key = `${s.kind}:${s.channel ?? ''}:${s.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(s);
  };
  const quotedAt = (index: number) => {
    const start = Math.max(text.lastIndexOf('.', index - 1), text.lastIndexOf('!', index - 1), text.lastIndexOf('?', index - 1), text.lastIndexOf('\n', index - 1), text.lastIndexOf('|', index - 1), 0);
    return THIRD_PERSON.test(text.slice(start, index));
  };
  for (const m of text.matchAll(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi)) {
    push({ kind: 'email', value: m[0].toLowerCase(), channel: null, quoted: quotedAt(m.index) });
  }
  for (const m of text.matchAll(/(?:^|[^\w#])((?:\+|0)\d[\d ()/.-]{6,16}\d)/g)) {
    const key = phoneKey(m[1]);
    const index = m.index + m[0].indexOf(m[1] ?? '');
    if (key && (m[1] ?? '').replace(/\D/g, '').length >= 9) push({ kind: 'phone', value: key, channel: null, quoted: quotedAt(index) });
  }
  for (const m of text.matchAll(/\b(?:order|bestellung|auftrag|customer|kunden|kd|invoice|rechnung|ticket)(?:\s*(?:no\.?|number|nr\.?|nummer|id|#))?(?:\s+(?:is|ist))?\s*[:#.]?\s*#?\s*([a-z]{0,3}-?\d[\d-]{3,14})|(?:^|\s)#(\d{5,12})\b/gi)) {
    const raw = m[1] ?? m[2] ?? '';
    const key = orderKey(raw);
    if (key) push({ kind: 'order', value: key, channel: null, quoted: quotedAt(m.index) });
  }
  for (const [i, pattern] of HANDLE_PATTERNS.entries()) {
    for (const m of text.matchAll(pattern)) {
      const [cue, handle] = i === 2 ? [m[2] ?? '', m[1] ?? ''] : [m[1] ?? '', m[2] ?? ''];
      const channel = networkOf(cue.replace(/^www\./i, ''));
      const value = handle.toLowerCase().replace(/\.+$/, '');
      if (channel && value.length >= 3) push({ kind: 'handle', value, channel, quoted: quotedAt(m.index) });
    }
  }
  return out;
}
