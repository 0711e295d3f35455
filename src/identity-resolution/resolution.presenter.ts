import type { Static } from 'typebox';
import { presentIdentity } from '../identities/identities.presenter.ts';
import type { IdentityRow } from '../platform/db/schema.ts';
import type { Explanation, Suggestion } from './resolution.schema.ts';
import { suggestedContactOf, type Explanation as ExplanationData } from './resolution.service.ts';

/** Why an identity is (or is not) linked, with its scored candidates. */
export function presentExplanation(data: ExplanationData): Static<typeof Explanation> {
  return {
    identity: presentIdentity(data.identity),
    decision: data.decision,
    reason: data.reason,
    thresholds: data.thresholds,
    candidates: data.candidates.map((c) => ({
      contactId: c.contactId,
      contactName: c.contactName,
      weight: c.weight,
      score: c.score,
      evidence: c.evidence.map((e) => ({ type: e.type, outcome: e.outcome, weight: e.weight, strength: e.strength, text: e.text })),
    })),
  };
}

/** One entry of the review queue: the identity, the contact suggested and the evidence. */
export function presentSuggestion(row: IdentityRow, names: Map<string, string>): Static<typeof Suggestion> {
  const contactId = suggestedContactOf(row);
  return {
    identity: presentIdentity(row),
    contactId,
    contactName: contactId ? names.get(contactId) ?? null : null,
    score: row.link_score ?? 0,
    evidence: Array.isArray(row.link_evidence) ? row.link_evidence : [],
  };
}
