/**
 * A seeded generator of ground-truth data for identity resolution: people with several identities
 * across channels (email, WhatsApp, X, Instagram, Mastodon), some of them CRM contacts. It mixes in what
 * makes matching hard: typos, nicknames, accents written or dropped, family members sharing one email,
 * role addresses (info@, support@), namesakes in other cities, missing fields, people who are no contact.
 * Identities also carry what real social CRM data holds beyond the profile (rates in RATES, justified in
 * docs/IDENTITY.md): private messages to the brand stating an email, phone or order number, bios that
 * list the person's other accounts, email signatures with social handles; and their hard cases: details
 * of someone else stated with or without a telling word, a relative's account in a bio, role addresses.
 * Deterministic for a seed; pure.
 */
import type { ContactFacts, IdentityFacts, IdentityMessage } from '../model.ts';

/**
 * Rates of the evidence beyond the profile. Assumptions, not measurements: each is documented with its
 * justification in docs/IDENTITY.md ("Generated evaluation data").
 */
export const RATES = {
  /** Contacts that are shop customers with a customer number and order numbers on record. */
  customerWithOrders: 0.6,
  /** Social identities (X, Instagram, Mastodon) with a private support conversation stating their email, phone or order number. */
  supportDm: 0.3,
  /** WhatsApp identities whose chat states an email or order number. */
  whatsappStatesDetail: 0.25,
  /** Social identities stating their email or order number in a public reply. */
  publicStatement: 0.05,
  /** Email identities whose messages name an order or customer number (when the person has one). */
  emailMentionsOrder: 0.35,
  /** Social bios listing another of the person's accounts with its network ("also @ana_berg on Insta"). */
  bioCrossListing: 0.2,
  /** Email identities whose signature lists the person's X or Instagram handle (when they have one). */
  emailSignatureHandles: 0.25,
  /** Hard case: social identities stating someone else's email or order number (a relative's, a colleague's). */
  quotesSomeoneElse: 0.03,
  /** Of those, the share that says whose it is ("my husband's order") in words the parser knows. */
  quoteWithCue: 0.6,
  /** Hard case: social bios naming a relative's account with its network ("my sister @lena_berg on insta"). */
  bioRelativeAccount: 0.03,
} as const;

/** A small fast seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN: [string, string | null][] = [
  ['William', 'Bill'], ['Katharina', 'Kathi'], ['Robert', 'Bob'], ['Elizabeth', 'Liz'], ['Michael', 'Mike'], ['Margaret', 'Maggie'], ['Alexander', 'Alex'],
  ['Jürgen', null], ['José', null], ['Zoë', null], ['Søren', null], ['Anna', null], ['Lena', null], ['Thomas', 'Tom'], ['Andreas', 'Andi'], ['Franziska', 'Franzi'],
  ['Daniel', 'Dani'], ['Maximilian', 'Max'], ['Gabriele', 'Gabi'], ['Nicholas', 'Nick'], ['Susanne', 'Susi'], ['Joseph', 'Joe'], ['Patricia', 'Pat'], ['Isabella', 'Bella'],
  ['Björn', null], ['Chloé', null], ['Émile', null], ['Ingrid', null], ['Priya', null], ['Mehmet', null], ['Fatma', null], ['Lukas', null], ['Sophie', null], ['Noah', null],
  ['Mia', null], ['Finn', null], ['Clara', null], ['Jonas', null], ['Leonie', null], ['Hannah', null], ['Paul', null], ['Emma', null], ['Felix', null], ['Marie', null],
];
const FAMILY = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schröder', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf',
  'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Köhler', 'García', 'Martínez', 'Núñez',
  'Dubois', 'Lefèvre', 'Rossi', 'Bianchi', 'Nowak', 'Kowalski', 'Yılmaz', 'Öztürk', 'Smith', 'Johnson', 'Brown', 'Taylor', 'Andersen', 'Nielsen', 'Berg', 'Lindqvist',
  'Okafor', 'Sharma', 'Nguyen', 'Kim', 'Tanaka', 'Costa', 'Silva', 'Jansen', 'de Vries', 'Peeters', 'Horvath', 'Novak', 'Dvořák',
];
const CITIES: [string, string, string][] = [
  ['Berlin', 'Germany', 'de'], ['München', 'Germany', 'de'], ['Hamburg', 'Germany', 'de'], ['Köln', 'Germany', 'de'], ['Wien', 'Austria', 'de'], ['Zürich', 'Switzerland', 'de'],
  ['London', 'United Kingdom', 'en'], ['Manchester', 'United Kingdom', 'en'], ['New York', 'United States', 'en'], ['Austin', 'United States', 'en'], ['Paris', 'France', 'fr'],
  ['Lyon', 'France', 'fr'], ['Madrid', 'Spain', 'es'], ['Barcelona', 'Spain', 'es'], ['Milano', 'Italy', 'it'], ['Amsterdam', 'Netherlands', 'nl'], ['Warszawa', 'Poland', 'pl'],
];
const COMPANIES = ['Lumio', 'Brightpath', 'Nordwind', 'Kestrel Labs', 'Bauhaus Digital', 'Ferro Tools', 'Greenleaf', 'Quantix', 'Solvia', 'Tidewater', 'Alpenglow', 'Corvid Systems'];
const FREE_MAIL = ['gmail.com', 'gmx.de', 'web.de', 'outlook.com', 'yahoo.com', 'icloud.com'];
const HOBBIES = ['cycling', 'coffee', 'photography', 'running', 'design', 'gardening', 'cooking', 'travel', 'music', 'hiking', 'football', 'reading'];

export interface GeneratedSet {
  contacts: ContactFacts[];
  identities: IdentityFacts[];
  /** identity id → the contact id it belongs to, or null when its person is no contact. */
  truth: Map<string, string | null>;
}

