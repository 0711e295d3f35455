import { describe, expect, it } from 'vitest';
import type { SentimentResult } from '../types.ts';
import { analyzeSentiment } from './analyze.ts';
import { foldToken, tokenize } from './features.ts';

function expectValid(r: SentimentResult): void {
  expect(['positive', 'neutral', 'negative']).toContain(r.label);
  expect(Number.isFinite(r.score)).toBe(true);
  expect(r.score).toBeGreaterThanOrEqual(-1);
  expect(r.score).toBeLessThanOrEqual(1);
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
}

describe('analyzeSentiment in English', () => {
  it('reads plain praise and plain complaints', () => {
    expect(analyzeSentiment('I love this phone, best purchase this year', 'en').label).toBe('positive');
    expect(analyzeSentiment('Worst customer service ever, I am so angry', 'en').label).toBe('negative');
  });

  it('flips polarity under negation', () => {
    const plain = analyzeSentiment('the update is good', 'en');
    const negated = analyzeSentiment('the update is not good', 'en');
    expect(plain.label).toBe('positive');
    expect(negated.label).toBe('negative');
    expect(negated.score).toBeLessThan(plain.score);
    expect(analyzeSentiment("the app doesn't work at all", 'en').label).toBe('negative');
  });

  it('scores intensified sentiment more strongly', () => {
    const score = (t: string, lang: string): number => analyzeSentiment(t, lang).score;
    expect(score('the food was very good', 'en')).toBeGreaterThan(score('the food was good', 'en'));
    expect(score('the food was very bad', 'en')).toBeLessThan(score('the food was bad', 'en'));
    expect(score('das Essen war sehr gut', 'de')).toBeGreaterThan(score('das Essen war gut', 'de'));
    expect(score('das Essen war sehr schlecht', 'de')).toBeLessThan(score('das Essen war schlecht', 'de'));
  });

  it('lets the clause after "but" decide', () => {
    expect(analyzeSentiment('The food was great but the service was terrible', 'en').label).toBe('negative');
    expect(analyzeSentiment('The wait was long but the staff were lovely and helpful', 'en').label).toBe('positive');
  });

  it('reads emoji and emoticons', () => {
    expect(analyzeSentiment('new phone arrived today 😍😍', 'en').label).toBe('positive');
    expect(analyzeSentiment('new phone arrived today :)', 'en').score).toBeGreaterThan(analyzeSentiment('new phone arrived today', 'en').score);
    expect(analyzeSentiment('my order is late again 😡', 'en').label).toBe('negative');
    expect(analyzeSentiment('my order is late again :(', 'en').label).toBe('negative');
  });

  it('understands elongated words', () => {
    expect(analyzeSentiment('sooo goood', 'en').label).toBe('positive');
    expect(analyzeSentiment('this is soooo baaaad', 'en').label).toBe('negative');
  });

  it('reads the words inside hashtags', () => {
    expect(analyzeSentiment('our holiday at the lake #happy #love', 'en').label).toBe('positive');
    expect(analyzeSentiment('3 hours on hold #fail #disappointed', 'en').label).toBe('negative');
  });

  it('turns praise marked as sarcasm into a complaint', () => {
    expect(analyzeSentiment('Great, another delay. Thanks a lot #sarcasm', 'en').label).toBe('negative');
  });

  it('calls factual announcements neutral', () => {
    expect(analyzeSentiment('The store opens at 9am on Monday', 'en').label).toBe('neutral');
  });
});

