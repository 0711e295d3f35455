import { randomUUID } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { EventBus, PipelineEvent, Subscription } from '../events/events.ts';
import type { Config } from '../platform/config.ts';
import type { Database, WebhookDeliveryRow, WebhookSubscriptionRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { isPrivateAddress } from '../platform/net/safe-fetch.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { generateSecret } from './signing.ts';
import {
  deleteSubscription,
  findDelivery,
  findSubscription,
  insertDeliveries,
  insertSubscription,
  lockSubscription,
  matchingSubscriptions,
  requeueDelivery,
  updateSubscription,
} from './webhooks.repository.ts';

export interface WebhooksDeps {
  db: Kysely<Database>;
  secrets: SecretBox;
  config: Pick<Config, 'allowPrivateNetwork'>;
  now: () => Date;
}

/** The event type of a test delivery sent by hand. */
export const PING_EVENT = 'ping';

/**
 * Where we may deliver: https; plain http and private addresses only when the operator allows
 * private networks (intranet receivers, tests). Delivery re-checks the resolved address (safeFetch).
 */
export function checkTargetUrl(value: string, allowPrivateNetwork: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.validation('url is not a valid URL: give the full address, e.g. https://example.com/townhall-events');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivateNetwork)) {
    throw errors.validation(`url must use https${url.protocol === 'http:' ? ' (plain http is only allowed when TOWNHALL_ALLOW_PRIVATE_NETWORK=true)' : ''}`);
  }
  if (url.username || url.password) throw errors.validation('url must not contain a user name or password: the signature authenticates the delivery');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetwork && (host === 'localhost' || (ipaddr.isValid(host) && isPrivateAddress(host)))) {
    throw errors.validation('url points to a private or loopback address; set TOWNHALL_ALLOW_PRIVATE_NETWORK=true to allow private receivers');
  }
  url.hash = '';
  return url.toString();
}

export interface SubscriptionInput {
  url: string;
  eventTypes?: string[] | undefined;
  description?: string | undefined;
}

/** Creates a subscription with a new signing secret; the secret is returned this once and stored sealed. */
export async function createSubscription(deps: WebhooksDeps, actor: Actor, input: SubscriptionInput): Promise<{ subscription: WebhookSubscriptionRow; secret: string }> {
  const url = checkTargetUrl(input.url, deps.config.allowPrivateNetwork);
  const secret = generateSecret();
  const subscription = await deps.db.transaction().execute(async (trx) => {
    const row = await insertSubscription(trx, {
      workspaceId: actor.workspaceId,
      url,
      eventTypes: [...new Set(input.eventTypes ?? [])],
      description: input.description ?? '',
      secretSealed: deps.secrets.encrypt(secret),
      createdBy: actor.userId,
    });
    await recordAudit(trx, actor, { action: 'webhook_subscription.created', targetType: 'webhook_subscription', targetId: row.id, detail: { url, eventTypes: row.event_types } });
    return row;
  });
  return { subscription, secret };
}

async function changeSubscription(
  deps: WebhooksDeps,
  actor: Actor,
  id: string,
  change: (row: WebhookSubscriptionRow, trx: Kysely<Database>) => Promise<{ row: WebhookSubscriptionRow; audit: { action: string; detail: Record<string, unknown> } | null }>,
): Promise<WebhookSubscriptionRow> {
  return deps.db.transaction().execute(async (trx) => {
    const current = await lockSubscription(trx, actor.workspaceId, id);
    if (!current) throw errors.notFound('webhook subscription');
    const { row, audit } = await change(current, trx);
    if (audit) await recordAudit(trx, actor, { action: audit.action, targetType: 'webhook_subscription', targetId: id, detail: audit.detail });
    return row;
  });
}

/** Changes url, event types or description; the audit entry names the fields that changed. */
export async function updateSubscriptionSettings(deps: WebhooksDeps, actor: Actor, id: string, input: Partial<SubscriptionInput>): Promise<WebhookSubscriptionRow> {
  const url = input.url === undefined ? undefined : checkTargetUrl(input.url, deps.config.allowPrivateNetwork);
  return changeSubscription(deps, actor, id, async (current, trx) => {
    const changes = {
      ...(url !== undefined && url !== current.url ? { url } : {}),
      ...(input.eventTypes !== undefined ? { event_types: [...new Set(input.eventTypes)] } : {}),
      ...(input.description !== undefined && input.description !== current.description ? { description: input.description } : {}),
    };
    if (Object.keys(changes).length === 0) return { row: current, audit: null };
    const row = await updateSubscription(trx, id, changes, deps.now());
    return { row, audit: { action: 'webhook_subscription.updated', detail: { fields: Object.keys(changes), ...(url !== undefined ? { url } : {}) } } };
  });
}

