import { Type } from 'typebox';
import { Nullable, NullableInput, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';
import { Custom, Q, ShortText } from './common.schema.ts';

export const DealStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('won'), Type.Literal('lost')]);
/** numeric(18,2) as a decimal string: no cents lost to floating point. */
const Amount = Type.String({ pattern: '^-?\\d{1,16}(\\.\\d{1,2})?$', description: 'Decimal string, up to 2 decimals, e.g. "1250.00"' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
const Label = Type.String({ minLength: 1, maxLength: 100 });

export const Deal = Type.Object({
  id: Uuid,
  title: Type.String(),
  amount: Nullable(Type.String()),
  currency: Type.String(),
  stage: Type.String(),
  pipeline: Type.String(),
  status: DealStatusSchema,
  closeDate: Nullable(Type.String({ format: 'date' })),
  contactId: Nullable(Uuid),
  accountId: Nullable(Uuid),
  ownerId: Nullable(Uuid),
  custom: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const fields = {
  title: ShortText(),
  amount: NullableInput(Amount),
  currency: Currency,
  stage: Label,
  pipeline: Label,
  status: DealStatusSchema,
  closeDate: NullableInput(Type.String({ format: 'date' })),
  contactId: NullableInput(Uuid),
  accountId: NullableInput(Uuid),
  ownerId: NullableInput(Uuid),
  custom: Custom,
};

export const CreateDealBody = Type.Object(
  {
    title: fields.title,
    amount: Type.Optional(fields.amount),
    currency: Type.Optional(fields.currency),
    stage: Type.Optional(fields.stage),
    pipeline: Type.Optional(fields.pipeline),
    status: Type.Optional(fields.status),
    closeDate: Type.Optional(fields.closeDate),
    contactId: Type.Optional(fields.contactId),
    accountId: Type.Optional(fields.accountId),
    ownerId: Type.Optional(fields.ownerId),
    custom: Type.Optional(fields.custom),
  },
  { additionalProperties: false },
);
export const UpdateDealBody = Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

export const DealQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(Q),
  status: Type.Optional(DealStatusSchema),
  stage: Type.Optional(Label),
  pipeline: Type.Optional(Label),
  contactId: Type.Optional(Uuid),
  accountId: Type.Optional(Uuid),
  ownerId: Type.Optional(Uuid),
});
