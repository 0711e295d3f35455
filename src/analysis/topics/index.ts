export { compileTopicMatcher, type TopicMatcher } from './topics.ts';
export {
  discoverEmergingTopics,
  logLikelihood,
  promoteToTopic,
  type DiscoveryDocument,
  type EmergingTerm,
  type EmergingTopicCandidate,
  type EmergingTopicOptions,
} from './discover.ts';
export { stem, STEM_LANGUAGES, type StemLanguage } from './stem.ts';
