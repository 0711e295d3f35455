import { describe, expect, it } from 'vitest';
import { resolveNewIdentities } from '../../src/identity-resolution/resolution.service.ts';
import { systemActor } from '../../src/auth/actor.ts';
import { seedWorkspace, useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

describe.each(STORE_KINDS)('identity resolution API on %s', (kind) => {
  const t = useTestServer(kind, 'resolution');

  const contact = async (body: Record<string, unknown>, token = t.ws.tokens.agent) => {
    const res = await t.server.request('POST', '/api/v1/contacts', { token, body });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const identity = async (body: Record<string, unknown>, token = t.ws.tokens.agent) => {
    const res = await t.server.request('POST', '/api/v1/identities', { token, body });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const resolve = (id: string, token = t.ws.tokens.agent) => t.server.request('POST', `/api/v1/identities/${id}/resolve`, { token, body: {} });

  it('links an email identity automatically and explains why', async () => {
    const contactId = await contact({ name: 'Ana Berg', emails: ['ana.berg@example.org'], city: 'Berlin' });
    const id = await identity({ channel: 'email', externalId: 'ana.berg@example.org', handle: 'ana.berg@example.org', displayName: 'Ana Berg' });
    const resolved = await resolve(id);
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.contactId).toBe(contactId);
    expect(resolved.body.link.status).toBe('auto');
    expect(resolved.body.link.score).toBeGreaterThan(0.9);
    expect(resolved.body.link.evidence.map((e: { text: string }) => e.text)).toEqual(expect.arrayContaining(['same email ana.berg@example.org', 'name similarity 1']));

    const explained = await t.server.request('GET', `/api/v1/identities/${id}/explain`, { token: t.ws.tokens.analyst });
    expect(explained.status, explained.text).toBe(200);
    expect(explained.body.decision).toBe('auto');
    expect(explained.body.candidates[0]).toMatchObject({ contactId, contactName: 'Ana Berg' });
    expect(explained.body.identity.link.status).toBe('auto');

    const audit = await t.server.request('GET', `/api/v1/audit?targetId=${id}`, { token: t.ws.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('identity.resolved');
    const listed = await t.server.request('GET', `/api/v1/identities?contactId=${contactId}`, { token: t.ws.tokens.agent });
    expect(listed.body.items[0].link).toMatchObject({ status: 'auto' });
  });

  it('suggests on name and city alone, then accepts the suggestion as a manual link', async () => {
    const contactId = await contact({ name: 'Jürgen Weißmann', city: 'Hamburg', languages: ['de'] });
    const id = await identity({ channel: 'mastodon', externalId: 'm-1', handle: 'jw', displayName: 'Juergen Weissmann', location: 'Hamburg, Germany', language: 'de' });
    const resolved = await resolve(id);
    expect(resolved.body).toMatchObject({ contactId: null, link: { status: 'suggested' } });
    const queue = await t.server.request('GET', '/api/v1/identity-suggestions', { token: t.ws.tokens.analyst });
    expect(queue.status, queue.text).toBe(200);
    const entry = queue.body.items.find((item: { identity: { id: string } }) => item.identity.id === id);
    expect(entry).toMatchObject({ contactId, contactName: 'Jürgen Weißmann' });
    expect(entry.evidence.map((e: { text: string }) => e.text)).toContain('location "Hamburg, Germany" matches city Hamburg');

    expect((await t.server.request('POST', `/api/v1/identity-suggestions/${id}/accept`, { token: t.ws.tokens.analyst, body: {} })).status).toBe(403);
    const accepted = await t.server.request('POST', `/api/v1/identity-suggestions/${id}/accept`, { token: t.ws.tokens.agent, body: {} });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ contactId, link: { status: 'manual', score: 1 } });
    expect((await t.server.request('POST', `/api/v1/identity-suggestions/${id}/accept`, { token: t.ws.tokens.agent, body: {} })).status).toBe(409);
  });

  it('rejects a suggestion and never suggests that contact again', async () => {
    await contact({ name: 'Priya Sharma', city: 'London' });
    const id = await identity({ channel: 'x', externalId: 'x-priya', handle: '@ps_ldn', displayName: 'Priya Sharma', location: 'London' });
    expect((await resolve(id)).body.link.status).toBe('suggested');
    const rejected = await t.server.request('POST', `/api/v1/identity-suggestions/${id}/reject`, { token: t.ws.tokens.agent, body: {} });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body).toMatchObject({ contactId: null, link: null });
    expect((await resolve(id)).body).toMatchObject({ contactId: null, link: null });
    const audit = await t.server.request('GET', `/api/v1/audit?targetId=${id}`, { token: t.ws.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('identity.suggestion_rejected');
  });

  it('never overrides a manual link, not by resolve nor by resolve-all', async () => {
    const mine = await contact({ name: 'Manual Choice' });
    await contact({ name: 'Other Person', emails: ['shared-evidence@example.org'] });
    const id = await identity({ channel: 'email', externalId: 'shared-evidence@example.org', displayName: 'Other Person', contactId: mine });
    const resolved = await resolve(id);
    expect(resolved.body).toMatchObject({ contactId: mine, link: { status: 'manual' } });
    const all = await t.server.request('POST', '/api/v1/identities/resolve-all', { token: t.ws.tokens.agent, body: {} });
    expect(all.status, all.text).toBe(200);
    expect(all.body.processed).toBeGreaterThan(0);
    expect((await t.server.request('GET', `/api/v1/identities/${id}`, { token: t.ws.tokens.agent })).body).toMatchObject({ contactId: mine, link: { status: 'manual' } });
    const explained = await t.server.request('GET', `/api/v1/identities/${id}/explain`, { token: t.ws.tokens.agent });
    expect(explained.body).toMatchObject({ decision: 'manual', reason: expect.stringMatching(/manual/) });
  });

  it('does not auto-link a role address or a family email on several contacts', async () => {
    await contact({ name: 'Shop Owner', emails: ['info@bakery.example'] });
    await contact({ name: 'Tom Lange', emails: ['lange.family@example.net'] });
    await contact({ name: 'Eva Lange', emails: ['lange.family@example.net'], allowDuplicateEmail: true });
    const role = await identity({ channel: 'email', externalId: 'info@bakery.example', displayName: 'Shop Owner' });
    const family = await identity({ channel: 'email', externalId: 'lange.family@example.net', displayName: 'Lange' });
    expect((await resolve(role)).body.link?.status ?? null).not.toBe('auto');
    expect((await resolve(family)).body.link?.status ?? null).not.toBe('auto');
  });

  it('links through a handle listed on the contact, and resolves new identities from the pipeline hook once', async () => {
    const contactId = await contact({ name: 'Sam Okafor', custom: { handles: 'x:@sam_ok;instagram:sam.ok' } });
    const id = await identity({ channel: 'instagram', externalId: 'ig-sam', handle: 'sam.ok' });
    const summary = await resolveNewIdentities(t.store.db, systemActor(t.ws.workspaceId), [id]);
    expect(summary).toMatchObject({ processed: 1, auto: 1 });
    expect((await t.server.request('GET', `/api/v1/identities/${id}`, { token: t.ws.tokens.agent })).body).toMatchObject({ contactId, link: { status: 'auto' } });
    expect(await resolveNewIdentities(t.store.db, systemActor(t.ws.workspaceId), [id])).toBeNull();
  });

  it('a failure inside resolution leaves the ingest transaction usable and is logged', async () => {
    const warnings: { detail: Record<string, unknown>; message: string }[] = [];
    const log = { warn: (detail: Record<string, unknown>, message: string) => warnings.push({ detail, message }) };
    await t.store.db.transaction().execute(async (trx) => {
      expect(await resolveNewIdentities(trx, systemActor(t.ws.workspaceId), ['not-a-uuid'], log)).toBeNull();
      expect(await trx.selectFrom('contacts').select('id').where('workspace_id', '=', t.ws.workspaceId).limit(1).execute()).toHaveLength(1);
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('identity resolution failed');
    expect(warnings[0]?.detail).toMatchObject({ workspaceId: t.ws.workspaceId, identities: 1 });
  });

  it('answers 404 for unknown identities and keeps workspaces apart', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await resolve(unknown)).status).toBe(404);
    expect((await t.server.request('GET', `/api/v1/identities/${unknown}/explain`, { token: t.ws.tokens.agent })).status).toBe(404);
    const other = await seedWorkspace(t.store.db, 'resolution-other');
    await contact({ name: 'Cross Tenant', emails: ['cross@tenant.example'] }, other.tokens.agent);
    const id = await identity({ channel: 'email', externalId: 'cross@tenant.example', displayName: 'Cross Tenant' });
    expect((await resolve(id)).body).toMatchObject({ contactId: null });
  });

  it('answers 409 naming the surviving contact when the suggested contact was merged away', async () => {
    const suggestedId = await contact({ name: 'Hilde Brandt', city: 'Bremen' });
    const survivorId = await contact({ name: 'Hilde Brandt-Lühr', emails: ['hilde@brandt.example'] });
    const id = await identity({ channel: 'x', externalId: 'x-hilde', handle: '@hb_hb', displayName: 'Hilde Brandt', location: 'Bremen' });
    expect((await resolve(id)).body.link.status).toBe('suggested');
    const merged = await t.server.request('POST', `/api/v1/contacts/${survivorId}/merge`, { token: t.ws.tokens.agent, body: { sourceId: suggestedId } });
    expect(merged.status, merged.text).toBe(201);
    const accepted = await t.server.request('POST', `/api/v1/identity-suggestions/${id}/accept`, { token: t.ws.tokens.agent, body: {} });
    expect(accepted.status).toBe(409);
    expect(accepted.body.detail).toContain(`merged into contact ${survivorId}`);
  });

  it('links an identity that stated its email in a private message, and explains when', async () => {
    const contactId = await contact({ name: 'Oskar Lind', emails: ['oskar.lind@example.net'] });
    const id = await identity({ channel: 'instagram', externalId: 'ig-oskar', handle: 'oskar_l', displayName: 'Oskar' });
    await t.store.db
      .insertInto('posts')
      .values([
        { workspace_id: t.ws.workspaceId, channel: 'instagram', external_id: 'dm-oskar-1', author_identity_id: id, kind: 'direct', direction: 'in', visibility: 'private', text: 'Hi, my email is oskar.lind@example.net', posted_at: '2026-11-02T10:00:00Z' },
        { workspace_id: t.ws.workspaceId, channel: 'instagram', external_id: 'dm-oskar-2', author_identity_id: id, kind: 'direct', direction: 'in', visibility: 'private', text: 'and my husband is at someone.else@example.net', posted_at: '2026-11-03T10:00:00Z' },
      ])
      .execute();
    const resolved = await resolve(id);
    expect(resolved.body).toMatchObject({ contactId, link: { status: 'auto' } });
    const explained = await t.server.request('GET', `/api/v1/identities/${id}/explain`, { token: t.ws.tokens.agent });
    const texts = explained.body.candidates[0].evidence.map((e: { text: string }) => e.text);
    expect(texts).toContain('stated email oskar.lind@example.net in a private message on 2026-11-02');
  });

  it('confirms an account that a linked email identity lists in its signature', async () => {
    const contactId = await contact({ name: 'Greta Holm', emails: ['greta.holm@example.com'] });
    const mail = await identity({ channel: 'email', externalId: 'greta.holm@example.com', handle: 'greta.holm@example.com', displayName: 'Greta Holm' });
    await t.store.db
      .insertInto('posts')
      .values({ workspace_id: t.ws.workspaceId, channel: 'email', external_id: 'mail-greta', author_identity_id: mail, kind: 'email', direction: 'in', visibility: 'private', text: 'Thanks!\n--\nGreta Holm | IG: @greta.h.travels', posted_at: '2026-10-01T09:00:00Z' })
      .execute();
    expect((await resolve(mail)).body).toMatchObject({ contactId, link: { status: 'auto' } });
    const ig = await identity({ channel: 'instagram', externalId: 'ig-greta', handle: 'greta.h.travels', displayName: 'Greta' });
    const resolved = await resolve(ig);
    expect(resolved.body).toMatchObject({ contactId, link: { status: 'auto' } });
    expect(resolved.body.link.evidence.map((e: { text: string }) => e.text)).toContain('listed as its own account in the email signature of the email identity greta.holm@example.com, linked to this contact');
  });

  it('in the pipeline, a new link confirms an account resolved before on weak evidence (transitive round)', async () => {
    const contactId = await contact({ name: 'Ines Faber', emails: ['ines.faber@example.com'] });
    const ig = await identity({ channel: 'instagram', externalId: 'ig-ines', handle: 'ines.draws', displayName: 'Ines Faber' });
    expect((await resolve(ig)).body.link?.status ?? null).not.toBe('auto');
    const mail = await identity({ channel: 'email', externalId: 'ines.faber@example.com', handle: 'ines.faber@example.com', displayName: 'Ines Faber' });
    await t.store.db
      .insertInto('posts')
      .values({ workspace_id: t.ws.workspaceId, channel: 'email', external_id: 'mail-ines', author_identity_id: mail, kind: 'email', direction: 'in', visibility: 'private', text: 'Best,\nInes Faber | Insta: @ines.draws', posted_at: '2026-10-05T09:00:00Z' })
      .execute();
    const summary = await resolveNewIdentities(t.store.db, systemActor(t.ws.workspaceId), [mail]);
    expect(summary?.auto).toBe(2);
    const linked = await t.server.request('GET', `/api/v1/identities/${ig}`, { token: t.ws.tokens.agent });
    expect(linked.body).toMatchObject({ contactId, link: { status: 'auto' } });
  });

  /** A workspace of `size` placeholder contacts (the N of the rarity weights), and a POST that expects 201. */
  const workspaceOfFillers = async (label: string, size: number) => {
    const big = await seedWorkspace(t.store.db, label);
    await t.store.db
      .insertInto('contacts')
      .values(Array.from({ length: size }, () => ({ workspace_id: big.workspaceId, name: 'Filler Placeholder', first_name: null, last_name: null, emails: [], phones: [], city: 'Nowhere', country: null, languages: [], account_id: null, owner_id: null, custom: '{}', consent: '{}', merged_into_id: null })))
      .execute();
    const create = async (path: string, body: Record<string, unknown>) => {
      const res = await t.server.request('POST', path, { token: big.tokens.agent, body });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    return { big, create };
  };

  it('weighs a full name by how many contacts hold it: a unique name with the city links, namesakes and a name alone do not', async () => {
    // A workspace of 900 contacts, large enough (rule of three) for a name held by one contact to count as rare.
    const { big, create } = await workspaceOfFillers('name-frequency', 900);
    const resolveIn = (id: string) => t.server.request('POST', `/api/v1/identities/${id}/resolve`, { token: big.tokens.agent, body: {} });
    const texts = (body: { link: { evidence: { text: string }[] } | null }) => body.link?.evidence.map((e) => e.text) ?? [];

    const jurgen = await create('/api/v1/contacts', { name: 'Jürgen Lindenberger', city: 'Leipzig', languages: ['de'] });
    const unique = await resolveIn(await create('/api/v1/identities', { channel: 'x', externalId: 'x-jl', handle: '@jl_saxony', displayName: 'Juergen Lindenberger', location: 'Leipzig', language: 'de' }));
    expect(unique.status, unique.text).toBe(200);
    expect(unique.body).toMatchObject({ contactId: jurgen, link: { status: 'auto' } });
    expect(texts(unique.body)).toContain('same full name, held by no other of 901 contacts');

    await create('/api/v1/contacts', { name: 'Marta Kowalczyk', city: 'Poznan' });
    await create('/api/v1/contacts', { name: 'Marta Kowalczyk', city: 'Lodz' });
    const namesake = await resolveIn(await create('/api/v1/identities', { channel: 'x', externalId: 'x-mk', handle: '@mk_pl', displayName: 'Marta Kowalczyk', location: 'Lodz' }));
    expect(namesake.body).toMatchObject({ contactId: null, link: { status: 'suggested' } });
    expect(texts(namesake.body)).toContain('same full name, held by 2 contacts');

    await create('/api/v1/contacts', { name: 'Henrike Oberwallner', city: 'Kiel' });
    const alone = await resolveIn(await create('/api/v1/identities', { channel: 'x', externalId: 'x-ho', handle: '@ho_x', displayName: 'Henrike Oberwallner' }));
    expect(alone.body).toMatchObject({ contactId: null, link: null });
  });

  it('weighs a close name too: a nickname or a typo of a rare name is found and links with the city; a real other name or two close names do not', async () => {
    // 4,000 contacts: the close-name weight log2(0.1·N/3) reaches its cap, as it does in the evaluation.
    const { big, create } = await workspaceOfFillers('close-names', 4000);
    const resolveIn = async (body: Record<string, unknown>) => {
      const res = await t.server.request('POST', `/api/v1/identities/${await create('/api/v1/identities', body)}/resolve`, { token: big.tokens.agent, body: {} });
      expect(res.status, res.text).toBe(200);
      return res.body as { contactId: string | null; link: { status: string; evidence: { type: string; text: string }[] } | null };
    };

    // A typo in the family name: blocking by the family name alone would not even find the contact.
    const krzysztof = await create('/api/v1/contacts', { name: 'Krzysztof Liipczak', city: 'Warszawa', languages: ['pl'] });
    const typo = await resolveIn({ channel: 'x', externalId: 'x-kl', handle: '@kl_waw', displayName: 'Krzysztof Lipczak', location: 'Warszawa, Poland', language: 'pl' });
    expect(typo).toMatchObject({ contactId: krzysztof, link: { status: 'auto' } });
    expect(typo.link?.evidence.map((e) => e.text)).toContain('name "Krzysztof Lipczak" is one typo off the contact\'s "Krzysztof Liipczak", and no other of 4001 contacts has a name that close');

    const michael = await create('/api/v1/contacts', { name: 'Michael Hirschdorfer', city: 'München', languages: ['de'] });
    const nickname = await resolveIn({ channel: 'instagram', externalId: 'ig-mh', handle: 'mh.photo', displayName: 'Mike Hirschdorfer', location: 'München', language: 'de' });
    expect(nickname).toMatchObject({ contactId: michael, link: { status: 'auto' } });

    // Jansen and Janssen are two family names, not a typo: another contact carries Janssen.
    await create('/api/v1/contacts', { name: 'Jan Jansen', city: 'Amsterdam', languages: ['nl'] });
    await create('/api/v1/contacts', { name: 'Pieter Janssen', city: 'Utrecht' });
    const otherName = await resolveIn({ channel: 'x', externalId: 'x-jj', handle: '@jj_ams', displayName: 'Jan Janssen', location: 'Amsterdam', language: 'nl' });
    expect(otherName.link?.status).not.toBe('auto');

    // Two contacts one typo from the name: it is not rare, neither links.
    await create('/api/v1/contacts', { name: 'Lena Brunnhuber', city: 'Graz', languages: ['de'] });
    await create('/api/v1/contacts', { name: 'Lena Bruhuber', city: 'Linz' });
    const twoClose = await resolveIn({ channel: 'x', externalId: 'x-lb', handle: '@lb_graz', displayName: 'Lena Brunhuber', location: 'Graz', language: 'de' });
    expect(twoClose.link?.status).not.toBe('auto');
    expect(twoClose.link?.evidence.some((e) => e.text.includes('one typo off'))).toBe(false);
  });
});
