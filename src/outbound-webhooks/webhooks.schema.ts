import { Type } from 'typebox';
import { EVENT_TYPES } from '../events/events.ts';
import { Nullable, Timestamp, Uuid } from '../platform/http/schemas.ts';

const EventTypeName = Type.Union(EVENT_TYPES.map((type) => Type.Literal(type)));

const fields = {
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'Where events are POSTed: https (plain http and private addresses only with TOWNHALL_ALLOW_PRIVATE_NETWORK=true)' }),
  eventTypes: Type.Array(EventTypeName, { maxItems: EVENT_TYPES.length, description: 'The event types to receive; empty for every type, including ones added later' }),
  description: Type.String({ maxLength: 500 }),
};

export const CreateSubscriptionBody = Type.Object(
  { url: fields.url, eventTypes: Type.Optional(fields.eventTypes), description: Type.Optional(fields.description) },
  { additionalProperties: false },
);

export const UpdateSubscriptionBody = Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

export const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('succeeded'), Type.Literal('failed')]);

export const WebhookSubscription = Type.Object({
  id: Uuid,
  url: Type.String(),
  eventTypes: Type.Array(Type.String(), { description: 'Empty: every event type' }),
  description: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  disabledReason: Nullable(Type.String({ description: 'Why it was switched off: the failure count and the last answer' })),
  disabledAt: Nullable(Timestamp),
  consecutiveFailures: Type.Integer({ description: 'Failed attempts since the last success' }),
  lastDelivery: Nullable(Type.Object({ status: DeliveryStatus, httpStatus: Nullable(Type.Integer()), at: Timestamp })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const WithSecret = Type.Intersect([
  WebhookSubscription,
  Type.Object({ secret: Type.String({ description: 'The signing secret. Shown only now: store it where the receiver can read it.' }) }),
]);

export const WebhookDelivery = Type.Object({
  id: Uuid,
  subscriptionId: Uuid,
  eventId: Type.String(),
  eventType: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  lastAttemptAt: Nullable(Timestamp),
  lastStatus: Nullable(Type.Integer({ description: 'HTTP status of the last answer; null when there was none (network error, timeout)' })),
  lastError: Nullable(Type.String()),
  lastResponseExcerpt: Nullable(Type.String({ description: 'The first kilobyte of the last response body, as text' })),
  lastDurationMs: Nullable(Type.Integer()),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
});

export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });
