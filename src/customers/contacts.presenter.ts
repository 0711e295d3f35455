import type { Static } from 'typebox';
import type { ContactRow, LifecycleStage } from '../platform/db/schema.ts';
import type { LifecycleChangeRow } from './contacts.repository.ts';
import type { Contact, LifecycleChange } from './contacts.schema.ts';

/** The fields of a contact a client sees (consent has its own capability). */
export function presentContact(row: ContactRow): Static<typeof Contact> {
  return {
    id: row.id,
    name: row.name,
    firstName: row.first_name,
    lastName: row.last_name,
    emails: row.emails,
    phones: row.phones,
    city: row.city,
    country: row.country,
    languages: row.languages,
    lifecycleStage: row.lifecycle_stage,
    accountId: row.account_id,
    ownerId: row.owner_id,
    mergedIntoId: row.merged_into_id,
    custom: row.custom,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const STAGES: readonly LifecycleStage[] = ['prospect', 'customer', 'former_customer'];
function isStage(value: string | null): value is LifecycleStage {
  return value !== null && (STAGES as readonly string[]).includes(value);
}

export function presentLifecycleChange(row: LifecycleChangeRow): Static<typeof LifecycleChange> {
  // The column is plain text; a value outside the known stages (a future stage) reads as prospect.
  return {
    id: row.id,
    fromStage: isStage(row.from_stage) ? row.from_stage : null,
    toStage: isStage(row.to_stage) ? row.to_stage : 'prospect',
    changedBy: row.changed_by,
    changedAt: row.changed_at.toISOString(),
  };
}
