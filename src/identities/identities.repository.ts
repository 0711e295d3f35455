import type { Kysely } from 'kysely';
import { exactTimestamp } from '../platform/db/keyset.ts';
import { containsPattern } from '../platform/db/like.ts';
import type { Database, IdentityRow, Insertable, SocialIdentitiesTable, Updateable } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function findIdentity(db: Kysely<Database>, workspaceId: string, id: string): Promise<IdentityRow | undefined> {
  return db.selectFrom('social_identities').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export interface IdentityFilter {
  channel?: string | undefined;
  contactId?: string | undefined;
  linked?: boolean | undefined;
  q?: string | undefined;
}

export async function listIdentities(
  db: Kysely<Database>,
  workspaceId: string,
  filter: IdentityFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<(IdentityRow & { cursor_at: string })[]> {
  let query = db.selectFrom('social_identities').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
  if (filter.linked === true) query = query.where('contact_id', 'is not', null);
  if (filter.linked === false) query = query.where('contact_id', 'is', null);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) => eb.or([eb('handle', 'ilike', pattern), eb('display_name', 'ilike', pattern)]));
  }
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** Inserts an identity; undefined when (workspace, channel, external id) is already taken. */
export async function insertIdentity(db: Kysely<Database>, values: Insertable<SocialIdentitiesTable>): Promise<IdentityRow | undefined> {
  return db
    .insertInto('social_identities')
    .values(values)
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateIdentity(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<SocialIdentitiesTable>): Promise<IdentityRow | undefined> {
  return db.updateTable('social_identities').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteIdentity(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('social_identities').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
