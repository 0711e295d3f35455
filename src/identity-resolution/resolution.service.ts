/**
 * Identity resolution against the store: gathers candidate contacts by blocking keys (one set of
 * queries per batch of identities), scores them with the pure model, and records the outcome on the
 * identity: an automatic link (contact_id, score, status auto, evidence), a suggestion for review
 * (status suggested, no contact_id, the suggested contact in the evidence) or nothing. A manual link
 * is never touched. Link changes are audited.
 */
import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findContact } from '../customers/contacts.repository.ts';
import type { Database, IdentityRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { contactKeys, identityKeys, namesMeet, type BlockingKeys } from './blocking.ts';
import { AUTO_THRESHOLD, fullNameKey, listedOnContact, resolveIdentity, statedDetails, SUGGEST_THRESHOLD, type ContactFacts, type Evidence, type IdentityFacts, type IdentityMessage, type Resolution, type SharedCounts } from './model.ts';
import {
  coOccurringContacts,
  contactNames,
  countContactsByEmail,
  countContactsByName,
  countContactsByPhone,
  findCandidateContacts,
  findNameCandidates,
  findIdentitiesByIds,
  findUnresolved,
  identityMessages,
  linkedClaimsOf,
  linkedIdentitiesByHandle,
  nextIdentitiesToResolve,
  replaceAccountClaims,
  unlinkedContacts,
  unlinkedRelatedTo,
  writeResolution,
  writeResolutions,
  type ResolutionWrite,
  type AccountClaim,
  type CandidateContactRow,
  type NameQuery,
} from './resolution.repository.ts';
import { nameTokens, normalizeHandle, normalizeUrl } from './text.ts';

/** Candidates looked at per identity at most; blocking keys are selective, this bounds a pathological name. */
const CANDIDATES_PER_IDENTITY = 50;
/** Identities per candidate query when the pipeline resolves new arrivals. */
const PIPELINE_CHUNK = 100;

/** A reviewer's rejection, kept in the evidence across re-resolution. */
export interface Rejection {
  type: 'rejected';
  contactId: string;
  by: string | null;
  text: string;
}

/** A stored evidence item: the model's evidence, the suggested contact, or a reviewer's rejection. */
export type StoredEvidence = Evidence | { type: 'suggested_contact'; contactId: string; text: string } | Rejection;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Contacts a reviewer rejected for this identity, kept in its evidence. */
function rejectedOf(identity: IdentityRow): Rejection[] {
  const evidence = Array.isArray(identity.link_evidence) ? identity.link_evidence : [];
  return evidence.filter(isRecord).flatMap((e) =>
    e['type'] === 'rejected' && typeof e['contactId'] === 'string'
      ? [{ type: 'rejected' as const, contactId: e['contactId'], by: typeof e['by'] === 'string' ? e['by'] : null, text: typeof e['text'] === 'string' ? e['text'] : `suggestion of contact ${e['contactId']} rejected` }]
      : [],
  );
}

/** The contact a suggestion points at, from the identity's evidence. */
export function suggestedContactOf(identity: IdentityRow): string | null {
  if (identity.link_status !== 'suggested' || !Array.isArray(identity.link_evidence)) return null;
  const item = identity.link_evidence.filter(isRecord).find((e) => e['type'] === 'suggested_contact');
  return item && typeof item['contactId'] === 'string' ? item['contactId'] : null;
}

function factsOf(row: IdentityRow, messages: IdentityMessage[]): IdentityFacts {
  return {
    id: row.id,
    channel: row.channel,
    externalId: row.external_id,
    handle: row.handle,
    displayName: row.display_name,
    profileUrl: row.profile_url,
    bio: row.bio,
    location: row.location,
    language: row.language,
    messages,
  };
}

function contactFactsOf(row: CandidateContactRow): ContactFacts {
  const custom = isRecord(row.custom) ? row.custom : {};
  const listed = listedOnContact(custom);
  return {
    id: row.id,
    name: row.name,
    emails: row.emails,
    phones: row.phones,
    city: row.city,
    country: row.country,
    languages: row.languages,
    handles: listed.handles,
    urls: listed.urls,
    keywords: [...listed.keywords, ...(row.account_name ? [row.account_name] : [])],
    accountDomains: row.account_domains ?? [],
    orderIds: listed.orderIds,
  };
}

/** The accounts an identity names as its own, as stored for the reverse lookup. */
function claimsOf(facts: IdentityFacts): AccountClaim[] {
  return statedDetails(facts)
    .filter((d) => d.kind === 'handle' && d.channel !== null && !(d.channel === facts.channel && d.value === normalizeHandle(facts.handle)))
    .map((d) => ({ channel: d.channel ?? '', handle: d.value, source: d.source === 'bio' ? 'bio' : facts.channel === 'email' ? 'email signature' : d.source === 'dm' ? 'private message' : 'public post', statedAt: d.at }));
}

/** The prefixed keys (see CandidateKeys) an identity is looked up by, but for its name (nameQuery). */
function prefixedKeys(keys: BlockingKeys, profileUrl: string | null): string[] {
  return [
    ...keys.emails.map((e) => `e:${e}`),
    ...keys.phones.map((p) => `p:${p}`),
    ...keys.handles.filter((h) => h.length >= 3).map((h) => `l:${h}`),
    ...keys.orders.map((o) => `l:${o}`),
    ...(profileUrl ? [`l:${profileUrl}`] : []),
  ];
}

/**
 * The name search of an identity: its name keys and their one-letter deletions, each as an `n:` (a
 * contact's token) and a `d:` key (a contact token's deletion), so names one typo apart meet (migration 0009).
 */
function nameQuery(keys: BlockingKeys, displayName: string | null): NameQuery {
  const forms = [...keys.names, ...keys.nameVariants];
  const tokens = nameTokens(displayName).filter((t) => t.length >= 3);
  return { keys: [...new Set(forms.flatMap((f) => [`n:${f}`, `d:${f}`]))], family: tokens.length >= 2 ? `n:${tokens[tokens.length - 1]}` : null };
}

interface ScoredBatch {
  results: Map<string, Resolution>;
  facts: Map<string, IdentityFacts>;
}

/** Scores a batch of identities: one round of candidate queries for the whole batch, then the pure model per identity. */
async function scoreBatch(db: Kysely<Database>, workspaceId: string, identities: IdentityRow[]): Promise<ScoredBatch> {
  const results = new Map<string, Resolution>();
  const byId = new Map<string, IdentityFacts>();
  if (identities.length === 0) return { results, facts: byId };
  const messages = await identityMessages(db, workspaceId, identities.map((i) => i.id));
  const facts = identities.map((row) =>
    factsOf(
      row,
      messages.filter((m) => m.identity_id === row.id).map((m) => ({ text: m.text, private: m.private, at: new Date(m.posted_at).toISOString() })),
    ),
  );
  for (const f of facts) byId.set(f.id, f);
  const keys = facts.map(identityKeys);
  const claims = new Map(facts.map((f) => [f.id, claimsOf(f)]));
  const handles = [...new Set(keys.flatMap((k) => k.handles))];

  const sameHandle = await linkedIdentitiesByHandle(db, workspaceId, handles);
  const ownAccounts = facts.flatMap((f) => {
    const handle = normalizeHandle(f.handle);
    return handle && f.channel !== 'email' ? [{ channel: f.channel, handle }] : [];
  });
  const listedBy = await linkedClaimsOf(db, workspaceId, ownAccounts);
  const coOccurring = await coOccurringContacts(db, workspaceId, identities.map((i) => i.id));
  const unlinked = await unlinkedContacts(db, workspaceId, identities.map((i) => i.id));
  for (const f of facts) {
    const handle = normalizeHandle(f.handle);
    f.sameHandleContactIds = handle && f.channel !== 'email' ? [...new Set(sameHandle.filter((r) => r.handle === handle && r.id !== f.id && r.channel !== f.channel).map((r) => r.contact_id))] : [];
    f.coOccurringContacts = Object.fromEntries(coOccurring.filter((r) => r.identity_id === f.id).map((r) => [r.contact_id, r.threads]));
    // Accounts this identity lists as its own that are linked, and linked identities that list this one.
    const forward = (claims.get(f.id) ?? []).flatMap((c) =>
      sameHandle.filter((r) => r.channel === c.channel && r.handle === c.handle && r.id !== f.id).map((r) => ({ contactId: r.contact_id, text: `lists ${c.channel}:@${c.handle} as its own (${c.source}${c.statedAt ? ` on ${c.statedAt.slice(0, 10)}` : ''}), an account linked to this contact` })),
    );
    const reverse = handle
      ? listedBy.filter((r) => r.channel === f.channel && r.handle === handle && r.identity_id !== f.id).map((r) => ({ contactId: r.contact_id, text: `listed as its own account in the ${r.source} of the ${r.lister_channel} identity ${r.lister_handle ?? r.identity_id}, linked to this contact` }))
      : [];
    f.crossListed = [...forward, ...reverse];
  }
  const extraIds = [...new Set(facts.flatMap((f) => [...(f.sameHandleContactIds ?? []), ...Object.keys(f.coOccurringContacts ?? {}), ...(f.crossListed ?? []).map((c) => c.contactId)]))];
  const rows = await findCandidateContacts(
    db,
    workspaceId,
    { keys: [...new Set(facts.flatMap((f, i) => (keys[i] ? prefixedKeys(keys[i], normalizeUrl(f.profileUrl)) : [])))], ids: extraIds },
    CANDIDATES_PER_IDENTITY * identities.length,
  );
  const byName = await findNameCandidates(db, workspaceId, facts.map((f, i) => nameQuery(keys[i] ?? identityKeys(f), f.displayName)), CANDIDATES_PER_IDENTITY);
  const index = (row: CandidateContactRow) => {
    const contact = contactFactsOf(row);
    return { contact, keys: contactKeys(contact), urls: new Set(contact.urls.map(normalizeUrl)) };
  };
  const indexed = rows.map(index);
  const indexedByName = byName.rows.map((found) => found.map(index));
  const contacts = [...indexed, ...indexedByName.flat()].map((c) => c.contact);
  // Name frequencies: of each candidate's full name, and of each word of the display names (typo-level names ask whether theirs is a name).
  const nameKeys = [...contacts.map((c) => fullNameKey(c.name)), ...facts.flatMap((f) => nameTokens(f.displayName).filter((t) => t.length >= 3).map((t) => `n:${t}`))];
  const nameCounts = await countContactsByName(db, workspaceId, [...new Set(nameKeys.filter((k): k is string => k !== null))]);
  const shared: SharedCounts = {
    emails: await countContactsByEmail(db, workspaceId, [...new Set(keys.flatMap((k) => k.emails))]),
    phones: await countContactsByPhone(db, workspaceId, [...new Set(keys.flatMap((k) => k.phones))]),
    names: nameCounts.names,
    contacts: nameCounts.contacts,
  };
  facts.forEach((f, i) => {
    const k = keys[i];
    const identity = identities[i];
    if (!k || !identity) return;
    const url = normalizeUrl(f.profileUrl);
    const extra = new Set([...(f.sameHandleContactIds ?? []), ...Object.keys(f.coOccurringContacts ?? {}), ...(f.crossListed ?? []).map((c) => c.contactId)]);
    const overlaps = (a: string[], b: string[]) => a.some((x) => b.includes(x));
    const strong = indexed
      .filter(
        ({ contact, keys: ck, urls }) =>
          extra.has(contact.id) || overlaps(k.emails, ck.emails) || overlaps(k.phones, ck.phones) || overlaps(k.handles, ck.handles) || overlaps(k.orders, ck.orders) || (url !== null && urls.has(url)),
      )
      .slice(0, CANDIDATES_PER_IDENTITY);
    // The SQL keys hold every token of a contact's name; the model blocks on the family name, as the evaluation does.
    const named = (indexedByName[i] ?? []).filter(({ keys: ck }) => namesMeet(k, ck));
    const candidates = [...new Map([...strong, ...named].map(({ contact }) => [contact.id, contact])).values()];
    // A reviewer's rejection and a person's unlink both mean: not this contact.
    const rejected = new Set([...rejectedOf(identity).map((r) => r.contactId), ...unlinked.filter((u) => u.identity_id === identity.id).map((u) => u.contact_id)]);
    results.set(identity.id, resolveIdentity(f, candidates, shared, rejected, { allNameNeighbours: byName.complete[i] === true }));
  });
  return { results, facts: byId };
}

/** Scores a batch of identities without recording anything. */
export async function scoreIdentities(db: Kysely<Database>, workspaceId: string, identities: IdentityRow[]): Promise<Map<string, Resolution>> {
  return (await scoreBatch(db, workspaceId, identities)).results;
}

/** What a resolution writes on the identity. */
function columnsFor(identity: IdentityRow, resolution: Resolution, names: Map<string, string>) {
  const kept = rejectedOf(identity);
  const best = resolution.best;
  if (resolution.decision === 'auto' && best) {
    return { contact_id: best.contactId, link_score: best.score, link_status: 'auto' as const, evidence: [...best.evidence, ...kept] };
  }
  if (resolution.decision === 'suggested' && best) {
    const suggestion: StoredEvidence = { type: 'suggested_contact', contactId: best.contactId, text: `suggested contact ${names.get(best.contactId) ?? best.contactId}: ${resolution.reason}` };
    return { contact_id: null, link_score: best.score, link_status: 'suggested' as const, evidence: [suggestion, ...best.evidence, ...kept] };
  }
  return { contact_id: null, link_score: null, link_status: null, evidence: kept };
}

export interface ResolveSummary {
  processed: number;
  auto: number;
  suggested: number;
  unlinked: number;
  changed: number;
}

/** Resolves the given identities and records the outcomes; manual links are skipped. */
export async function resolveAndRecord(db: Kysely<Database>, actor: Actor, identities: IdentityRow[]): Promise<{ summary: ResolveSummary; rows: Map<string, IdentityRow>; newlyLinked: IdentityFacts[] }> {
  const eligible = identities.filter((i) => i.link_status !== 'manual');
  const { results: resolutions, facts } = await scoreBatch(db, actor.workspaceId, eligible);
  // The accounts each identity names as its own, for identities that arrive later (reverse lookup).
  await replaceAccountClaims(db, actor.workspaceId, new Map([...facts].map(([id, f]) => [id, claimsOf(f)])));
  const names = await contactNames(db, actor.workspaceId, [...new Set([...resolutions.values()].flatMap((r) => (r.best ? [r.best.contactId] : [])))]);
  const summary: ResolveSummary = { processed: eligible.length, auto: 0, suggested: 0, unlinked: 0, changed: 0 };
  const rows = new Map<string, IdentityRow>();
  const newlyLinked: IdentityFacts[] = [];
  // Decide every identity first, write the changed ones in one statement, then audit in the same order.
  const decided: { identity: IdentityRow; resolution: NonNullable<ReturnType<typeof resolutions.get>>; next: ReturnType<typeof columnsFor> }[] = [];
  const writes: ResolutionWrite[] = [];
  for (const identity of eligible) {
    const resolution = resolutions.get(identity.id);
    if (!resolution) continue;
    const next = columnsFor(identity, resolution, names);
    if (next.link_status === 'auto') summary.auto++;
    else if (next.link_status === 'suggested') summary.suggested++;
    else summary.unlinked++;
    const evidence = JSON.stringify(next.evidence);
    const unchanged =
      identity.link_evidence !== null && identity.contact_id === next.contact_id && identity.link_status === next.link_status && identity.link_score === next.link_score && JSON.stringify(identity.link_evidence) === evidence;
    if (unchanged) {
      rows.set(identity.id, identity);
      continue;
    }
    decided.push({ identity, resolution, next });
    writes.push({ id: identity.id, contact_id: next.contact_id, link_score: next.link_score, link_status: next.link_status, link_evidence: evidence });
  }
  const written = await writeResolutions(db, actor.workspaceId, writes);
  for (const { identity, resolution, next } of decided) {
    const row = written.get(identity.id);
    if (!row) continue;
    rows.set(identity.id, row);
    if (identity.contact_id !== next.contact_id || identity.link_status !== next.link_status) {
      summary.changed++;
      const f = facts.get(identity.id);
      if (next.link_status === 'auto' && f) newlyLinked.push(f);
      await recordAudit(db, actor, {
        action: 'identity.resolved',
        targetType: 'identity',
        targetId: identity.id,
        detail: {
          decision: resolution.decision,
          contactId: next.contact_id,
          suggestedContactId: next.link_status === 'suggested' ? resolution.best?.contactId ?? null : null,
          score: next.link_score,
          previousContactId: identity.contact_id,
          previousStatus: identity.link_status,
        },
      });
    }
  }
  return { summary, rows, newlyLinked };
}

/** Resolves one identity now (POST /identities/:id/resolve); a manual link stays as it is. */
export async function resolveOne(db: Kysely<Database>, actor: Actor, id: string): Promise<IdentityRow> {
  return db.transaction().execute(async (trx) => {
    const [identity] = await findIdentitiesByIds(trx, actor.workspaceId, [id]);
    if (!identity) throw errors.notFound('identity');
    const { rows } = await resolveAndRecord(trx, actor, [identity]);
    return rows.get(id) ?? identity;
  });
}

/**
 * Pipeline hook: resolves identities of this batch that resolution has never looked at. Cheap when all
 * are known. Ingestion must not fail because of resolution: inside a transaction the work runs under a
 * savepoint and a failure is rolled back to it, leaving the identities unresolved for the next arrival
 * or `resolve-all`.
 */
export async function resolveNewIdentities(db: Kysely<Database>, actor: Actor, ids: string[], log?: ResolutionLogger): Promise<ResolveSummary | null> {
  const report = (err: unknown) => log?.warn({ err, workspaceId: actor.workspaceId, identities: ids.length }, 'identity resolution failed; the identities stay unresolved until their next post or resolve-all');
  if (!db.isTransaction)
    return resolveNewIdentitiesUnguarded(db, actor, ids).catch((err: unknown) => {
      report(err);
      return null;
    });
  await sql`savepoint identity_resolution`.execute(db);
  try {
    const summary = await resolveNewIdentitiesUnguarded(db, actor, ids);
    await sql`release savepoint identity_resolution`.execute(db);
    return summary;
  } catch (err) {
    await sql`rollback to savepoint identity_resolution`.execute(db);
    report(err);
    return null;
  }
}

/** The part of the app logger resolution uses (pino's warn signature). */
export interface ResolutionLogger {
  warn(detail: Record<string, unknown>, message: string): void;
}

async function resolveNewIdentitiesUnguarded(db: Kysely<Database>, actor: Actor, ids: string[]): Promise<ResolveSummary | null> {
  const fresh = await findUnresolved(db, actor.workspaceId, ids);
  if (fresh.length === 0) return null;
  const total: ResolveSummary = { processed: 0, auto: 0, suggested: 0, unlinked: 0, changed: 0 };
  const linked: IdentityFacts[] = [];
  const resolveChunks = async (rows: IdentityRow[]) => {
    // Chunks keep the candidate query of one round small.
    for (let i = 0; i < rows.length; i += PIPELINE_CHUNK) {
      const { summary, newlyLinked } = await resolveAndRecord(db, actor, rows.slice(i, i + PIPELINE_CHUNK));
      for (const key of Object.keys(total) as (keyof ResolveSummary)[]) total[key] += summary[key];
      linked.push(...newlyLinked);
    }
  };
  await resolveChunks(fresh);
  // Transitive confirmation, one round: a new link can confirm the person's other accounts (the same handle
  // elsewhere, the accounts it lists as its own, identities that list it), resolved before as weak evidence.
  const followUp = await relatedToLinked(db, actor.workspaceId, linked, fresh.map((f) => f.id));
  if (followUp.length > 0) await resolveChunks(followUp);
  return total;
}

/** Identities not linked yet that a newly linked identity can confirm: same handle, accounts it lists, identities listing it. */
async function relatedToLinked(db: Kysely<Database>, workspaceId: string, linked: IdentityFacts[], exclude: string[]): Promise<IdentityRow[]> {
  if (linked.length === 0) return [];
  const own = linked.flatMap((f) => {
    const handle = normalizeHandle(f.handle);
    return handle && f.channel !== 'email' ? [{ channel: f.channel, handle }] : [];
  });
  const claimed = linked.flatMap((f) => claimsOf(f).map((c) => ({ channel: c.channel, handle: c.handle })));
  return unlinkedRelatedTo(db, workspaceId, [...new Set([...own, ...claimed].map((a) => a.handle))], own, [...exclude, ...linked.map((f) => f.id)]);
}

/** Re-resolves every identity of the workspace a person has not linked, in keyset batches. */
export async function resolveAll(db: Kysely<Database>, actor: Actor, batchSize = 200): Promise<ResolveSummary> {
  const total: ResolveSummary = { processed: 0, auto: 0, suggested: 0, unlinked: 0, changed: 0 };
  let after: string | null = null;
  for (;;) {
    const batch = await nextIdentitiesToResolve(db, actor.workspaceId, after, batchSize);
    if (batch.length === 0) break;
    const { summary } = await db.transaction().execute((trx) => resolveAndRecord(trx, actor, batch));
    for (const key of Object.keys(total) as (keyof ResolveSummary)[]) total[key] += summary[key];
    after = batch[batch.length - 1]?.id ?? null;
    if (batch.length < batchSize) break;
  }
  return total;
}

export interface Explanation {
  identity: IdentityRow;
  /** The current state for a manual link, else what resolution decides now. */
  decision: Resolution['decision'] | 'manual';
  reason: string;
  thresholds: { auto: number; suggest: number };
  candidates: { contactId: string; contactName: string | null; weight: number; score: number; evidence: Evidence[] }[];
}

/** Why an identity is linked, suggested or not: the current link and a fresh scoring of its candidates. */
export async function explainIdentity(db: Kysely<Database>, workspaceId: string, id: string): Promise<Explanation> {
  const [identity] = await findIdentitiesByIds(db, workspaceId, [id]);
  if (!identity) throw errors.notFound('identity');
  const resolution = (await scoreIdentities(db, workspaceId, [identity])).get(id);
  const top = (resolution?.candidates ?? []).slice(0, 5);
  const names = await contactNames(db, workspaceId, top.map((c) => c.contactId));
  return {
    identity,
    decision: identity.link_status === 'manual' ? 'manual' : resolution?.decision ?? 'none',
    reason: identity.link_status === 'manual' ? 'linked by a person; resolution never changes a manual link' : resolution?.reason ?? 'no candidate contact',
    thresholds: { auto: AUTO_THRESHOLD, suggest: SUGGEST_THRESHOLD },
    candidates: top.map((c) => ({ contactId: c.contactId, contactName: names.get(c.contactId) ?? null, weight: c.weight, score: c.score, evidence: c.evidence })),
  };
}

/** Accepts a suggestion: the suggested contact becomes a manual link, keeping the evidence that led to it. */
export async function acceptSuggestion(db: Kysely<Database>, actor: Actor, id: string): Promise<IdentityRow> {
  return db.transaction().execute(async (trx) => {
    const [identity] = await findIdentitiesByIds(trx, actor.workspaceId, [id]);
    if (!identity) throw errors.notFound('identity');
    const contactId = suggestedContactOf(identity);
    if (!contactId) throw errors.conflict('this identity has no suggested link to accept');
    const suggested = await findContact(trx, actor.workspaceId, contactId);
    if (!suggested) throw errors.conflict('the suggested contact no longer exists; resolve the identity again');
    // Offered, not used: the reviewer judged the suggested record, and the surviving one may differ.
    if (suggested.merged_into_id) throw errors.conflict(`the suggested contact was merged into contact ${suggested.merged_into_id}; link the identity to that contact or resolve it again`);
    const evidence = [{ type: 'manual', by: actor.userId, text: 'suggestion accepted by a reviewer' }, ...(Array.isArray(identity.link_evidence) ? identity.link_evidence.filter((e) => !(isRecord(e) && e['type'] === 'suggested_contact')) : [])];
    const written = await writeResolution(trx, actor.workspaceId, id, { contact_id: contactId, link_score: 1, link_status: 'manual', link_evidence: JSON.stringify(evidence) });
    if (!written) throw errors.notFound('identity');
    await recordAudit(trx, actor, { action: 'identity.linked', targetType: 'identity', targetId: id, detail: { contactId, status: 'manual', via: 'suggestion', suggestedScore: identity.link_score } });
    return written;
  });
}

/** Rejects a suggestion: the identity stays unlinked and resolution never suggests that contact again. */
export async function rejectSuggestion(db: Kysely<Database>, actor: Actor, id: string): Promise<IdentityRow> {
  return db.transaction().execute(async (trx) => {
    const [identity] = await findIdentitiesByIds(trx, actor.workspaceId, [id]);
    if (!identity) throw errors.notFound('identity');
    const contactId = suggestedContactOf(identity);
    if (!contactId) throw errors.conflict('this identity has no suggested link to reject');
    const evidence: StoredEvidence[] = [...rejectedOf(identity), { type: 'rejected', contactId, by: actor.userId, text: `suggestion of contact ${contactId} rejected by a reviewer` }];
    const written = await writeResolution(trx, actor.workspaceId, id, { contact_id: null, link_score: null, link_status: null, link_evidence: JSON.stringify(evidence) });
    if (!written) throw errors.notFound('identity');
    await recordAudit(trx, actor, { action: 'identity.suggestion_rejected', targetType: 'identity', targetId: id, detail: { contactId, score: identity.link_score } });
    return written;
  });
}
