import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth.plugin.ts';
import { Identity } from '../identities/identities.schema.ts';
import { presentIdentity } from '../identities/identities.presenter.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentExplanation, presentSuggestion } from './resolution.presenter.ts';
import { contactNames, listSuggestedIdentities } from './resolution.repository.ts';
import { Explanation, ResolveSummary, Suggestion, SuggestionQuery } from './resolution.schema.ts';
import { acceptSuggestion, explainIdentity, rejectSuggestion, resolveAll, resolveOne, suggestedContactOf } from './resolution.service.ts';

const tags = ['identity resolution'];

export async function identityResolutionRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/identities/:id/explain', { config: { permission: 'identities:read' }, schema: { tags, params: IdParams, response: { 200: Explanation, ...errorResponses } } }, async (request) =>
    presentExplanation(await explainIdentity(db, actorOf(request).workspaceId, request.params.id)),
  );

  route.post('/api/v1/identities/:id/resolve', { config: { permission: 'identities:write' }, schema: { tags, params: IdParams, response: { 200: Identity, ...errorResponses } } }, async (request) =>
    presentIdentity(await resolveOne(db, actorOf(request), request.params.id)),
  );

  route.post('/api/v1/identities/resolve-all', { config: { permission: 'identities:write' }, schema: { tags, response: { 200: ResolveSummary, ...errorResponses } } }, async (request) =>
    resolveAll(db, actorOf(request)),
  );

  route.get('/api/v1/identity-suggestions', { config: { permission: 'identities:read' }, schema: { tags, querystring: SuggestionQuery, response: { 200: PageOf(Suggestion), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
    const workspaceId = actorOf(request).workspaceId;
    const rows = await listSuggestedIdentities(db, workspaceId, decodeUuidCursor(cursor), limit);
    const names = await contactNames(db, workspaceId, rows.map(suggestedContactOf).filter((id): id is string => id !== null));
    return toExactPage(rows, limit, (row) => presentSuggestion(row, names));
  });

  route.post('/api/v1/identity-suggestions/:id/accept', { config: { permission: 'identities:write' }, schema: { tags, params: IdParams, response: { 200: Identity, ...errorResponses } } }, async (request) =>
    presentIdentity(await acceptSuggestion(db, actorOf(request), request.params.id)),
  );

  route.post('/api/v1/identity-suggestions/:id/reject', { config: { permission: 'identities:write' }, schema: { tags, params: IdParams, response: { 200: Identity, ...errorResponses } } }, async (request) =>
    presentIdentity(await rejectSuggestion(db, actorOf(request), request.params.id)),
  );
}
