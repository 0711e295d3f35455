/**
 * Feature extraction for the sentiment model: social-media aware tokenisation (URLs, handles, hashtags,
 * emoji, emoticons, elongations, caps), negation scope, contrast, intensifiers, sarcasm cues, and hashed
 * word, bigram and character n-gram features plus dense lexicon features. Shared by training and inference,
 * so a change here requires retraining (`npm run train:sentiment`).
 */
import { SYMBOL_LEXICON } from './lexicon.ts';

/** Longest text analysed: sentiment of very long posts is decided by their first few thousand characters. */
export const MAX_SENTIMENT_CHARS = 2000;

export type TokenKind = 'word' | 'emoji' | 'emoticon' | 'punct' | 'special';

export interface Token {
  /** Folded form: lower case, umlauts as ae/oe/ue, accents dropped, elongations cut to two letters. */
  text: string;
  kind: TokenKind;
  elongated: boolean;
  caps: boolean;
  hashtag: boolean;
}

// One pass tokenizer. Order matters: URLs and handles before words, emoticons before punctuation.
const TOKEN_RE = new RegExp(
  [
    String.raw`(?<url>(?:https?:\/\/|www\.)\S+|\bhttps?\b)`,
    String.raw`(?<user>@[\p{L}\p{N}_]+)`,
    String.raw`(?<hash>#[\p{L}\p{N}_]+)`,
    String.raw`(?<emoticon>(?:<3+|<\/3|[:;=8xX][\-o\*'^]?[\)\]\(\[dDpP\/\\\|\}\{@>3<\*]+|[\(\[][\-o\*'^]?[:;=8]|\^_*\^|-_+-|T_T|;_;|:'\()(?![\p{L}\p{N}]))`,
    String.raw`(?<word>[\p{L}\p{M}][\p{L}\p{M}\p{N}'’_-]*)`,
    String.raw`(?<num>\p{N}+(?:[.,:]\p{N}+)*)`,
    String.raw`(?<emoji>\p{Extended_Pictographic})`,
    String.raw`(?<punct>[!?]+|\.{2,}|…|[.,;:])`,
  ].join('|'),
  'gu',
);

