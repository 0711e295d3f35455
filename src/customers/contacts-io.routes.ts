import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { errorResponses, typed } from '../platform/http/schemas.ts';
import { segmentWhere } from '../segments/segments.service.ts';
import { exportText } from './contacts-export.service.ts';
import { isCountryCode } from './contacts-import.mapping.ts';
import { importContacts } from './contacts-import.service.ts';
import { ExportQuery, ImportBody, ImportQuery, ImportReportSchema } from './contacts-io.schema.ts';

const tags = ['contacts'];
/** A CSV posted over HTTP is buffered by Fastify; larger files go through the CLI, which streams. */
const IMPORT_BODY_LIMIT = 25 * 1024 * 1024;

function country(value: string | undefined) {
  const code = value?.toUpperCase();
  if (code === undefined) return undefined;
  if (!isCountryCode(code)) throw errors.validation(`defaultCountry "${value}" is not a known country code`);
  return code;
}

/** Contacts import (CSV) and export (CSV, vCard). */
export async function contactsIoRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const db = ctx.store.db;
  const route = typed(app);
  // Encapsulated in this plugin: only the import route accepts text/csv.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  route.post(
    '/api/v1/contacts/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { permission: 'contacts:write' },
      schema: { tags, description: 'Import contacts from CSV (text/csv body, or JSON {csv, dryRun, mapping, defaultCountry}); see docs/CONTACTS-IO.md', querystring: ImportQuery, body: ImportBody, response: { 200: ImportReportSchema, ...errorResponses } },
    },
    async (request) => {
      const body = request.body;
      const options =
        typeof body === 'string'
          ? { csv: body, dryRun: request.query.dryRun, mapping: undefined, defaultCountry: request.query.defaultCountry }
          : { csv: body.csv, dryRun: body.dryRun ?? request.query.dryRun, mapping: body.mapping, defaultCountry: body.defaultCountry ?? request.query.defaultCountry };
      return importContacts(db, actorOf(request), options.csv, { dryRun: options.dryRun === true, mapping: options.mapping, defaultCountry: country(options.defaultCountry) });
    },
  );

  for (const format of ['csv', 'vcf'] as const) {
    route.get(
      `/api/v1/contacts/export.${format}`,
      {
        config: { permission: 'contacts:read' },
        schema: {
          tags,
          description: format === 'csv' ? 'Contacts as CSV in the import columns (streamed)' : 'Contacts as vCard 4.0, one card per contact (streamed)',
          querystring: ExportQuery,
          response: { 200: Type.String(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { segmentId, ...filter } = request.query;
        const workspaceId = actorOf(request).workspaceId;
        const where = segmentId ? await segmentWhere(db, workspaceId, segmentId, ctx.now()) : undefined;
        const stream = Readable.from(exportText(db, workspaceId, { ...filter, where }, format));
        return reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'text/vcard; charset=utf-8')
          .header('content-disposition', `attachment; filename="contacts.${format}"`)
          .send(stream);
      },
    );
  }
}
