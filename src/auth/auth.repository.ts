import type { Kysely } from 'kysely';
import type { ApiTokenRow, Database, Role } from '../platform/db/schema.ts';
import { exactTimestamp } from '../platform/db/keyset.ts';
import type { Cursor } from '../platform/pagination.ts';

export interface Principal {
  userId: string;
  workspaceId: string;
  role: Role;
  tokenId: string | null;
}

export async function insertSession(
  db: Kysely<Database>,
  values: { idHash: string; workspaceId: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: values.idHash, workspace_id: values.workspaceId, user_id: values.userId, expires_at: values.expiresAt, ip: values.ip, user_agent: values.userAgent })
    .execute();
}

/** The active user behind a session, if the session exists, has not expired and the user is active. */
export async function findSessionPrincipal(db: Kysely<Database>, idHash: string, now: Date): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id as userId', 'users.workspace_id as workspaceId', 'users.role as role'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  return row ? { ...row, tokenId: null } : undefined;
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

/** The active user behind an API token that is neither revoked nor expired. */
export async function findTokenPrincipal(db: Kysely<Database>, tokenHash: string, now: Date): Promise<Principal | undefined> {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id as userId', 'users.workspace_id as workspaceId', 'users.role as role', 'api_tokens.id as tokenId'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
    .where('users.status', '=', 'active')
    .executeTakeFirst();
}

/** Records token use at most once a minute, so reads through a token do not each cost a write. */
export async function touchToken(db: Kysely<Database>, tokenId: string, now: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}

export async function insertToken(
  db: Kysely<Database>,
  values: { workspaceId: string; userId: string; name: string; hash: string; prefix: string; expiresAt: Date | null },
): Promise<ApiTokenRow> {
  return db
    .insertInto('api_tokens')
    .values({ workspace_id: values.workspaceId, user_id: values.userId, name: values.name, token_hash: values.hash, prefix: values.prefix, expires_at: values.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listTokens(db: Kysely<Database>, workspaceId: string, userId: string | null, cursor: Cursor | undefined, limit: number): Promise<(ApiTokenRow & { cursor_at: string })[]> {
  let query = db.selectFrom('api_tokens').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (userId) query = query.where('user_id', '=', userId);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(eb.cast<Date>(eb.val(cursor.at), 'timestamptz'), cursor.id)));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function findToken(db: Kysely<Database>, workspaceId: string, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function revokeToken(db: Kysely<Database>, workspaceId: string, id: string, now: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

export async function recordLogin(db: Kysely<Database>, userId: string, now: Date): Promise<void> {
  await db.updateTable('users').set({ last_login_at: now }).where('id', '=', userId).execute();
}

export async function setPassword(db: Kysely<Database>, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, must_change_password: false, updated_at: new Date() }).where('id', '=', userId).execute();
}
