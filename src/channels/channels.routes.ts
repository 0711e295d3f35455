import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import type { ChannelConnectionRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { findConnection, listConnections } from './channels.repository.ts';
import { changeChannel, channelStatus, createChannel, decryptSecrets, removeChannel } from './channels.service.ts';
import { channelTypes, driverFor } from './registry.ts';

const Channel = Type.Object({
  id: Uuid,
  type: Type.String(),
  name: Type.String(),
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'Public settings; secrets are never returned' }),
  secretsSet: Type.Array(Type.String(), { description: 'Names of the secret settings that are stored (encrypted)' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('error'), Type.Literal('needs_attention')], {
    description: 'needs_attention: the platform refused the credentials (see attention); update them, or it clears by itself when a call succeeds',
  }),
  statusDetail: Nullable(Type.String()),
  attention: Nullable(Type.Object({ reason: Type.String(), since: Timestamp }, { description: 'Why the channel needs attention and since when' })),
  webhookUrl: Nullable(Type.String({ description: 'Path under /webhooks/ where the platform delivers, for webhook channels' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Settings = Type.Record(Type.String(), Type.Unknown());

export async function channelsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['channels'];

  const present = (row: ChannelConnectionRow): Static<typeof Channel> => ({
    id: row.id,
    type: row.type,
    name: row.name,
    settings: row.settings,
    secretsSet: Object.keys(decryptSecrets(ctx.secrets, row.credentials_encrypted)).sort(),
    status: channelStatus(row),
    statusDetail: row.status_detail,
    attention: row.attention_reason !== null ? { reason: row.attention_reason, since: (row.attention_at ?? row.updated_at).toISOString() } : null,
    webhookUrl: row.webhook_key ? `/webhooks/${row.webhook_key}` : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });

  route.get(
    '/api/v1/channel-types',
    {
      config: { permission: 'channels:read' },
      schema: {
        tags,
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), label: Type.String(), receivesWebhooks: Type.Boolean(), secretKeys: Type.Array(Type.String()), settingsSchema: Type.Unknown() })) }),
          ...errorResponses,
        },
      },
    },
    async () => ({
      items: channelTypes().flatMap((type) => {
        const driver = driverFor(type);
        return driver ? [{ type, label: driver.label, receivesWebhooks: driver.receivesWebhooks, secretKeys: [...driver.secretKeys], settingsSchema: driver.settingsSchema }] : [];
      }),
    }),
  );

  route.get(
    '/api/v1/channels',
    { config: { permission: 'channels:read' }, schema: { tags, querystring: Type.Object({ ...PageQuery, type: Type.Optional(Type.String()) }), response: { 200: PageOf(Channel), ...errorResponses } } },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listConnections(db, actorOf(request).workspaceId, request.query, decodeUuidCursor(request.query.cursor), limit);
      return toExactPage(rows, limit, present);
    },
  );

  route.get('/api/v1/channels/:id', { config: { permission: 'channels:read' }, schema: { tags, params: IdParams, response: { 200: Channel, ...errorResponses } } }, async (request) => {
    const row = await findConnection(db, actorOf(request).workspaceId, request.params.id);
    if (!row) throw errors.notFound('channel');
    return present(row);
  });

  route.post(
    '/api/v1/channels',
    {
      config: { permission: 'channels:write' },
      schema: {
        tags,
        description: 'Connects a channel. Secret settings (e.g. Meta appSecret, verifyToken) are encrypted at rest and never returned.',
        body: Type.Object({ type: Type.String({ minLength: 1, maxLength: 50 }), name: Type.String({ minLength: 1, maxLength: 200 }), settings: Type.Optional(Settings) }, { additionalProperties: false }),
        response: { 201: Channel, ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await createChannel(db, ctx.secrets, actorOf(request), { ...request.body, settings: request.body.settings ?? {} });
      return reply.status(201).send(present(row));
    },
  );

  route.patch(
    '/api/v1/channels/:id',
    {
      config: { permission: 'channels:write' },
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), settings: Type.Optional(Settings), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')])) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Channel, ...errorResponses },
      },
    },
    async (request) => present(await changeChannel(db, ctx.secrets, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/channels/:id', { config: { permission: 'channels:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeChannel(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
