import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { deleteSessionsOfUser } from '../auth/auth.repository.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database, Role, UserRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { countActiveAdmins, deleteUser, findUser, findUserByEmail, insertUser, updateUser } from './users.repository.ts';

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  password?: string | undefined;
  skills?: string[] | undefined;
  languages?: string[] | undefined;
  capacity?: number | undefined;
}

/** Creates a user; without a password a one-time password is generated and returned once. */
export async function createUser(db: Kysely<Database>, actor: Actor, input: CreateUserInput): Promise<{ user: UserRow; oneTimePassword: string | null }> {
  const email = input.email.trim();
  if (await findUserByEmail(db, email)) throw errors.conflict(`a user with email ${email} already exists`);
  const oneTimePassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? oneTimePassword ?? '');
  const user = await db.transaction().execute(async (trx) => {
    const created = await insertUser(trx, {
      workspace_id: actor.workspaceId,
      email,
      name: input.name.trim(),
      role: input.role,
      password_hash: passwordHash,
      must_change_password: oneTimePassword !== null,
      skills: input.skills ?? [],
      languages: input.languages ?? [],
      capacity: input.capacity,
    });
    await recordAudit(trx, actor, { action: 'user.created', targetType: 'user', targetId: created.id, detail: { email, role: input.role } });
    return created;
  });
  return { user, oneTimePassword };
}

export interface UpdateUserInput {
  name?: string | undefined;
  role?: Role | undefined;
  status?: 'active' | 'disabled' | undefined;
  skills?: string[] | undefined;
  languages?: string[] | undefined;
  capacity?: number | undefined;
}

/** Updates a user; role changes are audited and the last active admin cannot be demoted or disabled. */
export async function changeUser(db: Kysely<Database>, actor: Actor, id: string, input: UpdateUserInput): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findUser(trx, actor.workspaceId, id);
    if (!before) throw errors.notFound('user');
    const losesAdmin = before.role === 'admin' && before.status === 'active' && ((input.role && input.role !== 'admin') || input.status === 'disabled');
    if (losesAdmin && (await countActiveAdmins(trx, actor.workspaceId)) <= 1) {
      throw errors.conflict('this is the last active admin of the workspace; make another user admin first');
    }
    const after = await updateUser(trx, actor.workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.skills !== undefined ? { skills: input.skills } : {}),
      ...(input.languages !== undefined ? { languages: input.languages } : {}),
      ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
    });
    if (!after) throw errors.notFound('user');
    if (input.role !== undefined && input.role !== before.role) {
      await recordAudit(trx, actor, { action: 'user.role_changed', targetType: 'user', targetId: id, detail: { from: before.role, to: input.role } });
    }
    if (input.status !== undefined && input.status !== before.status) {
      await recordAudit(trx, actor, { action: 'user.status_changed', targetType: 'user', targetId: id, detail: { from: before.status, to: input.status } });
      // A disabled user's sessions and tokens stop working at once.
      if (input.status === 'disabled') await deleteSessionsOfUser(trx, id);
    }
    return after;
  });
}

export async function removeUser(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  if (id === actor.userId) throw errors.conflict('you cannot delete yourself; ask another admin');
  await db.transaction().execute(async (trx) => {
    const user = await findUser(trx, actor.workspaceId, id);
    if (!user) throw errors.notFound('user');
    if (user.role === 'admin' && (await countActiveAdmins(trx, actor.workspaceId)) <= 1) {
      throw errors.conflict('this is the last active admin of the workspace');
    }
    await deleteUser(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'user.deleted', targetType: 'user', targetId: id, detail: { email: user.email } });
  });
}
