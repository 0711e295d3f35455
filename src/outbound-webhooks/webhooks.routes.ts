import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, PageQuery, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentDelivery, presentSubscription } from './webhooks.presenter.ts';
import { findDelivery, findSubscription, listDeliveries, listSubscriptions } from './webhooks.repository.ts';
import { CreateSubscriptionBody, DeliveryParams, UpdateSubscriptionBody, WebhookDelivery, WebhookSubscription, WithSecret } from './webhooks.schema.ts';
import { createSubscription, enableSubscription, redeliver, removeSubscription, rotateSecret, sendPing, updateSubscriptionSettings, type WebhooksDeps } from './webhooks.service.ts';

const BASE = '/api/v1/webhook-subscriptions';

/** Outbound webhooks: integrators' subscriptions to the pipeline's events, their delivery log, redelivery and pings. */
export async function outboundWebhooksRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const deps: WebhooksDeps = { db, secrets: ctx.secrets, config: ctx.config, now: ctx.now };
  const route = typed(app);
  const tags = ['webhook-subscriptions'];
  const read = { permission: 'webhooks:read' as const };
  const write = { permission: 'webhooks:write' as const };

  route.get(BASE, { config: read, schema: { tags, querystring: Type.Object(PageQuery), response: { 200: PageOf(WebhookSubscription), ...errorResponses } } }, async (request) => {
    const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await listSubscriptions(db, actorOf(request).workspaceId, decodeUuidCursor(request.query.cursor), limit);
    return toExactPage(rows, limit, presentSubscription);
  });

  route.post(
    BASE,
    { config: write, schema: { tags, description: 'Subscribes a URL to pipeline events. The answer carries the signing secret, shown only this once.', body: CreateSubscriptionBody, response: { 201: WithSecret, ...errorResponses } } },
    async (request, reply) => {
      const { subscription, secret } = await createSubscription(deps, actorOf(request), request.body);
      return reply.status(201).send({ ...presentSubscription(subscription), secret });
    },
  );

  route.get(`${BASE}/:id`, { config: read, schema: { tags, params: IdParams, response: { 200: WebhookSubscription, ...errorResponses } } }, async (request) => {
    const row = await findSubscription(db, actorOf(request).workspaceId, request.params.id);
    if (!row) throw errors.notFound('webhook subscription');
    return presentSubscription(row);
  });

  route.patch(`${BASE}/:id`, { config: write, schema: { tags, params: IdParams, body: UpdateSubscriptionBody, response: { 200: WebhookSubscription, ...errorResponses } } }, async (request) =>
    presentSubscription(await updateSubscriptionSettings(deps, actorOf(request), request.params.id, request.body)),
  );

  route.delete(`${BASE}/:id`, { config: write, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeSubscription(deps, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  route.post(
    `${BASE}/:id/rotate-secret`,
    { config: write, schema: { tags, description: 'Replaces the signing secret at once; the new one is shown only this once.', params: IdParams, response: { 200: WithSecret, ...errorResponses } } },
    async (request) => {
      const { subscription, secret } = await rotateSecret(deps, actorOf(request), request.params.id);
      return { ...presentSubscription(subscription), secret };
    },
  );

  route.post(
    `${BASE}/:id/enable`,
    { config: write, schema: { tags, description: 'Re-enables a subscription disabled after repeated failure; its waiting deliveries resume.', params: IdParams, response: { 200: WebhookSubscription, ...errorResponses } } },
    async (request) => presentSubscription(await enableSubscription(deps, actorOf(request), request.params.id)),
  );

  route.post(
    `${BASE}/:id/ping`,
    { config: write, schema: { tags, description: 'Queues a test delivery of type "ping"; see its outcome in the delivery log.', params: IdParams, response: { 202: WebhookDelivery, ...errorResponses } } },
    async (request, reply) => reply.status(202).send(presentDelivery(await sendPing(deps, actorOf(request), request.params.id))),
  );

  route.get(
    `${BASE}/:id/deliveries`,
    { config: read, schema: { tags, description: 'The delivery log, newest first.', params: IdParams, querystring: Type.Object(PageQuery), response: { 200: PageOf(WebhookDelivery), ...errorResponses } } },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      if (!(await findSubscription(db, workspaceId, request.params.id))) throw errors.notFound('webhook subscription');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listDeliveries(db, workspaceId, request.params.id, decodeUuidCursor(request.query.cursor), limit);
      return toExactPage(rows, limit, presentDelivery);
    },
  );

  route.get(`${BASE}/:id/deliveries/:deliveryId`, { config: read, schema: { tags, params: DeliveryParams, response: { 200: WebhookDelivery, ...errorResponses } } }, async (request) => {
    const row = await findDelivery(db, actorOf(request).workspaceId, request.params.id, request.params.deliveryId);
    if (!row) throw errors.notFound('webhook delivery');
    return presentDelivery(row);
  });

  route.post(
    `${BASE}/:id/deliveries/:deliveryId/redeliver`,
    { config: write, schema: { tags, description: 'Sends the delivery again now, with a fresh signature.', params: DeliveryParams, response: { 202: WebhookDelivery, ...errorResponses } } },
    async (request, reply) => reply.status(202).send(presentDelivery(await redeliver(deps, actorOf(request), request.params.id, request.params.deliveryId))),
  );
}
