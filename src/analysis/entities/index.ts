export { compileEntityMatcher, redactPii, maxEdits, type EntityMatcher } from './entities.ts';
export { luhnValid } from './pii.ts';
export { fold, tokenize, skeleton, splitCompound, type Token } from './text.ts';
