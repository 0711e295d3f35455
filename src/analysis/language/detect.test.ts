import { describe, expect, it } from 'vitest';
import { cleanForLanguage } from './clean.ts';
import { detectLanguage, normaliseLanguageTag, UNDETERMINED } from './detect.ts';

function expectValid(r: ReturnType<typeof detectLanguage>): void {
  expect(typeof r.lang).toBe('string');
  expect(r.lang.length).toBeGreaterThanOrEqual(2);
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  expect(['platform', 'detected', 'default']).toContain(r.source);
}

describe('detectLanguage', () => {
  it.each([
    ['en', 'Thanks for the quick reply, my order arrived this morning'],
    ['de', 'Mein Paket ist immer noch nicht angekommen, was ist da los?'],
    ['fr', "Je n'arrive pas à me connecter à mon compte depuis hier"],
    ['es', 'No puedo acceder a mi cuenta desde ayer, ¿qué pasa?'],
    ['it', 'Il mio ordine non è ancora arrivato, potete aiutarmi?'],
    ['nl', 'Mijn pakket is nog steeds niet bezorgd, wat is er aan de hand?'],
    ['pt', 'Meu pedido ainda não chegou, vocês podem me ajudar?'],
  ])('recognises a short %s post', (lang, text) => {
    const r = detectLanguage({ text });
    expect(r.lang).toBe(lang);
    expect(r.source).toBe('detected');
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('ignores URLs, handles, hashtag marks and emoji when detecting', () => {
    const r = detectLanguage({ text: '@DeutscheBahn 😡😡 #Verspätung schon wieder über eine Stunde https://t.co/xyz123 #bahn' });
    expect(r.lang).toBe('de');
  });

  it('recognises German with umlauts spelled as ae/oe/ue', () => {
    expect(detectLanguage({ text: 'Die Lieferung war puenktlich, vielen Dank fuer den schoenen Service' }).lang).toBe('de');
  });

  it('keeps the platform tag when detection agrees', () => {
    const r = detectLanguage({ text: 'Das Essen war wirklich sehr gut heute Abend', lang: 'de-DE' });
    expect(r).toMatchObject({ lang: 'de', source: 'platform' });
    expect(r.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps the platform tag when the text is too short to judge', () => {
    expect(detectLanguage({ text: 'ok 👍', lang: 'nl' })).toMatchObject({ lang: 'nl', source: 'platform' });
    expect(detectLanguage({ text: '😂😂😂', lang: 'pt' })).toMatchObject({ lang: 'pt', source: 'platform' });
  });

  it('overrides an implausible platform tag on a long enough text', () => {
    const r = detectLanguage({ text: 'I have been waiting for three weeks and nobody answers my emails', lang: 'de' });
    expect(r).toMatchObject({ lang: 'en', source: 'detected' });
  });

  it('picks the dominant language of a mixed-language post', () => {
    expect(detectLanguage({ text: 'Heute war ein richtig schöner Tag mit der Familie am See, love it' }).lang).toBe('de');
  });

  it('ignores unusable platform tags', () => {
    expect(normaliseLanguageTag('und')).toBeUndefined();
    expect(normaliseLanguageTag('')).toBeUndefined();
    expect(normaliseLanguageTag('pt_BR')).toBe('pt');
    expect(detectLanguage({ text: 'Merci beaucoup pour votre aide rapide', lang: 'zzz' }).lang).toBe('fr');
  });

  it('returns undetermined with zero confidence for text without letters', () => {
    expect(detectLanguage({ text: '' })).toEqual({ lang: UNDETERMINED, confidence: 0, source: 'default' });
    expect(detectLanguage({ text: '🎉🎉 https://t.co/abc @someone 12345' })).toEqual({ lang: UNDETERMINED, confidence: 0, source: 'default' });
  });

  it('gives lower confidence to a single word than to a sentence', () => {
    const word = detectLanguage({ text: 'danke' });
    const sentence = detectLanguage({ text: 'Vielen Dank für die schnelle Hilfe, alles funktioniert wieder' });
    expect(word.confidence).toBeLessThan(sentence.confidence);
  });

  it('never throws on hostile input and always returns a valid result', () => {
    const hostile = [
      '\uD800',
      'abc\uDFFFdef\uD83D',
      '\u0000\u0001\u0002\u001b[31mred\u001b[0m',
      'x'.repeat(100_000),
      'Das ist ein Test. '.repeat(6000),
      '\u202E\u200B\uFEFF',
      '#'.repeat(500),
    ];
    for (const text of hostile) expectValid(detectLanguage({ text }));
    expect(detectLanguage({ text: 'Das ist ein Test. '.repeat(6000) }).lang).toBe('de');
  });
});

describe('cleanForLanguage', () => {
  it('removes URLs, mentions, hashtag marks, emoji and digits', () => {
    expect(cleanForLanguage('RT @user: Hallo #Welt 🌍 https://x.y/z 2024 www.example.com')).toBe('Hallo Welt');
  });
});