const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITY_RE = /&(amp|lt|gt|quot|apos|#39);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const ELONG_RE = /(\p{L})\1{2,}/gu;
const NON_ASCII_RE = /[^\u0000-\u007f]/;
const MARKS_RE = /\p{M}+/gu;
const UPPER_RE = /\p{Lu}/u;
const LOWER_RE = /\p{Ll}/u;

const POSITIVE_EMOTICON_RE = /^(?:[:;=8xX][\-o\*'^]?[\)\]dDpP\}\*3>]+|[\(\[][\-o\*'^]?[:;=8]|<3+|\^_*\^)$/;
const NEGATIVE_EMOTICON_RE = /^(?:[:;=8][\-o\*'^]?[\(\[\/\\\|\{@<]+|<\/3|T_T|;_;|:'\(|-_+-)$/;

/** Folds a word: lower case, German umlauts spelled out, other accents dropped (so "schön" = "schoen"). */
export function foldToken(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'");
  if (NON_ASCII_RE.test(w)) {
    w = w.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').normalize('NFD').replace(MARKS_RE, '');
  }
  return w;
}

/** Makes any string safe to analyse: drops control characters and lone surrogates, decodes common HTML entities, caps length. */
export function sanitise(text: string): string {
  const head = text.length > MAX_SENTIMENT_CHARS ? text.slice(0, MAX_SENTIMENT_CHARS) : text;
  return head.replace(CONTROL_RE, ' ').replace(ENTITY_RE, (_m, e: string) => ENTITIES[e] ?? ' ');
}

/** Splits a post into tokens. */
export function tokenize(raw: string): Token[] {
  const text = sanitise(raw);
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const g = m.groups;
    if (!g) continue;
    if (g['url'] !== undefined) tokens.push(special('<url>'));
    else if (g['user'] !== undefined) tokens.push(special('<user>'));
    else if (g['hash'] !== undefined) {
      const body = g['hash'].slice(1);
      tokens.push(wordToken(body, true));
    } else if (g['emoticon'] !== undefined) {
      const e = g['emoticon'];
      const kind = POSITIVE_EMOTICON_RE.test(e) ? '<emo+>' : NEGATIVE_EMOTICON_RE.test(e) ? '<emo->' : '<emo>';
      tokens.push({ text: kind, kind: 'emoticon', elongated: false, caps: false, hashtag: false });
    } else if (g['word'] !== undefined) tokens.push(wordToken(g['word'], false));
    else if (g['num'] !== undefined) tokens.push(special('<num>'));
    else if (g['emoji'] !== undefined) tokens.push({ text: g['emoji'], kind: 'emoji', elongated: false, caps: false, hashtag: false });
    else if (g['punct'] !== undefined) {
      const p = g['punct'];
      const t = p.includes('!') && p.includes('?') ? '?!' : p[0] === '!' ? (p.length > 1 ? '!!' : '!') : p[0] === '?' ? (p.length > 1 ? '??' : '?') : p.length > 1 || p === '…' ? '...' : p;
      tokens.push({ text: t, kind: 'punct', elongated: false, caps: false, hashtag: false });
    }
  }
  return tokens;
}

function special(text: string): Token {
  return { text, kind: 'special', elongated: false, caps: false, hashtag: false };
}

function wordToken(raw: string, hashtag: boolean): Token {
  const caps = raw.length >= 3 && UPPER_RE.test(raw) && !LOWER_RE.test(raw);
  let folded = foldToken(raw);
  let elongated = false;
  if (ELONG_RE.test(folded)) {
    elongated = true;
    ELONG_RE.lastIndex = 0;
    folded = folded.replace(ELONG_RE, '$1$1');
  }
  ELONG_RE.lastIndex = 0;
  return { text: folded, kind: 'word', elongated, caps, hashtag };
}

// Negators in the supported languages (folded). Their scope runs forward to the end of the clause (at most 4 words).
const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'cannot', 'cant', "can't", 'dont', "don't", 'doesnt', "doesn't", 'didnt', "didn't", 'isnt', "isn't",
  'wasnt', "wasn't", 'arent', "aren't", 'werent', "weren't", 'wont', "won't", 'wouldnt', "wouldn't", 'shouldnt', "shouldn't",
  'couldnt', "couldn't", 'aint', "ain't", 'havent', "haven't", 'hasnt', "hasn't", 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'hardly',
  'nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines', 'nie', 'niemals', 'nichts', 'ohne', 'weder', 'net', 'ned',
  'ne', 'pas', 'jamais', 'rien', 'sans', 'aucun', 'aucune', "n'", 'nunca', 'jamas', 'nada', 'ni', 'sin', 'non', 'mai', 'niente', 'nessuno', 'nessuna',
  'senza', 'nao', 'nem', 'sem', 'niet', 'geen', 'nooit', 'niets', 'zonder',
]);

/** Contrast words: what follows them weighs more than what precedes them ("good food but slow service"). */
export const CONTRAST: ReadonlySet<string> = new Set([
  'but', 'however', 'although', 'though', 'yet', 'aber', 'doch', 'jedoch', 'allerdings', 'trotzdem', 'mais', 'pourtant', 'pero', 'sino',
  'aunque', 'ma', 'pero', 'pero', 'pero', 'mas', 'porem', 'contudo', 'maar', 'echter',
]);

const BOOSTERS: ReadonlySet<string> = new Set([
  'very', 'really', 'so', 'soo', 'extremely', 'totally', 'absolutely', 'incredibly', 'super', 'too', 'most', 'such', 'completely', 'utterly', 'fucking', 'damn', 'highly', 'truly',
  'sehr', 'echt', 'total', 'voll', 'mega', 'richtig', 'absolut', 'extrem', 'wirklich', 'unglaublich', 'ziemlich', 'so', 'besonders', 'hoechst', 'zu',
  'tres', 'vraiment', 'trop', 'muy', 'realmente', 'demasiado', 'molto', 'davvero', 'troppo', 'muito', 'bem', 'demais', 'heel', 'erg', 'echt', 'zo', 'super',
]);
const DAMPENERS: ReadonlySet<string> = new Set([
  'slightly', 'somewhat', 'barely', 'little', 'bit', 'kinda', 'sorta', 'partly', 'etwas', 'bisschen', 'bissl', 'kaum', 'wenig', 'eher', 'teilweise',
  'peu', 'poco', 'pouco', 'beetje', 'nauwelijks',
]);
const SARCASM: ReadonlySet<string> = new Set(['sarcasm', 'sarcastic', 'irony', 'ironie', 'sarkasmus', 'ironia', 'sarcasmo', 'sarcasme', 'not']);
const CLAUSE_END: ReadonlySet<string> = new Set(['.', ',', ';', ':', '!', '!!', '?', '??', '?!', '...']);

