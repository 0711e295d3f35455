import { Type } from 'typebox';
import { ChannelName } from '../identities/identities.schema.ts';
import { Nullable, NullableInput, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';

export const ConversationStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('snoozed'), Type.Literal('closed')]);
const Priority = Type.Integer({ minimum: 0, maximum: 100 });

export const Conversation = Type.Object({
  id: Uuid,
  channel: Type.String(),
  subject: Type.String(),
  status: ConversationStatusSchema,
  priority: Type.Integer(),
  priorityExplanation: Type.Array(Type.Unknown()),
  teamId: Nullable(Uuid),
  assigneeId: Nullable(Uuid),
  contactId: Nullable(Uuid),
  firstResponseDueAt: Nullable(Timestamp),
  resolutionDueAt: Nullable(Timestamp),
  firstRespondedAt: Nullable(Timestamp),
  resolvedAt: Nullable(Timestamp),
  snoozedUntil: Nullable(Timestamp),
  lastActivityAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const fields = {
  subject: Type.String({ maxLength: 500 }),
  status: ConversationStatusSchema,
  priority: Priority,
  teamId: NullableInput(Uuid),
  assigneeId: NullableInput(Uuid),
  contactId: NullableInput(Uuid),
  firstResponseDueAt: NullableInput(Timestamp),
  resolutionDueAt: NullableInput(Timestamp),
  snoozedUntil: NullableInput(Timestamp),
};

export const CreateConversationBody = Type.Object(
  {
    channel: ChannelName,
    subject: Type.Optional(fields.subject),
    status: Type.Optional(fields.status),
    priority: Type.Optional(fields.priority),
    teamId: Type.Optional(fields.teamId),
    assigneeId: Type.Optional(fields.assigneeId),
    contactId: Type.Optional(fields.contactId),
    firstResponseDueAt: Type.Optional(fields.firstResponseDueAt),
    resolutionDueAt: Type.Optional(fields.resolutionDueAt),
    snoozedUntil: Type.Optional(fields.snoozedUntil),
  },
  { additionalProperties: false },
);

export const UpdateConversationBody = Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

export const ConversationQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(ConversationStatusSchema),
  teamId: Type.Optional(Uuid),
  assigneeId: Type.Optional(Uuid),
  contactId: Type.Optional(Uuid),
  channel: Type.Optional(ChannelName),
});
