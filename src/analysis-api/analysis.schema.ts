import { Type, type Static } from 'typebox';
import { Nullable, Timestamp } from '../platform/http/schemas.ts';

/** Request and response shapes of the analysis configuration API; the stored form is the same lists plus a version. */

const Term = Type.String({ minLength: 1, maxLength: 200 });

export const DictionaryEntrySchema = Type.Object(
  {
    name: Term,
    aliases: Type.Optional(Type.Array(Term, { maxItems: 50, description: 'Other spellings, hashtags and abbreviations; misspellings are matched fuzzily anyway' })),
  },
  { additionalProperties: false },
);

export const TopicSchema = Type.Object(
  {
    name: Term,
    keywords: Type.Array(Term, { minItems: 1, maxItems: 200, description: 'Words and phrases in any language; matched after case folding and stemming' }),
  },
  { additionalProperties: false },
);

const Lists = {
  brands: Type.Array(DictionaryEntrySchema, { maxItems: 200 }),
  products: Type.Array(DictionaryEntrySchema, { maxItems: 2000 }),
  competitors: Type.Array(DictionaryEntrySchema, { maxItems: 500 }),
  topics: Type.Array(TopicSchema, { maxItems: 1000 }),
};

/** PUT /analysis/config: the whole configuration; `version`, when given, must be the current one (optimistic locking). */
export const AnalysisConfigBody = Type.Object(
  { ...Lists, version: Type.Optional(Type.Integer({ minimum: 0, description: 'The version this edit started from; a stale one is a 409' })) },
  { additionalProperties: false },
);
export type AnalysisConfigInput = Static<typeof AnalysisConfigBody>;

export const AnalysisConfigView = Type.Object({
  ...Lists,
  version: Type.Integer({ description: '0 until the configuration is first saved; +1 on every change' }),
  updatedAt: Nullable(Timestamp),
});
export type AnalysisConfigView = Static<typeof AnalysisConfigView>;

/** What workspaces.settings.analysis holds; checked on every read because it is JSON from the store. */
export const StoredAnalysisConfig = Type.Object({
  ...Lists,
  version: Type.Integer({ minimum: 0 }),
  updatedAt: Nullable(Type.String()),
});
export type StoredAnalysisConfig = Static<typeof StoredAnalysisConfig>;

export const PromoteTopicBody = Type.Object(
  {
    name: Term,
    keyphrases: Type.Array(Term, { minItems: 1, maxItems: 200, description: 'The keyphrases of an emerging-topic candidate (or a chosen subset)' }),
    version: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const ReanalyzeBody = Type.Object(
  {
    cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous call, to continue with older posts' })),
    maxPosts: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 5_000, description: 'Posts re-analysed in this call' })),
  },
  { additionalProperties: false },
);

export const ReanalyzeResult = Type.Object({
  analyzed: Type.Integer(),
  skipped: Type.Integer({ description: 'Posts without text, or changed while the call ran' }),
  configVersion: Type.Integer(),
  nextCursor: Nullable(Type.String()),
});

const Window = Type.Object({ from: Timestamp, to: Timestamp, posts: Type.Integer(), truncated: Type.Boolean({ description: 'True when only the newest posts of the window were read' }) });

export const EmergingQuery = Type.Object({
  hours: Type.Integer({ minimum: 1, maximum: 720, default: 24, description: 'The current window: the last N hours' }),
  baselineDays: Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'The baseline: N days before the current window' }),
  minCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Posts of the current window a keyphrase needs (default 5)' })),
});

const EmergingTerm = Type.Object({ phrase: Type.String(), count: Type.Integer(), baselineCount: Type.Integer(), ratio: Type.Number(), score: Type.Number() });

export const EmergingTopicsResult = Type.Object({
  window: Window,
  baseline: Window,
  candidates: Type.Array(
    Type.Object({
      label: Type.String(),
      keyphrases: Type.Array(Type.String()),
      terms: Type.Array(EmergingTerm),
      count: Type.Integer(),
      baselineCount: Type.Integer(),
      score: Type.Number(),
      examples: Type.Array(Type.String()),
    }),
  ),
});

export const PromoteTopicResult = Type.Object({ topic: TopicSchema, config: AnalysisConfigView });

export const CampaignsQuery = Type.Object({
  hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }),
  minAuthors: Type.Integer({ minimum: 2, maximum: 1000, default: 5, description: 'Different authors a group of near-duplicates needs to count as a campaign' }),
});

const AuthorRef = Type.Object({ id: Type.String({ format: 'uuid' }), handle: Nullable(Type.String()), displayName: Nullable(Type.String()) });

export const CampaignsResult = Type.Object({
  window: Window,
  campaigns: Type.Array(
    Type.Object({
      size: Type.Integer(),
      postIds: Type.Array(Type.String({ format: 'uuid' })),
      authors: Type.Array(AuthorRef),
      firstSeen: Timestamp,
      lastSeen: Timestamp,
      example: Type.String(),
    }),
  ),
  botLikeAuthors: Type.Array(
    Type.Object({ ...AuthorRef.properties, score: Type.Number(), reasons: Type.Array(Type.String()), posts: Type.Integer(), duplicatePosts: Type.Integer() }),
  ),
});
