import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../platform/http/schemas.ts';
import { Contact } from './contacts.schema.ts';

export const MergeContactBody = Type.Object({ sourceId: Uuid }, { additionalProperties: false });

const Counts = Type.Object({
  identities: Type.Integer(),
  deals: Type.Integer(),
  conversations: Type.Integer(),
  notes: Type.Integer(),
  lifecycleChanges: Type.Integer(),
});

export const ContactMerge = Type.Object({
  id: Uuid,
  targetId: Uuid,
  sourceId: Uuid,
  moved: Counts,
  mergedBy: Nullable(Uuid),
  mergedAt: Timestamp,
  undoneBy: Nullable(Uuid),
  undoneAt: Nullable(Timestamp),
});

/** A merge or its undo, with the contact it leaves in front of the user (the target after a merge, the source after an undo). */
export const MergeOutcome = Type.Object({ merge: ContactMerge, contact: Contact });
