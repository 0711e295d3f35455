import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

export async function findWorkspace(db: Kysely<Database>, id: string) {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWorkspaceBySlug(db: Kysely<Database>, slug: string) {
  return db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function firstWorkspace(db: Kysely<Database>) {
  return db.selectFrom('workspaces').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export async function insertWorkspace(db: Kysely<Database>, name: string, slug: string) {
  return db.insertInto('workspaces').values({ name, slug, settings: '{}' }).returningAll().executeTakeFirstOrThrow();
}

export async function renameWorkspace(db: Kysely<Database>, id: string, name: string) {
  return db.updateTable('workspaces').set({ name, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Inserts a workspace unless its slug is taken (by another process at the same moment, say); undefined then. */
export async function insertWorkspaceIfAbsent(db: Kysely<Database>, name: string, slug: string, settings: Record<string, unknown>) {
  return db
    .insertInto('workspaces')
    .values({ name, slug, settings: JSON.stringify(settings) })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
}
