import type { Static } from 'typebox';
import type { SegmentRow } from './segments.repository.ts';
import type { Segment } from './segments.schema.ts';
import { definitionOf } from './segments.service.ts';

/** The fields of a segment a client sees. */
export function presentSegment(row: SegmentRow): Static<typeof Segment> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    definition: definitionOf(row),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
