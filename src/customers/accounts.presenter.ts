import type { Static } from 'typebox';
import type { AccountRow } from '../platform/db/schema.ts';
import type { Account } from './accounts.schema.ts';

/** The fields of an account a client sees. */
export function presentAccount(row: AccountRow): Static<typeof Account> {
  return {
    id: row.id,
    name: row.name,
    domains: row.domains,
    industry: row.industry,
    size: row.size,
    ownerId: row.owner_id,
    custom: row.custom,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
