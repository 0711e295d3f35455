/**
 * Runs the resolution model over a generated ground-truth set in memory (blocking, two passes so
 * links found in the first pass can confirm the same handle on other networks) and measures precision
 * and recall of automatic links and of suggestions. Pure.
 */
import { contactKeys, identityKeys } from '../blocking.ts';
import { decide, fullNameKey, resolveIdentity, scorePair, statedDetails, withCloseNameCount, type ContactFacts, type Decision, type IdentityFacts, type SharedCounts } from '../model.ts';
import { normalizeEmail, normalizeHandle, phoneKey } from '../text.ts';
import type { GeneratedSet } from './generate.ts';

export interface Metrics {
  identities: number;
  /** Identities whose person is a contact: the ones that should link. */
  linkable: number;
  auto: { total: number; correct: number; precision: number; recall: number };
  suggested: { total: number; correct: number; precision: number };
  /** Auto links plus suggestions whose contact is right, over linkable identities. */
  reviewRecall: number;
  /**
   * Ceilings set by the data: the share of linkable identities whose evidence against their own contact
   * alone (no competitors) reaches an automatic link, or at least a suggestion. The rest carry too
   * little (a name only, nothing at all) for any link the guards allow.
   */
  ceiling: { auto: number; suggested: number };
  /** Wrong automatic links, for inspection. */
  wrongAuto: { identityId: string; contactId: string; truth: string | null; evidence: string[] }[];
  /** Linkable identities not linked automatically to their contact, for inspection. */
  missed: { identityId: string; channel: string; decision: Decision; evidence: string[] }[];
}

