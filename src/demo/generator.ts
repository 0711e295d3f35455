import type { PostKind } from '../platform/db/schema.ts';
import { authorOn, BRAND_PERSONA, PERSONAS, PRODUCTS, type DemoAuthor, type DemoChannel, type DemoLanguage, type Persona, type PersonaRole, type Product } from './cast.ts';
import * as say from './phrases.ts';

/**
 * The demo stream: a pure, deterministic generator of conversations about the fictional brand Lumio.
 * The stream is a sequence of episodes (one conversation each: a root post and the replies, DMs or
 * emails that follow it); episode n of seed s is always the same, so ids are stable across restarts
 * and the same seed gives the same stream. Times are the only input from outside: the backfill spreads
 * episodes over the days before an anchor, the live stream stamps each post with the time it is emitted.
 */

export type DemoIntent = 'complaint' | 'question' | 'purchase_intent' | 'praise' | 'feature_request' | 'churn_threat' | 'spam' | 'other';
export type DemoScenario = Exclude<DemoIntent, 'other'> | 'comparison' | 'influencer';

/** One generated post: the canonical fields plus what the generator meant (ground truth, never sent). */
export interface DemoPost {
  externalId: string;
  channel: DemoChannel;
  kind: PostKind;
  direction: 'in' | 'out';
  visibility: 'public' | 'private';
  /** The language the text is written in. */
  language: DemoLanguage;
  text: string;
  author: DemoAuthor;
  parentExternalId: string | null;
  threadExternalId: string | null;
  mentions: string[];
  hashtags: string[];
  links: string[];
  metrics: Record<string, number>;
  postedAt: string;
  intent: DemoIntent;
  role: PersonaRole;
}

/** A post of an episode before it has a time: `offsetSeconds` after the episode's root. */
export type DemoDraft = Omit<DemoPost, 'postedAt'> & { offsetSeconds: number };

export interface DemoEpisode {
  index: number;
  scenario: DemoScenario;
  channel: DemoChannel;
  language: DemoLanguage;
  /** Root first; every reply comes after its parent. */
  posts: DemoDraft[];
}

/** Where the stream stands: the next post to emit is post `step` of episode `episode`. */
export interface DemoCursor {
  episode: number;
  step: number;
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG; the whole stream depends on nothing else. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes numbers into one 32-bit seed (murmur3 finaliser per part), so that episodes get independent generators. */
function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= part >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Rand {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    const entries = (Object.entries(weights) as [K, number | undefined][]).filter((e): e is [K, number] => e[1] !== undefined);
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from no weights');
    return last[0];
  }
}

/** How often each kind of conversation starts (relative weights). */
export const SCENARIO_WEIGHTS: Readonly<Record<DemoScenario, number>> = {
  complaint: 22,
  question: 18,
  purchase_intent: 11,
  praise: 12,
  feature_request: 8,
  churn_threat: 6,
  spam: 6,
  comparison: 9,
  influencer: 5,
};

const LANGUAGE_WEIGHTS: Readonly<Record<DemoLanguage, number>> = { en: 55, de: 30, fr: 8, es: 7 };

/** Where each kind of conversation starts: reviews carry praise and complaints, DMs questions and problems. */
const CHANNEL_WEIGHTS: Readonly<Record<DemoScenario, Partial<Record<DemoChannel, number>>>> = {
  complaint: { x: 30, facebook: 15, reddit: 10, mastodon: 5, instagram: 5, reviews: 10, email: 15, whatsapp: 10 },
  question: { x: 20, reddit: 20, facebook: 15, instagram: 10, mastodon: 5, email: 10, whatsapp: 20 },
  purchase_intent: { x: 20, instagram: 20, reddit: 20, facebook: 10, whatsapp: 20, mastodon: 5, email: 5 },
  praise: { x: 25, instagram: 25, reviews: 25, facebook: 10, mastodon: 10, reddit: 5 },
  feature_request: { reddit: 30, x: 25, mastodon: 20, facebook: 10, email: 10, instagram: 5 },
  churn_threat: { x: 35, email: 25, facebook: 15, whatsapp: 15, reviews: 10 },
  spam: { x: 40, instagram: 40, facebook: 20 },
  comparison: { reddit: 40, x: 30, mastodon: 10, instagram: 10, facebook: 10 },
  influencer: { x: 40, instagram: 60 },
};

