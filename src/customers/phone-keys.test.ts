import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { phoneDigits, phoneKeys, phoneParts, phoneQueryKeys } from './phone-keys.ts';

/** True when the exact phone filter `query` finds a contact holding `stored`: the keys overlap. */
const matches = (query: string, stored: string) => phoneQueryKeys(query).some((key) => phoneKeys(stored).includes(key));

describe('phone keys', () => {
  const writings = ['+49 151 1234567', '0151-1234567', '01511234567', '0049 151 1234567', '+49 (0)151 1234567', '+491511234567', '(0151) 123 45 67'];

  it('finds one number however it is written, stored or asked', () => {
    for (const query of writings) for (const stored of writings) expect(matches(query, stored), `${query} → ${stored}`).toBe(true);
  });

  it('does not find the same national number of another country, a longer or a shorter number', () => {
    expect(matches('+43 151 1234567', '+49 151 1234567')).toBe(false);
    expect(matches('+49 151 1234567', '+43 151 1234567')).toBe(false);
    expect(matches('1234567', '+49 151 1234567')).toBe(false);
    expect(matches('0151 12345678', '0151 1234567')).toBe(false);
    expect(matches('0511 234567', '+49 151 1234567')).toBe(false);
  });

  it('a number written without a country code matches it in any country (the country is unknown)', () => {
    expect(matches('0151 1234567', '+43 151 1234567')).toBe(true);
    expect(matches('+43 151 1234567', '0151 1234567')).toBe(true);
  });

  it('reads one-, two- and three-digit calling codes, checked against every code libphonenumber knows', () => {
    expect(phoneParts('+1 (555) 123-4567')).toEqual({ callingCode: '1', national: '5551234567' });
    expect(phoneParts('+39 06 1234567')).toEqual({ callingCode: '39', national: '61234567' });
    expect(phoneParts('+353 1 234 5678')).toEqual({ callingCode: '353', national: '12345678' });
    expect(matches('06 1234567', '+39 06 1234567')).toBe(true);
    const codes = new Set(getCountries().map((country) => getCountryCallingCode(country)));
    for (const code of codes) expect(phoneParts(`+${code} 30 1234567`)?.callingCode, code).toBe(code);
  });

  it('leaves out what has no digits, and compares digits as the q search does', () => {
    expect(phoneKeys('--')).toEqual([]);
    expect(phoneQueryKeys('+00')).toEqual([]);
    expect(phoneDigits('030 / 123-45')).toBe('3012345');
  });
});
