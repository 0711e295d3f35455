import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../platform/http/schemas.ts';

export const ContactProfile = Type.Object({
  contactId: Uuid,
  identities: Type.Array(
    Type.Object({ id: Uuid, channel: Type.String(), handle: Nullable(Type.String()), displayName: Nullable(Type.String()), profileUrl: Nullable(Type.String()), followers: Nullable(Type.Integer()), verified: Type.Boolean() }),
  ),
  reach: Type.Number({ description: 'Followers summed over the identities' }),
  sentiment: Type.Array(
    Type.Object({
      week: Type.String({ description: 'Monday of the ISO week, UTC (YYYY-MM-DD)' }),
      count: Type.Integer(),
      averageScore: Type.Number(),
      positive: Type.Integer(),
      neutral: Type.Integer(),
      negative: Type.Integer(),
    }),
  ),
  topics: Type.Array(Type.Object({ topic: Type.String(), count: Type.Integer() })),
  intents: Type.Array(Type.Object({ intent: Type.String(), count: Type.Integer() })),
  lastInboundAt: Nullable(Timestamp),
  lastOutboundAt: Nullable(Timestamp),
  lastConversationActivityAt: Nullable(Timestamp),
  lastContactAt: Nullable(Timestamp),
  openConversations: Type.Array(
    Type.Object({ id: Uuid, channel: Type.String(), subject: Type.String(), status: Type.String(), priority: Type.Number(), assigneeId: Nullable(Uuid), lastActivityAt: Timestamp }),
  ),
});
