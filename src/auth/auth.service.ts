import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.repository.ts';
import type { ApiTokenRow, Database, UserRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import type { Cursor } from '../platform/pagination.ts';
import { findUser, findUserByEmail } from '../users/users.repository.ts';
import type { Actor } from './actor.ts';
import {
  deleteSession,
  findSessionPrincipal,
  findToken,
  findTokenPrincipal,
  insertSession,
  insertToken,
  listTokens,
  recordLogin,
  revokeToken,
  setPassword,
  touchToken,
  type Principal,
} from './auth.repository.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { newApiToken, newSessionId, sha256, TOKEN_PREFIX } from './secrets.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  now: Date;
}

/** Checks email and password; on success opens a session and returns its id (to be set as cookie). */
export async function signIn(
  db: Kysely<Database>,
  email: string,
  password: string,
  meta: RequestMeta,
  sessionTtlHours: number,
): Promise<{ user: UserRow; sessionId: string; expiresAt: Date }> {
  const user = await findUserByEmail(db, email.trim());
  const valid = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || !valid || user.status !== 'active') {
    if (user) {
      await recordAudit(db, { workspaceId: user.workspace_id, userId: null, role: 'analyst', tokenId: null, via: 'session', ip: meta.ip }, {
        action: 'auth.sign_in_failed',
        targetType: 'user',
        targetId: user.id,
        detail: { reason: valid ? 'disabled' : 'wrong_password' },
      });
    }
    throw errors.invalidCredentials();
  }
  const sessionId = newSessionId();
  const expiresAt = new Date(meta.now.getTime() + sessionTtlHours * 3600_000);
  await db.transaction().execute(async (trx) => {
    await insertSession(trx, { idHash: sha256(sessionId), workspaceId: user.workspace_id, userId: user.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent });
    await recordLogin(trx, user.id, meta.now);
    await recordAudit(trx, actorOf(user, null, 'session', meta.ip), { action: 'auth.signed_in', targetType: 'user', targetId: user.id });
  });
  return { user, sessionId, expiresAt };
}

export async function signOut(db: Kysely<Database>, sessionId: string): Promise<void> {
  await deleteSession(db, sha256(sessionId));
}

/** Resolves a bearer token or a session cookie to the acting principal. */
export async function authenticate(
  db: Kysely<Database>,
  credentials: { bearer?: string | undefined; sessionId?: string | undefined },
  now: Date,
): Promise<(Principal & { via: 'token' | 'session' }) | undefined> {
  if (credentials.bearer !== undefined) {
    if (!credentials.bearer.startsWith(TOKEN_PREFIX)) return undefined;
    const principal = await findTokenPrincipal(db, sha256(credentials.bearer), now);
    if (!principal) return undefined;
    if (principal.tokenId) await touchToken(db, principal.tokenId, now);
    return { ...principal, via: 'token' };
  }
  if (credentials.sessionId !== undefined) {
    const principal = await findSessionPrincipal(db, sha256(credentials.sessionId), now);
    return principal ? { ...principal, via: 'session' } : undefined;
  }
  return undefined;
}

function actorOf(user: UserRow, tokenId: string | null, via: Actor['via'], ip: string | null): Actor {
  return { workspaceId: user.workspace_id, userId: user.id, role: user.role, tokenId, via, ip };
}

/** Creates an API token for the acting user; the token itself is returned once and only its hash kept. */
export async function createApiToken(
  db: Kysely<Database>,
  actor: Actor,
  input: { name: string; expiresInDays?: number | undefined; userId?: string | undefined },
  now: Date,
): Promise<{ token: string; row: ApiTokenRow }> {
  const ownerId = input.userId ?? actor.userId;
  if (!ownerId) throw errors.badRequest('name the user the token is for');
  if (ownerId !== actor.userId && actor.role !== 'admin') throw errors.forbidden('only admins create tokens for other users');
  if (!(await findUser(db, actor.workspaceId, ownerId))) throw errors.notFound('user');
  const { token, prefix, hash } = newApiToken();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86400_000) : null;
  const row = await db.transaction().execute(async (trx) => {
    const created = await insertToken(trx, { workspaceId: actor.workspaceId, userId: ownerId, name: input.name.trim(), hash, prefix, expiresAt });
    await recordAudit(trx, actor, { action: 'token.created', targetType: 'api_token', targetId: created.id, detail: { name: created.name, userId: ownerId } });
    return created;
  });
  return { token, row };
}

/** Tokens of the acting user, or of the whole workspace for admins asking for all. */
export async function listApiTokens(db: Kysely<Database>, actor: Actor, all: boolean, cursor: Cursor | undefined, limit: number): Promise<(ApiTokenRow & { cursor_at: string })[]> {
  if (all && actor.role !== 'admin') throw errors.forbidden('only admins list every token');
  return listTokens(db, actor.workspaceId, all ? null : actor.userId, cursor, limit);
}

export async function revokeApiToken(db: Kysely<Database>, actor: Actor, id: string, now: Date): Promise<void> {
  const token = await findToken(db, actor.workspaceId, id);
  if (!token || (token.user_id !== actor.userId && actor.role !== 'admin')) throw errors.notFound('token');
  await db.transaction().execute(async (trx) => {
    await revokeToken(trx, actor.workspaceId, id, now);
    await recordAudit(trx, actor, { action: 'token.revoked', targetType: 'api_token', targetId: id });
  });
}

export async function changeOwnPassword(db: Kysely<Database>, actor: Actor, current: string, next: string): Promise<void> {
  if (!actor.userId) throw errors.unauthenticated();
  const user = await findUser(db, actor.workspaceId, actor.userId);
  if (!user || !(await verifyPassword(current, user.password_hash))) throw errors.invalidCredentials();
  const hash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await setPassword(trx, user.id, hash);
    await recordAudit(trx, actor, { action: 'auth.password_changed', targetType: 'user', targetId: user.id });
  });
}
