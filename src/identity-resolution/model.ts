/**
 * The identity resolution model: a Fellegi-Sunter style record-linkage score between one social
 * identity and one candidate contact. Each comparison (email, phone, listed handle, profile URL,
 * cross-network handle, name, location, language, bio keywords, link domain, co-occurrence) has an
 * outcome (agree, partial, disagree, missing) and each outcome a log2 likelihood ratio log2(m/u):
 * how much more often that outcome happens for a true match than for a non-match. The weights add up
 * to W; the match probability reported is 1 / (1 + 2^-(W + PRIOR)). Pure: no I/O. See docs/IDENTITY.md.
 */
import {
  canonicalNames,
  emailsIn,
  fold,
  isRoleAddress,
  keywords,
  nameSimilarity,
  oneEditApart,
  nameTokens,
  normalizeEmail,
  normalizeHandle,
  normalizeUrl,
  orderKey,
  ownDomainOf,
  ownDomainOfUrl,
  phoneKey,
  sameGivenName,
  statementsIn,
  urlsIn,
  type Statement,
} from './text.ts';

/** What we know of a social identity. */
export interface IdentityFacts {
  id: string;
  channel: string;
  externalId: string;
  handle: string | null;
  displayName: string | null;
  profileUrl: string | null;
  bio: string | null;
  location: string | null;
  language: string | null;
  /** Contacts already linked (auto or manual) to identities with the same handle on other networks. */
  sameHandleContactIds?: string[];
  /** Contacts linked to identities that posted in the same threads as this one, with the thread count. */
  coOccurringContacts?: Record<string, number>;
  /** The identity's own inbound messages that may state its details (newest first): a DM or email to the brand is private. */
  messages?: IdentityMessage[];
  /**
   * Contacts linked (auto or manual) to another identity that names this one as the same person: an
   * account this identity's bio or messages list as its own, or one whose bio or email signature lists
   * this identity's handle on this network.
   */
  crossListed?: { contactId: string; text: string }[];
  /**
   * How many contacts of the workspace carry a name close to the display name (the same, a nickname of
   * it, or one typo off: closeNameLevel), when the candidate search saw all of them; unset when unknown.
   * Set by resolveIdentity.
   */
  closeNameContacts?: number;
}

/** One inbound message of an identity, as far as resolution needs it. */
export interface IdentityMessage {
  text: string;
  /** A direct message or email to the brand (private), or a public post or reply. */
  private: boolean;
  /** When it was posted (ISO date), for the explanation. */
  at: string | null;
}

/** A detail the identity stated itself, with where and when. */
export interface StatedDetail extends Statement {
  source: 'dm' | 'post' | 'bio';
  at: string | null;
}

/** What we know of a candidate contact. */
export interface ContactFacts {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  city: string | null;
  country: string | null;
  languages: string[];
  /** Handles listed on the contact (custom.handles, CSV `handles`), as channel and handle. */
  handles: { channel: string | null; handle: string }[];
  /** URLs listed on the contact (custom fields): profile pages, websites. */
  urls: string[];
  /** Account name, company and custom keywords, for bio keyword matching. */
  keywords: string[];
  /** Domains of the contact's account. */
  accountDomains: string[];
  /** Customer and order numbers listed on the contact (custom fields customer_number, orders, ...). */
  orderIds?: string[];
}

/** How many contacts hold each email address / phone key, to tell a person's address from a shared one. */
export interface SharedCounts {
  emails: Map<string, number>;
  phones: Map<string, number>;
  /**
   * Term frequencies of full names: for a candidate contact's name key (fullNameKey), how many live
   * contacts of the workspace carry all its tokens, and how many live contacts the workspace has.
   * Without them the name weight is the fixed one. Also, under `n:<token>`, how many contacts carry each
   * name token of the identities' display names (see typoIsAName); a token absent from the map is held by none.
   */
  names?: Map<string, number>;
  contacts?: number;
}

/**
 * The key a full name is counted by: its folded tokens of three letters or more (the `n:` keys of
 * townhall_contact_keys, migration 0006), sorted, joined by '|' with the prefix. Null for fewer than two tokens.
 * A contact counts for a key when its name holds all of the key's tokens.
 */
export function fullNameKey(name: string | null | undefined): string | null {
  const tokens = [...new Set(nameTokens(name).filter((t) => t.length >= 3))].sort();
  return tokens.length >= 2 ? tokens.map((t) => `n:${t}`).join('|') : null;
}

export type Outcome = 'agree' | 'partial' | 'disagree' | 'missing';
export type Strength = 'deterministic' | 'strong' | 'weak';

/** One piece of evidence: a comparison outcome with its weight and a sentence a person can read. */
export interface Evidence {
  type: string;
  outcome: Outcome;
  weight: number;
  strength: Strength;
  text: string;
}