const ROOT_PHRASES: Readonly<Record<DemoScenario, say.Phrases>> = {
  complaint: say.COMPLAINT,
  question: say.QUESTION,
  purchase_intent: say.PURCHASE,
  praise: say.PRAISE,
  feature_request: say.FEATURE_REQUEST,
  churn_threat: say.CHURN,
  spam: say.SPAM,
  comparison: say.COMPARISON,
  influencer: say.INFLUENCER,
};

const ROOT_INTENT: Readonly<Record<DemoScenario, DemoIntent>> = {
  complaint: 'complaint',
  question: 'question',
  purchase_intent: 'purchase_intent',
  praise: 'praise',
  feature_request: 'feature_request',
  churn_threat: 'churn_threat',
  spam: 'spam',
  comparison: 'other',
  influencer: 'praise',
};

const ROOT_KIND: Readonly<Record<DemoChannel, PostKind>> = { x: 'post', instagram: 'post', facebook: 'post', whatsapp: 'direct', reddit: 'post', mastodon: 'post', email: 'email', reviews: 'review' };
const REPLY_KIND: Readonly<Record<DemoChannel, PostKind>> = { x: 'reply', instagram: 'comment', facebook: 'comment', whatsapp: 'direct', reddit: 'comment', mastodon: 'reply', email: 'email', reviews: 'reply' };

const HOUR = 3600;

function peopleWith(role: PersonaRole, language: DemoLanguage): Persona[] {
  const matching = PERSONAS.filter((p) => p.role === role && p.language === language);
  return matching.length > 0 ? matching : PERSONAS.filter((p) => p.role === role && p.language === 'en');
}

/** How a reply names the person it answers, the way each network writes it. */
function mentionOf(author: DemoAuthor, channel: DemoChannel): string {
  switch (channel) {
    case 'x':
    case 'instagram':
    case 'mastodon':
      return `@${author.handle ?? author.displayName}`;
    case 'reddit':
      return `u/${author.handle ?? author.displayName}`;
    default:
      return author.displayName;
  }
}

function brandMention(channel: DemoChannel, isPrivate: boolean): string {
  if (isPrivate) return 'Lumio';
  switch (channel) {
    case 'x':
      return '@LumioHelp';
    case 'instagram':
      return '@lumio';
    case 'mastodon':
      return '@LumioHelp@social.example';
    case 'reddit':
      return 'u/Lumio_Official';
    default:
      return 'Lumio';
  }
}

interface Slots {
  product: Product;
  issue: string;
  feature: string;
  strength: string;
  days: number;
  ticket: string;
}

function fill(template: string, slots: Slots, extra: { handle?: string; first?: string; brand: string }): string {
  const capitalised = slots.issue.charAt(0).toUpperCase() + slots.issue.slice(1);
  return template
    .replace(/@\{handle\}/g, extra.handle ?? '')
    .replace(/@LumioHelp/g, extra.brand)
    .replace(/\{product\}/g, slots.product.name)
    .replace(/\{Issue\}/g, capitalised)
    .replace(/\{issue\}/g, slots.issue)
    .replace(/\{feature\}/g, slots.feature)
    .replace(/\{strength\}/g, slots.strength)
    .replace(/\{competitorProduct\}/g, slots.product.competitorProduct)
    .replace(/\{competitor\}/g, slots.product.competitor)
    .replace(/\{hashtag\}/g, slots.product.hashtag)
    .replace(/\{days\}/g, String(slots.days))
    .replace(/\{ticket\}/g, slots.ticket)
    .replace(/\{first\}/g, extra.first ?? '')
    .replace(/^\s+/, '');
}

function extract(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => m[1] ?? '').filter(Boolean))];
}

