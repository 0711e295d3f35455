import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import Value from 'typebox/value';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { ChannelConnectionRow, Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { ChannelDriver, ConnectionView } from './driver.ts';
import { releaseHeldForConnection } from '../outbox/outbox.repository.ts';
import { deleteConnection, findConnection, insertConnection, updateConnection } from './channels.repository.ts';
import { channelTypes, driverFor } from './registry.ts';

function driverOrFail(type: string): ChannelDriver {
  const driver = driverFor(type);
  if (!driver) throw errors.validation(`unknown channel type "${type}"; known types: ${channelTypes().join(', ')}`);
  return driver;
}

/** Validates settings against the driver's schema and splits out the secret keys. */
function splitSettings(driver: ChannelDriver, settings: Record<string, unknown>): { publicSettings: Record<string, unknown>; secrets: Record<string, string> } {
  const problems = [...Value.Errors(driver.settingsSchema, settings)];
  if (problems.length > 0) {
    const detail = problems.map((p) => `settings${p.instancePath} ${p.message}`).join('; ');
    throw errors.validation(`settings for a ${driver.type} channel are not valid: ${detail}`);
  }
  const publicSettings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (driver.secretKeys.includes(key)) secrets[key] = String(value);
    else publicSettings[key] = value;
  }
  return { publicSettings, secrets };
}

export async function createChannel(db: Kysely<Database>, box: SecretBox, actor: Actor, input: { type: string; name: string; settings: Record<string, unknown> }): Promise<ChannelConnectionRow> {
  const driver = driverOrFail(input.type);
  const { publicSettings, secrets } = splitSettings(driver, input.settings);
  return db.transaction().execute(async (trx) => {
    const row = await insertConnection(trx, {
      workspaceId: actor.workspaceId,
      type: driver.type,
      name: input.name.trim(),
      settings: publicSettings,
      credentialsEncrypted: Object.keys(secrets).length > 0 ? box.encrypt(JSON.stringify(secrets)) : null,
      webhookKey: driver.receivesWebhooks ? randomBytes(24).toString('base64url') : null,
    });
    await recordAudit(trx, actor, { action: 'channel.created', targetType: 'channel', targetId: row.id, detail: { type: row.type, name: row.name } });
    return row;
  });
}

export async function changeChannel(
  db: Kysely<Database>,
  box: SecretBox,
  actor: Actor,
  id: string,
  input: { name?: string | undefined; settings?: Record<string, unknown> | undefined; status?: 'active' | 'paused' | undefined },
): Promise<ChannelConnectionRow> {
  const existing = await findConnection(db, actor.workspaceId, id);
  if (!existing) throw errors.notFound('channel');
  let settings: Record<string, unknown> | undefined;
  let credentialsEncrypted: string | null | undefined;
  if (input.settings !== undefined) {
    const driver = driverOrFail(existing.type);
    // Secrets not sent again are kept: a client never has to know them to change other settings.
    const current = decryptSecrets(box, existing.credentials_encrypted);
    const merged = { ...existing.settings, ...current, ...input.settings };
    const split = splitSettings(driver, merged);
    settings = split.publicSettings;
    credentialsEncrypted = Object.keys(split.secrets).length > 0 ? box.encrypt(JSON.stringify(split.secrets)) : null;
  }
  return db.transaction().execute(async (trx) => {
    const row = await updateConnection(trx, actor.workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(settings !== undefined ? { settings } : {}),
      ...(credentialsEncrypted !== undefined ? { credentialsEncrypted } : {}),
      ...(input.status !== undefined ? { status: input.status, statusDetail: null } : {}),
    });
    if (!row) throw errors.notFound('channel');
    // Messages held back by a refusal of the old credentials are tried again with the new ones.
    if (credentialsEncrypted !== undefined && existing.attention_reason !== null) await releaseHeldForConnection(trx, id, new Date());
    await recordAudit(trx, actor, { action: 'channel.updated', targetType: 'channel', targetId: id, detail: { fields: Object.keys(input) } });
    return row;
  });
}

export async function removeChannel(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await findConnection(trx, actor.workspaceId, id);
    if (!existing) throw errors.notFound('channel');
    await deleteConnection(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'channel.deleted', targetType: 'channel', targetId: id, detail: { type: existing.type, name: existing.name } });
  });
}

export function decryptSecrets(box: SecretBox, sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  const parsed: unknown = JSON.parse(box.decrypt(sealed));
  if (typeof parsed !== 'object' || parsed === null) return {};
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The status a person sees: an active connection whose credentials the platform refused needs attention. */
export function channelStatus(row: Pick<ChannelConnectionRow, 'status' | 'attention_reason'>): 'active' | 'paused' | 'error' | 'needs_attention' {
  return row.status === 'active' && row.attention_reason !== null ? 'needs_attention' : row.status;
}

/** The driver's view of a connection, with secrets decrypted in memory only. */
export function connectionView(box: SecretBox, row: ChannelConnectionRow): ConnectionView {
  return { id: row.id, workspaceId: row.workspace_id, settings: row.settings, secrets: decryptSecrets(box, row.credentials_encrypted), state: row.state };
}