/**
 * log2(m/u) weights per comparison and outcome. Deterministic evidence (a verified address, a handle
 * or URL the contact lists) outweighs everything probabilistic together; shared values are weak.
 */
export const WEIGHTS = {
  email: { agree: 14, shared: 1.5, role: 0, disagree: -1 },
  phone: { agree: 13, shared: 1.5, disagree: -1 },
  listedHandle: { agree: 13, otherNetwork: 5 },
  profileUrl: { agree: 13 },
  sameHandleAcrossNetworks: { agree: 8, short: 2 },
  name: { agree: 4.5, partial: 2.5, weak: -1.5, disagree: -5 },
  /**
   * Term-frequency adjustment of an exact full-name agreement: log2(m/u) with m = 0.9 (a true match
   * writes the contact's full name exactly) and u = 3 / contacts: when no other of the workspace's N
   * contacts holds the name, its frequency is below 3/N with 95% confidence (the rule of three), so a
   * small workspace cannot call a name rare. Bounded below by name.agree and above by the same handle on
   * another network (8), the weakest strong field it may stand beside. Names several contacts hold get name.agree.
   */
  uniqueName: { m: 0.9, max: 8 },
  /**
   * The same for a name close to the contact's (a nickname of the given name, or one typo in one name):
   * m = 0.1, as about one true match in ten writes a short form or carries a typo on either side, and
   * u = 3 / contacts when no other contact's name is that close (the rule of three again). Capped one
   * below the exact name: a close name is less sure than the same name.
   */
  closeName: { m: 0.1, max: 7 },
  handleName: { agree: 3, partial: 1 },
  location: { agree: 2.5, partial: 1, disagree: -2 },
  language: { agree: 0.5, disagree: -0.5 },
  bioKeywords: { agree: 1.5 },
  linkDomain: { agree: 4 },
  coOccurrence: { agree: 1.5, many: 3 },
  stated: { privateEmail: 12, publicEmail: 9, privatePhone: 11, publicPhone: 8, privateOrder: 11, publicOrder: 8, shared: 1.5, role: 0, disagree: -1 },
  listsHandle: { agree: 9 },
  crossListed: { agree: 9 },
} as const;

/** Prior log2 odds that a blocked candidate pair is a match; turns W into a probability. */
export const PRIOR = -8;
/** W at or above which a link is made automatically (probability ≥ 0.94), given the guards below. */
export const AUTO_THRESHOLD = 10;
/** W at or above which a link is suggested for review (probability ≥ 0.2). */
export const SUGGEST_THRESHOLD = 6;
/** The best candidate must beat the runner-up by this much to auto-link; namesakes become suggestions. */
export const AUTO_MARGIN = 4;

const JW = { agree: 0.94, partial: 0.87, weak: 0.75 };

