import { findConnection, saveConnectionState } from '../../../src/channels/channels.repository.ts';
import { connectionView } from '../../../src/channels/channels.service.ts';
import type { PollResult } from '../../../src/channels/driver.ts';
import { driverFor } from '../../../src/channels/registry.ts';
import { createDriverRuntime } from '../../../src/channels/runtime.ts';
import { insertRaw } from '../../../src/intake/intake.repository.ts';
import { drainIntake } from '../../../src/pipeline/worker.ts';
import type { Store } from '../../../src/platform/db/store.ts';
import type { SecretBox } from '../../../src/platform/secrets.ts';

const deps = { analyze: null, now: () => new Date() };

/**
 * One cycle of what the connector runner does for a polling connection: poll with the persisted
 * state, store every payload in raw intake, persist the new state, then process intake.
 * Loopback stand-ins need allowPrivateNetwork.
 */
export async function pollOnce(store: Store, secrets: SecretBox, workspaceId: string, connectionId: string): Promise<PollResult> {
  const row = await findConnection(store.db, workspaceId, connectionId);
  if (!row) throw new Error('no such connection');
  const driver = driverFor(row.type);
  if (!driver?.poll) throw new Error(`${row.type} cannot poll`);
  const controller = new AbortController();
  const result = await driver.poll(connectionView(secrets, row), createDriverRuntime({ allowPrivateNetwork: true }, controller.signal));
  for (const payload of result.payloads) {
    await insertRaw(store.db, {
      workspaceId,
      connectionId,
      channel: row.type,
      source: 'poll',
      contentType: payload.contentType ?? null,
      headers: payload.headers ?? {},
      body: payload.body,
      dedupeKey: null,
    });
  }
  await saveConnectionState(store.db, connectionId, result.state);
  await drainIntake(store.db, deps, { workspaceId });
  return result;
}

/** Number of posts of one channel in a workspace. */
export async function countPosts(store: Store, workspaceId: string, channel: string): Promise<number> {
  const row = await store.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).where('channel', '=', channel).executeTakeFirstOrThrow();
  return Number(row.n);
}
