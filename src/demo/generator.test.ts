import { describe, expect, it } from 'vitest';
import { jsonlDriver } from '../channels/jsonl/jsonl.driver.ts';
import { DEMO_CHANNELS } from './cast.ts';
import { demoBackfill, demoEpisode, demoLiveDelayMs, demoLivePost, toCanonicalJson, type DemoCursor, type DemoIntent, type DemoPost } from './generator.ts';

const ANCHOR = new Date('2026-03-10T12:00:00.000Z');
const backfill = demoBackfill(42, ANCHOR);
const posts = backfill.posts;
const roots = posts.filter((p) => p.parentExternalId === null);

function live(seed: number, from: DemoCursor, count: number, start = ANCHOR): DemoPost[] {
  const out: DemoPost[] = [];
  let cursor = from;
  for (let i = 0; i < count; i++) {
    const { post, next } = demoLivePost(seed, cursor, new Date(start.getTime() + i * 4_000));
    out.push(post);
    cursor = next;
  }
  return out;
}

const share = (items: DemoPost[], test: (p: DemoPost) => boolean) => items.filter(test).length / items.length;

describe('demo stream generator', () => {
  it('gives the same stream for the same seed and anchor, and a different one for another seed', () => {
    expect(demoBackfill(42, ANCHOR)).toEqual(backfill);
    expect(live(42, backfill.next, 50)).toEqual(live(42, backfill.next, 50));
    const other = demoBackfill(7, ANCHOR);
    expect(other.posts.map((p) => p.text)).not.toEqual(posts.map((p) => p.text));
    expect(demoEpisode(42, 17)).toEqual(demoEpisode(42, 17));
  });

  it('backfills a few hundred posts over the last seven days, all before the anchor, in time order', () => {
    expect(posts.length).toBeGreaterThanOrEqual(300);
    expect(posts.length).toBeLessThan(500);
    const times = posts.map((p) => Date.parse(p.postedAt));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(ANCHOR.getTime() - 7 * 86_400_000);
    expect(Math.max(...times)).toBeLessThan(ANCHOR.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Spread over the week, not bunched: every day has posts.
    const days = new Set(times.map((t) => Math.floor((ANCHOR.getTime() - t) / 86_400_000)));
    expect([...days].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('gives every post a unique stable id, and the live stream continues where the backfill ends', () => {
    const stream = [...posts, ...live(42, backfill.next, 300)];
    expect(new Set(stream.map((p) => p.externalId)).size).toBe(stream.length);
    expect(stream.every((p) => /^lumio-42-\d+-\d+$/.test(p.externalId))).toBe(true);
  });

  it('links every reply to a parent posted earlier in the same thread, on the same channel', () => {
    const byId = new Map(posts.map((p) => [p.externalId, p]));
    const replies = posts.filter((p) => p.parentExternalId !== null);
    expect(replies.length).toBeGreaterThan(posts.length / 3);
    for (const reply of replies) {
      const parent = byId.get(reply.parentExternalId ?? '');
      expect(parent, reply.externalId).toBeDefined();
      if (!parent) continue;
      expect(Date.parse(parent.postedAt)).toBeLessThan(Date.parse(reply.postedAt));
      expect(parent.channel).toBe(reply.channel);
      const root = byId.get(reply.threadExternalId ?? '');
      expect(root?.parentExternalId).toBeNull();
      expect(reply.threadExternalId).toBe(parent.threadExternalId ?? parent.externalId);
    }
    // Some threads are deeper than one level (an answer, then thanks for the answer).
    expect(replies.some((r) => r.parentExternalId !== r.threadExternalId)).toBe(true);
  });

  it('speaks mostly English and German, with some French and Spanish', () => {
    const stream = [...posts, ...live(42, backfill.next, 600)];
    const en = share(stream, (p) => p.language === 'en');
    const de = share(stream, (p) => p.language === 'de');
    expect(en).toBeGreaterThan(0.4);
    expect(de).toBeGreaterThan(0.2);
    expect(de).toBeLessThan(en);
    expect(share(stream, (p) => p.language === 'fr')).toBeGreaterThan(0.02);
    expect(share(stream, (p) => p.language === 'es')).toBeGreaterThan(0.02);
    // A German post is German text, not a translation stub.
    expect(stream.filter((p) => p.language === 'de' && p.direction === 'in').some((p) => /\b(und|nicht|ich|das)\b/.test(p.text))).toBe(true);
  });

  it('starts conversations of every intent, complaints and questions most often', () => {
    const many = [...posts, ...live(42, backfill.next, 1500)].filter((p) => p.parentExternalId === null);
    const intents: DemoIntent[] = ['complaint', 'question', 'purchase_intent', 'praise', 'feature_request', 'churn_threat', 'spam', 'other'];
    const shares = Object.fromEntries(intents.map((intent) => [intent, share(many, (p) => p.intent === intent)]));
    for (const intent of intents) expect(shares[intent], intent).toBeGreaterThan(0.03);
    expect(shares['complaint']).toBeGreaterThan(0.15);
    expect(shares['complaint']).toBeLessThan(0.35);
    expect(shares['question']).toBeGreaterThan(shares['spam'] ?? 1);
    // Competitor comparisons name a competitor.
    expect(roots.filter((p) => p.intent === 'other').every((p) => /Novaphone|Brightwave/.test(p.text))).toBe(true);
  });

  it('covers every channel, with DMs and emails as private threads and reviews with ratings', () => {
    expect(new Set(posts.map((p) => p.channel))).toEqual(new Set(DEMO_CHANNELS));
    const direct = posts.filter((p) => p.kind === 'direct');
    expect(direct.length).toBeGreaterThan(10);
    expect(direct.every((p) => p.visibility === 'private')).toBe(true);
    expect(direct.some((p) => p.channel !== 'whatsapp')).toBe(true);
    expect(posts.filter((p) => p.channel === 'email').every((p) => p.kind === 'email' && p.visibility === 'private')).toBe(true);
    const reviews = posts.filter((p) => p.kind === 'review');
    expect(reviews.length).toBeGreaterThan(3);
    expect(reviews.every((p) => (p.metrics['rating'] ?? 0) >= 1 && (p.metrics['rating'] ?? 9) <= 5)).toBe(true);
  });

  it('has influencers with large audiences, advocates answering other customers, and the brand replying', () => {
    const influencerPosts = posts.filter((p) => p.role === 'influencer');
    expect(influencerPosts.length).toBeGreaterThan(0);
    expect(influencerPosts.every((p) => p.author.followers >= 100_000 || p.channel === 'whatsapp')).toBe(true);
    expect(posts.some((p) => p.parentExternalId !== null && influencerPosts.some((i) => i.externalId === p.parentExternalId))).toBe(true);
    const byId = new Map(posts.map((p) => [p.externalId, p]));
    const advocateAnswers = posts.filter((p) => p.role === 'advocate' && p.parentExternalId !== null && byId.get(p.parentExternalId)?.role === 'customer');
    expect(advocateAnswers.length).toBeGreaterThan(10);
    const brand = posts.filter((p) => p.role === 'brand');
    expect(brand.length).toBeGreaterThan(10);
    expect(brand.every((p) => p.direction === 'out' && p.parentExternalId !== null)).toBe(true);
    expect(posts.filter((p) => p.role !== 'brand').every((p) => p.direction === 'in')).toBe(true);
  });

  it('reuses authors across posts and keeps one identity per person and channel', () => {
    const authors = new Map<string, string>();
    for (const p of posts) {
      const key = `${p.channel}:${p.author.externalId}`;
      const previous = authors.get(key);
      if (previous) expect(previous).toBe(p.author.displayName);
      authors.set(key, p.author.displayName);
    }
    expect(authors.size).toBeLessThan(posts.length / 2);
    // The same person posts on more than one channel.
    const channelsOf = new Map<string, Set<string>>();
    for (const p of posts) channelsOf.set(p.author.displayName.split(' ')[0] ?? '', (channelsOf.get(p.author.displayName.split(' ')[0] ?? '') ?? new Set()).add(p.channel));
    expect([...channelsOf.values()].some((channels) => channels.size >= 3)).toBe(true);
  });

  it('writes canonical JSON that the jsonl driver parses back to the same post', () => {
    for (const post of [...posts.slice(0, 120), ...live(42, backfill.next, 30)]) {
      const parsed = jsonlDriver.parse({ body: JSON.stringify(toCanonicalJson(post)) });
      expect(parsed.items).toHaveLength(1);
      const item = parsed.items[0];
      if (item?.type !== 'post') throw new Error('expected a post');
      expect(item.post).toMatchObject({
        channel: post.channel,
        externalId: post.externalId,
        kind: post.kind,
        direction: post.direction,
        visibility: post.visibility,
        text: post.text,
        postedAt: post.postedAt,
        parentExternalId: post.parentExternalId,
        threadExternalId: post.threadExternalId,
        author: { externalId: post.author.externalId, displayName: post.author.displayName, followers: post.author.followers },
      });
    }
  });

  it('stamps live posts with the emit time and waits a few seconds between them', () => {
    const at = new Date('2026-03-11T08:00:00.000Z');
    const { post, next } = demoLivePost(42, backfill.next, at);
    expect(post.postedAt).toBe(at.toISOString());
    expect(post.parentExternalId).toBeNull();
    const episode = demoEpisode(42, backfill.next.episode);
    expect(next).toEqual(episode.posts.length > 1 ? { episode: episode.index, step: 1 } : { episode: episode.index + 1, step: 0 });
    for (let step = 0; step < 20; step++) {
      const delay = demoLiveDelayMs(42, { episode: 200 + step, step: 0 }, 4_000);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(6_000);
    }
  });
});
