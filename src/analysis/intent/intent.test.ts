import { describe, expect, it } from 'vitest';
import { INTENTS } from '../types.ts';
import { classifyIntent } from './classify.ts';
import { CUES, matchCues } from './cues.ts';
import { FeatureExtractor } from './features.ts';
import { classifyByCues } from './rules.ts';

const intentOf = (text: string, lang = 'en') => classifyIntent(text, lang).intent;

describe('classifyIntent', () => {
  it('treats a German cancellation threat as churn_threat', () => {
    expect(intentOf('Kündigt sofort meinen Vertrag, sonst wechsle ich zur Konkurrenz! @Telvio', 'de')).toBe('churn_threat');
  });

  it('treats "cancel my contract or I switch" as churn_threat, not a complaint', () => {
    expect(intentOf('cancel my contract now or I switch to Vodafone')).toBe('churn_threat');
    expect(intentOf('I want to cancel my subscription, switching to Netflix')).toBe('churn_threat');
  });

  it('a question about price is purchase intent, not a complaint', () => {
    expect(intentOf('how much is the iPhone 16 on your unlimited plan?')).toBe('purchase_intent');
    expect(intentOf('Was kostet der Glasfaser-Tarif bei euch?', 'de')).toBe('purchase_intent');
    expect(intentOf('wo kann ich das neue Modell kaufen?', 'de')).toBe('purchase_intent');
  });

  it('a rhetorical "why" about a bill is a complaint, not a question', () => {
    expect(intentOf('why is my bill so high??')).toBe('complaint');
    expect(intentOf('Warum ist meine Rechnung so hoch??', 'de')).toBe('complaint');
  });

  it('an information request is a question in both languages', () => {
    expect(intentOf('do you ship to Austria?')).toBe('question');
    expect(intentOf('Liefert ihr auch nach Österreich?', 'de')).toBe('question');
    expect(intentOf('Wie kann ich meine Adresse ändern?', 'de')).toBe('question');
  });

  it('recognises feature requests phrased as wishes', () => {
    expect(intentOf('please add dark mode to the app')).toBe('feature_request');
    expect(intentOf('Wäre toll, wenn ihr einen Dark Mode einbauen würdet', 'de')).toBe('feature_request');
  });

  it('reads sarcastic praise about an outage as a complaint', () => {
    expect(intentOf('great job @Telvio, third outage this week 👏👏')).toBe('complaint');
  });

  it('reads shouting about a multi-day outage as a complaint', () => {
    expect(intentOf('WORST SERVICE EVER. NO INTERNET FOR 5 DAYS')).toBe('complaint');
    expect(intentOf('Mein Paket ist seit 2 Wochen nicht da und keiner antwortet', 'de')).toBe('complaint');
  });

  it('catches promo and crypto spam with links', () => {
    expect(intentOf('DM for promo 📩 cheap followers')).toBe('spam');
    expect(intentOf('🚀 $MOON 100x airdrop, claim now https://free-tokens.xyz')).toBe('spam');
  });

  it('recognises praise and small talk', () => {
    expect(intentOf('Thank you @SkyLark, the crew was amazing ❤️')).toBe('praise');
    expect(intentOf('Danke an das Team, super schnell geholfen!', 'de')).toBe('praise');
    expect(intentOf('good morning everyone ☀️')).toBe('other');
  });

  it('handles a language outside en/de through shared cues and character n-grams', () => {
    expect(intentOf('mi pedido llegó frío y tarde', 'es')).toBe('complaint');
  });

  it('returns a probability for every class, summing to 1', () => {
    const r = classifyIntent('@ShopHive where is my refund??', 'en');
    expect(Object.keys(r.scores).sort()).toEqual([...INTENTS].sort());
    const sum = Object.values(r.scores).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 6);
    expect(Math.max(...Object.values(r.scores))).toBe(r.scores[r.intent]);
  });

  it('returns independent score objects across calls', () => {
    const a = classifyIntent('please add dark mode', 'en');
    const b = classifyIntent('DM for promo', 'en');
    expect(a.scores).not.toBe(b.scores);
    expect(a.intent).toBe('feature_request');
  });

  it('classifies empty and whitespace-only text as other with certainty', () => {
    for (const t of ['', '   \n\t']) {
      const r = classifyIntent(t, 'en');
      expect(r.intent).toBe('other');
      expect(r.scores.other).toBe(1);
    }
  });

  it('never throws on hostile input and always returns finite scores', () => {
    const inputs = [
      '\u0000\u0001\u0002\u001b[31m\u007f',
      '\ud800 lone high \udc00 lone low \ud83d',
      'a'.repeat(100_000),
      'why '.repeat(25_000) + '??',
      '😡'.repeat(30_000),
      '@'.repeat(1000) + '#'.repeat(1000) + 'http://'.repeat(200),
      'İSTANBUL ǅ ß ẞ ﬃ \u0301\u0301',
      '\u202e\u200d\ufeff',
    ];
    for (const t of inputs) {
      const r = classifyIntent(t, 'xx');
      expect(INTENTS).toContain(r.intent);
      const sum = Object.values(r.scores).reduce((a, b) => a + b, 0);
      expect(Number.isFinite(sum)).toBe(true);
      expect(sum).toBeCloseTo(1, 6);
    }
    // @ts-expect-error: untyped callers may pass anything
    expect(classifyIntent(null, 'en').intent).toBe('other');
  });
});

describe('intent features and cues', () => {
  it('treats umlauts and their ae/oe/ue spellings alike', () => {
    const fx = new FeatureExtractor(16);
    const a = Array.from(fx.idx.subarray(0, fx.extract('Kündigung'))).sort();
    const b = Array.from(fx.idx.subarray(0, fx.extract('kuendigung'))).sort();
    expect(a).toEqual(b);
  });

  it('keeps the feature count bounded on very long input', () => {
    const fx = new FeatureExtractor(16);
    expect(fx.extract('word '.repeat(50_000))).toBeLessThanOrEqual(fx.idx.length);
  });

  it('matches German cues written with or without umlauts', () => {
    const hits = new Uint8Array(CUES.length);
    const churn = CUES.findIndex((c) => c.name === 'churn');
    matchCues('ich kuendige morgen', hits);
    expect(hits[churn]).toBe(1);
    matchCues('ich kündige morgen', hits);
    expect(hits[churn]).toBe(1);
  });

  it('the cue-only baseline follows its precedence: spam before churn before complaint', () => {
    expect(classifyByCues('giveaway! cancel your plan and win, link in bio')).toBe('spam');
    expect(classifyByCues('still not working, I am switching to another provider')).toBe('churn_threat');
    expect(classifyByCues('')).toBe('other');
  });
});
