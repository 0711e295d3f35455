import { describe, expect, it } from 'vitest';
import { AUTO_THRESHOLD, closeNameLevel, decide, fullNameKey, listedOnContact, uniqueNameWeight, WEIGHTS, resolveIdentity, scorePair, type ContactFacts, type IdentityFacts, type SharedCounts } from '../../src/identity-resolution/model.ts';
import { deletions, identityKeys, contactKeys, namesMeet } from '../../src/identity-resolution/blocking.ts';
import { fold, isRoleAddress, jaroWinkler, nameSimilarity, normalizeUrl, oneEditApart, phoneKey, statementsIn } from '../../src/identity-resolution/text.ts';

const identity = (facts: Partial<IdentityFacts> = {}): IdentityFacts => ({
  id: 'i1', channel: 'x', externalId: '1', handle: null, displayName: null, profileUrl: null, bio: null, location: null, language: null, ...facts,
});
const contact = (facts: Partial<ContactFacts> = {}): ContactFacts => ({
  id: 'c1', name: '', emails: [], phones: [], city: null, country: null, languages: [], handles: [], urls: [], keywords: [], accountDomains: [], ...facts,
});
const none: SharedCounts = { emails: new Map(), phones: new Map() };
const texts = (facts: IdentityFacts, c: ContactFacts, shared = none) => scorePair(facts, c, shared).evidence.map((e) => e.text);

describe('string similarity', () => {
  it('computes Jaro-Winkler on the textbook pairs', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', '')).toBe(0);
  });
  it('folds accents and German transliterations, and knows nicknames', () => {
    expect(fold('Jürgen Müßig')).toBe('jurgen mussig');
    expect(nameSimilarity('Jürgen Müller', 'Juergen Mueller')).toBe(1);
    expect(nameSimilarity('Bill Gates', 'William Gates')).toBe(1);
    expect(nameSimilarity('Kathi Schröder', 'Katharina Schroeder')).toBe(1);
    expect(nameSimilarity('José García', 'Jose Garcia')).toBe(1);
    expect(nameSimilarity('Anna Berg', 'Tom Weber')).toBeLessThan(0.75);
    expect(nameSimilarity(null, 'x')).toBeNull();
  });
  it('normalises phones, URLs and spots role addresses', () => {
    expect(phoneKey('+49 151 2345 6789')).toBe(phoneKey('0151/23456789'));
    expect(normalizeUrl('https://www.twitter.com/Ana_B/')).toBe('x.com/ana_b');
    for (const address of ['info@shop.de', 'support@x.io', 'noreply@a.com', 'no-reply@b.com', 'team@c.org', 'sales+eu@d.com']) expect(isRoleAddress(address), address).toBe(true);
    expect(isRoleAddress('ana.berg@shop.de')).toBe(false);
  });
});

