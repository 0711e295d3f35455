import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { Actor } from '../auth/actor.ts';
import { actorOf } from '../auth/auth.plugin.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { AppContext } from '../platform/context.ts';
import type { Database, ListeningQueryRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, PageQuery, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { deleteQuery, findQuery, insertQuery, listQueries, updateQuery } from './queries.repository.ts';

const Terms = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500 });
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  channels: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]*$' }), { maxItems: 50 })),
  languages: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]{2}$' }), { maxItems: 50 })),
  keywords: Type.Optional(Terms),
  hashtags: Type.Optional(Terms),
  accounts: Type.Optional(Terms),
  excludeKeywords: Type.Optional(Terms),
  enabled: Type.Optional(Type.Boolean()),
};
const Query = Type.Object({
  id: Uuid,
  name: Type.String(),
  channels: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  keywords: Type.Array(Type.String()),
  hashtags: Type.Array(Type.String()),
  accounts: Type.Array(Type.String()),
  excludeKeywords: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const QueryBody = Type.Object(Fields, { additionalProperties: false });
type QueryInput = Partial<Static<typeof QueryBody>>;

function present(row: ListeningQueryRow): Static<typeof Query> {
  return {
    id: row.id,
    name: row.name,
    channels: row.channels,
    languages: row.languages,
    keywords: row.keywords,
    hashtags: row.hashtags,
    accounts: row.accounts,
    excludeKeywords: row.exclude_keywords,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toRow(input: QueryInput) {
  return {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.channels !== undefined ? { channels: input.channels } : {}),
    ...(input.languages !== undefined ? { languages: input.languages } : {}),
    ...(input.keywords !== undefined ? { keywords: input.keywords } : {}),
    ...(input.hashtags !== undefined ? { hashtags: input.hashtags } : {}),
    ...(input.accounts !== undefined ? { accounts: input.accounts } : {}),
    ...(input.excludeKeywords !== undefined ? { exclude_keywords: input.excludeKeywords } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
}

async function saveQuery(db: Kysely<Database>, actor: Actor, id: string | null, input: QueryInput): Promise<ListeningQueryRow> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = id ? await updateQuery(trx, actor.workspaceId, id, toRow(input)) : await insertQuery(trx, { workspace_id: actor.workspaceId, name: input.name ?? '', ...toRow(input) });
      if (!row) throw errors.notFound('listening query');
      await recordAudit(trx, actor, { action: id ? 'listening_query.updated' : 'listening_query.created', targetType: 'listening_query', targetId: row.id, detail: { name: row.name } });
      return row;
    });
  } catch (error) {
    if (error instanceof Error && /unique|duplicate key/i.test(error.message)) throw errors.conflict(`a listening query named ${input.name} already exists`);
    throw error;
  }
}

/** Listening queries: what a workspace listens for; posts that match are tagged with the query. */
export async function listeningQueriesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['listening'];

  route.get('/api/v1/listening-queries', { config: { permission: 'posts:read' }, schema: { tags, querystring: Type.Object(PageQuery), response: { 200: PageOf(Query), ...errorResponses } } }, async (request) => {
    const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await listQueries(db, actorOf(request).workspaceId, decodeUuidCursor(request.query.cursor), limit);
    return toExactPage(rows, limit, present);
  });

  route.get('/api/v1/listening-queries/:id', { config: { permission: 'posts:read' }, schema: { tags, params: IdParams, response: { 200: Query, ...errorResponses } } }, async (request) => {
    const row = await findQuery(db, actorOf(request).workspaceId, request.params.id);
    if (!row) throw errors.notFound('listening query');
    return present(row);
  });

  route.post(
    '/api/v1/listening-queries',
    { config: { permission: 'channels:write' }, schema: { tags, body: QueryBody, response: { 201: Query, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(present(await saveQuery(db, actorOf(request), null, request.body))),
  );

  route.patch(
    '/api/v1/listening-queries/:id',
    {
      config: { permission: 'channels:write' },
      schema: { tags, params: IdParams, body: Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 }), response: { 200: Query, ...errorResponses } },
    },
    async (request) => present(await saveQuery(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/listening-queries/:id', { config: { permission: 'channels:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    const actor = actorOf(request);
    await db.transaction().execute(async (trx) => {
      if (!(await deleteQuery(trx, actor.workspaceId, request.params.id))) throw errors.notFound('listening query');
      await recordAudit(trx, actor, { action: 'listening_query.deleted', targetType: 'listening_query', targetId: request.params.id });
    });
    return reply.status(204).send(null);
  });
}
