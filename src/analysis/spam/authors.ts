/**
 * Bot-likeness of an author from what the window shows (posting rate, share of near-duplicate posts,
 * share of posts with links) and from the profile when the platform tells it (account age, followers).
 */

export interface AuthorStats {
  /** Posts seen from the author in the observed window. */
  posts: number;
  /** Length of the observed window in hours. */
  windowHours: number;
  /** Posts that were near-duplicates of another post in the window (e.g. `NearDuplicateIndex.authorActivity`). */
  duplicatePosts?: number | undefined;
  /** Posts containing at least one link. */
  linkPosts?: number | undefined;
  accountAgeDays?: number | undefined;
  followers?: number | undefined;
  following?: number | undefined;
  handle?: string | undefined;
}

export interface AuthorScore {
  /** 0 (human-like) .. 1 (bot-like). */
  score: number;
  isBotLike: boolean;
  reasons: string[];
}

/** Authors at or above this score are treated as bot-like. */
export const BOT_THRESHOLD = 0.5;

const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** Scores how bot-like an author is; every contribution is named in `reasons`. */
export function scoreAuthor(stats: AuthorStats): AuthorScore {
  const reasons: string[] = [];
  let score = 0;
  const posts = finite(stats.posts) ? stats.posts : 0;
  const hours = finite(stats.windowHours) ? Math.max(stats.windowHours, 1 / 60) : 1;
  const rate = posts / hours;

  if (posts >= 5) {
    if (rate >= 30) {
      score += 0.45;
      reasons.push('very_high_posting_rate');
    } else if (rate >= 10) {
      score += 0.3;
      reasons.push('high_posting_rate');
    } else if (rate >= 4 && hours >= 6) {
      score += 0.15;
      reasons.push('sustained_posting_rate');
    }
  }
  if (posts >= 3 && finite(stats.duplicatePosts)) {
    const ratio = Math.min(1, stats.duplicatePosts / posts);
    if (ratio >= 0.5) {
      score += 0.35;
      reasons.push('mostly_duplicates');
    } else if (ratio >= 0.25) {
      score += 0.2;
      reasons.push('many_duplicates');
    }
  }
  if (posts >= 5 && finite(stats.linkPosts) && stats.linkPosts / posts >= 0.8) {
    score += 0.2;
    reasons.push('mostly_links');
  }
  if (finite(stats.accountAgeDays)) {
    if (stats.accountAgeDays < 7) {
      score += 0.15;
      reasons.push('new_account');
    } else if (stats.accountAgeDays < 30) {
      score += 0.05;
      reasons.push('young_account');
    }
  }
  if (finite(stats.followers) && finite(stats.following)) {
    if (stats.followers < 10 && stats.following > 200) {
      score += 0.15;
      reasons.push('follows_many_followed_by_few');
    } else if (stats.following >= 100 && stats.following > 20 * Math.max(1, stats.followers)) {
      score += 0.1;
      reasons.push('follow_ratio');
    }
  }
  if (typeof stats.handle === 'string' && /\d{5,}$/u.test(stats.handle)) {
    score += 0.1;
    reasons.push('generated_handle');
  }
  if (finite(stats.followers) && stats.followers >= 10_000 && finite(stats.accountAgeDays) && stats.accountAgeDays > 365) {
    score -= 0.2;
    reasons.push('established_account');
  }
  const clamped = Math.max(0, Math.min(1, Math.round(score * 1000) / 1000));
  return { score: clamped, isBotLike: clamped >= BOT_THRESHOLD, reasons };
}