describe('evidence', () => {
  it('a verified email from the email channel is deterministic and links automatically', () => {
    const result = resolveIdentity(identity({ channel: 'email', externalId: 'ana@berg.de', displayName: 'Ana Berg' }), [contact({ name: 'Ana Berg', emails: ['Ana@Berg.de'] })], none);
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence.map((e) => e.text)).toContain('same email ana@berg.de');
    expect(result.best?.evidence.map((e) => e.text)).toContain('name similarity 1');
  });
  it('a WhatsApp number matching the contact phone is deterministic', () => {
    const result = resolveIdentity(identity({ channel: 'whatsapp', externalId: '4915123456789' }), [contact({ phones: ['+49 151 23456789'] })], none);
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence[0]?.type).toBe('phone');
  });
  it('a handle listed on the contact (CSV handles column) is deterministic', () => {
    const listed = listedOnContact({ handles: 'x:@ana_b;instagram:ana.b' });
    expect(listed.handles).toEqual([{ channel: 'x', handle: '@ana_b' }, { channel: 'instagram', handle: 'ana.b' }]);
    const result = resolveIdentity(identity({ handle: '@Ana_B' }), [contact({ ...listed })], none);
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence[0]?.text).toBe('handle x:ana_b is listed on the contact');
  });
  it('a profile URL listed on the contact is deterministic', () => {
    const listed = listedOnContact({ linkedin: 'https://x.com/ana_b' });
    const result = resolveIdentity(identity({ profileUrl: 'https://twitter.com/ana_b' }), [contact({ ...listed })], none);
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence[0]?.type).toBe('profile_url');
  });
  it('the same distinctive handle linked on another network plus the name links automatically', () => {
    const result = resolveIdentity(identity({ handle: 'ana_berg_design', displayName: 'Ana Berg', sameHandleContactIds: ['c1'] }), [contact({ name: 'Ana Berg' })], none);
    expect(result.decision).toBe('auto');
    expect(texts(identity({ handle: 'ana_berg_design', sameHandleContactIds: ['c1'] }), contact())).toContain('the same handle ana_berg_design on another network is linked to this contact');
  });
  it('name, location, language, bio keywords, link domain and co-occurrence each add evidence', () => {
    const facts = identity({ displayName: 'Ana Berg', location: 'Berlin, Germany', language: 'de', bio: 'Designer at Lumio. lumio.io', coOccurringContacts: { c1: 3 } });
    const c = contact({ name: 'Ana Berg', city: 'Berlin', languages: ['de'], keywords: ['Lumio GmbH'], accountDomains: ['lumio.io'] });
    const types = scorePair(facts, c, none).evidence.map((e) => e.type).sort();
    expect(types).toEqual(['bio_keywords', 'co_occurrence', 'language', 'link_domain', 'location', 'name']);
    expect(decide([scorePair(facts, c, none)]).decision).toBe('auto');
  });
});

describe('thresholds and guards', () => {
  it('never links on a single weak field: a matching name alone is nothing', () => {
    const result = resolveIdentity(identity({ displayName: 'Ana Berg' }), [contact({ name: 'Ana Berg' })], none);
    expect(result.decision).toBe('none');
  });
  it('name and city together are a suggestion, not an automatic link', () => {
    const result = resolveIdentity(identity({ displayName: 'Ana Berg', location: 'Berlin' }), [contact({ name: 'Ana Berg', city: 'Berlin' })], none);
    expect(result.decision).toBe('suggested');
    expect(result.best?.weight).toBeLessThan(AUTO_THRESHOLD);
  });
  it('a role address never links automatically, even with the same name', () => {
    const result = resolveIdentity(identity({ channel: 'email', externalId: 'info@berg.de', displayName: 'Ana Berg' }), [contact({ name: 'Ana Berg', emails: ['info@berg.de'] })], none);
    expect(result.decision).not.toBe('auto');
    expect(result.best?.evidence.map((e) => e.text) ?? []).not.toContain('same email info@berg.de');
  });
  it('a family email shared by several contacts never links automatically', () => {
    const shared: SharedCounts = { emails: new Map([['family.berg@gmail.com', 2]]), phones: new Map() };
    const ana = contact({ id: 'c1', name: 'Ana Berg', emails: ['family.berg@gmail.com'] });
    const tom = contact({ id: 'c2', name: 'Tom Berg', emails: ['family.berg@gmail.com'] });
    const result = resolveIdentity(identity({ channel: 'email', externalId: 'family.berg@gmail.com', displayName: 'Berg' }), [ana, tom], shared);
    expect(result.decision).not.toBe('auto');
    expect(texts(identity({ channel: 'email', externalId: 'family.berg@gmail.com' }), ana, shared)).toContain('same email family.berg@gmail.com, but 2 contacts share it');
  });
  it('namesakes in different cities are not linked automatically', () => {
    const facts = identity({ displayName: 'Anna Schmidt', location: 'München', language: 'de' });
    const berlin = contact({ id: 'c1', name: 'Anna Schmidt', city: 'Berlin', languages: ['de'] });
    const munich = contact({ id: 'c2', name: 'Anna Schmidt', city: 'Munich', languages: ['de'] });
    expect(resolveIdentity(facts, [berlin, munich], none).decision).not.toBe('auto');
  });
  it('two strong candidates close together are ambiguous: suggested, not auto', () => {
    const a = scorePair(identity({ channel: 'email', externalId: 'x@y.de' }), contact({ id: 'a', emails: ['x@y.de'] }), none);
    const b = { ...a, contactId: 'b' };
    expect(decide([a, b]).decision).toBe('suggested');
  });
  it('skips contacts a reviewer rejected', () => {
    const pair = scorePair(identity({ channel: 'email', externalId: 'x@y.de' }), contact({ id: 'a', emails: ['x@y.de'] }), none);
    expect(decide([pair], new Set(['a'])).decision).toBe('none');
  });
  it('conflicting names pull a deterministic match down to a suggestion only when the evidence disagrees strongly', () => {
    const result = resolveIdentity(identity({ channel: 'email', externalId: 'x@y.de', displayName: 'Zoltan Kovacs' }), [contact({ name: 'Mia Lee', emails: ['x@y.de'] })], none);
    expect(result.best?.evidence.some((e) => e.type === 'name' && e.weight < 0)).toBe(true);
  });
});

