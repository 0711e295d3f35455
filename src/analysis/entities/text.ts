/**
 * Text folding and tokenisation shared by the entity, topic and spam analyzers.
 * Folding = lowercase + strip diacritics (ü→u, é→e) + a few multi-letter folds (ß→ss, æ→ae, œ→oe),
 * precomputed once per BMP code unit so the hot loop is a table lookup.
 */

const SEPARATOR = 0;
/** A combining mark: part of a word, contributes nothing to the folded form. */
const SILENT = 0xffff;
/** Folds to more than one character: see MULTI. */
const MULTIPLE = 0xfffe;

const FOLD = new Uint16Array(0x10000);
const MULTI = new Map<number, string>();

(function buildFoldTable(): void {
  const wordChar = /[\p{L}\p{N}]/u;
  const mark = /\p{M}/u;
  const marks = /\p{M}/gu;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // lone surrogates are separators
    const ch = String.fromCharCode(c);
    if (mark.test(ch)) {
      FOLD[c] = SILENT;
      continue;
    }
    if (!wordChar.test(ch)) continue;
    let folded = ch.toLowerCase().normalize('NFD').replace(marks, '');
    if (c === 0xdf || c === 0x1e9e) folded = 'ss';
    else if (c === 0xe6 || c === 0xc6) folded = 'ae';
    else if (c === 0x153 || c === 0x152) folded = 'oe';
    else if (c === 0xf8 || c === 0xd8) folded = 'o';
    else if (c === 0x131) folded = 'i';
    else if (c === 0x142 || c === 0x141) folded = 'l';
    if (folded.length === 1) {
      const code = folded.charCodeAt(0);
      FOLD[c] = code === SILENT || code === MULTIPLE || code === SEPARATOR ? MULTIPLE : code;
      if (FOLD[c] === MULTIPLE) MULTI.set(c, folded);
    } else if (folded.length === 0) {
      FOLD[c] = SILENT;
    } else {
      FOLD[c] = MULTIPLE;
      MULTI.set(c, folded);
    }
  }
})();

/** True when the UTF-16 code unit is part of a word (letter, digit or combining mark). */
export function isWordCode(code: number): boolean {
  return FOLD[code] !== SEPARATOR;
}

/** Folds a string: lowercase, no diacritics, ß→ss; non-word characters are dropped. */
export function fold(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const f = FOLD[s.charCodeAt(i)] ?? SEPARATOR;
    if (f === SEPARATOR || f === SILENT) continue;
    out += f === MULTIPLE ? (MULTI.get(s.charCodeAt(i)) ?? '') : String.fromCharCode(f);
  }
  return out;
}

/** A word of the text: its folded form and where it is in the original text. */
export interface Token {
  norm: string;
  start: number;
  end: number;
}

/** Splits text into word tokens (runs of letters/digits/marks), folded, with offsets. */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const f0 = FOLD[text.charCodeAt(i)] ?? SEPARATOR;
    if (f0 === SEPARATOR) {
      i++;
      continue;
    }
    const start = i;
    let ascii = true;
    while (i < to) {
      const code = text.charCodeAt(i);
      const f = FOLD[code] ?? SEPARATOR;
      if (f === SEPARATOR) break;
      if (code >= 0x80 || f !== code) ascii = false;
      i++;
    }
    const norm = ascii ? text.slice(start, i) : fold(text.slice(start, i));
    if (norm.length > 0) tokens.push({ norm, start, end: i });
  }
  return tokens;
}

/**
 * Splits a hashtag or handle body into its parts: camelCase humps, underscores, digit runs.
 * "TelekomFail" → Telekom, Fail; "telekom_hilft" → telekom, hilft. Offsets are relative to `offset`.
 */
export function splitCompound(body: string, offset: number): Token[] {
  const parts: Token[] = [];
  let start = -1;
  let prevKind = 0; // 0 none, 1 lower, 2 upper, 3 digit
  const flush = (end: number): void => {
    if (start >= 0 && end > start) {
      const norm = fold(body.slice(start, end));
      if (norm.length > 0) parts.push({ norm, start: offset + start, end: offset + end });
    }
    start = -1;
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    const code = body.charCodeAt(i);
    if ((FOLD[code] ?? SEPARATOR) === SEPARATOR) {
      flush(i);
      prevKind = 0;
      continue;
    }
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const kind = code >= 0x30 && code <= 0x39 ? 3 : lower !== ch ? 2 : upper !== ch ? 1 : 1;
    if (start < 0) start = i;
    else if (kind === 3 && prevKind !== 3) {
      flush(i);
      start = i;
    } else if (kind !== 3 && prevKind === 3) {
      flush(i);
      start = i;
    } else if (kind === 2 && prevKind === 1) {
      // aB: a new hump starts at B
      flush(i);
      start = i;
    } else if (kind === 1 && prevKind === 2 && i - start > 1) {
      // ABc: the last capital starts the new hump ("TMobileFail" → T, Mobile, Fail; "NASAfail" → NAS, Afail is wrong but rare)
      flush(i - 1);
      start = i - 1;
    }
    prevKind = kind;
  }
  flush(body.length);
  return parts;
}

/**
 * A phonetic-ish skeleton for fuzzy comparison: folds c/k, ph/f, German ae/oe/ue transliterations,
 * and collapses doubled letters, so "Telecomm", "Telekom" and "Mueller"/"Müller" compare equal.
 */
export function skeleton(norm: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < norm.length; i++) {
    let ch = norm.charAt(i);
    const next = norm.charAt(i + 1);
    if (ch === 'p' && next === 'h') {
      ch = 'f';
      i++;
    } else if (ch === 'c' && next === 'k') {
      ch = 'k';
      i++;
    } else if (ch === 'c' && next !== 'h') {
      ch = 'k';
    } else if ((ch === 'a' || ch === 'o' || ch === 'u') && next === 'e' && i > 0) {
      i++;
    } else if (ch === 'y') {
      ch = 'i';
    }
    if (ch !== last) out += ch;
    last = ch;
  }
  return out;
}