/** Dense feature slots appended after the hashed space. */
export const DENSE = [
  'lexPos', 'lexNeg', 'symPos', 'symNeg', 'exclaim', 'question', 'elongated', 'caps', 'sarcasm', 'sarcasmXpos', 'negated', 'bias',
  'lexNet', 'lexLastClause', 'contrast', 'noLexicon',
] as const;
export const DENSE_COUNT = DENSE.length;

/** Settings stored in the model file so inference extracts exactly what training did. */
export interface FeatureConfig {
  hashBits: number;
  charMin: number;
  charMax: number;
  bigrams: boolean;
}

/** Features of one post: hashed indices (each weighs 1/sqrt(n)) and dense values. */
export interface Features {
  /** Number of tokens read from the post (0: nothing to analyse). */
  tokenCount: number;
  sparse: Int32Array;
  sparseCount: number;
  dense: Float64Array;
}

export type Lexicon = (token: string) => number | undefined;

const SEED_WORD = 0x9e3779b1;
const SEED_NEG = 0x85ebca6b;
const SEED_BIGRAM = 0xc2b2ae35;
const SEED_CHAR = 0x27d4eb2f;
const SEED_LANG = 0x165667b1;
const SEED_FLAG = 0x7feb352d;

function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Extracts the model's features from a post. `lexicon` gives a folded token's valence (-4..4) for the post's language. */
export function extractFeatures(text: string, lang: string, lexicon: Lexicon, config: FeatureConfig): Features {
  const tokens = tokenize(text);
  const mask = (1 << config.hashBits) - 1;
  const sparse: number[] = [];
  const dense = new Float64Array(DENSE_COUNT);
  dense[11] = 1;

  // Negation scope and contrast position, computed before features.
  const negated = new Uint8Array(tokens.length);
  let scope = 0;
  let anyNegation = false;
  let contrastAt = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (t.kind === 'punct' && CLAUSE_END.has(t.text)) {
      // Negator closing a clause negates what came before it ("das mag ich nicht", "gut ist es nicht").
      const prev = tokens[i - 1];
      if (prev && NEGATORS.has(prev.text) && scope > 0 && scope === 4) markBackward(tokens, negated, i - 1);
      scope = 0;
      continue;
    }
    if (t.kind !== 'word') continue;
    if (CONTRAST.has(t.text)) {
      contrastAt = i;
      scope = 0;
      continue;
    }
    if (NEGATORS.has(t.text) || t.text.endsWith("n't")) {
      scope = 4;
      anyNegation = true;
      if (i === tokens.length - 1) markBackward(tokens, negated, i);
      continue;
    }
    if (scope > 0) {
      negated[i] = 1;
      scope--;
    }
  }

  let lexPos = 0;
  let lexNeg = 0;
  let lexLast = 0;
  let lexHits = 0;
  let sarcasm = false;
  let prevHash = 0;
  let prevWasToken = false;
  let boost = 1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (t.kind === 'punct') {
      if (t.text[0] === '!' || t.text === '?!') dense[4] = Math.min(1, (dense[4] ?? 0) + 0.34);
      if (t.text[0] === '?' || t.text === '?!') dense[5] = 1;
      if (CLAUSE_END.has(t.text)) lexLast = 0;
    }
    const neg = negated[i] === 1;
    const wordHash = hashString(t.text, neg ? SEED_NEG : SEED_WORD);
    sparse.push(wordHash & mask);
    if (config.bigrams) {
      const unneg = neg ? hashString(t.text, SEED_WORD) : wordHash;
      if (prevWasToken) sparse.push(mix(Math.imul(prevHash, 31) ^ unneg ^ SEED_BIGRAM) & mask);
      prevHash = unneg;
      prevWasToken = true;
    }
    if (t.kind === 'word') {
      if (t.elongated) dense[6] = 1;
      if (t.caps) dense[7] = 1;
      if (t.hashtag) {
        sparse.push(hashString('#' + t.text, SEED_FLAG) & mask);
        if (SARCASM.has(t.text)) sarcasm = true;
      }
      if (t.text.length >= 2 && config.charMax > 0) pushCharGrams(t.text, config, mask, sparse);
      if (BOOSTERS.has(t.text)) {
        boost = 1.3;
        continue;
      }
      if (DAMPENERS.has(t.text)) {
        boost = 0.7;
        continue;
      }
      let v = lexicon(t.text);
      if (v === undefined && t.elongated) v = lexicon(t.text.replace(/(\p{L})\1/gu, '$1'));
      if (v !== undefined && v !== 0) {
        lexHits++;
        v *= boost;
        if (t.caps) v *= 1.2;
        if (t.elongated) v *= 1.15;
        if (neg) v *= -0.74;
        if (contrastAt >= 0) v *= i < contrastAt ? 0.5 : 1.5;
        if (v > 0) lexPos += v;
        else lexNeg -= v;
        lexLast += v;
      }
      boost = 1;
    } else if (t.kind === 'emoji' || t.kind === 'emoticon') {
      const v = t.kind === 'emoji' ? SYMBOL_LEXICON.get(t.text) : t.text === '<emo+>' ? 2 : t.text === '<emo->' ? -2 : undefined;
      if (v !== undefined) {
        if (v > 0) dense[2] = (dense[2] ?? 0) + v / 3;
        else dense[3] = (dense[3] ?? 0) - v / 3;
      }
    }
  }
  if (text.includes('/s') && /(^|\s)\/s(\s|$)/.test(text)) sarcasm = true;
  sparse.push(hashString(lang, SEED_LANG) & mask);

  dense[0] = squash(lexPos / 4);
  dense[1] = squash(lexNeg / 4);
  dense[2] = squash(dense[2] ?? 0);
  dense[3] = squash(dense[3] ?? 0);
  dense[8] = sarcasm ? 1 : 0;
  dense[9] = sarcasm ? squash(lexPos / 4) : 0;
  dense[10] = anyNegation ? 1 : 0;
  dense[12] = Math.tanh((lexPos - lexNeg) / 4);
  dense[13] = Math.tanh(lexLast / 4);
  dense[14] = contrastAt >= 0 ? 1 : 0;
  dense[15] = lexHits === 0 ? 1 : 0;
  return { tokenCount: tokens.length, sparse: Int32Array.from(sparse), sparseCount: sparse.length, dense };
}

