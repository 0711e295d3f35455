import { eld } from 'eld/small';
import { describe, expect, it } from 'vitest';
import { cleanForLanguage } from './clean.ts';
import { LANGUAGE_CODES, LANGUAGE_COUNT, rawScores, scaledScore } from './ngrams.ts';

/** Our packed scores in ELD's shape: language code → 0..1 score, for every language that scored. */
function packedScores(text: string): Record<string, number> {
  const raw = new Float64Array(LANGUAGE_COUNT);
  const count = rawScores(text, raw);
  const out: Record<string, number> = {};
  raw.forEach((value, i) => {
    const code = LANGUAGE_CODES[i];
    if (value > 0 && code !== undefined) out[code] = scaledScore(value, count);
  });
  return out;
}

/** Deterministic pseudo-random texts mixing scripts, emoji, apostrophes, very long and very short words. */
function randomTexts(count: number): string[] {
  const pieces = ['the', 'und', 'über', 'Straße', 'ça', 'niño', 'perché', 'não', 'één', "don't", 'l’eau', 'Привет', 'مرحبا', 'नमस्ते', '日本語', '😀', '#tag', '@user', 'a', 'xy', 'Lieferverzögerungsbenachrichtigung', 'x'.repeat(90), '\uD800', '\t', '123', '—', 'ÆØÅ'];
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + (next() % 30) }, () => pieces[next() % pieces.length]).join(next() % 3 === 0 ? '' : ' '));
}

describe('packed ELD n-gram scores', () => {
  const texts = [
    'Thanks for the quick reply, my order arrived this morning',
    'Mein Paket ist immer noch nicht angekommen, was ist da los?',
    "Je n'arrive pas à me connecter à mon compte depuis hier",
    'Meu pedido ainda não chegou, vocês podem me ajudar?',
    'Lieferverzögerung bei der Bestellung, Kundenservice unerreichbar',
    'مرحبا بكم في خدمة العملاء',
    'Привет, как дела?',
    '',
    '!!!',
    'a',
    'ok',
    'abc',
    'x'.repeat(2000),
    ...randomTexts(500),
  ];

  it('equal ELD small exactly, language by language', () => {
    for (const text of texts) {
      const cleaned = cleanForLanguage(text);
      expect(packedScores(cleaned), text).toEqual(eld.detect(cleaned).getScores());
      expect(packedScores(text), text).toEqual(eld.detect(text).getScores());
    }
  });

  it('knows the 60 languages of the small database', () => {
    expect(LANGUAGE_COUNT).toBe(60);
    for (const code of ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt']) expect(LANGUAGE_CODES).toContain(code);
  });
});
