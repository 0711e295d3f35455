import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TBoolean, type TInteger, type TNumber, type TSchema, type TString } from 'typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.ts';

/** Shapes shared by every route: problems, pagination, ids. */

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    duplicates: Type.Optional(
      Type.Array(Type.Object({ email: Type.String(), contactIds: Type.Array(Type.String({ format: 'uuid' })) }), {
        description: 'duplicate_email (409): each address and the live contacts that already hold it',
      }),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A nullable request field. Fastify's Ajv coerces types, and inside anyOf it coerces a null into the
 * first branch ('' or 0) before the null branch is tried; a type list keeps null as null.
 */
export function NullableInput<T extends TString | TNumber | TInteger | TBoolean>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

function isObjectSchema(schema: unknown): schema is { type: 'object'; properties?: Record<string, unknown> } {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'object';
}

/** A route's querystring schema that refuses undeclared parameters; no schema at all accepts none. */
export function strictQuerystring(schema: unknown): unknown {
  if (schema === undefined) return Type.Object({}, { additionalProperties: false });
  return isObjectSchema(schema) ? { ...schema, additionalProperties: false } : schema;
}

/** The parameter names a querystring schema declares, for error messages. */
export function declaredQueryParameters(schema: unknown): string[] {
  return isObjectSchema(schema) ? Object.keys(schema.properties ?? {}) : [];
}

export const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
};

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Nullable(Type.String()),
  });
}

/** Standard error responses a route can produce, for the OpenAPI document. */
export const errorResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  409: Type.Ref('Problem'),
};

export const Empty = Type.Null({ description: 'No content' });

/** The app with TypeBox type inference for request and reply. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<TypeBoxTypeProvider>();
}
