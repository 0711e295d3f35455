import type { Static } from 'typebox';
import type { DealRow } from '../platform/db/schema.ts';
import type { Deal } from './deals.schema.ts';

/** The fields of a deal a client sees; the amount stays a decimal string. */
export function presentDeal(row: DealRow): Static<typeof Deal> {
  return {
    id: row.id,
    title: row.title,
    amount: row.amount,
    currency: row.currency,
    stage: row.stage,
    pipeline: row.pipeline,
    status: row.status,
    closeDate: row.close_date,
    contactId: row.contact_id,
    accountId: row.account_id,
    ownerId: row.owner_id,
    custom: row.custom,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