/** Builds one episode: the scenario decides who replies, on which channel, and how long after. */
export function demoEpisode(seed: number, index: number): DemoEpisode {
  const rng = new Rand(mix(seed, index));
  const scenario = rng.weighted(SCENARIO_WEIGHTS);
  const channel = rng.weighted(CHANNEL_WEIGHTS[scenario]);
  let rootPersona: Persona;
  if (scenario === 'influencer') rootPersona = rng.pick(PERSONAS.filter((p) => p.role === 'influencer'));
  else if (scenario === 'spam') rootPersona = rng.pick(PERSONAS.filter((p) => p.role === 'spammer'));
  else rootPersona = rng.pick(peopleWith('customer', rng.weighted(LANGUAGE_WEIGHTS)));
  const language = rootPersona.language;
  const product = rng.pick(PRODUCTS);
  const slots: Slots = {
    product,
    issue: rng.pick(product.issues)[language],
    feature: rng.pick(product.features)[language],
    strength: product.strength[language],
    days: rng.int(3, 12),
    ticket: `LUM-${rng.int(100_000, 999_999)}`,
  };
  // A share of public questions and complaints on X and Instagram arrive as direct messages instead.
  const direct = channel === 'whatsapp' || ((channel === 'x' || channel === 'instagram') && (scenario === 'complaint' || scenario === 'question') && rng.chance(0.25));
  const isPrivate = direct || channel === 'email';
  const posts: DemoDraft[] = [];
  const id = (step: number) => `lumio-${seed}-${index}-${step}`;

  const add = (persona: Persona, text: string, intent: DemoIntent, parent: DemoDraft | null, delaySeconds: number): DemoDraft => {
    const author = authorOn(persona, channel);
    const kind = parent === null ? (direct ? 'direct' : ROOT_KIND[channel]) : direct ? 'direct' : REPLY_KIND[channel];
    const root = posts[0];
    const draft: DemoDraft = {
      externalId: id(posts.length),
      channel,
      kind,
      direction: persona.role === 'brand' ? 'out' : 'in',
      visibility: isPrivate ? 'private' : 'public',
      language: persona.role === 'brand' ? language : persona.language,
      text,
      author,
      parentExternalId: parent?.externalId ?? null,
      threadExternalId: root?.externalId ?? null,
      mentions: channel === 'email' ? [] : extract(text, /(?:^|\s)@([A-Za-z0-9_.]+(?:@[a-z0-9.-]+)?)/g),
      hashtags: extract(text, /#([\p{L}\p{N}_]+)/gu),
      links: extract(text, /(https?:\/\/\S+)/g),
      metrics: {},
      intent,
      role: persona.role,
      offsetSeconds: parent ? parent.offsetSeconds + Math.max(30, Math.round(delaySeconds)) : 0,
    };
    posts.push(draft);
    return draft;
  };

  /** A reply from `persona` to `parent` with one of `phrases`. */
  const reply = (persona: Persona, phrases: say.Phrases, intent: DemoIntent, parent: DemoDraft, delaySeconds: number) => {
    const lang = persona.role === 'brand' ? language : persona.language;
    const first = parent.author.displayName.split(' ')[0] ?? parent.author.displayName;
    const text = fill(rng.pick(phrases[lang]), slots, { handle: isPrivate ? '' : mentionOf(parent.author, channel), first, brand: brandMention(channel, isPrivate) });
    return add(persona, text, intent, parent, delaySeconds);
  };

  let rootText = fill(rng.pick(ROOT_PHRASES[scenario][language]), slots, { brand: brandMention(channel, isPrivate) });
  if (channel === 'email') {
    const frame = say.EMAIL_FRAME[language];
    rootText = `${frame.greeting}\n\n${rootText}\n\n${frame.closing}\n${rootPersona.name}`;
  }
  const root = add(rootPersona, rootText, ROOT_INTENT[scenario], null, 0);
  const others = (role: PersonaRole) => peopleWith(role, language).filter((p) => p !== rootPersona);
  const minutes = (min: number, max: number) => rng.int(min * 60, max * 60);

  if (isPrivate) {
    // DMs and email threads: the brand answers privately and the customer writes back.
    if (scenario !== 'spam' && scenario !== 'praise') {
      const sales = scenario === 'purchase_intent';
      const answer = reply(BRAND_PERSONA, sales ? say.BRAND_DM_SALES : channel === 'email' ? say.BRAND_EMAIL : say.BRAND_DM, 'other', root, channel === 'email' ? minutes(60, 600) : minutes(3, 45));
      if (rng.chance(0.7)) reply(rootPersona, sales ? say.DM_FOLLOW_UP_SALES : say.DM_FOLLOW_UP, sales ? 'purchase_intent' : 'other', answer, minutes(2, 90));
    }
  } else if (channel === 'reviews') {
    if (rng.chance(0.5)) reply(BRAND_PERSONA, scenario === 'praise' ? say.BRAND_THANKS : say.BRAND_SUPPORT, 'other', root, minutes(60, 1200));
  } else {
    switch (scenario) {
      case 'complaint': {
        if (rng.chance(0.5)) reply(rng.pick(others('customer')), say.SAME_HERE, 'complaint', root, minutes(10, 300));
        const brand = rng.chance(0.6) ? reply(BRAND_PERSONA, say.BRAND_SUPPORT, 'other', root, minutes(5, 180)) : null;
        if (rng.chance(0.4)) {
          const tip = reply(rng.pick(others('advocate')), say.ADVOCATE_ANSWER, 'other', root, minutes(5, 240));
          if (rng.chance(0.7)) reply(rootPersona, say.THANKS, 'praise', tip, minutes(5, 120));
        }
        if (rng.chance(0.2)) {
          // The customer gives up on waiting: a churn threat under the brand's answer (or their own post).
          add(rootPersona, fill(rng.pick(say.CHURN[language]), slots, { brand: brandMention(channel, false) }), 'churn_threat', brand ?? root, minutes(120, 600));
        }
        break;
      }
      case 'question': {
        if (rng.chance(0.75)) {
          const answer = reply(rng.pick(others('advocate')), say.ADVOCATE_ANSWER, 'other', root, minutes(5, 240));
          if (rng.chance(0.6)) reply(rootPersona, say.THANKS, 'praise', answer, minutes(5, 120));
        }
        if (rng.chance(0.3)) reply(BRAND_PERSONA, say.BRAND_SUPPORT, 'other', root, minutes(15, 300));
        break;
      }
      case 'purchase_intent':
      case 'comparison': {
        if (rng.chance(0.6)) reply(rng.pick(others('advocate')), say.ADVOCATE_RECOMMEND, 'other', root, minutes(5, 240));
        if (scenario === 'purchase_intent' && rng.chance(0.4)) reply(BRAND_PERSONA, say.BRAND_SALES, 'other', root, minutes(10, 240));
        if (scenario === 'comparison' && rng.chance(0.4)) reply(rng.pick(others('customer')), say.COMPARISON, 'other', root, minutes(20, 600));
        break;
      }
      case 'praise':
        if (rng.chance(0.3)) reply(BRAND_PERSONA, say.BRAND_THANKS, 'other', root, minutes(20, 600));
        break;
      case 'feature_request': {
        const plusOnes = rng.chance(0.6) ? rng.int(1, 3) : 0;
        for (let i = 0; i < plusOnes; i++) reply(rng.pick(others('customer')), say.PLUS_ONE, 'feature_request', root, minutes(10, 900));
        if (rng.chance(0.3)) reply(BRAND_PERSONA, say.BRAND_IDEA, 'other', root, minutes(60, 900));
        break;
      }
      case 'churn_threat':
        if (rng.chance(0.8)) reply(BRAND_PERSONA, say.BRAND_RETENTION, 'other', root, minutes(5, 120));
        if (rng.chance(0.3)) reply(rng.pick(others('advocate')), say.ADVOCATE_ANSWER, 'other', root, minutes(10, 300));
        break;
      case 'influencer': {
        const fans = rng.int(2, 5);
        for (let i = 0; i < fans; i++) {
          const fan = rng.pick(others('customer'));
          const question = reply(fan, say.FAN_QUESTION, 'question', root, minutes(1, 180));
          if (rng.chance(0.4)) reply(rng.pick(peopleWith('advocate', fan.language)), say.ADVOCATE_ANSWER, 'other', question, minutes(5, 120));
        }
        if (rng.chance(0.5)) reply(BRAND_PERSONA, say.BRAND_THANKS, 'other', root, minutes(30, 300));
        break;
      }
      case 'spam':
        break;
    }
  }

  posts.sort((a, b) => a.offsetSeconds - b.offsetSeconds || a.externalId.localeCompare(b.externalId, 'en', { numeric: true }));
  for (const post of posts) post.metrics = metricsFor(post, posts, rng);
  return { index, scenario, channel, language, posts };
}

function metricsFor(post: DemoDraft, all: DemoDraft[], rng: Rand): Record<string, number> {
  if (post.visibility === 'private') return {};
  const replies = all.filter((p) => p.parentExternalId === post.externalId).length;
  if (post.kind === 'review') {
    const rating = post.intent === 'praise' ? rng.int(4, 5) : post.intent === 'complaint' || post.intent === 'churn_threat' ? rng.int(1, 2) : 3;
    return { rating, replies };
  }
  const likes = post.role === 'influencer' ? rng.int(2_000, 40_000) : post.role === 'spammer' ? rng.int(0, 2) : post.role === 'advocate' ? rng.int(3, 80) : rng.int(0, 30);
  const shares = post.role === 'influencer' ? rng.int(100, 3_000) : rng.int(0, 4);
  const metrics: Record<string, number> = { likes, shares, replies };
  if (post.channel === 'x') metrics['views'] = likes * rng.int(20, 60) + rng.int(10, 400);
  return metrics;
}

/** The canonical post JSON for one demo post: what the jsonl driver parses (docs/CANONICAL.md). */
export function toCanonicalJson(post: DemoPost): Record<string, unknown> {
  return {
    channel: post.channel,
    externalId: post.externalId,
    kind: post.kind,
    direction: post.direction,
    visibility: post.visibility,
    text: post.text,
    // Only X states a post's language, as its API does; elsewhere the analyzer detects it.
    language: post.channel === 'x' ? post.language : null,
    postedAt: post.postedAt,
    parentExternalId: post.parentExternalId,
    threadExternalId: post.threadExternalId,
    mentions: post.mentions,
    hashtags: post.hashtags,
    links: post.links,
    metrics: post.metrics,
    author: {
      externalId: post.author.externalId,
      handle: post.author.handle,
      displayName: post.author.displayName,
      followers: post.author.followers,
      location: post.author.location,
      bio: post.author.bio,
      verified: post.author.verified,
    },
  };
}

function stamp(draft: DemoDraft, at: number): DemoPost {
  const { offsetSeconds: _offset, ...post } = draft;
  return { ...post, postedAt: new Date(at).toISOString() };
}

/** Relative activity per hour of the day (UTC): quiet nights, busy evenings. */
const HOUR_WEIGHTS = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.9, 0.9, 1, 0.9, 0.85, 0.85, 0.9, 0.95, 1, 1, 0.95, 0.8, 0.5, 0.3];

