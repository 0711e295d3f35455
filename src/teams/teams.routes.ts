import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import type { TeamRow } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, PageQuery, Timestamp, typed, Uuid } from '../platform/http/schemas.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { findTeam, listMembers, listTeams, type TeamMember } from './teams.repository.ts';
import { changeTeam, createTeam, removeMember, removeTeam, setMember } from './teams.service.ts';

const Kind = Type.Union(['support', 'sales', 'marketing', 'pr', 'product', 'community', 'other'].map((k) => Type.Literal(k)));
const MemberRole = Type.Union([Type.Literal('member'), Type.Literal('lead')]);
const Member = Type.Object({ userId: Uuid, role: MemberRole, name: Type.String(), email: Type.String() });
const Team = Type.Object({ id: Uuid, name: Type.String(), kind: Type.String(), description: Type.String(), members: Type.Array(Member), createdAt: Timestamp, updatedAt: Timestamp });
const TeamBody = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: Type.Optional(Kind),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
};

function presentTeam(row: TeamRow, members: TeamMember[]): Static<typeof Team> {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    description: row.description,
    members: members.map((m) => ({ userId: m.userId, role: m.role, name: m.name, email: m.email })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function teamsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  const tags = ['teams'];

  async function withMembers(workspaceId: string, rows: TeamRow[]): Promise<Map<string, TeamMember[]>> {
    const byTeam = new Map<string, TeamMember[]>();
    for (const member of await listMembers(db, workspaceId, rows.map((r) => r.id))) {
      byTeam.set(member.teamId, [...(byTeam.get(member.teamId) ?? []), member]);
    }
    return byTeam;
  }
  async function presentOne(workspaceId: string, row: TeamRow) {
    return presentTeam(row, (await withMembers(workspaceId, [row])).get(row.id) ?? []);
  }

  route.get('/api/v1/teams', { config: { permission: 'teams:read' }, schema: { tags, querystring: Type.Object(PageQuery), response: { 200: PageOf(Team), ...errorResponses } } }, async (request) => {
    const { workspaceId } = actorOf(request);
    const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await listTeams(db, workspaceId, decodeUuidCursor(request.query.cursor), limit);
    const members = await withMembers(workspaceId, rows);
    return toExactPage(rows, limit, (r) => presentTeam(r, members.get(r.id) ?? []));
  });

  route.get('/api/v1/teams/:id', { config: { permission: 'teams:read' }, schema: { tags, params: IdParams, response: { 200: Team, ...errorResponses } } }, async (request) => {
    const { workspaceId } = actorOf(request);
    const team = await findTeam(db, workspaceId, request.params.id);
    if (!team) throw errors.notFound('team');
    return presentOne(workspaceId, team);
  });

  route.post(
    '/api/v1/teams',
    { config: { permission: 'teams:write' }, schema: { tags, body: Type.Object(TeamBody, { additionalProperties: false }), response: { 201: Team, ...errorResponses } } },
    async (request, reply) => {
      const actor = actorOf(request);
      return reply.status(201).send(await presentOne(actor.workspaceId, await createTeam(db, actor, request.body)));
    },
  );

  route.patch(
    '/api/v1/teams/:id',
    {
      config: { permission: 'teams:write' },
      schema: { tags, params: IdParams, body: Type.Partial(Type.Object(TeamBody), { additionalProperties: false, minProperties: 1 }), response: { 200: Team, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      return presentOne(actor.workspaceId, await changeTeam(db, actor, request.params.id, request.body));
    },
  );

  route.delete('/api/v1/teams/:id', { config: { permission: 'teams:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeTeam(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  const MemberParams = Type.Object({ id: Uuid, userId: Uuid });
  route.put(
    '/api/v1/teams/:id/members/:userId',
    {
      config: { permission: 'teams:write' },
      schema: { tags, params: MemberParams, body: Type.Object({ role: Type.Optional(MemberRole) }, { additionalProperties: false }), response: { 200: Team, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      await setMember(db, actor, request.params.id, request.params.userId, request.body.role ?? 'member');
      const team = await findTeam(db, actor.workspaceId, request.params.id);
      if (!team) throw errors.notFound('team');
      return presentOne(actor.workspaceId, team);
    },
  );

  route.delete(
    '/api/v1/teams/:id/members/:userId',
    { config: { permission: 'teams:write' }, schema: { tags, params: MemberParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await removeMember(db, actorOf(request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