export interface GenerateOptions {
  seed?: number;
  people?: number;
}

const ascii = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '').replace(/ß/g, 'ss').replace(/ø/g, 'o');
const slug = (s: string) => ascii(s).toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Generates a ground-truth set; the same options always give the same set. */
export function generate(options: GenerateOptions = {}): GeneratedSet {
  const random = rng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const people = options.people ?? 1000;

  const typo = (word: string): string => {
    if (word.length < 4) return word;
    const i = 1 + Math.floor(random() * (word.length - 2));
    const kind = Math.floor(random() * 3);
    if (kind === 0) return word.slice(0, i) + word.slice(i + 1); // deletion
    if (kind === 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // transposition
    return word.slice(0, i) + word[i] + word.slice(i); // doubling
  };

  const contacts: ContactFacts[] = [];
  const identities: IdentityFacts[] = [];
  const truth = new Map<string, string | null>();
  const families: { family: string; email: string; contactIds: string[] }[] = [];
  let identitySeq = 0;
  let phoneSeq = 1000000;
  const usedHandles = new Set<string>();
  const seenIdentities = new Set<string>();

  const namesakePool: { given: [string, string | null]; family: string }[] = [];
  /** Earlier people's details, for the hard cases that state someone else's. */
  const others: { family: string; email: string; orders: string[]; handle: string }[] = [];
  let orderSeq = 1000000;
  const day = () => `2026-${String(1 + Math.floor(random() * 11)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;

  for (let p = 0; p < people; p++) {
    // Namesakes: one in ten people reuses an earlier person's full name, usually in another city.
    const namesake = namesakePool.length > 0 && chance(0.1) ? pick(namesakePool) : null;
    const given = namesake?.given ?? pick(GIVEN);
    const family = namesake?.family ?? pick(FAMILY);
    namesakePool.push({ given, family });
    const [city, country, language] = pick(CITIES);
    const company = chance(0.5) ? pick(COMPANIES) : null;
    const companyDomain = company ? `${slug(company)}.com` : null;
    const fullName = `${given[0]} ${family}`;
    const emailLocal = pick([`${slug(given[0])}.${slug(family)}`, `${slug(given[0])[0]}${slug(family)}`, `${slug(given[0])}${slug(family)}${Math.floor(random() * 90) + 10}`]);
    const personal = `${emailLocal}${p}@${pick(FREE_MAIL)}`;
    const work = companyDomain && chance(0.5) ? `${slug(given[0])}.${slug(family)}@${companyDomain}` : null;
    const phone = chance(0.55) ? `+49 15${Math.floor(random() * 10)} ${phoneSeq++}` : null;
    let handle = `${slug(given[0])}_${slug(family)}`;
    while (usedHandles.has(handle)) handle = `${handle}${Math.floor(random() * 10)}`;
    usedHandles.add(handle);
    const isContact = chance(0.8);
    const contactId = `c${p}`;
    const orders = isContact && chance(RATES.customerWithOrders) ? [`K-${200000 + p}`, ...Array.from({ length: 1 + Math.floor(random() * 3) }, () => `#${orderSeq++}`)] : [];

    if (isContact) {
      const listedHandles: { channel: string | null; handle: string }[] = [];
      if (chance(0.35)) listedHandles.push({ channel: 'x', handle: `@${handle}` });
      if (chance(0.25)) listedHandles.push({ channel: 'instagram', handle });
      const emails = [personal, ...(work ? [work] : [])];
      // A family address shared with the previous contact of the same family name, sometimes.
      const sameFamily = families.find((f) => f.family === family && f.contactIds.length < 3);
      if (sameFamily && chance(0.6)) {
        emails.push(sameFamily.email);
        sameFamily.contactIds.push(contactId);
      } else if (chance(0.1)) {
        const email = `family.${slug(family)}${p}@${pick(FREE_MAIL)}`;
        families.push({ family, email, contactIds: [contactId] });
        emails.push(email);
      }
      // Small business owners list their shop's role address.
      if (companyDomain && chance(0.2)) emails.push(`info@${companyDomain}`);
      contacts.push({
        id: contactId,
        name: chance(0.08) ? `${given[0]} ${typo(family)}` : chance(0.5) ? fullName : ascii(fullName),
        emails: chance(0.1) ? [] : emails,
        phones: phone && chance(0.85) ? [phone.replace('+49 ', '0')] : [],
        city: chance(0.8) ? city : null,
        country: chance(0.7) ? country : null,
        languages: chance(0.6) ? [language] : [],
        handles: listedHandles,
        urls: [],
        keywords: company ? [company] : [],
        accountDomains: companyDomain ? [companyDomain] : [],
        orderIds: orders,
      });
    }

    const addIdentity = (facts: Omit<IdentityFacts, 'id'>) => {
      // One address is one identity: a family address or a namesake's work address seen again belongs to its first writer.
      const key = `${facts.channel}:${facts.externalId}`;
      if (seenIdentities.has(key)) return;
      seenIdentities.add(key);
      const id = `i${identitySeq++}`;
      identities.push({ id, ...facts });
      truth.set(id, isContact ? contactId : null);
    };
    const displayName = () => {
      const roll = random();
      if (roll < 0.15 && given[1]) return `${given[1]} ${family}`;
      if (roll < 0.25) return `${given[0]} ${typo(family)}`;
      if (roll < 0.4) return ascii(fullName);
      if (roll < 0.45) return given[0];
      if (roll < 0.5) return null;
      return fullName;
    };
    const location = () => (chance(0.55) ? pick([city, `${city}, ${country}`, ascii(city)]) : null);

    // Which networks this person is on and under which handle, decided first so bios and signatures can list them.
    const accounts = (['x', 'instagram', 'mastodon'] as const)
      .filter((channel) => chance(channel === 'x' ? 0.55 : channel === 'instagram' ? 0.4 : 0.15))
      .map((channel) => ({ channel, handle: chance(0.75) ? handle : `${slug(given[0])}${Math.floor(random() * 1000)}` }));
    const ownOrder = () => (orders.length > 0 ? pick(orders) : null);
    const someoneElse = () => {
      const relative = others.find((o) => o.family === family && o.email !== personal);
      return relative && chance(0.6) ? relative : others.length > 0 ? pick(others) : null;
    };
    /** A support conversation: what people write when an agent asks "DM us your email or order number". */
    const supportMessage = (isPrivate: boolean): IdentityMessage | null => {
      const roll = random();
      const order = ownOrder();
      if (roll < 0.3 && order) return { text: pick([`Order ${order} still hasn't arrived`, `Hi, it's about order ${order}`, `Bestellung ${order} ist noch nicht da`, `My customer number is ${order}`]), private: isPrivate, at: day() };
      if (roll < 0.45 && phone) return { text: pick([`You can call me on ${phone}`, `My number is ${phone.replace('+49 ', '0')}`]), private: isPrivate, at: day() };
      const familyAddress = families.find((f) => f.contactIds.includes(contactId))?.email;
      const email = familyAddress && chance(0.1) ? familyAddress : work && chance(0.2) ? work : personal;
      return { text: pick([`Hi, my email is ${email}`, `The account is under ${email}`, `Sure: ${email}`, `Meine E-Mail: ${email}`]), private: isPrivate, at: day() };
    };
    /** Hard case: a detail of someone else, with a telling word ("my husband's order") or without. */
    const quotedMessage = (): IdentityMessage | null => {
      const other = someoneElse();
      if (!other) return null;
      const order = other.orders.length > 0 && chance(0.5) ? pick(other.orders) : null;
      const withCue = chance(RATES.quoteWithCue);
      const text = order
        ? withCue ? `Asking for my husband, his order ${order} is late` : `What about ${order}? It's late`
        : withCue ? `Please write to my colleague at ${other.email}` : `Can you check ${other.email}?`;
      return { text, private: chance(0.7), at: day() };
    };

    // Email: most people write from their own address, some from a shared family or a role address.
    if (chance(0.55)) {
      const familyOf = families.find((f) => f.contactIds.includes(contactId));
      const from = familyOf && chance(0.3) ? familyOf.email : work && chance(0.3) ? work : companyDomain && chance(0.05) ? `support@${companyDomain}` : personal;
      const messages: IdentityMessage[] = [];
      const order = ownOrder();
      if (order && chance(RATES.emailMentionsOrder)) messages.push({ text: `Re: order ${order}\nHello, the parcel has not arrived yet.`, private: true, at: day() });
      const social = accounts.filter((a) => a.channel !== 'mastodon');
      if (social.length > 0 && chance(RATES.emailSignatureHandles)) {
        const signature = social.map((a) => (a.channel === 'x' ? `Twitter: @${a.handle}` : `IG: @${a.handle}`)).join(' | ');
        messages.push({ text: `Thanks!\n--\n${fullName}${phone && chance(0.3) ? ` | Tel. ${phone}` : ''} | ${signature}`, private: true, at: day() });
      }
      addIdentity({ channel: 'email', externalId: from, handle: from, displayName: displayName(), profileUrl: null, bio: null, location: null, language: null, messages });
    }
    if (phone && chance(0.5)) {
      const message = chance(RATES.whatsappStatesDetail) ? supportMessage(true) : null;
      addIdentity({ channel: 'whatsapp', externalId: phone.replace(/\D/g, ''), handle: phone.replace(/ /g, ''), displayName: chance(0.3) ? given[0] : displayName(), profileUrl: null, bio: null, location: null, language: null, messages: message ? [message] : [] });
    }
    const bio = (self: { channel: string; handle: string }) => {
      const parts = [pick(HOBBIES)];
      if (company && chance(0.5)) parts.push(`${pick(['Working at', 'Designer @', 'Engineer at', 'Founder of'])} ${company}`);
      if (companyDomain && chance(0.3)) parts.push(companyDomain);
      const elsewhere = accounts.filter((a) => a.channel !== self.channel);
      const listed = elsewhere.length > 0 && chance(RATES.bioCrossListing) ? pick(elsewhere) : null;
      if (listed) parts.push(pick([`also @${listed.handle} on ${listed.channel === 'instagram' ? 'Insta' : listed.channel === 'x' ? 'Twitter' : 'Mastodon'}`, `${listed.channel === 'instagram' ? 'IG' : listed.channel === 'x' ? 'X' : 'Mastodon'}: @${listed.handle}`]));
      const relative = chance(RATES.bioRelativeAccount) ? someoneElse() : null;
      if (relative) parts.push(`my sister @${relative.handle} on insta`);
      return chance(0.8) || listed || relative ? parts.join(' · ') : null;
    };
    for (const account of accounts) {
      const { channel, handle: h } = account;
      const messages: IdentityMessage[] = [];
      if (chance(RATES.supportDm)) messages.push(...[supportMessage(true)].filter((m): m is IdentityMessage => m !== null));
      if (chance(RATES.publicStatement)) messages.push(...[supportMessage(false)].filter((m): m is IdentityMessage => m !== null));
      if (chance(RATES.quotesSomeoneElse)) messages.push(...[quotedMessage()].filter((m): m is IdentityMessage => m !== null));
      addIdentity({
        channel,
        externalId: `${channel}-${identitySeq}`,
        handle: channel === 'x' ? `@${h}` : h,
        displayName: displayName(),
        profileUrl: channel === 'x' ? `https://x.com/${h}` : channel === 'instagram' ? `https://instagram.com/${h}` : null,
        bio: bio(account),
        location: location(),
        language: chance(0.6) ? language : null,
        messages,
      });
    }
    others.push({ family, email: personal, orders, handle });
  }
  return { contacts, identities, truth };
}
