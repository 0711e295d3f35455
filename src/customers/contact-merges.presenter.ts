import type { Static } from 'typebox';
import type { ContactMergeRow } from './contact-merges.repository.ts';
import type { ContactMerge } from './contact-merges.schema.ts';

/** A merge record without its snapshots (they hold both contacts' full rows). */
export function presentContactMerge(row: ContactMergeRow): Static<typeof ContactMerge> {
  const count = (ids: string[] | undefined) => ids?.length ?? 0;
  return {
    id: row.id,
    targetId: row.target_id,
    sourceId: row.source_id,
    moved: {
      identities: count(row.moved.social_identities),
      deals: count(row.moved.deals),
      conversations: count(row.moved.conversations),
      notes: count(row.moved.notes),
      lifecycleChanges: count(row.moved.lifecycle_changes),
    },
    mergedBy: row.merged_by,
    mergedAt: row.merged_at.toISOString(),
    undoneBy: row.undone_by,
    undoneAt: row.undone_at ? row.undone_at.toISOString() : null,
  };
}
