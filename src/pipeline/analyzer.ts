import type { Kysely } from 'kysely';
import type { WorkspaceAnalysisConfig } from '../analysis/types.ts';
import { readAnalysisSettings, readAnalysisVersion } from '../analysis-api/analysis-config.repository.ts';
import { parseStoredConfig, toWorkspaceConfig } from '../analysis-api/analysis-config.service.ts';
import type { Database } from '../platform/db/schema.ts';
import type { AnalyzeFn, AnalyzerSource, WorkspaceAnalyzer } from './stages.ts';

/** Builds a workspace's analyzer from its dictionaries and taxonomy (compiles matchers once). */
export type AnalyzerFactory = (config: WorkspaceAnalysisConfig) => AnalyzeFn;

let defaultFactory: Promise<AnalyzerFactory> | undefined;

/**
 * The default stack, loaded on first use: its models take seconds to load, and commands that never
 * analyse (`townhall --help`, `migrate`, `user`) should not wait for them.
 */
function loadDefaultFactory(): Promise<AnalyzerFactory> {
  defaultFactory ??= import('../analysis/index.ts').then((m) => m.createAnalyzer);
  return defaultFactory;
}

/** Compiled analyzers kept at most; the least recently used workspace is compiled again when needed. */
const MAX_CACHED_WORKSPACES = 200;

/**
 * The pipeline's analyzers: one compiled analyzer per workspace and configuration version. Each call
 * reads only the version number (one small query per workspace and batch); the configuration is read
 * and compiled again only when the version moved. The memo is derived data, never shared state: a
 * worker without it computes the same analysis.
 */
export function createAnalyzerSource(factory?: AnalyzerFactory, maxWorkspaces = MAX_CACHED_WORKSPACES): AnalyzerSource {
  const cache = new Map<string, WorkspaceAnalyzer>();
  const remember = (workspaceId: string, analyzer: WorkspaceAnalyzer): WorkspaceAnalyzer => {
    cache.delete(workspaceId);
    cache.set(workspaceId, analyzer);
    while (cache.size > maxWorkspaces) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return analyzer;
  };
  return {
    async forWorkspace(db: Kysely<Database>, workspaceId: string): Promise<WorkspaceAnalyzer> {
      const version = await readAnalysisVersion(db, workspaceId);
      const cached = cache.get(workspaceId);
      if (cached && cached.configVersion === (typeof version === 'number' ? version : 0)) return remember(workspaceId, cached);
      const stored = parseStoredConfig(await readAnalysisSettings(db, workspaceId));
      const create = factory ?? (await loadDefaultFactory());
      return remember(workspaceId, { analyze: create(toWorkspaceConfig(stored)), configVersion: stored.version });
    },
  };
}

/** The analyzers `townhall start`, the worker and `townhall import` run: the default stack with each workspace's configuration. */
export function defaultAnalyzer(): AnalyzerSource {
  // Start loading the models now, so the first batch does not wait for them inside its transaction; a failure surfaces there.
  loadDefaultFactory().catch(() => undefined);
  return createAnalyzerSource();
}
