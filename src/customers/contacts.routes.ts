import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, IdParams, PageOf, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { contact360Routes } from './contact-360.routes.ts';
import { presentContact, presentLifecycleChange } from './contacts.presenter.ts';
import { findContact, listContacts } from './contacts.repository.ts';
import { Contact, ContactQuery, CreateContactBody, LifecycleChange, UpdateContactBody } from './contacts.schema.ts';
import { changeContact, createContact, lifecycleHistory, removeContact } from './contacts.service.ts';

const tags = ['contacts'];

export async function contactsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  route.get('/api/v1/contacts', { config: { permission: 'contacts:read' }, schema: { tags, querystring: ContactQuery, response: { 200: PageOf(Contact), ...errorResponses } } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE_SIZE, ...filter } = request.query;
    return toExactPage(await listContacts(db, actorOf(request).workspaceId, filter, decodeUuidCursor(cursor), limit), limit, presentContact);
  });

  route.get('/api/v1/contacts/:id', { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, response: { 200: Contact, ...errorResponses } } }, async (request) => {
    const contact = await findContact(db, actorOf(request).workspaceId, request.params.id);
    if (!contact) throw errors.notFound('contact');
    return presentContact(contact);
  });

  route.get(
    '/api/v1/contacts/:id/lifecycle',
    { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(LifecycleChange) }), ...errorResponses } } },
    async (request) => ({ items: (await lifecycleHistory(db, actorOf(request).workspaceId, request.params.id)).map(presentLifecycleChange) }),
  );

  route.post('/api/v1/contacts', { config: { permission: 'contacts:write' }, schema: { tags, body: CreateContactBody, response: { 201: Contact, ...errorResponses } } }, async (request, reply) =>
    reply.status(201).send(presentContact(await createContact(db, actorOf(request), request.body))),
  );

  route.patch(
    '/api/v1/contacts/:id',
    { config: { permission: 'contacts:write' }, schema: { tags, params: IdParams, body: UpdateContactBody, response: { 200: Contact, ...errorResponses } } },
    async (request) => presentContact(await changeContact(db, actorOf(request), request.params.id, request.body)),
  );

  route.delete('/api/v1/contacts/:id', { config: { permission: 'contacts:delete' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await removeContact(db, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  await app.register(contact360Routes, { ctx });
}
