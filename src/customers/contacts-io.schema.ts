import { Type } from 'typebox';
import { Uuid } from '../platform/http/schemas.ts';
import { ContactQuery } from './contacts.schema.ts';

const MappingTargetSchema = Type.Union(
  ['name', 'first_name', 'last_name', 'email', 'phone', 'company', 'city', 'country', 'handles', 'lifecycle_stage', 'ignore'].map((f) => Type.Literal(f)),
);
const Country = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country for national phone numbers' });

export const ImportJsonBody = Type.Object(
  {
    csv: Type.String({ minLength: 1 }),
    dryRun: Type.Optional(Type.Boolean()),
    mapping: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), MappingTargetSchema, { description: 'CSV column → field; overrides header detection' })),
    defaultCountry: Type.Optional(Country),
  },
  { additionalProperties: false },
);

export const ImportBody = Type.Union([Type.String({ minLength: 1, description: 'text/csv body' }), ImportJsonBody]);

export const ImportQuery = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'for a text/csv body' })),
  defaultCountry: Type.Optional(Country),
});

const Issue = Type.Object({ row: Type.Integer({ description: 'CSV row, the header being row 1' }), reason: Type.String() });

export const ImportReportSchema = Type.Object({
  dryRun: Type.Boolean(),
  created: Type.Integer(),
  updated: Type.Integer(),
  matched: Type.Integer(),
  rejected: Type.Integer(),
  rejections: Type.Array(Issue),
  warnings: Type.Array(Issue),
  columns: Type.Object({ mapped: Type.Record(Type.String(), Type.String()), ignored: Type.Array(Type.String()) }),
});

const { cursor: _cursor, limit: _limit, ...filters } = ContactQuery.properties;
export const ExportQuery = Type.Object({ ...filters, segmentId: Type.Optional(Uuid) });
