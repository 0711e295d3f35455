import type { Kysely } from 'kysely';
import type { Database, Insertable, TeamRow, TeamsTable, Updateable } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';

export async function listTeams(db: Kysely<Database>, workspaceId: string, cursor: Cursor | undefined, limit: number): Promise<(TeamRow & { cursor_at: string })[]> {
  let query = db.selectFrom('teams').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function findTeam(db: Kysely<Database>, workspaceId: string, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function findTeamByName(db: Kysely<Database>, workspaceId: string, name: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
}

export async function insertTeam(db: Kysely<Database>, values: Insertable<TeamsTable>): Promise<TeamRow> {
  return db.insertInto('teams').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateTeam(db: Kysely<Database>, workspaceId: string, id: string, values: Updateable<TeamsTable>): Promise<TeamRow | undefined> {
  return db.updateTable('teams').set({ ...values, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteTeam(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('teams').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface TeamMember {
  userId: string;
  role: 'member' | 'lead';
  name: string;
  email: string;
}

export async function listMembers(db: Kysely<Database>, workspaceId: string, teamIds: string[]): Promise<(TeamMember & { teamId: string })[]> {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('team_memberships')
    .innerJoin('users', 'users.id', 'team_memberships.user_id')
    .select(['team_memberships.team_id as teamId', 'team_memberships.user_id as userId', 'team_memberships.role as role', 'users.name as name', 'users.email as email'])
    .where('team_memberships.workspace_id', '=', workspaceId)
    .where('team_memberships.team_id', 'in', teamIds)
    .orderBy('users.name')
    .execute();
}

export async function upsertMember(db: Kysely<Database>, workspaceId: string, teamId: string, userId: string, role: 'member' | 'lead'): Promise<void> {
  await db
    .insertInto('team_memberships')
    .values({ workspace_id: workspaceId, team_id: teamId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

export async function deleteMember(db: Kysely<Database>, workspaceId: string, teamId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('team_memberships')
    .where('workspace_id', '=', workspaceId)
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
