import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

/** The demo's position as stored: workspaces.settings.demo (unvalidated; the runner parses it). */
export async function readDemoSettings(db: Kysely<Database>, workspaceId: string): Promise<unknown> {
  const row = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
  return row?.settings['demo'];
}

/** Replaces settings.demo only, leaving the workspace's other settings as they are. */
export async function writeDemoSettings(db: Kysely<Database>, workspaceId: string, state: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ settings: sql`jsonb_set(settings, '{demo}', ${JSON.stringify(state)}::jsonb)`, updated_at: new Date() })
    .where('id', '=', workspaceId)
    .execute();
}

export async function countUsersOf(db: Kysely<Database>, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}
