import { describe, expect, it } from 'vitest';
import { detectUrgency } from './urgency.ts';

describe('detectUrgency', () => {
  it('flags a router that caught fire as high urgency with a safety cue', () => {
    const r = detectUrgency('@TelvioCare my router caught fire last night, smoke everywhere', 'en');
    expect(r.level).toBe('high');
    expect(r.cues.some((c) => c.startsWith('safety:'))).toBe(true);
  });

  it('flags a German cable fire and an injury as high', () => {
    expect(detectUrgency('Kabelbrand im Ladegerät, mein Sohn hat sich verletzt!!', 'de').level).toBe('high');
    expect(detectUrgency('Es riecht nach Gas seit der Montage @Stadtwerke', 'de').level).toBe('high');
  });

  it('reads "Brand" as fire in German but not as a company in English', () => {
    expect(detectUrgency('Es gab einen Brand in der Küche wegen eurem Wasserkocher', 'de').level).toBe('high');
    expect(detectUrgency('love this brand so much', 'en').level).toBe('none');
  });

  it('treats lawyers, lawsuits and consumer bodies as legal threats in both languages', () => {
    expect(detectUrgency('one more week and my lawyer will hear about this', 'en').cues).toContain('legal:lawyer');
    expect(detectUrgency("I'll sue you if the refund doesn't come", 'en').level).toBe('high');
    expect(detectUrgency('Ich gehe jetzt zur Verbraucherzentrale und zum Anwalt', 'de').level).toBe('high');
    expect(detectUrgency('Wir sehen uns vor Gericht, Klage ist raus', 'de').level).toBe('high');
  });

  it('does not read a German dish ("Gericht") as a court', () => {
    expect(detectUrgency('Das Gericht war lecker, danke @munchr_de', 'de').level).toBe('none');
  });

  it('marks outages as low urgency in English and German', () => {
    expect(detectUrgency('internet is down again in Leeds', 'en')).toEqual({ level: 'low', cues: ['outage:is down'] });
    expect(detectUrgency('Störung in ganz Köln? Seit 8 Uhr kein Internet', 'de').level).toBe('low');
    expect(detectUrgency('App geht schon wieder nicht', 'de').cues[0]).toMatch(/^outage:/);
  });

  it('marks account cancellation as low urgency', () => {
    expect(detectUrgency('please cancel my account today', 'en').cues).toContain('cancellation:cancel my account');
    expect(detectUrgency('Ich will mein Konto kündigen, sofort', 'de').level).toBe('low');
  });

  it('leaves ordinary posts and slang without cues', () => {
    expect(detectUrgency('thanks for the quick help, calm down everyone it works', 'en')).toEqual({ level: 'none', cues: [] });
    expect(detectUrgency('this new drop is fire 🔥', 'en').level).toBe('none');
    expect(detectUrgency('Guten Morgen zusammen', 'de').level).toBe('none');
  });

  it('combines several cues in one post', () => {
    const r = detectUrgency('Strom ist ausgefallen, es qualmt aus dem Zähler, dringend!', 'de');
    expect(r.level).toBe('high');
    expect(r.cues.map((c) => c.split(':')[0])).toEqual(['safety', 'outage', 'urgent']);
  });

  it('never throws on hostile input', () => {
    const big = 'a'.repeat(100_000) + ' caught fire';
    const inputs = ['', ' ', '\u0000\u0001\u001f\u007f', '\ud800\ud800 fire \udfff', big, '🔥'.repeat(5000), 'x\u202e\u200d'];
    for (const t of inputs) {
      const r = detectUrgency(t, 'en');
      expect(['none', 'low', 'high']).toContain(r.level);
    }
    expect(detectUrgency('', 'de')).toEqual({ level: 'none', cues: [] });
    // @ts-expect-error: untyped callers may pass anything
    expect(detectUrgency(undefined, 'en').level).toBe('none');
  });
});
