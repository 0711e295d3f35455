import type { AnalyzeFn } from './stages.ts';

/**
 * The analyzer the pipeline's analyze stage calls. The understanding stack (src/analysis) plugs in
 * here; until it is wired, posts are stored without analysis and can be re-analysed later.
 */
export function defaultAnalyzer(): AnalyzeFn | null {
  return null;
}