export async function removeSubscription(deps: WebhooksDeps, actor: Actor, id: string): Promise<void> {
  await changeSubscription(deps, actor, id, async (current, trx) => {
    await deleteSubscription(trx, id);
    return { row: current, audit: { action: 'webhook_subscription.deleted', detail: { url: current.url } } };
  });
}

/** Replaces the signing secret at once; the new one is returned this once. */
export async function rotateSecret(deps: WebhooksDeps, actor: Actor, id: string): Promise<{ subscription: WebhookSubscriptionRow; secret: string }> {
  const secret = generateSecret();
  const subscription = await changeSubscription(deps, actor, id, async (_current, trx) => ({
    row: await updateSubscription(trx, id, { secret_sealed: deps.secrets.encrypt(secret) }, deps.now()),
    audit: { action: 'webhook_subscription.secret_rotated', detail: {} },
  }));
  return { subscription, secret };
}

/** Turns a disabled subscription back on with a clean failure count; its waiting deliveries resume. */
export async function enableSubscription(deps: WebhooksDeps, actor: Actor, id: string): Promise<WebhookSubscriptionRow> {
  return changeSubscription(deps, actor, id, async (current, trx) => {
    if (current.status === 'active') return { row: current, audit: null };
    const row = await updateSubscription(trx, id, { status: 'active', disabled_reason: null, disabled_at: null, consecutive_failures: 0, failing_since: null }, deps.now());
    return { row, audit: { action: 'webhook_subscription.enabled', detail: { previousReason: current.disabled_reason } } };
  });
}

/** Queues a test delivery of type `ping`. */
export async function sendPing(deps: WebhooksDeps, actor: Actor, id: string): Promise<WebhookDeliveryRow> {
  const subscription = await findSubscription(deps.db, actor.workspaceId, id);
  if (!subscription) throw errors.notFound('webhook subscription');
  if (subscription.status !== 'active') throw errors.conflict('the subscription is disabled: enable it first, then send a ping');
  const now = deps.now();
  const eventId = `${PING_EVENT}:${randomUUID()}`;
  const payload = { id: eventId, type: PING_EVENT, workspaceId: actor.workspaceId, at: now.toISOString(), data: { subscriptionId: subscription.id } };
  const [delivery] = await insertDeliveries(deps.db, [{ workspaceId: actor.workspaceId, subscriptionId: subscription.id, eventId, eventType: PING_EVENT, payload, nextAttemptAt: now }]);
  if (!delivery) throw new Error('the ping delivery was not stored');
  return delivery;
}

/** Sends a delivery again now, whatever its outcome so far (not while an attempt is under way). */
export async function redeliver(deps: WebhooksDeps, actor: Actor, subscriptionId: string, deliveryId: string): Promise<WebhookDeliveryRow> {
  const delivery = await findDelivery(deps.db, actor.workspaceId, subscriptionId, deliveryId);
  if (!delivery) throw errors.notFound('webhook delivery');
  if (delivery.status === 'sending') throw errors.conflict('this delivery is being sent right now; look at its outcome first');
  return requeueDelivery(deps.db, delivery.id, deps.now());
}

/**
 * Turns one pipeline event into one delivery per active subscription that wants it. Idempotent on
 * (subscription, event id): an event delivered again by the bus inserts nothing new.
 */
export async function fanOutEvent(db: Kysely<Database>, event: PipelineEvent, now: Date): Promise<number> {
  const subscriptions = await matchingSubscriptions(db, event.workspaceId, event.type);
  const created = await insertDeliveries(
    db,
    subscriptions.map((subscription) => ({
      workspaceId: event.workspaceId,
      subscriptionId: subscription.id,
      eventId: event.id,
      eventType: event.type,
      payload: { id: event.id, type: event.type, workspaceId: event.workspaceId, at: event.at, data: event.data },
      nextAttemptAt: now,
    })),
  );
  return created.length;
}

/** The consumer `outbound-webhooks` on the event bus; wakes the delivery worker when it stored something. */
export function subscribeOutboundWebhooks(bus: EventBus, db: Kysely<Database>, now: () => Date, wake: () => void): Subscription {
  return bus.subscribe('outbound-webhooks', async (event) => {
    if ((await fanOutEvent(db, event, now())) > 0) wake();
  });
}
