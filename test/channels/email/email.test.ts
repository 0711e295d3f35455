import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../../src/channels/channels.repository.ts';
import { connectionView } from '../../../src/channels/channels.service.ts';
import { emailDriver } from '../../../src/channels/email/email.driver.ts';
import { parseHeaderBlock } from '../../../src/channels/email/mime.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { importFile } from '../../../src/intake/import.service.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import { seedWorkspace, startTestServer, type SeededWorkspace, type TestServer } from '../../support/server.ts';
import { openTestStore, STORE_KINDS } from '../../support/stores.ts';
import { countPosts, pollOnce } from '../rss/poll-once.ts';
import { dovecotAvailable, startDovecot, type Dovecot } from './dovecot.ts';

const deps = { analyze: null, now: () => new Date() };
const OWN = new URL('../../fixtures/email/', import.meta.url);
const ownPath = (name: string) => new URL(name, OWN).pathname;
const raw = (name: string) => readFileSync(ownPath(name));
const THREAD = ['thread-1-question.eml', 'thread-2-reply.eml', 'thread-3-followup.eml', 'thread-4-closing.eml'];
const ROOT_ID = '20260302091500.4711@mailbox.example';

// CI must run the IMAP tests: a missing dovecot there is a failure, not a skip.
const runImap = dovecotAvailable() || process.env['CI'] !== undefined;

