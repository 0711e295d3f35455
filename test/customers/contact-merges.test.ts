import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.ts';
import { undoMerge, unmergeContact } from '../../src/customers/contact-merges.service.ts';
import { seedWorkspace, useTestServer, type SeededWorkspace } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

const TABLES = ['contacts', 'social_identities', 'deals', 'conversations', 'notes', 'lifecycle_changes'] as const;

describe.each(STORE_KINDS)('contact merge and unmerge on %s', (kind) => {
  const t = useTestServer(kind, 'merges');
  let other: SeededWorkspace;
  beforeAll(async () => {
    other = await seedWorkspace(t.store.db, 'merges-other');
  });

  const post = async (path: string, body: unknown, token = t.ws.tokens.agent) => {
    const res = await t.server.request('POST', path, { token, body });
    expect([200, 201], `${path}: ${res.text}`).toContain(res.status);
    return res.body;
  };

  /** Every row of the workspace in the tables a merge touches, as exact jsonb text (microseconds included). */
  async function rows(workspaceId: string): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const table of TABLES) {
      const result = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(table)} t where workspace_id = ${workspaceId} order by id`.execute(t.store.db);
      out[table] = result.rows.map((r) => r.row);
    }
    return out;
  }

  /** A contact with one row of every kind that belongs to a contact. */
  async function contactWithHistory(name: string, fields: Record<string, unknown>, token = t.ws.tokens.agent) {
    const contact = await post('/api/v1/contacts', { name, ...fields }, token);
    await t.server.request('PATCH', `/api/v1/contacts/${contact.id}`, { token, body: { lifecycleStage: 'customer' } });
    const suffix = Math.random().toString(36).slice(2, 8);
    await post('/api/v1/identities', { channel: 'x', externalId: `x-${suffix}`, handle: `@${suffix}`, contactId: contact.id }, token);
    await post('/api/v1/deals', { title: `Deal of ${name}`, contactId: contact.id }, token);
    await post('/api/v1/conversations', { channel: 'x', subject: `Talk with ${name}`, contactId: contact.id }, token);
    await post(`/api/v1/contacts/${contact.id}/notes`, { body: `Note about ${name}` }, token);
    return contact;
  }

  it('merges a contact and its rows into another, and the undo restores every row exactly', async () => {
    const target = await contactWithHistory('Ana Berg', { emails: ['ana@example.com'], phones: ['+49 30 1'], custom: { tier: 'gold' } });
    const source = await contactWithHistory('Ana B.', { emails: ['ana.b@mail.test'], city: 'Berlin', languages: ['de'], custom: { tier: 'silver', vip: true } });
    const before = await rows(t.ws.workspaceId);

    const merged = await post(`/api/v1/contacts/${target.id}/merge`, { sourceId: source.id });
    expect(merged.merge).toMatchObject({ targetId: target.id, sourceId: source.id, moved: { identities: 1, deals: 1, conversations: 1, notes: 1, lifecycleChanges: 2 }, undoneAt: null });
    expect(merged.contact).toMatchObject({ name: 'Ana Berg', emails: ['ana@example.com', 'ana.b@mail.test'], city: 'Berlin', languages: ['de'], custom: { tier: 'gold', vip: true } });

    const sourceNow = await t.server.request('GET', `/api/v1/contacts/${source.id}`, { token: t.ws.tokens.agent });
    expect(sourceNow.body.mergedIntoId).toBe(target.id);
    const list = await t.server.request('GET', '/api/v1/contacts?limit=200', { token: t.ws.tokens.agent });
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(source.id);
    const identities = await t.server.request('GET', `/api/v1/identities?contactId=${target.id}`, { token: t.ws.tokens.agent });
    expect(identities.status, identities.text).toBe(200);
    expect(identities.body.items).toHaveLength(2);
    const lifecycle = await t.server.request('GET', `/api/v1/contacts/${target.id}/lifecycle`, { token: t.ws.tokens.agent });
    expect(lifecycle.body.items).toHaveLength(4);

    const undone = await post(`/api/v1/contacts/${source.id}/unmerge`, {});
    expect(undone.merge.undoneAt).not.toBeNull();
    expect(undone.contact.mergedIntoId).toBeNull();
    expect(await rows(t.ws.workspaceId)).toEqual(before);

    const audit = await t.server.request('GET', `/api/v1/audit?targetId=${target.id}`, { token: t.ws.tokens.admin });
    const entries = audit.body.items.filter((e: { action: string }) => e.action.startsWith('contact.') && e.action.includes('merge'));
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['contact.unmerged', 'contact.merged']);
    expect(entries[1].detail).toMatchObject({ mergeId: merged.merge.id, sourceId: source.id });
    const history = await t.server.request('GET', `/api/v1/contacts/${source.id}/merges`, { token: t.ws.tokens.analyst });
    expect(history.body.items.map((m: { id: string }) => m.id)).toEqual([merged.merge.id]);
  });

  it('keeps rows added to the target after the merge, and field edits made since, when undoing', async () => {
    const target = await contactWithHistory('Ben Target', { emails: ['ben@example.com'] });
    const source = await contactWithHistory('Ben Source', { emails: ['ben@other.test'], country: 'AT' });
    await post(`/api/v1/contacts/${target.id}/merge`, { sourceId: source.id });
    const later = await post(`/api/v1/contacts/${target.id}/notes`, { body: 'written after the merge' });
    await t.server.request('PATCH', `/api/v1/contacts/${target.id}`, { token: t.ws.tokens.agent, body: { city: 'Graz' } });
    await post(`/api/v1/contacts/${source.id}/unmerge`, {});

    const targetNotes = await t.server.request('GET', `/api/v1/contacts/${target.id}/notes`, { token: t.ws.tokens.agent });
    expect(targetNotes.body.items.map((n: { id: string }) => n.id)).toContain(later.id);
    expect(targetNotes.body.items).toHaveLength(2);
    const sourceNotes = await t.server.request('GET', `/api/v1/contacts/${source.id}/notes`, { token: t.ws.tokens.agent });
    expect(sourceNotes.body.items.map((n: { body: string }) => n.body)).toEqual(['Note about Ben Source']);
    const targetNow = (await t.server.request('GET', `/api/v1/contacts/${target.id}`, { token: t.ws.tokens.agent })).body;
    // country was filled by the merge and not touched since: it goes back; city was edited since: it stays.
    expect(targetNow).toMatchObject({ emails: ['ben@example.com'], country: null, city: 'Graz' });
  });

  it('refuses merging into itself, merging twice, undoing what is not merged and undoing out of order', async () => {
    const a = await post('/api/v1/contacts', { name: 'Chain A' });
    const b = await post('/api/v1/contacts', { name: 'Chain B' });
    const c = await post('/api/v1/contacts', { name: 'Chain C' });
    expect((await t.server.request('POST', `/api/v1/contacts/${a.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: a.id } })).status).toBe(400);
    expect((await t.server.request('POST', `/api/v1/contacts/${a.id}/unmerge`, { token: t.ws.tokens.agent })).status).toBe(409);
    await post(`/api/v1/contacts/${b.id}/merge`, { sourceId: a.id });
    expect((await t.server.request('POST', `/api/v1/contacts/${c.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: a.id } })).status).toBe(409);
    expect((await t.server.request('POST', `/api/v1/contacts/${a.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: c.id } })).status).toBe(409);
    await post(`/api/v1/contacts/${c.id}/merge`, { sourceId: b.id });
    const outOfOrder = await t.server.request('POST', `/api/v1/contacts/${a.id}/unmerge`, { token: t.ws.tokens.agent });
    expect(outOfOrder.status).toBe(409);
    expect(outOfOrder.body.detail).toMatch(/undo that merge first/);
    await post(`/api/v1/contacts/${b.id}/unmerge`, {});
    await post(`/api/v1/contacts/${a.id}/unmerge`, {});
    expect((await t.server.request('GET', `/api/v1/contacts/${a.id}`, { token: t.ws.tokens.agent })).body.mergedIntoId).toBeNull();
    expect((await t.server.request('POST', `/api/v1/contacts/${a.id}/merge`, { token: t.ws.tokens.analyst, body: { sourceId: c.id } })).status).toBe(403);
  });

  it('undoes a merge named by its id, and only that merge, not a later merge of the same contact', async () => {
    const a = await post('/api/v1/contacts', { name: 'Named A' });
    const b = await post('/api/v1/contacts', { name: 'Named B' });
    const first = (await post(`/api/v1/contacts/${a.id}/merge`, { sourceId: b.id })).merge.id;
    const actor = systemActor(t.ws.workspaceId);
    expect((await undoMerge(t.store.db, actor, first)).contact.id).toBe(b.id);
    const second = (await post(`/api/v1/contacts/${a.id}/merge`, { sourceId: b.id })).merge.id;
    await expect(undoMerge(t.store.db, actor, first)).rejects.toMatchObject({ status: 409, message: `merge ${first} is already undone` });
    // What undoMerge relies on if the first merge's undo and a new merge land between its read and its transaction.
    await expect(unmergeContact(t.store.db, actor, b.id, first)).rejects.toMatchObject({ status: 409 });
    await expect(undoMerge(t.store.db, systemActor(other.workspaceId), second)).rejects.toMatchObject({ status: 404 });
    await expect(undoMerge(t.store.db, actor, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404, message: 'merge does not exist in this workspace.' });
    const undone = await undoMerge(t.store.db, actor, second);
    expect(undone.merge).toMatchObject({ id: second, undone_by: null });
    expect(undone.merge.undone_at).not.toBeNull();
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', a.id).where('action', '=', 'contact.unmerged').orderBy('id').execute();
    expect(audit.map((entry) => entry.detail['mergeId'])).toEqual([first, second]);
  });

  it('refuses to merge or undo across workspaces', async () => {
    const mine = await post('/api/v1/contacts', { name: 'Mine' });
    const theirs = await post('/api/v1/contacts', { name: 'Theirs' }, other.tokens.agent);
    const theirsToo = await post('/api/v1/contacts', { name: 'Theirs too' }, other.tokens.agent);
    const before = await rows(other.workspaceId);
    expect((await t.server.request('POST', `/api/v1/contacts/${mine.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: theirs.id } })).status).toBe(404);
    expect((await t.server.request('POST', `/api/v1/contacts/${theirs.id}/merge`, { token: t.ws.tokens.agent, body: { sourceId: mine.id } })).status).toBe(404);
    await post(`/api/v1/contacts/${theirs.id}/merge`, { sourceId: theirsToo.id }, other.tokens.agent);
    expect((await t.server.request('POST', `/api/v1/contacts/${theirsToo.id}/unmerge`, { token: t.ws.tokens.admin })).status).toBe(404);
    expect((await t.server.request('GET', `/api/v1/contacts/${theirsToo.id}/merges`, { token: t.ws.tokens.admin })).status).toBe(404);
    await post(`/api/v1/contacts/${theirsToo.id}/unmerge`, {}, other.tokens.agent);
    expect(await rows(other.workspaceId)).toEqual(before);
    expect((await t.server.request('GET', `/api/v1/contacts/${mine.id}`, { token: t.ws.tokens.agent })).body.mergedIntoId).toBeNull();
  });
});
