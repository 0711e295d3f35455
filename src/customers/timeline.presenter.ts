import type { Static } from 'typebox';
import type { TimelineRow } from './timeline.repository.ts';
import { TIMELINE_FIELDS, type TimelineItem } from './timeline.schema.ts';

/** A timeline item: kind, time, id, and the summary fields of its kind (string or null), nothing else. */
export function presentTimelineItem(row: TimelineRow): Static<typeof TimelineItem> {
  const item: Static<typeof TimelineItem> = { kind: row.kind, at: row.at.toISOString(), id: row.id };
  for (const field of TIMELINE_FIELDS) {
    if (!(field in row.data)) continue;
    const value = row.data[field];
    item[field] = typeof value === 'string' ? value : value === null ? null : String(value);
  }
  return item;
}
