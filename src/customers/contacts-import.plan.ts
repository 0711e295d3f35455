import { randomBytes } from 'node:crypto';
import type { LifecycleStage } from '../platform/db/schema.ts';
import type { ImportedContact } from './contacts-import.mapping.ts';
import { displayName } from './contacts.service.ts';

/**
 * Pure part of applying one chunk of imported rows: matching, fill-only merging and handle linking
 * against an in-memory snapshot of the contacts, identities and accounts the chunk can touch, row by
 * row in file order. The service loads the snapshot in a few set-based queries, runs the plan and
 * writes its result in a few more, so a chunk costs a constant number of statements instead of
 * several per row, with the same outcome as applying the rows one at a time.
 */

/** A live contact as matching sees it; `created_at` is the exact (microsecond) UTC text, so ordering is the database's. */
export interface KnownContact {
  id: string;
  created_at: string;
  name: string;
  first_name: string | null;
  last_name: string | null;
  emails: string[];
  phones: string[];
  city: string | null;
  country: string | null;
  account_id: string | null;
}

/** A social identity a handle of the chunk may refer to (`id` null for one this chunk creates). */
export interface KnownIdentity {
  id: string | null;
  channel: string;
  handle: string | null;
  external_id: string;
  contact_id: string | null;
  created_at: string;
}

export interface ChunkSnapshot {
  /** Live contacts holding one of the chunk's emails or phones. */
  contacts: KnownContact[];
  /** Identities on the chunk's channels whose lower-case handle or external id is one of the chunk's handles. */
  identities: KnownIdentity[];
  /** Account id by lower-case name, the oldest account of that name, for the chunk's companies. */
  accounts: Map<string, string>;
}

export interface PlanContext {
  /** The transaction's `now()` as exact UTC text: the `created_at` rows inserted by this chunk will get. */
  now: string;
  /** Ids for new contacts and accounts, strictly increasing within one import (see orderedIds). */
  newId: () => string;
  /** Account ids by lower-case name found or created earlier in this import; the plan adds to it. */
  accountCache: Map<string, string>;
}

export type RowOutcome = { kind: 'created' | 'updated' | 'matched'; warnings: string[] };

export interface NewContact extends KnownContact {
  lifecycle_stage: LifecycleStage;
}

export interface ChunkPlan {
  outcomes: RowOutcome[];
  newAccounts: { id: string; name: string }[];
  /** Contacts to insert, in creation order, with every later fill of the same chunk already applied. */
  newContacts: NewContact[];
  /** Existing contacts a row changed: their final state. */
  updatedContacts: KnownContact[];
  newIdentities: { channel: string; handle: string; external_id: string; contact_id: string }[];
  /** Existing unlinked identities to link to a contact. */
  linkedIdentities: { id: string; contact_id: string }[];
}

/** Older first, as `order by created_at, id` sorts (uuid order is the order of its lower-case hex text). */
function older<T extends { created_at: string; id: string | null }>(a: T, b: T): boolean {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at;
  if (a.id === null) return false;
  return b.id === null || a.id < b.id;
}

function oldest<T extends { created_at: string; id: string | null }>(candidates: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const candidate of candidates) if (!best || older(candidate, best)) best = candidate;
  return best;
}

/** The fill-only change of one row to a contact: empty fields filled, new emails and phones appended; nothing overwritten. */
export function fillOnly(existing: KnownContact, input: ImportedContact, accountId: string | null): Partial<KnownContact> {
  const change: Partial<KnownContact> = {};
  const newEmails = input.emails.filter((e) => !existing.emails.includes(e));
  const newPhones = input.phones.filter((p) => !existing.phones.includes(p));
  if (newEmails.length > 0) change.emails = [...existing.emails, ...newEmails].slice(0, 20);
  if (newPhones.length > 0) change.phones = [...existing.phones, ...newPhones].slice(0, 20);
  if (!existing.first_name && input.firstName) change.first_name = input.firstName;
  if (!existing.last_name && input.lastName) change.last_name = input.lastName;
  if (!existing.city && input.city) change.city = input.city;
  if (!existing.country && input.country) change.country = input.country;
  if (!existing.account_id && accountId) change.account_id = accountId;
  if (existing.name === '' || (existing.emails.includes(existing.name) && (input.name || input.firstName || input.lastName))) {
    const name = displayName(input.name ?? undefined, input.firstName, input.lastName, []);
    if (name && name !== existing.name) change.name = name;
  }
  return change;
}

/**
 * Applies the rows of one chunk, in order, to the snapshot: each row is matched to the oldest live
 * contact holding one of its emails, else one of its phones (including contacts created or extended by
 * earlier rows), then filled or created, and its handles linked. Returns each row's outcome and the
 * writes that bring the database to the same state.
 */
