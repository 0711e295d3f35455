import type { Static } from 'typebox';
import type { WebhookDeliveryRow, WebhookSubscriptionRow } from '../platform/db/schema.ts';
import type { SubscriptionWithLast } from './webhooks.repository.ts';
import type { WebhookDelivery, WebhookSubscription } from './webhooks.schema.ts';

/** The fields of a subscription a client sees: never the secret, which is shown once by the routes that make one. */
export function presentSubscription(row: WebhookSubscriptionRow | SubscriptionWithLast): Static<typeof WebhookSubscription> {
  const last = 'last_delivery_status' in row && row.last_delivery_status && row.last_delivery_at
    ? { status: row.last_delivery_status, httpStatus: row.last_delivery_http_status, at: new Date(row.last_delivery_at).toISOString() }
    : null;
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    consecutiveFailures: row.consecutive_failures,
    lastDelivery: last,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentDelivery(row: WebhookDeliveryRow): Static<typeof WebhookDelivery> {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    lastResponseExcerpt: row.last_response_excerpt,
    lastDurationMs: row.last_duration_ms,
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}
