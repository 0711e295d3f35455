import { describe, expect, it } from 'vitest';
import { compileTopicMatcher } from './topics.ts';

const matcher = compileTopicMatcher([
  { name: 'delivery', keywords: ['delivery', 'Lieferung', 'livraison'] },
  { name: 'delay', keywords: ['Verzögerung', 'delay'] },
  { name: 'billing', keywords: ['Rechnung', 'invoice', 'double charged'] },
  { name: 'cancellation', keywords: ['Kündigung', 'cancel'] },
  { name: 'service', keywords: ['customer service', 'Kundenservice'] },
  { name: 'street', keywords: ['Straße'] },
]);

describe('matchTopics', () => {
  it('matches English inflections of a keyword', () => {
    for (const text of ['My deliveries never arrive', 'It was delivered late', 'no delivery today']) expect(matcher.matchTopics(text, 'en')).toEqual(['delivery']);
  });

  it('matches German inflections and participles', () => {
    for (const text of ['Wurde nicht geliefert!', 'Die Lieferungen kommen nie an', 'Lieferung fehlt']) expect(matcher.matchTopics(text, 'de')).toEqual(['delivery']);
    expect(matcher.matchTopics('Ich habe gekündigt', 'de')).toEqual(['cancellation']);
  });

  it('matches a German compound against its parts', () => {
    expect(matcher.matchTopics('Schon wieder eine Lieferverzögerung', 'de')).toEqual(['delivery', 'delay']);
    expect(matcher.matchTopics('Die Rechnungsadresse ist falsch', 'de')).toEqual(['billing']);
  });

  it('normalises umlauts, their transliterations and ß', () => {
    expect(matcher.matchTopics('Verzoegerung bei der LIEFERUNG', 'de')).toEqual(['delivery', 'delay']);
    expect(matcher.matchTopics('die Strasse ist gesperrt', 'de')).toEqual(['street']);
    expect(matcher.matchTopics('KÜNDIGUNG sofort', 'de')).toEqual(['cancellation']);
  });

  it('matches multi-word phrases across inflection and hyphens', () => {
    expect(matcher.matchTopics('I was double-charged and customer services ignore me', 'en')).toEqual(['billing', 'service']);
    expect(matcher.matchTopics('customer is always right, service is not', 'en')).toEqual([]);
  });

  it('matches keywords inside camelCase hashtags', () => {
    expect(matcher.matchTopics('#DeliveryFail again', 'en')).toEqual(['delivery']);
  });

  it('matches other languages by their own stemmer', () => {
    expect(matcher.matchTopics('Les livraisons sont en retard', 'fr')).toEqual(['delivery']);
  });

  it('does not match unrelated words sharing a short prefix', () => {
    expect(matcher.matchTopics('I deliberately canceled nothing', 'en')).toEqual(['cancellation']);
    expect(matcher.matchTopics('The weather is nice', 'en')).toEqual([]);
  });

  it('never throws on hostile input', () => {
    const texts = ['', 'x'.repeat(100_000), 'Lieferverzögerung'.repeat(5000), '\uD800 lone \uDC00 Lieferung', '\u0000\u001b[0m delivery'];
    for (const text of texts) expect(Array.isArray(matcher.matchTopics(text, 'de'))).toBe(true);
    expect(compileTopicMatcher([]).matchTopics('delivery', 'en')).toEqual([]);
    expect(matcher.matchTopics('delivery', 'xx')).toEqual(['delivery']);
  });
});