export function planChunk(rows: ImportedContact[], snapshot: ChunkSnapshot, ctx: PlanContext): ChunkPlan {
  const byEmail = new Map<string, Set<KnownContact>>();
  const byPhone = new Map<string, Set<KnownContact>>();
  const index = (contact: KnownContact) => {
    for (const email of contact.emails) (byEmail.get(email) ?? byEmail.set(email, new Set()).get(email))?.add(contact);
    for (const phone of contact.phones) (byPhone.get(phone) ?? byPhone.set(phone, new Set()).get(phone))?.add(contact);
  };
  for (const contact of snapshot.contacts) index({ ...contact, emails: [...contact.emails], phones: [...contact.phones] });

  const identityKey = (channel: string, key: string) => `${channel}\u0000${key}`;
  const identities = new Map<string, Set<KnownIdentity>>();
  const indexIdentity = (identity: KnownIdentity) => {
    const keys = new Set([identity.external_id, ...(identity.handle === null ? [] : [identity.handle.toLowerCase()])]);
    for (const key of keys) {
      const k = identityKey(identity.channel, key);
      (identities.get(k) ?? identities.set(k, new Set()).get(k))?.add(identity);
    }
  };
  for (const identity of snapshot.identities) indexIdentity({ ...identity });

  const plan: ChunkPlan = { outcomes: [], newAccounts: [], newContacts: [], updatedContacts: [], newIdentities: [], linkedIdentities: [] };
  const created = new Set<KnownContact>();
  const updated = new Set<KnownContact>();

  const accountFor = (company: string | null): string | null => {
    if (!company) return null;
    const key = company.toLowerCase();
    const id = ctx.accountCache.get(key) ?? snapshot.accounts.get(key);
    if (id) {
      ctx.accountCache.set(key, id);
      return id;
    }
    const fresh = ctx.newId();
    plan.newAccounts.push({ id: fresh, name: company });
    ctx.accountCache.set(key, fresh);
    return fresh;
  };

  const match = (input: ImportedContact): KnownContact | undefined => {
    if (input.emails.length > 0) {
      const found = oldest(input.emails.flatMap((e) => [...(byEmail.get(e) ?? [])]));
      if (found) return found;
    }
    if (input.phones.length > 0) return oldest(input.phones.flatMap((p) => [...(byPhone.get(p) ?? [])]));
    return undefined;
  };

  for (const input of rows) {
    let contact = match(input);
    let kind: RowOutcome['kind'];
    if (contact) {
      // Only look the account up (or create it) when the contact has none, so a match stays a pure read.
      const accountId = contact.account_id ? null : accountFor(input.company);
      const change = fillOnly(contact, input, accountId);
      if (Object.keys(change).length > 0) {
        Object.assign(contact, change);
        index(contact);
        if (!created.has(contact)) updated.add(contact);
        kind = 'updated';
      } else kind = 'matched';
    } else {
      const stage = input.lifecycleStage ?? 'prospect';
      const fresh: NewContact = {
        id: ctx.newId(),
        created_at: ctx.now,
        name: displayName(input.name ?? undefined, input.firstName, input.lastName, input.emails) || (input.phones[0] ?? ''),
        first_name: input.firstName,
        last_name: input.lastName,
        emails: [...input.emails],
        phones: [...input.phones],
        city: input.city,
        country: input.country,
        account_id: accountFor(input.company),
        lifecycle_stage: stage,
      };
      index(fresh);
      created.add(fresh);
      plan.newContacts.push(fresh);
      contact = fresh;
      kind = 'created';
    }
    const warnings: string[] = [];
    let linked = false;
    for (const { channel, handle } of input.handles) {
      const key = handle.toLowerCase();
      const identity = oldest(identities.get(identityKey(channel, key)) ?? []);
      if (!identity) {
        // A handle alone has no platform id; the lower-case handle stands in until the channel reports the real one.
        indexIdentity({ id: null, channel, handle, external_id: key, contact_id: contact.id, created_at: ctx.now });
        plan.newIdentities.push({ channel, handle, external_id: key, contact_id: contact.id });
        linked = true;
      } else if (identity.contact_id === null) {
        identity.contact_id = contact.id;
        if (identity.id !== null) plan.linkedIdentities.push({ id: identity.id, contact_id: contact.id });
        linked = true;
      } else if (identity.contact_id !== contact.id) {
        warnings.push(`${channel}:${handle} is already linked to contact ${identity.contact_id}; left unchanged`);
      }
    }
    if (linked && kind === 'matched') kind = 'updated';
    plan.outcomes.push({ kind, warnings });
  }
  plan.updatedContacts = [...updated];
  return plan;
}

/**
 * Version 7 UUIDs (RFC 9562: millisecond time, then a counter, then random bits), strictly
 * increasing for one generator. Rows created in one transaction share `created_at`, so the id
 * decides which is "oldest": with these ids that is the one an earlier row created.
 */
export function orderedIds(clock: () => number = Date.now): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    const now = clock();
    if (now > lastMs) {
      lastMs = now;
      counter = 0;
    } else if (++counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(lastMs, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
