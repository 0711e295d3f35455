/**
 * PII detection: emails, phone numbers, IBANs and payment-card numbers, each validated
 * (libphonenumber metadata, IBAN checksum, Luhn + issuer prefix) so order numbers, dates and
 * amounts are not flagged.
 */
import { isValidIBAN } from 'ibantools';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Entity } from '../types.ts';

/** A half-open range of the text already claimed by an entity. */
export interface Span {
  start: number;
  end: number;
}

export function overlaps(spans: readonly Span[], start: number, end: number): boolean {
  for (const s of spans) if (start < s.end && end > s.start) return true;
  return false;
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;
const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{1,4}){3,9}\b/g;
const CARD = /(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d]|[.,]\d)/g;
const PHONE =
  /(?<![\p{L}\p{N}_+\-/.])(?:\+\d{1,3}|00\d{1,3}|\(\d{1,5}\)|\d)(?:[ \-/.]{0,2}(?:\(\d{1,5}\)|\d)){5,17}(?![\p{L}\p{N}_]|[.,]\d)/gu;

/** Words just before a number that say it is an order/reference number, not personal data. */
const REFERENCE_CUE =
  /(?:order|bestell|auftrag|rechnung|invoice|ticket|tracking|sendung|paket|case|ref|referenz|reference|vorgang|kundennr|kundennummer|artikel|article|item|sku|serial|seriennummer|nr\.?|no\.?|#)\s*[:#.]?\s*(?:number|nummer|nr\.?|no\.?|id)?\s*[:#.]?\s*$/i;
const PHONE_CUE =
  /(?:\btel\b\.?|telefon\w*|phone|\bcall\b|\bruf\w*|anruf\w*|hotline|mobil\w*|handy\w*|\bcell\w*|whatsapp|\bsms\b|text me|\bfax\b|erreichbar|contact|kontakt\w*)[^\n\d]{0,12}$/i;
const DATE_LIKE = /\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}:\d{2}\b/;
const THOUSANDS = /^\d{1,3}(?:[.,' ]\d{3})+$/;

function before(text: string, start: number, width = 32): string {
  return text.slice(Math.max(0, start - width), start);
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes and lengths of the major card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
function plausibleCard(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  if (d.startsWith('4')) return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (d.startsWith('6011') || d.startsWith('65') || (p4 >= 6440 && p4 <= 6499)) return n >= 16 && n <= 19;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;
  if (p2 === 36 || p2 === 38 || (p4 >= 3000 && p4 <= 3059)) return n >= 14 && n <= 19;
  if (p2 === 62) return n >= 16 && n <= 19;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19;
  return false;
}

/** Separated card numbers are written in the issuers' groupings (4-4-4-4, 4-6-5, ...), not arbitrary ones. */
function plausibleGrouping(raw: string): boolean {
  const groups = raw.split(/[ -]/);
  if (groups.length === 1) return true;
  const shape = groups.map((g) => g.length).join('-');
  return ['4-4-4-4', '4-4-4-4-3', '4-6-5', '4-6-4', '4-4-4-1', '4-4-4-2', '4-4-4-3', '4-4-4-4-1', '4-4-4-4-2'].includes(shape);
}

function emit(out: Entity[], spans: Span[], type: Entity['type'], text: string, start: number, end: number, canonical: string): void {
  out.push({ type, text: text.slice(start, end), canonical, start, end, pii: true });
  spans.push({ start, end });
}

/** Finds emails; returns them as PII entities and claims their spans. */
export function findEmails(text: string, out: Entity[], spans: Span[]): void {
  if (text.indexOf('@') < 0) return;
  EMAIL.lastIndex = 0;
  for (let m = EMAIL.exec(text); m; m = EMAIL.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (overlaps(spans, start, end)) continue;
    emit(out, spans, 'email', text, start, end, m[0].toLowerCase());
  }
}

/** Finds checksum-valid IBANs (spaced or not). */
export function findIbans(text: string, out: Entity[], spans: Span[]): void {
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m; m = IBAN.exec(text)) {
    const start = m.index;
    // The pattern may run into a following word or number group; back off group by group until it validates.
    const groups = m[0].split(' ');
    let found = false;
    for (let n = groups.length; n >= 1 && !found; n--) {
      const raw = groups.slice(0, n).join(' ');
      const compact = raw.replace(/ /g, '').toUpperCase();
      if (compact.length < 15 || compact.length > 34) continue;
      const end = start + raw.length;
      if (isValidIBAN(compact) && !overlaps(spans, start, end)) {
        emit(out, spans, 'iban', text, start, end, compact);
        IBAN.lastIndex = end;
        found = true;
      }
    }
  }
}

/** Finds Luhn-valid card numbers with a real issuer prefix, skipping anything introduced as an order/reference number. */
export function findCards(text: string, out: Entity[], spans: Span[]): void {
  CARD.lastIndex = 0;
  for (let m = CARD.exec(text); m; m = CARD.exec(text)) {
    const raw = m[0].replace(/[ -]+$/, '');
    const start = m.index;
    const end = start + raw.length;
    const digits = raw.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19) continue;
    if (!plausibleGrouping(raw) || !plausibleCard(digits) || !luhnValid(digits)) continue;
    if (REFERENCE_CUE.test(before(text, start))) continue;
    if (overlaps(spans, start, end)) continue;
    emit(out, spans, 'card', text, start, end, digits);
  }
}

/**
 * Finds phone numbers. International (+49…, 0049…) and visibly formatted numbers are accepted when
 * libphonenumber says they are valid; a bare run of digits only when it is a German number with a trunk 0
 * or the text calls it a phone number. Dates, times, thousands-grouped amounts and reference numbers are skipped.
 */
export function findPhones(text: string, out: Entity[], spans: Span[]): void {
  PHONE.lastIndex = 0;
  for (let m = PHONE.exec(text); m; m = PHONE.exec(text)) {
    const raw = m[0].replace(/[ \-/.]+$/, '');
    const start = m.index;
    const end = start + raw.length;
    let digitCount = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c >= 48 && c <= 57) digitCount++;
    }
    if (digitCount < 7 || digitCount > 15) continue;
    if (DATE_LIKE.test(raw) || THOUSANDS.test(raw)) continue;
    if (overlaps(spans, start, end)) continue;
    const prefix = before(text, start);
    const phoneCue = PHONE_CUE.test(prefix);
    if (!phoneCue && REFERENCE_CUE.test(prefix)) continue;
    const international = raw.startsWith('+') || raw.startsWith('00');
    const separated = /[ \-/.()]/.test(raw);
    const trunkZero = !international && raw.startsWith('0');
    if (!international && !separated && !trunkZero && !phoneCue) continue;
    const candidate = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
    const parsed = international || trunkZero ? parsePhoneNumberFromString(candidate, 'DE') : parsePhoneNumberFromString(candidate, 'US');
    if (!parsed || !parsed.isValid()) continue;
    emit(out, spans, 'phone', text, start, end, parsed.number);
  }
}
