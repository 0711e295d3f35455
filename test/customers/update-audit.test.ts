import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.ts';
import { STORE_KINDS } from '../support/stores.ts';

interface AuditItem {
  action: string;
  detail: Record<string, unknown>;
  actorUserId: string | null;
}

describe.each(STORE_KINDS)('updates of contacts, accounts and deals are audited on %s', (kind) => {
  const t = useTestServer(kind, 'update-audit');

  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await t.server.request('POST', path, { token: t.ws.tokens.agent, body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const patch = async (path: string, body: Record<string, unknown>) => {
    const res = await t.server.request('PATCH', path, { token: t.ws.tokens.agent, body });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const audit = async (targetId: string, action: string): Promise<AuditItem[]> => {
    const res = await t.server.request('GET', `/api/v1/audit?targetId=${targetId}&action=${action}`, { token: t.ws.tokens.admin });
    expect(res.status, res.text).toBe(200);
    return res.body.items;
  };

  it('a contact update names the changed fields, never their values, in one entry by the caller', async () => {
    const contact = await post('/api/v1/contacts', { name: 'Uma Update', emails: ['uma@update.test'], phones: ['+49 30 111'], city: 'Köln' });
    await patch(`/api/v1/contacts/${contact.id}`, { emails: ['uma@update.test', 'uma.private@update.test'], phones: ['+49 30 222'], city: 'Köln', custom: { vip: true } });
    const entries = await audit(contact.id, 'contact.updated');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail).toEqual({ fields: ['emails', 'phones', 'custom'] });
    expect(entries[0]?.actorUserId).toBe(t.ws.users.agent.id);
    const text = JSON.stringify(entries.map((e) => e.detail));
    for (const value of ['uma.private@update.test', '222', 'Köln', 'vip']) expect(text).not.toContain(value);
  });

  it('writes no entry when nothing changed, and leaves a lifecycle change to its own entry', async () => {
    const contact = await post('/api/v1/contacts', { name: 'Nia Nochange', emails: ['nia@nochange.test'], city: 'Ulm' });
    await patch(`/api/v1/contacts/${contact.id}`, { name: 'Nia Nochange', emails: ['NIA@NoChange.test'], city: 'Ulm' });
    expect(await audit(contact.id, 'contact.updated')).toEqual([]);
    await patch(`/api/v1/contacts/${contact.id}`, { lifecycleStage: 'customer' });
    expect(await audit(contact.id, 'contact.updated')).toEqual([]);
    expect(await audit(contact.id, 'contact.lifecycle_changed')).toHaveLength(1);
    await patch(`/api/v1/contacts/${contact.id}`, { lifecycleStage: 'former_customer', firstName: 'Nia' });
    expect((await audit(contact.id, 'contact.updated')).map((e) => e.detail)).toEqual([{ fields: ['firstName'] }]);
    expect(await audit(contact.id, 'contact.lifecycle_changed')).toHaveLength(2);
  });

  it('an update refused halfway (unknown account) leaves no entry', async () => {
    const contact = await post('/api/v1/contacts', { name: 'Rita Refused' });
    const res = await t.server.request('PATCH', `/api/v1/contacts/${contact.id}`, { token: t.ws.tokens.agent, body: { city: 'Bonn', accountId: '00000000-0000-4000-8000-000000000000' } });
    expect(res.status).toBe(400);
    expect(await audit(contact.id, 'contact.updated')).toEqual([]);
  });

  it('an account update names the changed fields; an unchanged one writes nothing', async () => {
    const account = await post('/api/v1/accounts', { name: 'Audit AG', domains: ['audit.test'], industry: 'Retail' });
    await patch(`/api/v1/accounts/${account.id}`, { domains: ['AUDIT.test'], industry: 'Retail' });
    expect(await audit(account.id, 'account.updated')).toEqual([]);
    await patch(`/api/v1/accounts/${account.id}`, { name: 'Audit SE', industry: null, ownerId: t.ws.users.manager.id });
    expect((await audit(account.id, 'account.updated')).map((e) => e.detail)).toEqual([{ fields: ['name', 'industry', 'ownerId'] }]);
  });

  it('a deal update names the changed fields; stage and status stay in deal.stage_changed alone', async () => {
    const deal = await post('/api/v1/deals', { title: 'Audit deal', amount: '100.00', currency: 'EUR', stage: 'qualified' });
    await patch(`/api/v1/deals/${deal.id}`, { amount: '100', stage: 'qualified' });
    expect(await audit(deal.id, 'deal.updated')).toEqual([]);
    await patch(`/api/v1/deals/${deal.id}`, { stage: 'proposal' });
    expect(await audit(deal.id, 'deal.updated')).toEqual([]);
    expect(await audit(deal.id, 'deal.stage_changed')).toHaveLength(1);
    await patch(`/api/v1/deals/${deal.id}`, { amount: '250.50', closeDate: '2026-12-31', status: 'won' });
    expect((await audit(deal.id, 'deal.updated')).map((e) => e.detail)).toEqual([{ fields: ['amount', 'closeDate'] }]);
    expect(await audit(deal.id, 'deal.stage_changed')).toHaveLength(2);
  });
});
