import { describe, expect, it } from 'vitest';
import { compileEntityMatcher } from '../entities/entities.ts';
import { scoreSpam } from './spam.ts';

describe('scoreSpam', () => {
  it('flags a crypto giveaway with a shortened link', () => {
    const r = scoreSpam('🚀🚀 HUGE BTC GIVEAWAY!!! Double your crypto now 💰💰💰 https://bit.ly/xyz');
    expect(r.isSpam).toBe(true);
    expect(r.reasons).toEqual(expect.arrayContaining(['giveaway', 'crypto', 'url_shortener', 'promo_with_link']));
  });

  it('flags follower selling', () => {
    const r = scoreSpam('Buy followers cheap! Gain 5000 followers fast, DM me #f4f #followback #instagood #likes #growth');
    expect(r.isSpam).toBe(true);
    expect(r.reasons).toEqual(expect.arrayContaining(['follower_selling', 'dm_me', 'many_hashtags']));
  });

  it('flags German promotional spam', () => {
    expect(scoreSpam('Gewinnspiel! Gewinne jetzt ein iPhone, Link im Profil https://t.ly/abc').isSpam).toBe(true);
  });

  it('flags a post that is mostly mentions', () => {
    const r = scoreSpam('@a @b @c @d @e @f @g @h @i @j @k check this out');
    expect(r.reasons).toContain('many_mentions');
  });

  it('does not flag an angry customer', () => {
    const r = scoreSpam('@telekom my internet has been down for THREE days, this is unacceptable!!! #TelekomFail');
    expect(r.isSpam).toBe(false);
    expect(r.score).toBeLessThan(0.5);
  });

  it('does not flag a customer asking about their crypto wallet app', () => {
    expect(scoreSpam('Does your bank app support bitcoin transfers? Asking for my account').isSpam).toBe(false);
  });

  it('reuses entities when given', () => {
    const text = 'Win a free iPhone https://a.example https://b.example https://c.example';
    const entities = compileEntityMatcher({ brands: [], products: [], competitors: [], topics: [] }).extractEntities(text);
    expect(scoreSpam(text, entities)).toEqual(scoreSpam(text));
  });

  it('never throws on hostile input', () => {
    for (const text of ['', '   ', 'A'.repeat(100_000), '\uD800\uDFFF\uDC00', '\u0000\u0007 free iphone', '#a '.repeat(30_000)]) {
      const r = scoreSpam(text);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
  });
});
