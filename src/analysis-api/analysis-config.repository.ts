import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

/**
 * Queries for a workspace's analysis configuration, kept in workspaces.settings.analysis. Values are
 * returned as unknown JSON: the service checks them against the stored schema.
 */

/** The stored configuration, or undefined when the workspace has none (or does not exist). */
export async function readAnalysisSettings(db: Kysely<Database>, workspaceId: string, options: { forUpdate?: boolean } = {}): Promise<unknown> {
  let query = db
    .selectFrom('workspaces')
    .select(sql<unknown>`settings -> 'analysis'`.as('analysis'))
    .where('id', '=', workspaceId);
  if (options.forUpdate) query = query.forUpdate();
  return (await query.executeTakeFirst())?.analysis ?? undefined;
}

/** Only the version number of the stored configuration: the pipeline's cheap per-batch check. */
export async function readAnalysisVersion(db: Kysely<Database>, workspaceId: string): Promise<unknown> {
  const row = await db
    .selectFrom('workspaces')
    .select(sql<unknown>`settings -> 'analysis' -> 'version'`.as('version'))
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.version ?? undefined;
}

/** Replaces settings.analysis, leaving the workspace's other settings as they are. */
export async function writeAnalysisSettings(db: Kysely<Database>, workspaceId: string, analysis: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ settings: sql<string>`jsonb_set(settings, '{analysis}', ${JSON.stringify(analysis)}::jsonb, true)` })
    .where('id', '=', workspaceId)
    .execute();
}
