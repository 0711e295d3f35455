import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '../../src/auth/actor.ts';
import { InProcessEventBus } from '../../src/events/in-process.ts';
import { startOutboundWebhooks } from '../../src/outbound-webhooks/outbound-webhooks.ts';
import { verifySignature } from '../../src/outbound-webhooks/signing.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { createUser } from '../../src/users/users.service.ts';
import { startReceiver, type Receiver } from '../outbound-webhooks/receiver.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore } from '../support/stores.ts';
import { ensureWebBuild, HAS_CHROMIUM, launchChromium } from './browser.ts';

describe.skipIf(!HAS_CHROMIUM)('webhooks page in Chromium', () => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let browser: Browser;
  let receiver: Receiver;
  const bus = new InProcessEventBus();
  let webhooks: { stop(): Promise<void> } | undefined;
  const admin = { email: 'hooks@web.test', name: 'Hana Admin', password: 'correct horse battery' };

  beforeAll(async () => {
    ensureWebBuild();
    store = await openTestStore('pglite');
    server = await startTestServer(store, { TOWNHALL_ALLOW_PRIVATE_NETWORK: 'true' });
    ws = await seedWorkspace(store.db, 'webhooks');
    await createUser(store.db, systemActor(ws.workspaceId), { ...admin, role: 'admin' });
    receiver = await startReceiver();
    // The receiver's answer is markup: the delivery log must show it as text.
    receiver.answerByDefault({ status: 200, body: '<img src=x onerror=alert(1)>received' });
    webhooks = startOutboundWebhooks({ db: store.db, config: server.ctx.config, secrets: server.ctx.secrets, log: pino({ level: 'silent' }), now: () => new Date() }, bus, 100);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await webhooks?.stop();
    await bus.close();
    await receiver?.close();
    await server?.close();
    await store?.close();
  });

  it('adds a webhook, shows its secret once, and sees a ping and a pipeline event arrive signed at the receiver', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`unexpected dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    await page.goto(`${server.url}/`);
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL('**/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();

    const form = page.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('Endpoint URL').fill(receiver.url);
    await form.getByLabel('Description').fill('Data warehouse');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const shown = page.getByLabel('Signing secret');
    await shown.waitFor();
    const secret = await shown.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('cell', { name: new RegExp(receiver.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) }).first().waitFor();

    await page.getByRole('button', { name: `Ping ${receiver.url}` }).click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const ping = receiver.received[0]!;
    expect(ping.headers['townhall-event']).toBe('ping');
    expect(verifySignature(secret, String(ping.headers['townhall-signature']), ping.body, new Date())).toBe(true);

    await bus.publish([{ id: 'post.stored:browser-post:1', type: 'post.stored', workspaceId: ws.workspaceId, at: new Date().toISOString(), data: { postId: 'browser-post' } }]);
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(2);
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ type: 'post.stored', data: { postId: 'browser-post' } });

    const log = page.getByRole('table', { name: 'Delivery log' });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await log.getByText('post.stored').waitFor();
    await log.getByText('ping').waitFor();
    // Refresh also updates the list's last delivery.
    await page.getByRole('cell', { name: /succeeded \(HTTP 200\)/ }).waitFor();
    expect(await log.getByText('HTTP 200').count()).toBe(2);
    expect(await log.getByText('<img src=x onerror=alert(1)>received').count()).toBe(2);
    expect(await page.locator('main img').count()).toBe(0);
    await page.screenshot({ path: '/tmp/townhall-webhooks.png', fullPage: true });

    // Shown once: back on the page, the list has the webhook and never the secret.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('cell', { name: /Data warehouse/ }).waitFor();
    expect(await page.getByLabel('Signing secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(problems).toEqual([]);
    await context.close();
  });
});
