export { scoreSpam, SPAM_THRESHOLD } from './spam.ts';
export {
  NearDuplicateIndex,
  estimateSimilarity,
  minHashSignature,
  normalizeForDuplicates,
  type Campaign,
  type NearDuplicateMatch,
  type NearDuplicateOptions,
} from './duplicates.ts';
export { scoreAuthor, BOT_THRESHOLD, type AuthorScore, type AuthorStats } from './authors.ts';