describe('details an identity states itself', () => {
  it('finds emails, phones, order numbers and own accounts in a message, and marks what is about someone else', () => {
    expect(statementsIn('Hi, my email is Ana.Berg@Example.org')).toEqual([{ kind: 'email', value: 'ana.berg@example.org', channel: null, quoted: false }]);
    expect(statementsIn('You can call me on +49 151 2345 6789').map((s) => s.value)).toEqual([phoneKey('+49 151 2345 6789')]);
    expect(statementsIn('Order #1000123 still has not arrived').map((s) => [s.kind, s.value])).toEqual([['order', '1000123']]);
    expect(statementsIn('My customer number is K-200123').map((s) => s.value)).toEqual(['k200123']);
    expect(statementsIn('coffee · also @ana_berg on Insta').map((s) => [s.channel, s.value])).toEqual([['instagram', 'ana_berg']]);
    expect(statementsIn('Asking for my husband, his order #1000777 is late')[0]?.quoted).toBe(true);
    expect(statementsIn('my sister @lena_b on insta')[0]?.quoted).toBe(true);
  });

  it('a private message stating the contact email links automatically and says where and when', () => {
    const facts = identity({ channel: 'instagram', handle: 'ana_b', displayName: 'Ana', messages: [{ text: 'Hi, my email is ana.berg@example.org', private: true, at: '2026-11-02T10:00:00Z' }] });
    const result = resolveIdentity(facts, [contact({ name: 'Ana Berg', emails: ['ana.berg@example.org'] })], none);
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence[0]?.text).toBe('stated email ana.berg@example.org in a private message on 2026-11-02');
  });

  it('a public post stating an order number weighs less than a private message', () => {
    const c = contact({ name: 'Ana Berg', orderIds: ['#1000123'] });
    const dm = scorePair(identity({ messages: [{ text: 'Order #1000123?', private: true, at: null }] }), c, none);
    const post = scorePair(identity({ messages: [{ text: 'Order #1000123?', private: false, at: null }] }), c, none);
    expect(dm.evidence[0]).toMatchObject({ type: 'stated_order', strength: 'strong' });
    expect(dm.weight).toBeGreaterThan(post.weight);
  });

  it('a stated phone on several contacts, a stated role address, and a quoted address are not decisive', () => {
    const shared: SharedCounts = { emails: new Map(), phones: new Map([[phoneKey('+4915123456789') ?? '', 2]]) };
    expect(texts(identity({ messages: [{ text: 'call me on +49 151 23456789', private: true, at: null }] }), contact({ phones: ['0151 23456789'] }), shared)).toContain(`stated phone ${phoneKey('+4915123456789')} in a private message, but 2 contacts share it`);
    const role = scorePair(identity({ messages: [{ text: 'I wrote to info@shop.example', private: true, at: null }] }), contact({ emails: ['info@shop.example'] }), none);
    expect(role.evidence[0]).toMatchObject({ type: 'stated_email', weight: 0 });
    expect(scorePair(identity({ messages: [{ text: 'please write to my colleague at bo@firm.example', private: true, at: null }] }), contact({ emails: ['bo@firm.example'] }), none).evidence).toEqual([]);
  });

  it('a stated detail with a disagreeing name is only suggested (a parent asking about a child\'s order)', () => {
    const facts = identity({ displayName: 'Tom Weber', messages: [{ text: 'What about order #1000555?', private: true, at: null }] });
    const result = resolveIdentity(facts, [contact({ name: 'Anna Berg', orderIds: ['#1000555'] })], none);
    expect(result.decision).not.toBe('auto');
  });

  it('a bio listing an account the contact lists, and an account cross-listed by a linked identity, are strong evidence', () => {
    const lists = scorePair(identity({ bio: 'IG: @ana.travels' }), contact({ handles: [{ channel: 'instagram', handle: 'ana.travels' }] }), none);
    expect(lists.evidence[0]).toMatchObject({ type: 'lists_handle', strength: 'strong', text: 'lists instagram:@ana.travels as its own in the bio, a handle listed on the contact' });
    const cross = resolveIdentity(identity({ displayName: 'Ana', crossListed: [{ contactId: 'c1', text: 'listed as its own account in the email signature of the email identity ana@berg.de, linked to this contact' }] }), [contact({ name: 'Ana Berg' })], none);
    expect(cross.decision).toBe('auto');
    expect(cross.best?.evidence[0]?.type).toBe('cross_listed');
  });

  it('reads customer and order numbers from the contact custom fields', () => {
    expect(listedOnContact({ customer_number: 'K-200123', orders: '#1000123;#1000124' }).orderIds).toEqual(['K-200123', '#1000123', '#1000124']);
  });
});

