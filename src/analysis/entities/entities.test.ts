import { describe, expect, it } from 'vitest';
import type { Entity, WorkspaceAnalysisConfig } from '../types.ts';
import { compileEntityMatcher, redactPii } from './entities.ts';
import { luhnValid } from './pii.ts';

const config: WorkspaceAnalysisConfig = {
  brands: [{ name: 'Telekom', aliases: ['Deutsche Telekom', 'DT'] }],
  products: [{ name: 'MagentaTV' }, { name: 'Magenta Eins' }],
  competitors: [{ name: 'Vodafone' }, { name: 'O2', aliases: ['Telefónica'] }, { name: '1&1' }],
  topics: [],
};
const matcher = compileEntityMatcher(config);
const of = (text: string, type?: Entity['type']): Entity[] => matcher.extractEntities(text).filter((e) => type === undefined || e.type === type);
const canonicals = (text: string): string[] => of(text).filter((e) => e.canonical !== undefined && ['brand', 'product', 'competitor'].includes(e.type)).map((e) => `${e.type}:${e.canonical}`);

describe('dictionary mentions', () => {
  it('finds a brand case- and diacritics-insensitively with offsets', () => {
    const text = 'Why is TELEKOM so slow, and telefonica too?';
    const [brand] = of(text, 'brand');
    expect(brand).toMatchObject({ text: 'TELEKOM', canonical: 'Telekom', start: 7, end: 14 });
    expect(canonicals(text)).toContain('competitor:O2');
  });

  it('finds misspelled brand names', () => {
    expect(canonicals('my Telecomm router died')).toEqual(['brand:Telekom']);
    expect(canonicals('Deutsche Telkom is the worst')).toEqual(['brand:Telekom']);
    expect(canonicals('switching to Vodaphone tomorrow')).toEqual(['competitor:Vodafone']);
  });

  it('matches multi-word names as one mention', () => {
    const found = of('Deutsche Telekom and Magenta Eins', 'brand').concat(of('Deutsche Telekom and Magenta Eins', 'product'));
    expect(found.map((e) => e.text)).toEqual(['Deutsche Telekom', 'Magenta Eins']);
  });

  it('finds a misspelled competitor in a hashtag', () => {
    expect(canonicals('so done with this #VodaphoneFail')).toEqual(['competitor:Vodafone']);
  });

  it('finds brands inside hashtags and handles', () => {
    expect(canonicals('#TelekomFail again')).toEqual(['brand:Telekom']);
    expect(canonicals('#telekomfail again')).toEqual(['brand:Telekom']);
    expect(canonicals('@telekom_hilft help!')).toEqual(['brand:Telekom']);
    expect(canonicals('#MagentaTV is down')).toEqual(['product:MagentaTV']);
  });

  it('matches short all-caps aliases only in capitals', () => {
    expect(canonicals('DT support is slow')).toEqual(['brand:Telekom']);
    expect(canonicals('dt is an abbreviation')).toEqual([]);
  });

  it('does not fuzzy-match ordinary words to brand names', () => {
    expect(canonicals('I was telling my friend about the weather')).toEqual([]);
    expect(canonicals('the vocabulary of our time')).toEqual([]);
  });
});

describe('social entities', () => {
  it('extracts mentions, hashtags, URLs and cashtags', () => {
    const text = 'Hey @ana_b, read https://example.com/a?b=1. #Support $TSLA is up, paid $100 (see www.test.de).';
    const types = of(text).map((e) => `${e.type}:${e.text}`);
    expect(types).toEqual(['mention:@ana_b', 'url:https://example.com/a?b=1', 'hashtag:#Support', 'cashtag:$TSLA', 'url:www.test.de']);
  });

  it('does not read a hashtag inside a URL or a mention inside an email', () => {
    const types = of('see https://x.com/page#section or mail me at ana@example.com').map((e) => e.type);
    expect(types).toEqual(['url', 'email']);
  });

  it('ignores number-only hashtags and C#', () => {
    expect(of('issue #1 in C# code', 'hashtag')).toEqual([]);
  });
});

