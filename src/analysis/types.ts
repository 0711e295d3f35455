/**
 * The analysis contract: what the understanding stage attaches to every post.
 * Each analyzer is a pure function of text (+ optional platform language tag) and workspace config.
 * PRODUCT.md's `townhall analyze` contract exposes lang, sentiment, intent, topics, entities; the rest
 * (scores, urgency, spam) is stored on posts too.
 */

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt'] as const;

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export const INTENTS = ['complaint', 'question', 'purchase_intent', 'praise', 'feature_request', 'churn_threat', 'spam', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

export type EntityType =
  | 'brand'
  | 'product'
  | 'competitor'
  | 'mention'
  | 'hashtag'
  | 'url'
  | 'cashtag'
  | 'email'
  | 'phone'
  | 'iban'
  | 'card';

export interface Entity {
  type: EntityType;
  /** The text as it appears in the post. */
  text: string;
  /** Dictionary name it matched (brand/product/competitor), or the normalised value. */
  canonical?: string;
  /** Character offsets in the analysed text. */
  start?: number;
  end?: number;
  /** True for personal data that should be redacted before sharing (email, phone, iban, card). */
  pii?: boolean;
}

export interface LanguageResult {
  lang: string;
  confidence: number;
  /** 'platform' when the platform's own tag was plausible and kept. */
  source: 'platform' | 'detected' | 'default';
}

export interface SentimentResult {
  label: SentimentLabel;
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  confidence: number;
}

export interface IntentResult {
  intent: Intent;
  scores: Record<Intent, number>;
}

export interface UrgencyResult {
  level: 'none' | 'low' | 'high';
  cues: string[];
}

export interface SpamResult {
  score: number;
  isSpam: boolean;
  reasons: string[];
}

/** One dictionary entry of a workspace: a brand, product or competitor and how it is written. */
export interface DictionaryEntry {
  name: string;
  aliases?: string[];
}

/** One topic of a workspace taxonomy: keywords and phrases in any language. */
export interface TopicDefinition {
  name: string;
  keywords: string[];
}

export interface WorkspaceAnalysisConfig {
  brands: DictionaryEntry[];
  products: DictionaryEntry[];
  competitors: DictionaryEntry[];
  topics: TopicDefinition[];
}

export const EMPTY_ANALYSIS_CONFIG: WorkspaceAnalysisConfig = { brands: [], products: [], competitors: [], topics: [] };

export interface AnalysisInput {
  text: string;
  /** The platform's own language tag, if it gave one. */
  lang?: string | undefined;
}

export interface Analysis {
  lang: string;
  langConfidence: number;
  sentiment: SentimentResult;
  intent: Intent;
  intentScores: Record<Intent, number>;
  topics: string[];
  entities: Entity[];
  urgency: UrgencyResult;
  spam: SpamResult;
}