describe.each(STORE_KINDS)('email on %s', (kind) => {
  let store: Store;
  let server: TestServer;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    store = await openTestStore(kind);
    server = await startTestServer(store);
    ws = await seedWorkspace(store.db, 'email');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('imports each .eml as one message and the mbox as three; a second import adds nothing; the thread links up', async () => {
    const importWs = await seedWorkspace(store.db, 'email-import');
    const run = (file: string) => importFile(store.db, deps, { workspaceId: importWs.workspaceId, channel: 'email', path: ownPath(file) });
    for (const file of [...THREAD, 'html-only.eml', 'no-message-id.eml']) expect(await run(file)).toMatchObject({ imported: 1, duplicates: 0, rejected: 0 });
    expect(await run('support.mbox')).toMatchObject({ imported: 3, duplicates: 0, rejected: 0 });
    for (const file of [...THREAD, 'html-only.eml', 'no-message-id.eml']) expect(await run(file)).toMatchObject({ imported: 0, duplicates: 1, rejected: 0 });
    expect(await run('support.mbox')).toMatchObject({ imported: 0, duplicates: 3, rejected: 0 });
    expect(await countPosts(store, importWs.workspaceId, 'email')).toBe(9);

    const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id', 'visibility', 'kind', 'text']).where('workspace_id', '=', importWs.workspaceId).execute();
    const byId = new Map(rows.map((r) => [r.external_id, r]));
    const root = byId.get(ROOT_ID);
    expect(root).toMatchObject({ visibility: 'private', kind: 'email', parent_id: null });
    expect(byId.get('kb-support-7f3a9c21@kestrel-bikes.example')).toMatchObject({ parent_id: root?.id, thread_id: root?.id });
    expect(byId.get('CAF=k9x2Tq@mail.mailbox.example')?.thread_id).toBe(root?.id);
    expect(byId.get('kb-support-7f3a9c88@kestrel-bikes.example')).toMatchObject({ parent_id: byId.get('CAF=k9x2Tq@mail.mailbox.example')?.id, thread_id: root?.id });
    expect(byId.get('anna-1@example.com')?.text).toContain('\nFrom my experience with my old bike');
    expect(byId.get('kb-support-anna-1@kestrel-bikes.example')?.parent_id).toBe(byId.get('anna-1@example.com')?.id);
    expect(byId.get('lh-20260311@beispiel.example')?.text.startsWith('Rücklicht defekt\n\nHallo,')).toBe(true);
    const sender = await store.db.selectFrom('social_identities').select(['handle', 'display_name']).where('workspace_id', '=', importWs.workspaceId).where('external_id', '=', 'joerg.mueller@mailbox.example').execute();
    expect(sender).toEqual([{ handle: 'joerg.mueller@mailbox.example', display_name: 'Jörg Müller' }]);
  });

  describe.runIf(runImap)('against a real IMAP server (dovecot) and an SMTP stand-in', () => {
    let dovecot: Dovecot;
    let smtp: SMTPServer;
    let smtpPort = 0;
    const received: { from: string; to: string[]; message: string }[] = [];
    let channelId = '';
    const imap = () => new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    const append = async (files: string[]) => {
      const client = imap();
      await client.connect();
      for (const file of files) await client.append('Support', raw(file));
      await client.logout();
    };

    beforeAll(async () => {
      if (!dovecotAvailable()) throw new Error('dovecot is not installed: apt-get install -y dovecot-imapd (required in CI)');
      dovecot = await startDovecot();
      smtp = new SMTPServer({
        secure: false,
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        onAuth(auth, _session, callback) {
          if (auth.username === dovecot.user && auth.password === dovecot.password) callback(null, { user: auth.username });
          else callback(new Error('invalid credentials'));
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), message: Buffer.concat(chunks).toString('utf8') });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      smtpPort = (smtp.server.address() as AddressInfo).port;
      const client = imap();
      await client.connect();
      await client.mailboxCreate('Support');
      await client.logout();
      const created = await server.request('POST', '/api/v1/channels', {
        token: ws.tokens.manager,
        body: {
          type: 'email',
          name: 'Support mailbox',
          settings: {
            address: 'support@kestrel-bikes.example',
            fromName: 'Kestrel Support',
            imapHost: '127.0.0.1',
            imapPort: dovecot.port,
            imapSecure: false,
            username: dovecot.user,
            password: dovecot.password,
            mailbox: 'Support',
            smtpHost: '127.0.0.1',
            smtpPort,
            smtpSecure: false,
          },
        },
      });
      expect(created.status).toBe(201);
      expect(created.text).not.toContain(dovecot.password);
      channelId = created.body.id;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
      await dovecot?.stop();
    });

    it('polls 3 messages, then only the 1 appended after, into exactly 4 threaded posts', async () => {
      await append(THREAD.slice(0, 3));
      const first = await pollOnce(store, server.ctx.secrets, ws.workspaceId, channelId);
      expect(first.payloads).toHaveLength(3);
      expect(first.payloads.map((p) => p.headers?.['x-imap-uid'])).toEqual(['1', '2', '3']);
      expect(first.state).toMatchObject({ lastUid: 3, mailbox: 'Support' });
      expect(await countPosts(store, ws.workspaceId, 'email')).toBe(3);

      await append(THREAD.slice(3));
      const second = await pollOnce(store, server.ctx.secrets, ws.workspaceId, channelId);
      expect(second.payloads).toHaveLength(1);
      expect(second.state).toMatchObject({ lastUid: 4, uidValidity: first.state['uidValidity'] });
      const third = await pollOnce(store, server.ctx.secrets, ws.workspaceId, channelId);
      expect(third.payloads).toHaveLength(0);

      const rows = await store.db.selectFrom('posts').select(['id', 'external_id', 'parent_id', 'thread_id', 'direction']).where('workspace_id', '=', ws.workspaceId).where('channel', '=', 'email').orderBy('posted_at').execute();
      expect(rows.map((r) => r.external_id)).toEqual([ROOT_ID, 'kb-support-7f3a9c21@kestrel-bikes.example', 'CAF=k9x2Tq@mail.mailbox.example', 'kb-support-7f3a9c88@kestrel-bikes.example']);
      expect(rows.map((r) => r.direction)).toEqual(['in', 'out', 'in', 'out']);
      const root = rows[0];
      expect(rows.slice(1).map((r) => r.thread_id)).toEqual([root?.id, root?.id, root?.id]);
      expect(rows.slice(1).map((r) => r.parent_id)).toEqual([rows[0]?.id, rows[1]?.id, rows[2]?.id]);
    });

    it('reads the mailbox again when UIDVALIDITY changes, adding only what is new', async () => {
      const before = await findConnection(store.db, ws.workspaceId, channelId);
      const client = imap();
      await client.connect();
      await client.mailboxDelete('Support');
      await client.mailboxCreate('Support');
      await client.logout();
      await append([...THREAD, 'html-only.eml']);
      const result = await pollOnce(store, server.ctx.secrets, ws.workspaceId, channelId);
      expect(result.state['uidValidity']).not.toBe(before?.state['uidValidity']);
      expect(result.payloads).toHaveLength(5);
      expect(result.state).toMatchObject({ lastUid: 5 });
      expect(await countPosts(store, ws.workspaceId, 'email')).toBe(5);
    });

    it('replies by SMTP with In-Reply-To, References and "Re:" taken from the parent in the mailbox', async () => {
      const row = await findConnection(store.db, ws.workspaceId, channelId);
      if (!row) throw new Error('connection missing');
      const runtime = createDriverRuntime({ allowPrivateNetwork: true }, new AbortController().signal);
      const sent = await emailDriver.send!({ kind: 'reply', text: 'Gern geschehen, gute Fahrt!', inReplyTo: { externalId: 'CAF=k9x2Tq@mail.mailbox.example', authorExternalId: 'joerg.mueller@mailbox.example', threadExternalId: ROOT_ID } }, connectionView(server.ctx.secrets, row), runtime);
      expect(sent.externalId).toMatch(/@kestrel-bikes\.example$/);
      const mail = received.at(-1);
      expect(mail?.to).toEqual(['joerg.mueller@mailbox.example']);
      expect(mail?.from).toBe('support@kestrel-bikes.example');
      const headers = parseHeaderBlock((mail?.message ?? '').split(/\r?\n\r?\n/)[0] ?? '');
      expect(headers.get('in-reply-to')).toBe('<CAF=k9x2Tq@mail.mailbox.example>');
      expect(headers.get('references')?.split(/\s+/)).toEqual(['<20260302091500.4711@mailbox.example>', '<kb-support-7f3a9c21@kestrel-bikes.example>', '<CAF=k9x2Tq@mail.mailbox.example>']);
      expect(headers.decoded('subject')).toBe('Re: Akku lädt nicht mehr voll');
      expect(headers.get('message-id')).toBe(`<${sent.externalId}>`);

      // A parent that is not in the mailbox: threaded by what Townhall stored.
      await emailDriver.send!({ kind: 'reply', text: 'Thanks Anna!', inReplyTo: { externalId: 'anna-1@example.com', authorExternalId: 'anna.berg@example.com', threadExternalId: 'anna-1@example.com' } }, connectionView(server.ctx.secrets, row), runtime);
      const fallback = parseHeaderBlock((received.at(-1)?.message ?? '').split(/\r?\n\r?\n/)[0] ?? '');
      expect(fallback.get('in-reply-to')).toBe('<anna-1@example.com>');
      expect(fallback.get('references')).toBe('<anna-1@example.com>');
      expect(received.at(-1)?.to).toEqual(['anna.berg@example.com']);
    });

    it('keeps every character of 8-bit ISO-8859-1 and windows-1252 mail polled over IMAP', async () => {
      await append(['charset-latin1-8bit.eml', 'charset-windows1252-8bit.eml']);
      const result = await pollOnce(store, server.ctx.secrets, ws.workspaceId, channelId);
      expect(result.payloads).toHaveLength(2);
      const rows = await store.db.selectFrom('posts').select(['external_id', 'text']).where('workspace_id', '=', ws.workspaceId).where('external_id', 'in', ['latin1-8bit-1@example.de', 'cp1252-8bit-1@example.fr']).orderBy('external_id').execute();
      expect(rows.map((r) => r.text.split('\n')[0])).toEqual(['Facture € erronée', 'Gepäckträger klappert']);
      expect(rows.find((r) => r.external_id === 'latin1-8bit-1@example.de')?.text).toContain('Viele Grüße\nJürgen Weiß');
      expect(rows.find((r) => r.external_id === 'cp1252-8bit-1@example.fr')?.text).toContain('m’a dit „kein Problem“ et “we will refund”');
    });
  });
});
