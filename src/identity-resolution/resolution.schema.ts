import { Type } from 'typebox';
import { Identity } from '../identities/identities.schema.ts';
import { Nullable, PageQuery, Uuid } from '../platform/http/schemas.ts';

export const EvidenceItem = Type.Object({
  type: Type.String(),
  outcome: Type.String(),
  weight: Type.Number(),
  strength: Type.String(),
  text: Type.String(),
});

export const Explanation = Type.Object({
  identity: Identity,
  decision: Type.Union([Type.Literal('auto'), Type.Literal('suggested'), Type.Literal('none'), Type.Literal('manual')]),
  reason: Type.String(),
  thresholds: Type.Object({ auto: Type.Number(), suggest: Type.Number() }),
  candidates: Type.Array(
    Type.Object({
      contactId: Uuid,
      contactName: Nullable(Type.String()),
      weight: Type.Number(),
      score: Type.Number(),
      evidence: Type.Array(EvidenceItem),
    }),
  ),
});

export const Suggestion = Type.Object({
  identity: Identity,
  contactId: Nullable(Uuid),
  contactName: Nullable(Type.String()),
  score: Type.Number(),
  evidence: Type.Array(Type.Unknown()),
});

export const SuggestionQuery = Type.Object({ ...PageQuery });

export const ResolveSummary = Type.Object({
  processed: Type.Integer(),
  auto: Type.Integer(),
  suggested: Type.Integer(),
  unlinked: Type.Integer(),
  changed: Type.Integer(),
});
