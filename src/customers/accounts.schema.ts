import { Type } from 'typebox';
import { Nullable, NullableInput, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';
import { Custom, Q, ShortText } from './common.schema.ts';

const Domain = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$' });

export const Account = Type.Object({
  id: Uuid,
  name: Type.String(),
  domains: Type.Array(Type.String()),
  industry: Nullable(Type.String()),
  size: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  custom: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const fields = {
  name: ShortText(),
  domains: Type.Array(Domain, { maxItems: 50 }),
  industry: NullableInput(Type.String({ maxLength: 100 })),
  size: NullableInput(Type.String({ maxLength: 50 })),
  ownerId: NullableInput(Uuid),
  custom: Custom,
};

export const CreateAccountBody = Type.Object(
  {
    name: fields.name,
    domains: Type.Optional(fields.domains),
    industry: Type.Optional(fields.industry),
    size: Type.Optional(fields.size),
    ownerId: Type.Optional(fields.ownerId),
    custom: Type.Optional(fields.custom),
  },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

export const AccountQuery = Type.Object({ ...PageQuery, q: Type.Optional(Q), domain: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })), ownerId: Type.Optional(Uuid) });