function squash(x: number): number {
  return x / (1 + x);
}

function markBackward(tokens: readonly Token[], negated: Uint8Array, at: number): void {
  let marked = 0;
  for (let j = at - 1; j >= 0 && marked < 2; j--) {
    const t = tokens[j];
    if (!t || (t.kind === 'punct' && CLAUSE_END.has(t.text))) break;
    if (t.kind === 'word') {
      negated[j] = 1;
      marked++;
    }
  }
}

function pushCharGrams(word: string, config: FeatureConfig, mask: number, out: number[]): void {
  // Padded word "<word>" without allocating: position -1 and length are the pads.
  const n = word.length;
  for (let start = -1; start < n; start++) {
    let h = SEED_CHAR >>> 0;
    for (let len = 1; len <= config.charMax; len++) {
      const pos = start + len - 1;
      if (pos > n) break;
      const code = pos === -1 ? 60 : pos === n ? 62 : word.charCodeAt(pos);
      h = Math.imul(h ^ code, 0x01000193) >>> 0;
      if (len >= config.charMin) out.push(mix(h ^ len) & mask);
    }
  }
}

const SARCASM_MARKER_RE = /#(?:sarcasm|sarcastic|irony|ironie|sarkasmus|ironia|sarcasmo|sarcasme|not)(?![\p{L}\p{N}_])|(?:^|\s)\/s(?:\s|$)/iu;

/** True when the author marked the post as sarcastic (#sarcasm, #irony, #not, "/s"). */
export function hasSarcasmMarker(text: string): boolean {
  return SARCASM_MARKER_RE.test(text);
}
