/**
 * The understanding stage in one call: `createAnalyzer(config)` compiles a workspace's dictionaries and
 * taxonomy once and returns a pure function that runs the default analyzers on a post, in this order:
 * language → sentiment (in the detected language) → intent → urgency → entities → topics → spam.
 */
import { compileEntityMatcher } from './entities/entities.ts';
import { classifyIntent } from './intent/classify.ts';
import { detectLanguage, UNDETERMINED } from './language/detect.ts';
import { analyzeSentiment } from './sentiment/analyze.ts';
import { scoreSpam } from './spam/spam.ts';
import { compileTopicMatcher } from './topics/topics.ts';
import {
  EMPTY_ANALYSIS_CONFIG,
  type Analysis,
  type AnalysisInput,
  type Entity,
  type Intent,
  type IntentResult,
  type LanguageResult,
  type SentimentResult,
  type SpamResult,
  type UrgencyResult,
  type WorkspaceAnalysisConfig,
} from './types.ts';
import { detectUrgency } from './urgency/urgency.ts';

export * from './types.ts';

/**
 * Language reported when a post holds no letters and the platform gave no tag (`detectLanguage` says 'und'):
 * English with confidence 0, so `lang` is always an ISO 639-1 code in the output contract.
 */
export const DEFAULT_LANGUAGE = 'en';

const ISO_639_1 = /^[a-z]{2}$/;

/** An analyzer over one workspace's configuration. Pure: the same input always gives the same analysis. */
export type Analyzer = (input: AnalysisInput) => Analysis;

function neutralSentiment(): SentimentResult {
  return { label: 'neutral', score: 0, confidence: 0 };
}

function otherIntent(): IntentResult {
  const scores: Record<Intent, number> = { complaint: 0, question: 0, purchase_intent: 0, praise: 0, feature_request: 0, churn_threat: 0, spam: 0, other: 1 };
  return { intent: 'other', scores };
}

/**
 * Runs one analyzer; the analyzers are written never to throw, and this keeps one that does from taking the
 * others' results down with it (the post still gets an analysis, with that part at its neutral value).
 */
function guarded<T>(run: () => T, fallback: () => T): T {
  try {
    return run();
  } catch {
    return fallback();
  }
}

/** Language with the 'und' (no letters) case mapped to the documented default, and any odd code too. */
function languageOf(text: string, tag: string | undefined): LanguageResult {
  const detected = guarded(
    () => detectLanguage({ text, lang: tag }),
    (): LanguageResult => ({ lang: UNDETERMINED, confidence: 0, source: 'default' }),
  );
  if (detected.lang === UNDETERMINED || !ISO_639_1.test(detected.lang)) return { lang: DEFAULT_LANGUAGE, confidence: 0, source: 'default' };
  return detected;
}

/** Compiles the workspace's matchers once and returns the per-post analyzer. */
export function createAnalyzer(config: WorkspaceAnalysisConfig = EMPTY_ANALYSIS_CONFIG): Analyzer {
  const entityMatcher = compileEntityMatcher(config);
  const topicMatcher = compileTopicMatcher(config.topics ?? []);
  // Load the intent model now rather than on the first post.
  classifyIntent('', DEFAULT_LANGUAGE);

  return (input: AnalysisInput): Analysis => {
    // Untyped callers (JSONL, queues) may hand over anything: analyse a non-string as the empty post.
    const text = typeof input?.text === 'string' ? input.text : '';
    const tag = typeof input?.lang === 'string' ? input.lang : undefined;

    const language = languageOf(text, tag);
    const lang = language.lang;
    const sentiment = guarded(() => analyzeSentiment(text, lang), neutralSentiment);
    const intent = guarded(() => classifyIntent(text, lang), otherIntent);
    const urgency = guarded((): UrgencyResult => detectUrgency(text, lang), (): UrgencyResult => ({ level: 'none', cues: [] }));
    const entities = guarded((): Entity[] => entityMatcher.extractEntities(text), (): Entity[] => []);
    const topics = guarded((): string[] => topicMatcher.matchTopics(text, lang), (): string[] => []);
    const spam = guarded((): SpamResult => scoreSpam(text, entities), (): SpamResult => ({ score: 0, isSpam: false, reasons: [] }));

    return {
      lang,
      langConfidence: language.confidence,
      sentiment,
      intent: intent.intent,
      intentScores: intent.scores,
      topics,
      entities,
      urgency,
      spam,
    };
  };
}
