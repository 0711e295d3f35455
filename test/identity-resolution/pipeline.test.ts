import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/channels/signatures.ts';
import { drainIntake } from '../../src/pipeline/worker.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore, STORE_KINDS } from '../support/stores.ts';

const deps = { analyze: null, now: () => new Date() };
const SECRET = 'a-long-shared-webhook-secret-for-resolution';

describe.each(STORE_KINDS)('identity resolution in the pipeline on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let hook: { id: string; webhookUrl: string };

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'resolution-pipeline');
    hook = (await server.request('POST', '/api/v1/channels', { token: ws.tokens.manager, body: { type: 'webhook', name: 'Reviews', settings: { secret: SECRET, channel: 'reviews' } } })).body;
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const deliver = (body: string) => fetch(server.url + hook.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-townhall-signature': `sha256=${hmacSha256Hex(SECRET, body)}` }, body });
  const review = (id: string, author: Record<string, unknown>) => JSON.stringify({ externalId: id, kind: 'review', text: 'Lovely shoes', postedAt: '2026-11-20T10:00:00Z', author });

  it('links a new author whose handle the contact lists, leaves strangers unlinked, and keeps a manual unlink', async () => {
    const contact = await server.request('POST', '/api/v1/contacts', { token: ws.tokens.agent, body: { name: 'Lea Vogt', custom: { handles: 'reviews:lea_v' } } });
    expect((await deliver(review('r-1', { externalId: 'a-1', handle: 'lea_v', displayName: 'Lea V.' }))).status).toBe(200);
    expect((await deliver(review('r-2', { externalId: 'a-2', handle: 'someone', displayName: 'Some One' }))).status).toBe(200);
    await drainIntake(store.db, deps);
    const identities = (await server.request('GET', '/api/v1/identities?channel=reviews', { token: ws.tokens.agent })).body.items as { id: string; externalId: string; contactId: string | null; link: { status: string } | null }[];
    const lea = identities.find((i) => i.externalId === 'a-1');
    expect(lea).toMatchObject({ contactId: contact.body.id, link: { status: 'auto' } });
    expect(identities.find((i) => i.externalId === 'a-2')).toMatchObject({ contactId: null, link: null });

    // A person unlinks it; the next post of the same author does not link it again.
    await server.request('PATCH', `/api/v1/identities/${lea?.id}`, { token: ws.tokens.agent, body: { contactId: null } });
    expect((await deliver(review('r-3', { externalId: 'a-1', handle: 'lea_v', displayName: 'Lea V.' }))).status).toBe(200);
    await drainIntake(store.db, deps);
    expect((await server.request('GET', `/api/v1/identities/${lea?.id}`, { token: ws.tokens.agent })).body).toMatchObject({ contactId: null, link: null });
  });
});