describe('term-frequency-adjusted name weights', () => {
  const key = fullNameKey('Jürgen Lindenberger') ?? '';
  const counts = (holders: number, contacts = 4000): SharedCounts => ({ emails: new Map(), phones: new Map(), names: new Map([[key, holders]]), contacts });
  const jurgen = contact({ name: 'Jürgen Lindenberger', city: 'Leipzig', languages: ['de'] });
  const nameWeight = (shared: SharedCounts, displayName = 'Juergen Lindenberger') => scorePair(identity({ displayName }), jurgen, shared).evidence.find((e) => e.type === 'name')?.weight;

  it('weighs a rare full name up to the cap, a common one (or an unknown frequency) at the fixed weight', () => {
    expect(fullNameKey('Jürgen Lindenberger')).toBe('n:jurgen|n:lindenberger');
    expect(fullNameKey('Juergen LINDENBERGER')).toBe(key);
    expect(fullNameKey('Jürgen')).toBeNull();
    expect(nameWeight(counts(1))).toBe(WEIGHTS.uniqueName.max);
    expect(nameWeight(counts(7))).toBe(WEIGHTS.name.agree);
    expect(nameWeight(counts(2))).toBe(WEIGHTS.name.agree);
    expect(nameWeight(none)).toBe(WEIGHTS.name.agree);
    // Rule of three: u = 3/N, so a small workspace cannot call a name rare; in between, log2(0.9·N/3).
    expect(uniqueNameWeight(1, 30)).toBe(WEIGHTS.name.agree);
    expect(uniqueNameWeight(1, 400)).toBeCloseTo(Math.log2(120), 2);
    expect(uniqueNameWeight(1, 1_000_000)).toBe(WEIGHTS.uniqueName.max);
    // Only an exact full name is adjusted: a typo keeps the fixed agreement weight.
    expect(nameWeight(counts(1), 'Jürgen Lindenbreger')).toBe(WEIGHTS.name.agree);
  });

  it('a unique full name with the contact\'s city and no competing candidate links automatically', () => {
    const result = resolveIdentity(identity({ displayName: 'Jürgen Lindenberger', location: 'Leipzig, Germany', language: 'de' }), [jurgen], counts(1));
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence.map((e) => e.text)).toContain('same full name, held by no other of 4000 contacts');
  });

  it('a name alone never links, however rare', () => {
    const alone = resolveIdentity(identity({ displayName: 'Jürgen Lindenberger' }), [jurgen], counts(1));
    expect(alone.decision).toBe('none');
    const withLanguage = resolveIdentity(identity({ displayName: 'Jürgen Lindenberger', language: 'de' }), [jurgen], counts(1));
    expect(withLanguage.decision).not.toBe('auto');
  });

  it('namesakes stay suggestions: a name several contacts hold gets no boost', () => {
    const namesake = contact({ id: 'c2', name: 'Jürgen Lindenberger', city: 'Bremen', languages: ['de'] });
    const result = resolveIdentity(identity({ displayName: 'Jürgen Lindenberger', location: 'Leipzig', language: 'de' }), [jurgen, namesake], counts(2));
    expect(result.decision).toBe('suggested');
    expect(result.best?.contactId).toBe('c1');
    expect(result.best?.evidence.find((e) => e.type === 'name')).toMatchObject({ weight: WEIGHTS.name.agree, text: 'same full name, held by 2 contacts' });
  });

  it('a unique name with the city is not decisive when another candidate\'s name agrees too', () => {
    const close = contact({ id: 'c2', name: 'Jürgen Lindenberg', city: 'Leipzig' });
    const result = resolveIdentity(identity({ displayName: 'Jürgen Lindenberger', location: 'Leipzig' }), [jurgen, close], counts(1));
    expect(result.decision).not.toBe('auto');
  });
});