/** Match probability for a total weight W. */
export function probability(weight: number): number {
  return 1 / (1 + 2 ** -(weight + PRIOR));
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The verified address an identity stands for: an email channel's address, or an address in its id. */
function identityEmails(identity: IdentityFacts): { verified: string[]; stated: string[] } {
  const verified = identity.channel === 'email' ? [normalizeEmail(identity.externalId), normalizeEmail(identity.handle)].filter((e): e is string => e !== null) : [];
  const stated = emailsIn(identity.bio).filter((e) => !verified.includes(e));
  return { verified: [...new Set(verified)], stated: [...new Set(stated)] };
}

const PHONE_CHANNELS = new Set(['whatsapp', 'sms', 'phone', 'telegram', 'signal']);

function identityPhone(identity: IdentityFacts): string | null {
  if (!PHONE_CHANNELS.has(identity.channel)) return null;
  return phoneKey(identity.externalId) ?? phoneKey(identity.handle);
}

function compareEmail(identity: IdentityFacts, contact: ContactFacts, shared: SharedCounts): Evidence[] {
  const { verified, stated } = identityEmails(identity);
  if (verified.length === 0 && stated.length === 0) return [];
  const contactEmails = new Set(contact.emails.map((e) => normalizeEmail(e)).filter((e): e is string => e !== null));
  const out: Evidence[] = [];
  for (const email of [...verified, ...stated]) {
    if (!contactEmails.has(email)) continue;
    const isVerified = verified.includes(email);
    if (isRoleAddress(email)) {
      out.push({ type: 'email', outcome: 'partial', weight: WEIGHTS.email.role, strength: 'weak', text: `same email ${email}, but a shared role address: not evidence of a person` });
    } else if ((shared.emails.get(email) ?? 1) > 1) {
      out.push({ type: 'email', outcome: 'partial', weight: WEIGHTS.email.shared, strength: 'weak', text: `same email ${email}, but ${shared.emails.get(email)} contacts share it` });
    } else {
      out.push({
        type: 'email',
        outcome: 'agree',
        weight: isVerified ? WEIGHTS.email.agree : WEIGHTS.email.agree - 3,
        strength: isVerified ? 'deterministic' : 'strong',
        text: isVerified ? `same email ${email}` : `email ${email} in the profile matches the contact`,
      });
    }
  }
  if (out.length === 0 && verified.length > 0 && contactEmails.size > 0) {
    out.push({ type: 'email', outcome: 'disagree', weight: WEIGHTS.email.disagree, strength: 'weak', text: `email ${verified[0]} is not among the contact's addresses` });
  }
  return out;
}

function comparePhone(identity: IdentityFacts, contact: ContactFacts, shared: SharedCounts): Evidence[] {
  const key = identityPhone(identity);
  if (!key) return [];
  const keys = new Set(contact.phones.map(phoneKey).filter((k): k is string => k !== null));
  if (keys.size === 0) return [];
  if (!keys.has(key)) return [{ type: 'phone', outcome: 'disagree', weight: WEIGHTS.phone.disagree, strength: 'weak', text: `phone ${identity.externalId} is not among the contact's numbers` }];
  const count = shared.phones.get(key) ?? 1;
  if (count > 1) return [{ type: 'phone', outcome: 'partial', weight: WEIGHTS.phone.shared, strength: 'weak', text: `same phone ${identity.externalId}, but ${count} contacts share it` }];
  return [{ type: 'phone', outcome: 'agree', weight: WEIGHTS.phone.agree, strength: 'deterministic', text: `same phone ${identity.externalId} (verified by ${identity.channel})` }];
}

/** Channel names as people write them in a handles list. */
const CHANNEL_ALIASES: Record<string, string> = { twitter: 'x', ig: 'instagram', insta: 'instagram', fb: 'facebook', bsky: 'bluesky', yt: 'youtube', masto: 'mastodon' };

function compareHandles(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const handle = normalizeHandle(identity.handle);
  if (!handle) return [];
  const listed = contact.handles.map((h) => ({ channel: h.channel ? CHANNEL_ALIASES[h.channel.toLowerCase()] ?? h.channel.toLowerCase() : null, handle: normalizeHandle(h.handle) }));
  const sameNetwork = listed.find((h) => h.handle === handle && (h.channel === null || h.channel === identity.channel));
  if (sameNetwork) return [{ type: 'listed_handle', outcome: 'agree', weight: WEIGHTS.listedHandle.agree, strength: 'deterministic', text: `handle ${identity.channel}:${handle} is listed on the contact` }];
  const otherNetwork = listed.find((h) => h.handle === handle);
  if (otherNetwork && handle.length >= 5) {
    return [{ type: 'listed_handle', outcome: 'partial', weight: WEIGHTS.listedHandle.otherNetwork, strength: 'strong', text: `handle ${handle} is listed on the contact for ${otherNetwork.channel ?? 'another network'}` }];
  }
  return [];
}

function compareProfileUrl(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const url = normalizeUrl(identity.profileUrl);
  if (!url) return [];
  if (contact.urls.some((u) => normalizeUrl(u) === url)) return [{ type: 'profile_url', outcome: 'agree', weight: WEIGHTS.profileUrl.agree, strength: 'deterministic', text: `profile URL ${url} is listed on the contact` }];
  return [];
}

function compareSameHandle(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const handle = normalizeHandle(identity.handle);
  if (!handle || !identity.sameHandleContactIds?.includes(contact.id)) return [];
  const distinctive = handle.replace(/[^a-z0-9]/g, '').length >= 6;
  return [
    {
      type: 'same_handle',
      outcome: distinctive ? 'agree' : 'partial',
      weight: distinctive ? WEIGHTS.sameHandleAcrossNetworks.agree : WEIGHTS.sameHandleAcrossNetworks.short,
      strength: distinctive ? 'strong' : 'weak',
      text: `the same handle ${handle} on another network is linked to this contact`,
    },
  ];
}

/**
 * The weight of an exact full-name agreement given how many contacts carry the name (term-frequency
 * adjusted, as record linkage systems such as Splink do): a name only this contact holds, in a workspace of
 * N contacts, weighs log2(m·N/3), bounded to [name.agree, uniqueName.max]; a name several contacts hold, or
 * an unknown frequency, weighs name.agree.
 */
export function uniqueNameWeight(holders: number | undefined, contacts: number | undefined, level: { m: number; max: number } = WEIGHTS.uniqueName): number {
  if (holders !== 1 || !contacts || contacts < 1) return WEIGHTS.name.agree;
  return round(Math.min(level.max, Math.max(WEIGHTS.name.agree, Math.log2((level.m * contacts) / 3))));
}

export type NameLevel = 'exact' | 'nickname' | 'typo';

/**
 * How close two full names are, as the rarity weight counts them: the same full name (fullNameKey);
 * the same but for a nickname of the given name (Mike and Michael Hirschdorf); the same but for one
 * typo in the given or the family name, of a name of four letters or more (Lipczak and Liipczak).
 * Null for anything else, and for names of fewer than two tokens. Tokens between first and last must be equal.
 */
export function closeNameLevel(left: string | null | undefined, right: string | null | undefined): NameLevel | null {
  const a = fullNameKey(left);
  if (a === null) return null;
  if (a === fullNameKey(right)) return 'exact';
  const ta = nameTokens(left).filter((t) => t.length >= 3);
  const tb = nameTokens(right).filter((t) => t.length >= 3);
  if (ta.length !== tb.length || ta.length < 2 || ta.slice(1, -1).join(' ') !== tb.slice(1, -1).join(' ')) return null;
  const [givenA, givenB, familyA, familyB] = [ta[0] ?? '', tb[0] ?? '', ta[ta.length - 1] ?? '', tb[tb.length - 1] ?? ''];
  const typo = (x: string, y: string) => Math.min(x.length, y.length) >= 4 && oneEditApart(x, y);
  if (familyA === familyB) {
    if (givenA !== givenB && sameGivenName(givenA, givenB)) return 'nickname';
    if (typo(givenA, givenB)) return 'typo';
    return null;
  }
  return givenA === givenB && typo(familyA, familyB) ? 'typo' : null;
}

/** An exact full-name agreement on a name no other contact holds, weighted up by its rarity. */
export function isUniqueNameEvidence(e: Evidence): boolean {
  return e.type === 'name' && e.outcome === 'agree' && e.weight > WEIGHTS.name.agree;
}

/**
 * Whether the word that makes a typo-level name differ is a name other contacts carry: Janssen next
 * to Jansen, Meyer next to Meier are two names, not a typo of one, so the closeness says little. The
 * counts of single tokens come with the name counts (key `n:<token>`; a token not counted is held by none).
 */
function typoIsAName(identityName: string | null, contactName: string, shared: SharedCounts): boolean {
  const held = new Set(nameTokens(contactName));
  return nameTokens(identityName)
    .filter((t) => t.length >= 3 && !held.has(t))
    .some((t) => (shared.names?.get(`n:${t}`) ?? 0) > 0);
}

function compareName(identity: IdentityFacts, contact: ContactFacts, shared: SharedCounts): Evidence[] {
  const similarity = nameSimilarity(identity.displayName, contact.name);
  if (similarity === null) return [];
  const s = round(similarity);
  const key = fullNameKey(contact.name);
  const level = closeNameLevel(identity.displayName, contact.name);
  if (level === 'exact' && key !== null) {
    const holders = shared.names?.get(key);
    const weight = uniqueNameWeight(holders, shared.contacts);
    if (weight > WEIGHTS.name.agree) return [{ type: 'name', outcome: 'agree', weight, strength: 'weak', text: `same full name, held by no other of ${shared.contacts} contacts` }];
    if (holders !== undefined && holders > 1) return [{ type: 'name', outcome: 'agree', weight: WEIGHTS.name.agree, strength: 'weak', text: `same full name, held by ${holders} contacts` }];
  } else if (level !== null && (level === 'nickname' || !typoIsAName(identity.displayName, contact.name, shared))) {
    // Only this contact's name is that close: the close name is rare, weighted by the rarity as well.
    const weight = uniqueNameWeight(identity.closeNameContacts, shared.contacts, WEIGHTS.closeName);
    const how = level === 'nickname' ? `"${identity.displayName}" is a short form of the contact's name "${contact.name}"` : `name "${identity.displayName}" is one typo off the contact's "${contact.name}"`;
    if (weight > WEIGHTS.name.agree) return [{ type: 'name', outcome: 'agree', weight, strength: 'weak', text: `${how}, and no other of ${shared.contacts} contacts has a name that close` }];
  }
  if (similarity >= JW.agree) return [{ type: 'name', outcome: 'agree', weight: WEIGHTS.name.agree, strength: 'weak', text: `name similarity ${s}` }];
  if (similarity >= JW.partial) return [{ type: 'name', outcome: 'partial', weight: WEIGHTS.name.partial, strength: 'weak', text: `name similarity ${s}` }];
  if (similarity >= JW.weak) return [{ type: 'name', outcome: 'disagree', weight: WEIGHTS.name.weak, strength: 'weak', text: `names differ (similarity ${s})` }];
  return [{ type: 'name', outcome: 'disagree', weight: WEIGHTS.name.disagree, strength: 'weak', text: `names differ (similarity ${s})` }];
}

function compareHandleName(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const handle = normalizeHandle(identity.handle);
  if (!handle || identity.channel === 'email' || PHONE_CHANNELS.has(identity.channel)) return [];
  const parts = handle.split('@')[0]?.split(/[^a-z0-9]+/).map((t) => t.replace(/\d+$/, '')).filter((t) => t.length >= 2) ?? [];
  const tokens = nameTokens(contact.name);
  const family = tokens[tokens.length - 1];
  const given = tokens[0];
  if (!family || !given || tokens.length < 2 || parts.length === 0) return [];
  const joined = parts.join('');
  const givenForms = canonicalNames(given);
  const hasGiven = parts.some((p) => p === given || canonicalNames(p).some((c) => givenForms.includes(c)));
  if ((hasGiven && parts.includes(family)) || joined === given + family || joined === family + given) {
    return [{ type: 'handle_name', outcome: 'agree', weight: WEIGHTS.handleName.agree, strength: 'weak', text: `handle ${handle} spells the contact's name` }];
  }
  if (family.length >= 4 && joined.includes(family)) return [{ type: 'handle_name', outcome: 'partial', weight: WEIGHTS.handleName.partial, strength: 'weak', text: `handle ${handle} contains the family name ${family}` }];
  return [];
}

function compareLocation(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  if (!identity.location || (!contact.city && !contact.country)) return [];
  const where = ` ${fold(identity.location).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  const has = (place: string | null) => place !== null && place.trim() !== '' && where.includes(` ${fold(place).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `);
  if (has(contact.city)) return [{ type: 'location', outcome: 'agree', weight: WEIGHTS.location.agree, strength: 'weak', text: `location "${identity.location}" matches city ${contact.city}` }];
  if (contact.city) {
    if (has(contact.country)) return [{ type: 'location', outcome: 'partial', weight: WEIGHTS.location.partial - 1, strength: 'weak', text: `location "${identity.location}" is in ${contact.country} but not ${contact.city}` }];
    return [{ type: 'location', outcome: 'disagree', weight: WEIGHTS.location.disagree, strength: 'weak', text: `location "${identity.location}" differs from city ${contact.city}` }];
  }
  if (has(contact.country)) return [{ type: 'location', outcome: 'partial', weight: WEIGHTS.location.partial, strength: 'weak', text: `location "${identity.location}" matches country ${contact.country}` }];
  return [];
}

function compareLanguage(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  if (!identity.language || contact.languages.length === 0) return [];
  const lang = identity.language.toLowerCase().slice(0, 2);
  if (contact.languages.some((l) => l.toLowerCase().slice(0, 2) === lang)) return [{ type: 'language', outcome: 'agree', weight: WEIGHTS.language.agree, strength: 'weak', text: `same language ${lang}` }];
  return [{ type: 'language', outcome: 'disagree', weight: WEIGHTS.language.disagree, strength: 'weak', text: `language ${lang} is not among the contact's` }];
}

function compareBio(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const bio = keywords(identity.bio);
  if (bio.size === 0 || contact.keywords.length === 0) return [];
  const shared = [...new Set(contact.keywords.flatMap((k) => [...keywords(k)]))].filter((k) => bio.has(k));
  if (shared.length === 0) return [];
  return [{ type: 'bio_keywords', outcome: 'agree', weight: WEIGHTS.bioKeywords.agree, strength: 'weak', text: `bio mentions ${shared.slice(0, 3).join(', ')}` }];
}

function compareLinkDomain(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const linkDomains = new Set([identity.profileUrl, ...urlsIn(identity.bio)].filter((u): u is string => !!u).map(ownDomainOfUrl).filter((d): d is string => d !== null));
  if (linkDomains.size === 0) return [];
  const contactDomains = new Set([
    ...contact.emails.map((e) => normalizeEmail(e)).filter((e): e is string => e !== null && !isRoleAddress(e)).map(ownDomainOf),
    ...contact.accountDomains.map((d) => d.toLowerCase().replace(/^www\./, '')),
    ...contact.urls.map(ownDomainOfUrl),
  ].filter((d): d is string => d !== null));
  const match = [...linkDomains].find((d) => contactDomains.has(d) || [...contactDomains].some((c) => d.endsWith(`.${c}`)));
  if (!match) return [];
  return [{ type: 'link_domain', outcome: 'agree', weight: WEIGHTS.linkDomain.agree, strength: 'strong', text: `profile links to ${match}, the contact's domain` }];
}

function compareCoOccurrence(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const threads = identity.coOccurringContacts?.[contact.id] ?? 0;
  if (threads === 0) return [];
  const many = threads >= 3;
  return [
    {
      type: 'co_occurrence',
      outcome: many ? 'agree' : 'partial',
      weight: many ? WEIGHTS.coOccurrence.many : WEIGHTS.coOccurrence.agree,
      strength: 'weak',
      text: `posted in ${threads} conversation${threads === 1 ? '' : 's'} with an identity of this contact`,
    },
  ];
}

/**
 * What the identity stated about itself in its messages and bio, without what it said about someone
 * else (quoted) and without its own verified address. Private messages first, then newest first.
 */
export function statedDetails(identity: IdentityFacts): StatedDetail[] {
  const cached = STATED.get(identity);
  if (cached) return cached;
  const details = parseStatedDetails(identity);
  STATED.set(identity, details);
  return details;
}

/** Parsed details per identity object: scoring one identity against 50 candidates parses its messages once. */
const STATED = new WeakMap<IdentityFacts, StatedDetail[]>();

function parseStatedDetails(identity: IdentityFacts): StatedDetail[] {
  const own = identity.channel === 'email' ? normalizeEmail(identity.externalId) : null;
  const out: StatedDetail[] = [];
  const seen = new Set<string>();
  const messages = [...(identity.messages ?? [])].sort((a, b) => Number(b.private) - Number(a.private) || (b.at ?? '').localeCompare(a.at ?? ''));
  const sources: { text: string | null; source: StatedDetail['source']; at: string | null }[] = [...messages.map((m) => ({ text: m.text, source: m.private ? ('dm' as const) : ('post' as const), at: m.at })), { text: identity.bio, source: 'bio', at: null }];
  for (const { text, source, at } of sources) {
    for (const statement of statementsIn(text)) {
      if (statement.quoted || (statement.kind === 'email' && statement.value === own)) continue;
      // Emails in the bio are compared by compareEmail.
      if (source === 'bio' && statement.kind === 'email') continue;
      const key = `${statement.kind}:${statement.channel ?? ''}:${statement.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...statement, source, at });
    }
  }
  return out;
}

const where = (d: StatedDetail) => (d.source === 'dm' ? 'in a private message' : d.source === 'post' ? 'in a public post' : 'in the bio') + (d.at ? ` on ${d.at.slice(0, 10)}` : '');

function compareStatements(identity: IdentityFacts, contact: ContactFacts, shared: SharedCounts): Evidence[] {
  const details = statedDetails(identity).filter((d) => d.kind !== 'handle');
  if (details.length === 0) return [];
  const emails = new Set(contact.emails.map((e) => normalizeEmail(e)).filter((e): e is string => e !== null));
  const phones = new Set(contact.phones.map(phoneKey).filter((k): k is string => k !== null));
  const orders = new Set((contact.orderIds ?? []).map(orderKey).filter((k): k is string => k !== null));
  const out: Evidence[] = [];
  const W = WEIGHTS.stated;
  for (const kind of ['email', 'phone', 'order'] as const) {
    const ofKind = details.filter((d) => d.kind === kind);
    const held = kind === 'email' ? emails : kind === 'phone' ? phones : orders;
    // Details are ordered private first, newest first: the first match is the strongest.
    const match = ofKind.find((d) => held.has(d.value));
    if (!match) {
      const privately = ofKind.find((d) => d.source === 'dm');
      if (kind === 'email' && privately && emails.size > 0 && !isRoleAddress(privately.value)) {
        out.push({ type: 'stated_email', outcome: 'disagree', weight: W.disagree, strength: 'weak', text: `stated email ${privately.value} ${where(privately)} is not among the contact's addresses` });
      }
      continue;
    }
    const label = kind === 'order' ? 'order or customer number' : kind;
    const count = kind === 'email' ? shared.emails.get(match.value) ?? 1 : kind === 'phone' ? shared.phones.get(match.value) ?? 1 : 1;
    if (kind === 'email' && isRoleAddress(match.value)) {
      out.push({ type: 'stated_email', outcome: 'partial', weight: W.role, strength: 'weak', text: `stated email ${match.value} ${where(match)}, but a shared role address: not evidence of a person` });
    } else if (count > 1) {
      out.push({ type: `stated_${kind}`, outcome: 'partial', weight: W.shared, strength: 'weak', text: `stated ${label} ${match.value} ${where(match)}, but ${count} contacts share it` });
    } else {
      const privately = match.source === 'dm';
      const weight = kind === 'email' ? (privately ? W.privateEmail : W.publicEmail) : kind === 'phone' ? (privately ? W.privatePhone : W.publicPhone) : privately ? W.privateOrder : W.publicOrder;
      out.push({ type: `stated_${kind}`, outcome: 'agree', weight, strength: 'strong', text: `stated ${label} ${match.value} ${where(match)}` });
    }
  }
  return out;
}

function compareListsHandle(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const listed = statedDetails(identity).filter((d) => d.kind === 'handle');
  if (listed.length === 0 || contact.handles.length === 0) return [];
  const onContact = contact.handles.map((h) => ({ channel: h.channel ? CHANNEL_ALIASES[h.channel.toLowerCase()] ?? h.channel.toLowerCase() : null, handle: normalizeHandle(h.handle) }));
  const match = listed.find((d) => onContact.some((h) => h.handle === d.value && (h.channel === null || h.channel === d.channel)));
  if (!match) return [];
  return [{ type: 'lists_handle', outcome: 'agree', weight: WEIGHTS.listsHandle.agree, strength: 'strong', text: `lists ${match.channel}:@${match.value} as its own ${where(match)}, a handle listed on the contact` }];
}

function compareCrossListed(identity: IdentityFacts, contact: ContactFacts): Evidence[] {
  const item = identity.crossListed?.find((c) => c.contactId === contact.id);
  if (!item) return [];
  return [{ type: 'cross_listed', outcome: 'agree', weight: WEIGHTS.crossListed.agree, strength: 'strong', text: item.text }];
}

/** The comparison of one identity with one contact: total weight, probability and evidence. */
export interface PairScore {
  contactId: string;
  weight: number;
  score: number;
  evidence: Evidence[];
}

/** Scores one identity against one candidate contact. */
export function scorePair(identity: IdentityFacts, contact: ContactFacts, shared: SharedCounts): PairScore {
  const evidence = [
    ...compareEmail(identity, contact, shared),
    ...comparePhone(identity, contact, shared),
    ...compareHandles(identity, contact),
    ...compareProfileUrl(identity, contact),
    ...compareSameHandle(identity, contact),
    ...compareName(identity, contact, shared),
    ...compareHandleName(identity, contact),
    ...compareLocation(identity, contact),
    ...compareLanguage(identity, contact),
    ...compareBio(identity, contact),
    ...compareLinkDomain(identity, contact),
    ...compareCoOccurrence(identity, contact),
    ...compareStatements(identity, contact, shared),
    ...compareListsHandle(identity, contact),
    ...compareCrossListed(identity, contact),
  ];
  const weight = round(evidence.reduce((sum, e) => sum + e.weight, 0));
  return { contactId: contact.id, weight, score: round(probability(weight), 4), evidence: evidence.sort((a, b) => b.weight - a.weight) };
}

export type Decision = 'auto' | 'suggested' | 'none';

/** The outcome for one identity: the decision, the chosen candidate and every candidate's score. */
export interface Resolution {
  decision: Decision;
  best: PairScore | null;
  candidates: PairScore[];
  reason: string;
}

/**
 * Guards on top of the thresholds: a link needs at least two agreeing comparisons of different types
 * (never a single weak field); an automatic link also needs deterministic or strong evidence or three
 * agreeing fields, and a clear margin over the runner-up.
 */
function supports(pair: PairScore): { agreeing: number; decisive: boolean } {
  const positive = pair.evidence.filter((e) => e.weight > 0 && e.outcome !== 'missing');
  const types = new Set(positive.map((e) => e.type));
  // A detail the identity only claims (a stated address, a listed account) is not decisive when the names disagree:
  // that is how a parent writing about a child's order, or a quoted address, looks.
  const namesDisagree = pair.evidence.some((e) => e.type === 'name' && e.outcome === 'disagree');
  const decisive = positive.some((e) => e.strength === 'deterministic') || positive.some((e) => e.strength === 'strong' && !(namesDisagree && CLAIMED.has(e.type)));
  return { agreeing: types.size, decisive };
}

/** Evidence the identity asserts about itself rather than a fact verified by a channel. */
const CLAIMED = new Set(['stated_email', 'stated_phone', 'stated_order', 'lists_handle', 'cross_listed']);

/** Decides for one identity given its scored candidates (any order); rejected contacts are skipped. */
export function decide(candidates: PairScore[], rejectedContactIds: ReadonlySet<string> = new Set()): Resolution {
  const ranked = candidates.filter((c) => !rejectedContactIds.has(c.contactId)).sort((a, b) => b.weight - a.weight || a.contactId.localeCompare(b.contactId));
  const best = ranked[0] ?? null;
  if (!best) return { decision: 'none', best: null, candidates: ranked, reason: 'no candidate contact' };
  const runnerUp = ranked[1];
  const support = supports(best);
  const { agreeing } = support;
  // A full name no other contact holds, with the contact's city, and no other candidate whose name agrees:
  // strong evidence together (the name alone never is; namesakes and shared names get no boost).
  const decisive = support.decisive || (best.evidence.some(isUniqueNameEvidence) && best.evidence.some((e) => e.type === 'location' && e.outcome === 'agree') && !ranked.slice(1).some((c) => c.evidence.some((e) => e.type === 'name' && (e.outcome === 'agree' || e.outcome === 'partial'))));
  if (best.weight < SUGGEST_THRESHOLD) return { decision: 'none', best: null, candidates: ranked, reason: `best weight ${best.weight} below the suggestion threshold ${SUGGEST_THRESHOLD}` };
  if (agreeing < 2 && !decisive) return { decision: 'none', best: null, candidates: ranked, reason: 'a single weak field is never enough' };
  const margin = runnerUp ? best.weight - runnerUp.weight : Infinity;
  if (best.weight >= AUTO_THRESHOLD && (decisive || agreeing >= 3) && margin >= AUTO_MARGIN) {
    return { decision: 'auto', best, candidates: ranked, reason: `weight ${best.weight} at or above the automatic threshold ${AUTO_THRESHOLD}` };
  }
  const why =
    best.weight < AUTO_THRESHOLD
      ? `weight ${best.weight} between the thresholds ${SUGGEST_THRESHOLD} and ${AUTO_THRESHOLD}`
      : margin < AUTO_MARGIN
        ? `another contact scores within ${AUTO_MARGIN} (${runnerUp?.weight}): ambiguous`
        : 'no deterministic or strong evidence';
  return { decision: 'suggested', best, candidates: ranked, reason: why };
}

/** Scores every candidate and decides. */
export function resolveIdentity(identity: IdentityFacts, contacts: ContactFacts[], shared: SharedCounts, rejectedContactIds: ReadonlySet<string> = new Set(), options: ResolveOptions = {}): Resolution {
  const facts = options.allNameNeighbours ? withCloseNameCount(identity, contacts) : identity;
  return decide(contacts.map((contact) => scorePair(facts, contact, shared)), rejectedContactIds);
}

export interface ResolveOptions {
  /**
   * The candidates hold every contact whose family name is the identity's or one typo off it (the name
   * search was not cut short), so they tell how rare a close name is. Without it a close name gets no rarity weight.
   */
  allNameNeighbours?: boolean;
}

/** The identity with closeNameContacts counted over candidates that hold all of its name's neighbours. */
export function withCloseNameCount(identity: IdentityFacts, contacts: readonly ContactFacts[]): IdentityFacts {
  return { ...identity, closeNameContacts: contacts.filter((c) => closeNameLevel(identity.displayName, c.name) !== null).length };
}

/** Custom fields (lowercased, letters only) that hold customer or order numbers. */
const ORDER_FIELDS = new Set(['customernumber', 'customerno', 'customerid', 'kundennummer', 'kundennr', 'orders', 'order', 'orderids', 'ordernumbers', 'ordernumber', 'bestellungen', 'bestellnummern']);

/** Reads handles and URLs a contact lists in its custom fields: `handles` as "x:@ana;instagram:ana.b", a list, or an object. */
export function listedOnContact(custom: Record<string, unknown>): { handles: ContactFacts['handles']; urls: string[]; keywords: string[]; orderIds: string[] } {
  const handles: ContactFacts['handles'] = [];
  const urls: string[] = [];
  const keywords: string[] = [];
  const orderIds: string[] = [];
  const addHandle = (value: string, channel: string | null = null) => {
    for (const part of value.split(/[;,\s]+/).filter(Boolean)) {
      if (/^https?:\/\//i.test(part)) urls.push(part);
      else {
        const match = /^([a-z][a-z0-9_-]*):(.+)$/i.exec(part);
        handles.push(match?.[1] && match[2] && !channel ? { channel: match[1], handle: match[2] } : { channel, handle: part });
      }
    }
  };
  for (const [key, value] of Object.entries(custom)) {
    const k = key.toLowerCase();
    if (k === 'handles' || k === 'handle' || k === 'socials' || k === 'social') {
      if (typeof value === 'string') addHandle(value);
      else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') addHandle(v);
      else if (value && typeof value === 'object') for (const [channel, v] of Object.entries(value)) if (typeof v === 'string') addHandle(v, channel);
    } else if (typeof value === 'string' && /^https?:\/\//i.test(value.trim())) {
      urls.push(value.trim());
    } else if (typeof value === 'string' && ['x', 'twitter', 'instagram', 'mastodon', 'bluesky', 'reddit', 'facebook', 'tiktok', 'youtube'].includes(k)) {
      addHandle(value, k);
    } else if (typeof value === 'string' && ['company', 'title', 'keywords', 'interests', 'employer', 'team'].includes(k)) {
      keywords.push(value);
    } else if (typeof value === 'string' && (k === 'website' || k === 'url' || k === 'homepage')) {
      urls.push(value);
    } else if (ORDER_FIELDS.has(k.replace(/[^a-z]/g, ''))) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) if (typeof v === 'string' || typeof v === 'number') orderIds.push(...String(v).split(/[;,\s]+/).filter((x) => orderKey(x) !== null));
    }
  }
  return { handles, urls, keywords, orderIds };
}
