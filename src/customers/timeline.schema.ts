import { Type } from 'typebox';
import { Nullable, Timestamp } from '../platform/http/schemas.ts';

const Field = Type.Optional(Nullable(Type.String()));

/** The summary fields an item may carry, by kind. */
export const TIMELINE_FIELDS = [
  // post (also status, authorId for outbound posts) and outbox
  'postKind', 'channel', 'direction', 'visibility', 'text', 'url', 'conversationId', 'identityId', 'sentiment', 'intent', 'inReplyToPostId', 'outboxId',
  // conversation (status also of outbound posts and outbox items)
  'subject', 'status',
  // deal_change
  'dealId', 'title', 'change', 'stage', 'dealStatus', 'fromStage', 'fromStatus',
  // note
  'body', 'authorId',
  // lifecycle (also fromStage)
  'toStage', 'changedBy',
] as const;

export const TimelineItem = Type.Object({
  kind: Type.Union([Type.Literal('post'), Type.Literal('outbox'), Type.Literal('conversation'), Type.Literal('deal_change'), Type.Literal('note'), Type.Literal('lifecycle')]),
  at: Timestamp,
  id: Type.String(),
  postKind: Field,
  channel: Field,
  direction: Field,
  visibility: Field,
  text: Field,
  url: Field,
  conversationId: Field,
  identityId: Field,
  sentiment: Field,
  intent: Field,
  inReplyToPostId: Field,
  outboxId: Field,
  subject: Field,
  status: Field,
  dealId: Field,
  title: Field,
  change: Field,
  stage: Field,
  dealStatus: Field,
  fromStage: Field,
  fromStatus: Field,
  body: Field,
  authorId: Field,
  toStage: Field,
  changedBy: Field,
});
