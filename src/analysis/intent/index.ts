export { classifyIntent, createIntentClassifier, loadIntentModelFile, INTENT_MODEL_URL } from './classify.ts';
export { classifyByCues } from './rules.ts';
