/**
 * How contacts' phone numbers are compared, whatever way they are written (`+49 151 1234567`,
 * `0151-1234567`, `01511234567`, `0049 (0)151 1234567`). Pure; the contact search (`q`) and the exact
 * `phone` filter use it, and migration 0010 mirrors `phoneKeys` in SQL (`townhall_phone_keys`) for
 * its index: change one, change the other (a test compares both on every store).
 */

/** Digits only, without leading zeros (trunk prefix, `00` of an international prefix). */
export function phoneDigits(text: string): string {
  return text.replace(/[^0-9]/g, '').replace(/^0+/, '');
}

/** Text that reads as a phone number rather than a name: phone punctuation only. */
export function looksLikePhone(text: string): boolean {
  return /^[+0-9 ()./-]+$/.test(text.trim());
}

/**
 * The two-digit ITU country calling codes. Calling codes are prefix-free: 1 and 7 are the one-digit
 * codes, these the two-digit ones, every other code has three digits.
 */
export const TWO_DIGIT_CALLING_CODES: readonly string[] = [
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53', '54',
  '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
];
const TWO_DIGIT = new Set(TWO_DIGIT_CALLING_CODES);

function callingCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  return TWO_DIGIT.has(digits.slice(0, 2)) ? 2 : 3;
}

export interface PhoneParts {
  /** The country calling code, when the number was written internationally (`+` or `00`); else null. */
  callingCode: string | null;
  /** The national number without leading zeros (so `+49 (0)151…` and `0151…` agree). */
  national: string;
}

/** A written phone number split into calling code and national number; null when it has no digits left. */
export function phoneParts(written: string): PhoneParts | null {
  const digits = phoneDigits(written);
  const international = /^[\s(]*\+/.test(written) || written.replace(/[^0-9]/g, '').startsWith('00');
  if (!international) return digits === '' ? null : { callingCode: null, national: digits };
  const length = callingCodeLength(digits);
  const national = digits.slice(length).replace(/^0+/, '');
  return national === '' ? null : { callingCode: digits.slice(0, length), national };
}

/**
 * The index keys of a stored number: `n:<national>` for every number, plus `e:<code><national>` for
 * one written internationally or `l:<national>` for one written without a country code.
 */
export function phoneKeys(written: string): string[] {
  const parts = phoneParts(written);
  if (!parts) return [];
  return parts.callingCode === null ? [`n:${parts.national}`, `l:${parts.national}`] : [`n:${parts.national}`, `e:${parts.callingCode}${parts.national}`];
}

/**
 * The keys a stored number must share with `written` to be the same number. Written without a
 * country code: any stored number with that national number (`n:`), the country being unknown.
 * Written with one: a stored number with the same code and national number (`e:`), or one stored
 * without a country code and the same national number (`l:`); never one of another country.
 */
export function phoneQueryKeys(written: string): string[] {
  const parts = phoneParts(written);
  if (!parts) return [];
  return parts.callingCode === null ? [`n:${parts.national}`] : [`e:${parts.callingCode}${parts.national}`, `l:${parts.national}`];
}
