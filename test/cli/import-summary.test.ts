import { describe, expect, it } from 'vitest';
import { townhall, useCliStore } from '../support/cli.ts';

const own = (name: string) => new URL(`../fixtures/meta/${name}`, import.meta.url).pathname;

// The summary is presentation over importFile (whose counts are tested on both stores in test/channels/meta):
// one store is enough here, and each CLI run loads the whole program.
describe('townhall import summary', { timeout: 300_000 }, () => {
  const env = useCliStore('pglite', 'importsummary');

  it('says what a body held but could not store, per reason, and counts engagements, before the usual last line', async () => {
    const first = await townhall(['import', '--channel', 'meta', own('whatsapp-document-video-statuses.json')], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('skipped 1 (whatsapp delivered status)\nalso stored 1 engagements\nimported 2, duplicates 0, rejected 0\n');
    const reaction = await townhall(['import', '--channel', 'meta', own('whatsapp-reaction-added.json')], env);
    expect(reaction.stdout).toBe('also stored 1 engagements\nimported 0, duplicates 0, rejected 0\n');
  });
});
