import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { AccountRow, Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { deleteAccount, findAccount, insertAccount, updateAccount } from './accounts.repository.ts';
import { changedFields } from './changes.ts';
import { checkOwner } from './references.ts';

export interface AccountInput {
  name?: string | undefined;
  domains?: string[] | undefined;
  industry?: string | null | undefined;
  size?: string | null | undefined;
  ownerId?: string | null | undefined;
  custom?: Record<string, unknown> | undefined;
}

/** Domains compare case-insensitively and without duplicates. */
export function normalizeDomains(domains: string[]): string[] {
  return [...new Set(domains.map((d) => d.trim().toLowerCase()))];
}

export async function createAccount(db: Kysely<Database>, actor: Actor, input: AccountInput & { name: string }): Promise<AccountRow> {
  await checkOwner(db, actor.workspaceId, input.ownerId);
  return db.transaction().execute(async (trx) => {
    const account = await insertAccount(trx, {
      workspace_id: actor.workspaceId,
      name: input.name.trim(),
      domains: normalizeDomains(input.domains ?? []),
      industry: input.industry ?? null,
      size: input.size ?? null,
      owner_id: input.ownerId ?? null,
      custom: JSON.stringify(input.custom ?? {}),
    });
    await recordAudit(trx, actor, { action: 'account.created', targetType: 'account', targetId: account.id, detail: { name: account.name } });
    return account;
  });
}

/** Account fields by API name, for the `account.updated` audit entry. */
const AUDITED_FIELDS = {
  name: 'name',
  domains: 'domains',
  industry: 'industry',
  size: 'size',
  ownerId: 'owner_id',
  custom: 'custom',
} as const satisfies Record<string, keyof AccountRow>;

/** Updates an account; a change is audited as `account.updated` naming the changed fields, an update that changes nothing is not. */
export async function changeAccount(db: Kysely<Database>, actor: Actor, id: string, input: AccountInput): Promise<AccountRow> {
  await checkOwner(db, actor.workspaceId, input.ownerId);
  return db.transaction().execute(async (trx) => {
    const before = await findAccount(trx, actor.workspaceId, id, { forUpdate: true });
    if (!before) throw errors.notFound('account');
    const after = await updateAccount(trx, actor.workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.domains !== undefined ? { domains: normalizeDomains(input.domains) } : {}),
      ...(input.industry !== undefined ? { industry: input.industry } : {}),
      ...(input.size !== undefined ? { size: input.size } : {}),
      ...(input.ownerId !== undefined ? { owner_id: input.ownerId } : {}),
      ...(input.custom !== undefined ? { custom: JSON.stringify(input.custom) } : {}),
    });
    if (!after) throw errors.notFound('account');
    const fields = changedFields(before, after, AUDITED_FIELDS);
    if (fields.length > 0) await recordAudit(trx, actor, { action: 'account.updated', targetType: 'account', targetId: id, detail: { fields } });
    return after;
  });
}

export async function removeAccount(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const account = await findAccount(trx, actor.workspaceId, id);
    if (!account) throw errors.notFound('account');
    await deleteAccount(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'account.deleted', targetType: 'account', targetId: id, detail: { name: account.name } });
  });
}