export interface BackfillOptions {
  days?: number;
  /** At least this many posts (whole episodes, so a few more). */
  posts?: number;
}

/**
 * The history before `anchor`: whole episodes spread over the last `days` days (more by day than by
 * night), every post before the anchor, sorted by time. `next` is where the live stream continues.
 */
export function demoBackfill(seed: number, anchor: Date, options: BackfillOptions = {}): { posts: DemoPost[]; next: DemoCursor } {
  const days = options.days ?? 7;
  const target = options.posts ?? 360;
  const end = anchor.getTime() - 60_000;
  const start = anchor.getTime() - days * 86_400_000;
  const span = end - 3 * HOUR * 1000 - start;
  const posts: DemoPost[] = [];
  let episode = 0;
  while (posts.length < target) {
    const built = demoEpisode(seed, episode);
    const rng = new Rand(mix(seed, episode, 0x5eed));
    let rootAt = start;
    for (let attempt = 0; attempt < 50; attempt++) {
      rootAt = start + rng.float() * span;
      if (rng.float() < (HOUR_WEIGHTS[new Date(rootAt).getUTCHours()] ?? 1)) break;
    }
    const longest = Math.max(...built.posts.map((p) => p.offsetSeconds)) * 1000;
    // Replies that would fall after the anchor are drawn closer to their root, keeping their order.
    const scale = longest > 0 && rootAt + longest > end ? (end - rootAt) / longest : 1;
    for (const draft of built.posts) posts.push(stamp(draft, Math.round(rootAt + draft.offsetSeconds * 1000 * scale)));
    episode++;
  }
  posts.sort((a, b) => a.postedAt.localeCompare(b.postedAt) || a.externalId.localeCompare(b.externalId, 'en', { numeric: true }));
  return { posts, next: { episode, step: 0 } };
}

/** The live post at `cursor`, stamped `now`, and the cursor after it. */
export function demoLivePost(seed: number, cursor: DemoCursor, now: Date): { post: DemoPost; next: DemoCursor } {
  const built = demoEpisode(seed, cursor.episode);
  const draft = built.posts[cursor.step] ?? built.posts[0];
  if (!draft) throw new Error(`demo episode ${cursor.episode} has no posts`);
  const step = built.posts.indexOf(draft);
  const next = step + 1 < built.posts.length ? { episode: cursor.episode, step: step + 1 } : { episode: cursor.episode + 1, step: 0 };
  return { post: stamp(draft, now.getTime()), next };
}

/** Seconds until the next live post: around `intervalMs`, varying by position but the same for the same seed. */
export function demoLiveDelayMs(seed: number, cursor: DemoCursor, intervalMs: number): number {
  const rng = new Rand(mix(seed, cursor.episode, cursor.step, 0xde1a));
  return Math.round(intervalMs * (0.5 + rng.float()));
}
