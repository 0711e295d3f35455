import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database, TeamKind, TeamRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { findUser } from '../users/users.repository.ts';
import { deleteMember, deleteTeam, findTeam, findTeamByName, insertTeam, updateTeam, upsertMember } from './teams.repository.ts';

export interface TeamInput {
  name?: string | undefined;
  kind?: TeamKind | undefined;
  description?: string | undefined;
}

export async function createTeam(db: Kysely<Database>, actor: Actor, input: TeamInput & { name: string }): Promise<TeamRow> {
  const name = input.name.trim();
  if (await findTeamByName(db, actor.workspaceId, name)) throw errors.conflict(`a team named ${name} already exists`);
  return db.transaction().execute(async (trx) => {
    const team = await insertTeam(trx, { workspace_id: actor.workspaceId, name, kind: input.kind, description: input.description });
    await recordAudit(trx, actor, { action: 'team.created', targetType: 'team', targetId: team.id, detail: { name } });
    return team;
  });
}

export async function changeTeam(db: Kysely<Database>, actor: Actor, id: string, input: TeamInput): Promise<TeamRow> {
  if (input.name !== undefined) {
    const clash = await findTeamByName(db, actor.workspaceId, input.name.trim());
    if (clash && clash.id !== id) throw errors.conflict(`a team named ${input.name} already exists`);
  }
  const team = await updateTeam(db, actor.workspaceId, id, {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  });
  if (!team) throw errors.notFound('team');
  return team;
}

export async function removeTeam(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const team = await findTeam(trx, actor.workspaceId, id);
    if (!team) throw errors.notFound('team');
    await deleteTeam(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'team.deleted', targetType: 'team', targetId: id, detail: { name: team.name } });
  });
}

export async function setMember(db: Kysely<Database>, actor: Actor, teamId: string, userId: string, role: 'member' | 'lead'): Promise<void> {
  if (!(await findTeam(db, actor.workspaceId, teamId))) throw errors.notFound('team');
  if (!(await findUser(db, actor.workspaceId, userId))) throw errors.notFound('user');
  await db.transaction().execute(async (trx) => {
    await upsertMember(trx, actor.workspaceId, teamId, userId, role);
    await recordAudit(trx, actor, { action: 'team.member_set', targetType: 'team', targetId: teamId, detail: { userId, role } });
  });
}

export async function removeMember(db: Kysely<Database>, actor: Actor, teamId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await deleteMember(trx, actor.workspaceId, teamId, userId))) throw errors.notFound('team membership');
    await recordAudit(trx, actor, { action: 'team.member_removed', targetType: 'team', targetId: teamId, detail: { userId } });
  });
}
