import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { AuditRow, Database } from '../platform/db/schema.ts';
import type { Cursor } from '../platform/pagination.ts';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  detail?: Record<string, unknown>;
}

/** Appends one audit entry; call inside the same transaction as the change it records. */
export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: actor.workspaceId,
      actor_user_id: actor.userId,
      actor_token_id: actor.tokenId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: actor.ip,
    })
    .execute();
}

export interface AuditFilter {
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
}

export async function listAudit(db: Kysely<Database>, workspaceId: string, filter: AuditFilter, cursor: Cursor | undefined, limit: number): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  // Audit ids only grow, so the id alone is the keyset; the cursor's id carries it.
  if (cursor) query = query.where('id', '<', Number(cursor.id));
  return query.orderBy('id', 'desc').limit(limit + 1).execute();
}
