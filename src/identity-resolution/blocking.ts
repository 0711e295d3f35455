/**
 * Blocking keys: the cheap exact keys that find candidate contacts for an identity before scoring
 * (the same keys the SQL candidate query uses). Pure.
 */
import { statedDetails, type ContactFacts, type IdentityFacts } from './model.ts';
import { canonicalNames, emailsIn, nameTokens, normalizeEmail, normalizeHandle, orderKey, phoneKey } from './text.ts';

export interface BlockingKeys {
  emails: string[];
  phones: string[];
  handles: string[];
  /** Order and customer number keys. */
  orders: string[];
  /** Folded family-name tokens (see nameKeys). */
  names: string[];
  /**
   * The family name with one letter dropped, every way (see nameVariants): with the same variants on the
   * contact side, two family names one typo apart share a key (symmetric delete), so "Lipczak" finds "Liipczak".
   */
  nameVariants: string[];
}

/** The keys an identity is looked up by. */
export function identityKeys(identity: IdentityFacts): BlockingKeys {
  const stated = statedDetails(identity);
  const of = (kind: string) => stated.filter((d) => d.kind === kind).map((d) => d.value);
  const emails = [normalizeEmail(identity.channel === 'email' ? identity.externalId : null), normalizeEmail(identity.handle), ...emailsIn(identity.bio), ...of('email')].filter((e): e is string => e !== null);
  const phones = [...(['whatsapp', 'sms', 'phone', 'telegram', 'signal'].includes(identity.channel) ? [phoneKey(identity.externalId) ?? phoneKey(identity.handle)].filter((k): k is string => k !== null) : []), ...of('phone')];
  const handle = normalizeHandle(identity.handle);
  const handles = [...(handle && identity.channel !== 'email' ? [handle] : []), ...of('handle')];
  return { emails: [...new Set(emails)], phones: [...new Set(phones)], handles: [...new Set(handles)], orders: [...new Set(of('order'))], names: nameKeys(identity.displayName), nameVariants: nameVariants(identity.displayName) };
}

/** The keys a contact is indexed by (for the in-memory evaluation). */
export function contactKeys(contact: ContactFacts): BlockingKeys {
  return {
    emails: contact.emails.map((e) => normalizeEmail(e)).filter((e): e is string => e !== null),
    phones: contact.phones.map(phoneKey).filter((k): k is string => k !== null),
    handles: contact.handles.map((h) => normalizeHandle(h.handle)).filter((h): h is string => h !== null),
    orders: (contact.orderIds ?? []).map(orderKey).filter((k): k is string => k !== null),
    names: nameKeys(contact.name),
    nameVariants: nameVariants(contact.name),
  };
}

/** Shortest token whose one-letter deletions are keys: shorter ones would block unrelated names together (Kim, Kin, Tim). */
export const VARIANT_MIN_LENGTH = 4;

/** A token with one letter dropped, at every position, without repeats (Berg → erg, brg, beg, ber). */
export function deletions(token: string): string[] {
  if (token.length < VARIANT_MIN_LENGTH) return [];
  return [...new Set(Array.from(token, (_, i) => token.slice(0, i) + token.slice(i + 1)))];
}

/** The one-letter deletions of a full name's family name (last token); none for a lone token, which is no family name. */
export function nameVariants(name: string | null | undefined): string[] {
  const tokens = nameTokens(name).filter((t) => t.length >= 3);
  return tokens.length >= 2 ? deletions(tokens[tokens.length - 1] ?? '') : [];
}

/**
 * Whether an identity's name keys find a contact: the same family name, or family names one typo apart
 * (the variants of one hold the other, or both share a variant). The SQL candidate query asks the same
 * with `n:` and `d:` keys (migration 0009).
 */
export function namesMeet(identity: Pick<BlockingKeys, 'names' | 'nameVariants'>, contact: Pick<BlockingKeys, 'names' | 'nameVariants'>): boolean {
  const exact = new Set(contact.names);
  const variants = new Set(contact.nameVariants);
  return identity.names.some((n) => exact.has(n) || variants.has(n)) || identity.nameVariants.some((v) => exact.has(v) || variants.has(v));
}

/**
 * Name keys: the family name (last token) of a full name, or the canonical forms of a lone token.
 * Given names alone would block half the book together (every "Anna"), so they only count when
 * they are all there is.
 */
export function nameKeys(name: string | null | undefined): string[] {
  const tokens = nameTokens(name).filter((t) => t.length >= 3);
  if (tokens.length === 0) return [];
  if (tokens.length === 1) return [...new Set([tokens[0] ?? '', ...canonicalNames(tokens[0] ?? '')])];
  return [tokens[tokens.length - 1] ?? '', tokens[0] ?? ''].slice(0, 1);
}