/** Resolves every identity of the set and compares with the truth. */
export function evaluate(set: GeneratedSet): Metrics {
  const byId = new Map(set.contacts.map((c) => [c.id, c]));
  const index = new Map<string, Set<string>>();
  const add = (key: string, id: string) => index.set(key, (index.get(key) ?? new Set()).add(id));
  const shared: SharedCounts = { emails: new Map(), phones: new Map() };
  for (const contact of set.contacts) {
    const keys = contactKeys(contact);
    for (const e of keys.emails) add(`e:${e}`, contact.id);
    for (const p of keys.phones) add(`p:${p}`, contact.id);
    for (const h of keys.handles) add(`h:${h}`, contact.id);
    for (const o of keys.orders) add(`o:${o}`, contact.id);
    for (const n of keys.names) add(`n:${n}`, contact.id);
    for (const v of keys.nameVariants) add(`d:${v}`, contact.id);
    for (const e of new Set(contact.emails.map((x) => normalizeEmail(x)).filter((x): x is string => x !== null))) shared.emails.set(e, (shared.emails.get(e) ?? 0) + 1);
    for (const p of new Set(contact.phones.map(phoneKey).filter((x): x is string => x !== null))) shared.phones.set(p, (shared.phones.get(p) ?? 0) + 1);
  }
  // Name term frequencies as the store counts them: contacts whose name holds every token of a contact's full-name key.
  const byToken = new Map<string, Set<string>>();
  const fullKeys = new Set<string>();
  for (const contact of set.contacts) {
    const key = fullNameKey(contact.name);
    if (!key) continue;
    fullKeys.add(key);
    for (const token of key.split('|')) byToken.set(token, (byToken.get(token) ?? new Set()).add(contact.id));
  }
  // A contact with a single token (or none) cannot hold a two-token key; every contact holding all tokens has a key itself.
  shared.names = new Map([...fullKeys].map((key) => {
    const [first, ...rest] = key.split('|').map((t) => byToken.get(t) ?? new Set<string>());
    return [key, [...(first ?? [])].filter((id) => rest.every((s) => s.has(id))).length];
  }));
  // And single name tokens, as typo-level names ask whether their odd word is a name of other contacts.
  for (const [token, holders] of byToken) shared.names.set(token, holders.size);
  shared.contacts = set.contacts.length;

  // Accounts an identity lists as its own (bio, signature) and, the other way, who lists an account.
  const accountKey = (channel: string, handle: string | null) => `${channel}:${normalizeHandle(handle) ?? ''}`;
  const byAccount = new Map<string, IdentityFacts[]>();
  const listers = new Map<string, IdentityFacts[]>();
  const claims = new Map<string, string[]>();
  for (const identity of set.identities) {
    byAccount.set(accountKey(identity.channel, identity.handle), [...(byAccount.get(accountKey(identity.channel, identity.handle)) ?? []), identity]);
    const listed = statedDetails(identity).filter((d) => d.kind === 'handle' && d.channel).map((d) => accountKey(d.channel ?? '', d.value));
    claims.set(identity.id, listed);
    for (const key of listed) listers.set(key, [...(listers.get(key) ?? []), identity]);
  }
  const linked = new Map<string, string>();
  /** What the real system derives from linked identities: contacts of accounts this one lists, and of identities listing it. */
  const crossListedOf = (identity: IdentityFacts): NonNullable<IdentityFacts['crossListed']> => {
    const out: NonNullable<IdentityFacts['crossListed']> = [];
    for (const key of claims.get(identity.id) ?? []) {
      for (const other of byAccount.get(key) ?? []) {
        const contactId = linked.get(other.id);
        if (contactId && other.id !== identity.id) out.push({ contactId, text: `lists ${key} as its own, an account linked to this contact` });
      }
    }
    for (const lister of listers.get(accountKey(identity.channel, identity.handle)) ?? []) {
      const contactId = linked.get(lister.id);
      if (contactId && lister.id !== identity.id) out.push({ contactId, text: `listed as its own account by the ${lister.channel} identity ${lister.handle}, linked to this contact` });
    }
    return out;
  };

  const finalFacts = new Map<string, IdentityFacts>();
  const decisions = new Map<string, { decision: Decision; contactId: string | null; evidence: string[] }>();
  const linkedByHandle = new Map<string, Set<string>>();
  for (let pass = 0; pass < 2; pass++) {
    for (const identity of set.identities) {
      const handle = normalizeHandle(identity.handle);
      const sameHandle = handle && identity.channel !== 'email' ? [...(linkedByHandle.get(handle) ?? [])] : [];
      const crossListed = crossListedOf(identity);
      const facts = { ...identity, sameHandleContactIds: sameHandle, crossListed };
      const keys = identityKeys(facts);
      const candidateIds = new Set<string>([...sameHandle, ...crossListed.map((c) => c.contactId)]);
      for (const o of keys.orders) for (const id of index.get(`o:${o}`) ?? []) candidateIds.add(id);
      for (const e of keys.emails) for (const id of index.get(`e:${e}`) ?? []) candidateIds.add(id);
      for (const p of keys.phones) for (const id of index.get(`p:${p}`) ?? []) candidateIds.add(id);
      for (const h of keys.handles) for (const id of index.get(`h:${h}`) ?? []) candidateIds.add(id);
      // Names one typo apart meet on a shared deletion key (symmetric delete), as in the SQL candidate query.
      for (const n of [...keys.names, ...keys.nameVariants]) for (const id of [...(index.get(`n:${n}`) ?? []), ...(index.get(`d:${n}`) ?? [])]) candidateIds.add(id);
      const candidates = [...candidateIds].map((id) => byId.get(id)).filter((c): c is ContactFacts => c !== undefined);
      // No candidate limit here: the candidates hold every name neighbour, so they count the close names.
      const counted = withCloseNameCount(facts, candidates);
      const result = resolveIdentity(counted, candidates, shared);
      finalFacts.set(identity.id, counted);
      decisions.set(identity.id, { decision: result.decision, contactId: result.best?.contactId ?? null, evidence: result.best?.evidence.map((e) => e.text) ?? [] });
    }
    linkedByHandle.clear();
    linked.clear();
    for (const identity of set.identities) {
      const d = decisions.get(identity.id);
      if (d?.decision === 'auto' && d.contactId) linked.set(identity.id, d.contactId);
      const handle = normalizeHandle(identity.handle);
      if (d?.decision === 'auto' && d.contactId && handle && identity.channel !== 'email') linkedByHandle.set(handle, (linkedByHandle.get(handle) ?? new Set()).add(d.contactId));
    }
  }

  let linkable = 0;
  const ceiling = { auto: 0, suggested: 0 };
  const auto = { total: 0, correct: 0 };
  const suggested = { total: 0, correct: 0 };
  const wrongAuto: Metrics['wrongAuto'] = [];
  const missed: Metrics['missed'] = [];
  for (const identity of set.identities) {
    const truth = set.truth.get(identity.id) ?? null;
    if (truth) {
      linkable++;
      const own = byId.get(truth);
      const alone = own ? decide([scorePair({ ...(finalFacts.get(identity.id) ?? identity), sameHandleContactIds: [...(linkedByHandle.get(normalizeHandle(identity.handle) ?? '') ?? [])], crossListed: crossListedOf(identity) }, own, shared)]).decision : 'none';
      if (alone === 'auto') ceiling.auto++;
      if (alone !== 'none') ceiling.suggested++;
    }
    const d = decisions.get(identity.id);
    if (!d) continue;
    if (truth && !(d.decision === 'auto' && d.contactId === truth)) missed.push({ identityId: identity.id, channel: identity.channel, decision: d.decision, evidence: d.evidence });
    if (d.decision === 'auto') {
      auto.total++;
      if (d.contactId === truth) auto.correct++;
      else wrongAuto.push({ identityId: identity.id, contactId: d.contactId ?? '', truth, evidence: d.evidence });
    } else if (d.decision === 'suggested') {
      suggested.total++;
      if (d.contactId === truth) suggested.correct++;
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    identities: set.identities.length,
    linkable,
    auto: { ...auto, precision: ratio(auto.correct, auto.total), recall: ratio(auto.correct, linkable) },
    suggested: { ...suggested, precision: ratio(suggested.correct, suggested.total) },
    reviewRecall: ratio(auto.correct + suggested.correct, linkable),
    ceiling: { auto: ratio(ceiling.auto, linkable), suggested: ratio(ceiling.suggested, linkable) },
    wrongAuto,
    missed,
  };
}
