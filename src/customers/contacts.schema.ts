import { Type } from 'typebox';
import { Nullable, NullableInput, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';
import { Custom, Q } from './common.schema.ts';

export const LifecycleStageSchema = Type.Union([Type.Literal('prospect'), Type.Literal('customer'), Type.Literal('former_customer')]);
const Email = Type.String({ format: 'email', maxLength: 320 });
const phoneText = { minLength: 3, maxLength: 40, pattern: '^\\+?[0-9 ()./-]+$' };
const Phone = Type.String(phoneText);
const Language = Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' });

export const Contact = Type.Object({
  id: Uuid,
  name: Type.String(),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  emails: Type.Array(Type.String()),
  phones: Type.Array(Type.String()),
  city: Nullable(Type.String()),
  country: Nullable(Type.String()),
  languages: Type.Array(Type.String()),
  lifecycleStage: LifecycleStageSchema,
  accountId: Nullable(Uuid),
  ownerId: Nullable(Uuid),
  mergedIntoId: Nullable(Uuid),
  custom: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const fields = {
  name: Type.String({ maxLength: 200 }),
  firstName: NullableInput(Type.String({ maxLength: 100 })),
  lastName: NullableInput(Type.String({ maxLength: 100 })),
  emails: Type.Array(Email, { maxItems: 20 }),
  phones: Type.Array(Phone, { maxItems: 20 }),
  city: NullableInput(Type.String({ maxLength: 100 })),
  country: NullableInput(Type.String({ maxLength: 100 })),
  languages: Type.Array(Language, { maxItems: 20 }),
  lifecycleStage: LifecycleStageSchema,
  accountId: NullableInput(Uuid),
  ownerId: NullableInput(Uuid),
  custom: Custom,
};

const allowDuplicateEmail = Type.Boolean({
  description: 'Keep an email another live contact of the workspace already holds (an address shared by a family); without it such an email is refused with 409 duplicate_email',
});

export const CreateContactBody = Type.Partial(Type.Object({ ...fields, allowDuplicateEmail }), { additionalProperties: false });
export const UpdateContactBody = Type.Partial(Type.Object({ ...fields, allowDuplicateEmail }), { additionalProperties: false, minProperties: 1 });

export const ContactQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(Q),
  lifecycleStage: Type.Optional(LifecycleStageSchema),
  accountId: Type.Optional(Uuid),
  ownerId: Type.Optional(Uuid),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Exact email address, compared trimmed and case-insensitively' })),
  phone: Type.Optional(
    Type.String({
      ...phoneText,
      description:
        'Exact phone number however written: +49 151 1234567 (send + as %2B), 0049 151 1234567, 0151-1234567 and 01511234567 are one number; with a country code it does not match a number of another country',
    }),
  ),
});

export const LifecycleChange = Type.Object({
  id: Type.Integer(),
  fromStage: Nullable(LifecycleStageSchema),
  toStage: LifecycleStageSchema,
  changedBy: Nullable(Uuid),
  changedAt: Timestamp,
});
