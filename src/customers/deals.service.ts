import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database, DealRow, DealStatus } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { deleteDeal, findDeal, insertDeal, updateDeal } from './deals.repository.ts';
import { changedFields } from './changes.ts';
import { checkAccount, checkContact, checkOwner } from './references.ts';

export interface DealInput {
  title?: string | undefined;
  amount?: string | null | undefined;
  currency?: string | undefined;
  stage?: string | undefined;
  pipeline?: string | undefined;
  status?: DealStatus | undefined;
  closeDate?: string | null | undefined;
  contactId?: string | null | undefined;
  accountId?: string | null | undefined;
  ownerId?: string | null | undefined;
  custom?: Record<string, unknown> | undefined;
}

async function checkReferences(db: Kysely<Database>, workspaceId: string, input: DealInput): Promise<void> {
  await checkContact(db, workspaceId, input.contactId);
  await checkAccount(db, workspaceId, input.accountId);
  await checkOwner(db, workspaceId, input.ownerId);
}

export async function createDeal(db: Kysely<Database>, actor: Actor, input: DealInput & { title: string }): Promise<DealRow> {
  await checkReferences(db, actor.workspaceId, input);
  return db.transaction().execute(async (trx) => {
    const deal = await insertDeal(trx, {
      workspace_id: actor.workspaceId,
      title: input.title.trim(),
      amount: input.amount ?? null,
      currency: input.currency,
      stage: input.stage?.trim(),
      pipeline: input.pipeline?.trim(),
      status: input.status,
      close_date: input.closeDate ?? null,
      contact_id: input.contactId ?? null,
      account_id: input.accountId ?? null,
      owner_id: input.ownerId ?? null,
      custom: JSON.stringify(input.custom ?? {}),
    });
    await recordAudit(trx, actor, { action: 'deal.created', targetType: 'deal', targetId: deal.id, detail: { title: deal.title, status: deal.status } });
    return deal;
  });
}

/** Deal fields by API name, for the `deal.updated` audit entry; stage and status have their own entry. */
const AUDITED_FIELDS = {
  title: 'title',
  amount: 'amount',
  currency: 'currency',
  pipeline: 'pipeline',
  closeDate: 'close_date',
  contactId: 'contact_id',
  accountId: 'account_id',
  ownerId: 'owner_id',
  custom: 'custom',
} as const satisfies Record<string, keyof DealRow>;

/**
 * Updates a deal; stage and status changes are audited as `deal.stage_changed` with their values
 * (they drive pipeline reports and the contact timeline), any other change as `deal.updated` naming
 * the changed fields. An update that changes nothing is not audited.
 */
export async function changeDeal(db: Kysely<Database>, actor: Actor, id: string, input: DealInput): Promise<DealRow> {
  await checkReferences(db, actor.workspaceId, input);
  return db.transaction().execute(async (trx) => {
    const before = await findDeal(trx, actor.workspaceId, id, { forUpdate: true });
    if (!before) throw errors.notFound('deal');
    const after = await updateDeal(trx, actor.workspaceId, id, {
      ...(input.title !== undefined ? { title: input.title.trim() } : {}),
      ...(input.amount !== undefined ? { amount: input.amount } : {}),
      ...(input.currency !== undefined ? { currency: input.currency } : {}),
      ...(input.stage !== undefined ? { stage: input.stage.trim() } : {}),
      ...(input.pipeline !== undefined ? { pipeline: input.pipeline.trim() } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.closeDate !== undefined ? { close_date: input.closeDate } : {}),
      ...(input.contactId !== undefined ? { contact_id: input.contactId } : {}),
      ...(input.accountId !== undefined ? { account_id: input.accountId } : {}),
      ...(input.ownerId !== undefined ? { owner_id: input.ownerId } : {}),
      ...(input.custom !== undefined ? { custom: JSON.stringify(input.custom) } : {}),
    });
    if (!after) throw errors.notFound('deal');
    if (after.stage !== before.stage || after.status !== before.status) {
      await recordAudit(trx, actor, {
        action: 'deal.stage_changed',
        targetType: 'deal',
        targetId: id,
        detail: { from: { stage: before.stage, status: before.status }, to: { stage: after.stage, status: after.status } },
      });
    }
    const fields = changedFields(before, after, AUDITED_FIELDS);
    if (fields.length > 0) await recordAudit(trx, actor, { action: 'deal.updated', targetType: 'deal', targetId: id, detail: { fields } });
    return after;
  });
}

export async function removeDeal(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const deal = await findDeal(trx, actor.workspaceId, id);
    if (!deal) throw errors.notFound('deal');
    await deleteDeal(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'deal.deleted', targetType: 'deal', targetId: id, detail: { title: deal.title } });
  });
}