describe('PII', () => {
  it('flags emails, international and national phone numbers as PII', () => {
    const text = 'Mail ana.b@example.com or call +49 171 1234567, 030 12345678 or (212) 555-0123';
    const pii = of(text).filter((e) => e.pii === true);
    expect(pii.map((e) => `${e.type}:${e.canonical}`)).toEqual(['email:ana.b@example.com', 'phone:+491711234567', 'phone:+493012345678', 'phone:+12125550123']);
  });

  it('finds a checksum-valid IBAN and ignores an invalid one', () => {
    expect(of('IBAN: DE89 3704 0044 0532 0130 00 danke', 'iban').map((e) => e.canonical)).toEqual(['DE89370400440532013000']);
    expect(of('IBAN: DE89 3704 0044 0532 0130 01', 'iban')).toEqual([]);
  });

  it('finds a Luhn-valid card number', () => {
    expect(of('my card 4111 1111 1111 1111 was charged twice', 'card').map((e) => e.canonical)).toEqual(['4111111111111111']);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('does not flag an order number as a credit card', () => {
    expect(of('Order 4111111111111111 never arrived', 'card')).toEqual([]);
    expect(of('Bestellnummer: 4111111111111111', 'card')).toEqual([]);
    expect(of('tracking 1234567890123456', 'card')).toEqual([]);
  });

  it('does not flag order numbers, dates or amounts as phone numbers', () => {
    expect(of('Order 4155552671 is late', 'phone')).toEqual([]);
    expect(of('Bestellnummer 01711234567', 'phone')).toEqual([]);
    expect(of('Am 12.05.2024 14:30 und am 2024-05-12 passiert', 'phone')).toEqual([]);
    expect(of('Das kostet 1.234.567 Euro', 'phone')).toEqual([]);
    expect(of('Rechnung 20240512', 'phone')).toEqual([]);
  });

  it('accepts a bare number the text calls a phone number', () => {
    expect(of('phone: 4155552671', 'phone').map((e) => e.canonical)).toEqual(['+14155552671']);
  });

  it('redacts PII and keeps the rest', () => {
    const text = 'Call +49 171 1234567 or mail ana@example.com about #TelekomFail';
    expect(redactPii(text, matcher.extractEntities(text))).toBe('Call [phone] or mail [email] about #TelekomFail');
  });

  it('redacts by text when offsets are missing or stale', () => {
    expect(redactPii('write to a@b.de and a@b.de', [{ type: 'email', text: 'a@b.de', pii: true, start: 99, end: 3 }])).toBe('write to [email] and [email]');
  });
});

describe('hostile input', () => {
  const texts = [
    '',
    'x'.repeat(100_000),
    'Telekom '.repeat(12_500),
    '\uD800\uDC00\uD800 lone \uDC00 surrogates Telekom \uD83D',
    '\u0000\u0001\u0007\u001b[31m control \u200b\u202e Telekom',
    '1 '.repeat(50_000),
    '@a '.repeat(30_000) + '#b '.repeat(3_000),
    'DE89 '.repeat(20_000),
    'a@'.repeat(50_000),
  ];
  it('never throws and returns entities within the text', () => {
    for (const text of texts) {
      const entities = matcher.extractEntities(text);
      const outside = entities.filter((e) => (e.start ?? -1) < 0 || (e.end ?? Infinity) > text.length || text.slice(e.start, e.end) !== e.text);
      expect(outside).toEqual([]);
      expect(typeof redactPii(text, entities)).toBe('string');
    }
  });

  it('compiles an empty or malformed dictionary', () => {
    const empty = compileEntityMatcher({ brands: [], products: [], competitors: [], topics: [] });
    expect(empty.extractEntities('Telekom #x')).toEqual([{ type: 'hashtag', text: '#x', canonical: 'x', start: 8, end: 10 }]);
    const odd = compileEntityMatcher({ brands: [{ name: '' }, { name: '!!!', aliases: [''] }], products: [], competitors: [], topics: [] });
    expect(odd.extractEntities('!!! hello')).toEqual([]);
  });
});
