import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { decodeUuidCursor, toExactPage } from '../platform/db/keyset.ts';
import { errorResponses, IdParams, PageOf, PageQuery, typed } from '../platform/http/schemas.ts';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.ts';
import { presentContactMerge } from './contact-merges.presenter.ts';
import { ContactMerge, MergeContactBody, MergeOutcome } from './contact-merges.schema.ts';
import { mergeContacts, mergesOfContact, unmergeContact } from './contact-merges.service.ts';
import { presentContact } from './contacts.presenter.ts';
import { presentNote } from './notes.presenter.ts';
import { CreateNoteBody, Note } from './notes.schema.ts';
import { addContactNote, contactNotes } from './notes.service.ts';
import { presentProfile } from './profile.presenter.ts';
import { ContactProfile } from './profile.schema.ts';
import { contactProfile } from './profile.service.ts';
import { presentTimelineItem } from './timeline.presenter.ts';
import { TimelineItem } from './timeline.schema.ts';
import { contactTimeline } from './timeline.service.ts';

const tags = ['contacts'];

/** Customer 360 around one contact: merge and undo, notes, timeline, social profile. */
export async function contact360Routes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);

  // contacts:write, not contacts:delete: a merge hides the source but deletes nothing and can be undone exactly.
  route.post(
    '/api/v1/contacts/:id/merge',
    { config: { permission: 'contacts:write' }, schema: { tags, params: IdParams, body: MergeContactBody, response: { 201: MergeOutcome, ...errorResponses } } },
    async (request, reply) => {
      const { merge, contact } = await mergeContacts(db, actorOf(request), request.params.id, request.body.sourceId);
      return reply.status(201).send({ merge: presentContactMerge(merge), contact: presentContact(contact) });
    },
  );

  route.post(
    '/api/v1/contacts/:id/unmerge',
    { config: { permission: 'contacts:write' }, schema: { tags, params: IdParams, response: { 200: MergeOutcome, ...errorResponses } } },
    async (request) => {
      const { merge, contact } = await unmergeContact(db, actorOf(request), request.params.id);
      return { merge: presentContactMerge(merge), contact: presentContact(contact) };
    },
  );

  route.get(
    '/api/v1/contacts/:id/merges',
    { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(ContactMerge) }), ...errorResponses } } },
    async (request) => ({ items: (await mergesOfContact(db, actorOf(request).workspaceId, request.params.id)).map(presentContactMerge) }),
  );

  route.post(
    '/api/v1/contacts/:id/notes',
    { config: { permission: 'contacts:write' }, schema: { tags, params: IdParams, body: CreateNoteBody, response: { 201: Note, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(presentNote(await addContactNote(db, actorOf(request), request.params.id, request.body.body))),
  );

  route.get(
    '/api/v1/contacts/:id/notes',
    { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, querystring: Type.Object(PageQuery), response: { 200: PageOf(Note), ...errorResponses } } },
    async (request) => {
      const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      return toExactPage(await contactNotes(db, actorOf(request).workspaceId, request.params.id, decodeUuidCursor(cursor), limit), limit, presentNote);
    },
  );

  route.get(
    '/api/v1/contacts/:id/timeline',
    { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, querystring: Type.Object(PageQuery), response: { 200: PageOf(TimelineItem), ...errorResponses } } },
    async (request) => {
      const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      const page = await contactTimeline(db, actorOf(request).workspaceId, request.params.id, cursor, limit);
      return { items: page.rows.map(presentTimelineItem), nextCursor: page.nextCursor };
    },
  );

  route.get(
    '/api/v1/contacts/:id/profile',
    { config: { permission: 'contacts:read' }, schema: { tags, params: IdParams, response: { 200: ContactProfile, ...errorResponses } } },
    async (request) => presentProfile(await contactProfile(db, actorOf(request).workspaceId, request.params.id)),
  );
}