describe('analyzeSentiment in German', () => {
  it('flips polarity under nicht and kein', () => {
    expect(analyzeSentiment('Das ist nicht gut', 'de').label).toBe('negative');
    expect(analyzeSentiment('kein guter Service', 'de').label).toBe('negative');
    expect(analyzeSentiment('Das gefällt mir nicht', 'de').label).toBe('negative');
  });

  it('reads praise and anger', () => {
    expect(analyzeSentiment('Vielen Dank, super schnelle Lieferung, bin total begeistert!', 'de').label).toBe('positive');
    expect(analyzeSentiment('Was für eine Frechheit, der Kundenservice ist eine Katastrophe', 'de').label).toBe('negative');
  });

  it('lets the clause after "aber" decide', () => {
    expect(analyzeSentiment('Das Essen war super, aber der Service war eine Katastrophe', 'de').label).toBe('negative');
  });

  it('treats umlauts and their ae/oe/ue spellings alike', () => {
    expect(analyzeSentiment('Ich bin so glücklich und zufrieden', 'de')).toEqual(analyzeSentiment('Ich bin so gluecklich und zufrieden', 'de'));
    expect(foldToken('Größe')).toBe('groesse');
    expect(foldToken('Straße')).toBe(foldToken('Strasse'));
  });

  it('recognises sentiment inside compounds through character n-grams', () => {
    expect(analyzeSentiment('Totaler Servicemist, Riesenenttäuschung', 'de').label).toBe('negative');
  });

  it('reads a mixed German and English post', () => {
    expect(analyzeSentiment('Das neue Update ist einfach nice, love it 😍', 'de').label).toBe('positive');
  });
});

describe('analyzeSentiment in other languages', () => {
  it('handles the other trained languages', () => {
    expect(analyzeSentiment("C'est vraiment nul, je suis très déçu", 'fr').label).toBe('negative');
    expect(analyzeSentiment('¡Muchas gracias, me encanta!', 'es').label).toBe('positive');
  });

  it('gives a lower confidence for languages it was not trained on', () => {
    const trained = analyzeSentiment('I love it 😍', 'en');
    const other = analyzeSentiment('Jeg elsker det 😍', 'da');
    expect(other.confidence).toBeLessThan(trained.confidence);
    expect(other.label).toBe('positive');
  });

  it('accepts region tags and unknown tags', () => {
    expectValid(analyzeSentiment('love it', 'en-GB'));
    expectValid(analyzeSentiment('love it', 'und'));
    expectValid(analyzeSentiment('love it', ''));
  });
});

describe('analyzeSentiment on hostile input', () => {
  it('returns neutral for empty or symbol-only text', () => {
    expect(analyzeSentiment('', 'en')).toMatchObject({ label: 'neutral', score: 0 });
    expect(analyzeSentiment('   \n\t ', 'de')).toMatchObject({ label: 'neutral', score: 0 });
  });

  it('never throws and always returns a valid result', () => {
    const hostile = [
      '\uD800',
      'good \uDFFF bad \uD83D',
      '\u0000\u0001\u0007\u001b[2J',
      'great '.repeat(20_000),
      'a'.repeat(100_000),
      '😀'.repeat(30_000),
      '\u202E\u200B\uFEFF',
      ':):(:D:P<3</3',
      '#'.repeat(1000) + '@'.repeat(1000),
    ];
    for (const text of hostile) expectValid(analyzeSentiment(text, 'en'));
    expect(analyzeSentiment('great '.repeat(20_000), 'en').label).toBe('positive');
  });

  it('tolerates values that are not strings at run time', () => {
    const notAString: unknown = null;
    expectValid(analyzeSentiment(String(notAString ?? ''), String(undefined)));
  });
});

describe('tokenize', () => {
  it('turns URLs, handles, emoticons and punctuation runs into tokens', () => {
    const tokens = tokenize('@bob look https://x.y/z :) soooo cool!!! #WIN').map((t) => t.text);
    expect(tokens).toEqual(['<user>', 'look', '<url>', '<emo+>', 'soo', 'cool', '!!', 'win']);
  });

  it('marks elongated and all-caps words', () => {
    const [a, b] = tokenize('GREAT sooooo');
    expect(a?.caps).toBe(true);
    expect(b?.elongated).toBe(true);
  });
});