describe('close names: a nickname or one typo of a rare name', () => {
  const book = (contacts = 4000, tokens: Record<string, number> = {}): SharedCounts => ({ emails: new Map(), phones: new Map(), names: new Map(Object.entries(tokens).map(([t, n]) => [`n:${t}`, n])), contacts });
  const michael = contact({ name: 'Michael Hirschdorfer', city: 'München', languages: ['de'] });
  const krzysztof = contact({ name: 'Krzysztof Liipczak', city: 'Warszawa', languages: ['pl'] });
  const all = { allNameNeighbours: true };

  it('tells one edit apart from none or two', () => {
    for (const [a, b] of [['lipczak', 'liipczak'], ['molhorst', 'molohrst'], ['fischer', 'fischre'], ['smith', 'smyth'], ['berg', 'berga']]) expect(oneEditApart(a ?? '', b ?? ''), `${a} ${b}`).toBe(true);
    for (const [a, b] of [['berg', 'berg'], ['berg', 'brge'], ['lipczak', 'lipczakov'], ['muller', 'mullre1x']]) expect(oneEditApart(a ?? '', b ?? ''), `${a} ${b}`).toBe(false);
  });

  it('levels names: the same, a nickname, one typo, or neither', () => {
    expect(closeNameLevel('Juergen Lindenberger', 'Jürgen Lindenberger')).toBe('exact');
    expect(closeNameLevel('Mike Hirschdorfer', 'Michael Hirschdorfer')).toBe('nickname');
    expect(closeNameLevel('Krzysztof Lipczak', 'Krzysztof Liipczak')).toBe('typo');
    expect(closeNameLevel('Micheal Hirschdorfer', 'Michael Hirschdorfer')).toBe('typo');
    // Two differences, a short word, a different middle name, a lone given name: not close.
    expect(closeNameLevel('Mike Hirschdorfr', 'Michael Hirschdorfer')).toBeNull();
    expect(closeNameLevel('Ana Lim', 'Ana Kim')).toBeNull();
    expect(closeNameLevel('Anna van Molhorst', 'Anna ter Molhorst')).toBeNull();
    expect(closeNameLevel('Michael', 'Michael Hirschdorfer')).toBeNull();
  });

  it('blocks names one typo apart together (symmetric delete) and no others', () => {
    expect(deletions('berg')).toEqual(['erg', 'brg', 'beg', 'ber']);
    expect(deletions('kim')).toEqual([]);
    const meets = (a: string, b: string) => namesMeet(identityKeys(identity({ displayName: a })), contactKeys(contact({ name: b })));
    expect(meets('Krzysztof Lipczak', 'Krzysztof Liipczak')).toBe(true);
    expect(meets('Anouk van Molohrst', 'Anouk van Molhorst')).toBe(true);
    expect(meets('Finn Fischre', 'Finn Fischer')).toBe(true);
    expect(meets('Finn Fishcre', 'Finn Fischer')).toBe(false);
  });

  it('a nickname of a rare name with the city and language links automatically and says why', () => {
    const result = resolveIdentity(identity({ displayName: 'Mike Hirschdorfer', location: 'München', language: 'de' }), [michael], book(), new Set(), all);
    expect(result.decision).toBe('auto');
    const name = result.best?.evidence.find((e) => e.type === 'name');
    expect(name?.weight).toBe(WEIGHTS.closeName.max);
    expect(name?.text).toBe('"Mike Hirschdorfer" is a short form of the contact\'s name "Michael Hirschdorfer", and no other of 4000 contacts has a name that close');
  });

  it('a typo of a rare name with the city and language links automatically', () => {
    const result = resolveIdentity(identity({ displayName: 'Krzysztof Lipczak', location: 'Warszawa', language: 'pl' }), [krzysztof], book(), new Set(), all);
    expect(result.decision).toBe('auto');
    expect(result.best?.evidence.map((e) => e.text)).toContain('name "Krzysztof Lipczak" is one typo off the contact\'s "Krzysztof Liipczak", and no other of 4000 contacts has a name that close');
  });

  it('weighs a close name below the same name, and by the size of the book', () => {
    const weight = (shared: SharedCounts) => resolveIdentity(identity({ displayName: 'Krzysztof Lipczak' }), [krzysztof], shared, new Set(), all).candidates[0]?.evidence.find((e) => e.type === 'name')?.weight;
    expect(weight(book(4000))).toBe(WEIGHTS.closeName.max);
    expect(weight(book(1000))).toBeCloseTo(Math.log2((0.1 * 1000) / 3), 2);
    expect(weight(book(300))).toBe(WEIGHTS.name.agree);
    expect(WEIGHTS.closeName.max).toBeLessThan(WEIGHTS.uniqueName.max);
  });

  it('gives no rarity weight when the candidate search may have missed a neighbour', () => {
    const result = resolveIdentity(identity({ displayName: 'Krzysztof Lipczak', location: 'Warszawa', language: 'pl' }), [krzysztof], book());
    expect(result.decision).not.toBe('auto');
    expect(result.best?.evidence.find((e) => e.type === 'name')?.weight).toBe(WEIGHTS.name.agree);
  });

  it('two contacts with close names: neither gets the rarity weight', () => {
    const other = contact({ id: 'c2', name: 'Krzysztof Lipczal', city: 'Kraków' });
    const result = resolveIdentity(identity({ displayName: 'Krzysztof Lipczak', location: 'Warszawa', language: 'pl' }), [krzysztof, other], book(), new Set(), all);
    expect(result.decision).not.toBe('auto');
    expect(result.candidates.flatMap((c) => c.evidence).filter((e) => e.type === 'name').every((e) => e.weight <= WEIGHTS.name.agree)).toBe(true);
  });

  it('a word other contacts carry as their name is no typo: Janssen next to Jansen', () => {
    const jansen = contact({ name: 'Jan Jansen', city: 'Amsterdam', languages: ['nl'] });
    const facts = identity({ displayName: 'Jan Janssen', location: 'Amsterdam', language: 'nl' });
    const seen = resolveIdentity(facts, [jansen], book(4000, { janssen: 3 }), new Set(), all);
    expect(seen.decision).not.toBe('auto');
    expect(seen.best?.evidence.find((e) => e.type === 'name')?.weight).toBe(WEIGHTS.name.agree);
    // The same spelling held by no contact reads as a typo.
    expect(resolveIdentity(facts, [jansen], book(4000), new Set(), all).decision).toBe('auto');
  });
});
