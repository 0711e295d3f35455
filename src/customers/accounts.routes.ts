import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentAccount } from './accounts.presenter.ts';
import { findAccount, listAccounts } from './accounts.repository.ts';
import { Account, AccountQuery, CreateAccountBody, UpdateAccountBody } from './accounts.schema.ts';
import { changeAccount, createAccount, removeAccount } from './accounts.service.ts';

const tags = ['accounts'];

export async function accountsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/accounts', { config: { permission: 'accounts:read' }, schema: { tags, querystring: AccountQuery, response: { 200: PageOf(Account), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = request.query;
    const q = { ...filter, domain: filter.domain?.toLowerCase() };
    return toExactPage(await listAccounts(db, actorOf(request).workspaceId, q, decodeUuidCursor(cursor), limit), limit, presentAccount);
  });

  route.get('/api/v1/accounts/:id', { config: { permission: 'accounts:read' }, schema: { tags, params: IdParams, response: { 200: Account, ...errorResponses } } }, async (request) => {
    const account = await findAccount(db, actorOf(request).workspaceId, request.params.id);
    if (!account) throw errors.notFound('account');
    return presentAccount(account);
  });

  route.post('/api/v1/accounts', { config: { permission: 'accounts:write' }, schema: { tags, body: CreateAccountBody, response: { 201: Account, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(presentAccount(await createAccount(db, actorOf(request), request.body))),
  );

  route.patch(
    '/api/v1/accounts/:id',
    { config: { permission: 'accounts:write' }, schema: { tags, params: IdParams, body: UpdateAccountBody, response: { 200: Account, ...errorResponses } } },
    async (request) => presentAccount(await changeAccount(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/accounts/:id', { config: { permission: 'accounts:delete' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeAccount(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
