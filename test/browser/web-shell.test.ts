import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { systemActor } from '../../src/auth/actor.ts';
import { importFile } from '../../src/intake/import.service.ts';
import type { Store } from '../../src/platform/db/store.ts';
import { createUser } from '../../src/users/users.service.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../support/server.ts';
import { openTestStore } from '../support/stores.ts';
import { ensureWebBuild, HAS_CHROMIUM, launchChromium } from './browser.ts';

describe.skipIf(!HAS_CHROMIUM)('web app in Chromium', () => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;
  let browser: Browser;
  const admin = { email: 'dana@web.test', name: 'Dana Admin', password: 'correct horse battery' };

  beforeAll(async () => {
    // The server decides at start whether web/dist exists, so build first.
    ensureWebBuild();
    store = await openTestStore('pglite');
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'web');
    await createUser(store.db, systemActor(ws.workspaceId), { ...admin, role: 'admin' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  /** A fresh browser context per test: its own cookies, a desktop-sized window, and page errors fail the test. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`unexpected dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { page, problems };
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in through the form, creates a team and an API token, and signs out back to the sign-in page', async () => {
    const { page, problems } = await openPage();
    await signIn(page, admin.email, admin.password);

    const header = page.getByRole('banner');
    await header.getByText(admin.name).waitFor();
    await header.getByText('admin', { exact: true }).waitFor();
    await header.getByText(/^web [0-9a-f]{8}$/).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Audit log' }).waitFor();

    await nav.getByRole('link', { name: 'Teams' }).click();
    await page.waitForURL('**/teams');
    await page.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Customer Care');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('cell', { name: 'Customer Care', exact: true }).waitFor();
    await page.screenshot({ path: '/tmp/townhall-shell.png', fullPage: true });

    await nav.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Token name').fill('nightly export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByLabel('Your new API token');
    await secret.waitFor();
    const token = await secret.inputValue();
    expect(token).toMatch(/^th_/);
    await page.getByRole('cell', { name: 'nightly export', exact: true }).waitFor();
    const viaToken = await server.request('GET', '/api/v1/auth/me', { token });
    expect(viaToken.body).toMatchObject({ via: 'token', user: { name: admin.name } });

    // Shown once: leaving the page and coming back shows the token in the list, never the secret.
    await nav.getByRole('link', { name: 'Teams' }).click();
    await nav.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('cell', { name: 'nightly export', exact: true }).waitFor();
    expect(await page.getByLabel('Your new API token').count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    await header.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('refuses a contact whose email another contact holds, says whose, and creates it anyway when asked', async () => {
    const first = await server.request('POST', '/api/v1/contacts', { token: ws.tokens.admin, body: { name: 'Tom Lange', emails: ['lange.family@web.test'] } });
    expect(first.status).toBe(201);
    const { page, problems } = await openPage();
    await signIn(page, admin.email, admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    const form = page.getByRole('form', { name: 'Create a contact' });
    await form.getByLabel('Name').fill('Eva Lange');
    await form.getByLabel('Email (optional)').fill('Lange.Family@web.test');
    await form.getByRole('button', { name: 'Create contact' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(first.body.id as string);
    const before = await server.request('GET', '/api/v1/contacts?email=lange.family@web.test', { token: ws.tokens.admin });
    expect(before.body.items).toHaveLength(1);

    await form.getByRole('button', { name: 'Create anyway: the address is shared' }).click();
    await page.getByRole('cell', { name: 'Eva Lange', exact: true }).waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);
    const after = await server.request('GET', '/api/v1/contacts?email=lange.family@web.test', { token: ws.tokens.admin });
    expect(after.body.items.map((c: { name: string }) => c.name).sort()).toEqual(['Eva Lange', 'Tom Lange']);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows the problem detail when the password is wrong and stays on the sign-in page', async () => {
    const { page, problems } = await openPage();
    await signIn(page, admin.email, 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Check the email and password and try again.');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows a team named like an HTML tag as literal text without running it', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const created = await server.request('POST', '/api/v1/teams', { token: ws.tokens.admin, body: { name } });
    expect(created.status).toBe(201);
    const { page, problems } = await openPage();
    await signIn(page, admin.email, admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('cell', { name, exact: true }).waitFor();
    expect(await page.locator('main img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows what a media message holds as a text chip with its caption, loading no remote media', async () => {
    const path = new URL('../fixtures/meta/whatsapp-document-video-statuses.json', import.meta.url).pathname;
    await importFile(store.db, { analyze: null, now: () => new Date() }, { workspaceId: ws.workspaceId, channel: 'meta', path });
    const { page, problems } = await openPage();
    const remote: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) remote.push(request.url());
    });
    await signIn(page, admin.email, admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Posts' }).click();
    await page.getByText('📄 File “rechnung-2025-113.pdf” (application/pdf)').waitFor();
    await page.getByText('🎬 Video (video/mp4)').waitFor();
    expect(await page.locator('main img, main video').count()).toBe(0);
    expect(remote).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('asks a user with a one-time password to choose a new one before showing the app', async () => {
    const { oneTimePassword } = await createUser(store.db, systemActor(ws.workspaceId), { email: 'eli@web.test', name: 'Eli Agent', role: 'agent' });
    expect(oneTimePassword).toBeTruthy();
    const { page, problems } = await openPage();
    await signIn(page, 'eli@web.test', oneTimePassword ?? '');
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('my own password 1');
    await page.getByLabel('New password again').fill('my own password 1');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Teams' }).waitFor();
    // Agents do not manage users or read the audit log.
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    const relogin = await server.request('POST', '/api/v1/auth/login', { body: { email: 'eli@web.test', password: 'my own password 1' } });
    expect(relogin.status).toBe(200);
    expect(relogin.body.user.mustChangePassword).toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says "not available yet" for a section whose API answers 404', async () => {
    const { page, problems } = await openPage();
    // Simulates a server without the deals API, whatever this build of the server has.
    await page.route('**/api/v1/deals**', (route) =>
      route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'route_not_found' }) }),
    );
    await signIn(page, admin.email, admin.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: /Deals/ }).click();
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    await page.getByText('Not available yet.').waitFor();
    await nav.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: `Welcome, ${admin.name}` }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
