import { Type } from 'typebox';
import { INTENTS, type SentimentLabel } from '../analysis/types.ts';
import { ChannelName } from '../identities/identities.schema.ts';
import { Nullable, NullableInput, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';

const KindSchema = Type.Union([Type.Literal('post'), Type.Literal('comment'), Type.Literal('reply'), Type.Literal('direct'), Type.Literal('review'), Type.Literal('email')]);
const Direction = Type.Union([Type.Literal('in'), Type.Literal('out')]);
const Visibility = Type.Union([Type.Literal('public'), Type.Literal('private')]);
const ExternalId = Type.String({ minLength: 1, maxLength: 300 });
const Metrics = Type.Record(Type.String({ minLength: 1, maxLength: 50 }), Type.Number(), { maxProperties: 50 });
const Language = Type.String({ minLength: 2, maxLength: 35 });
const Text = Type.String({ maxLength: 100_000 });

export const PostAuthor = Type.Object({ id: Uuid, handle: Nullable(Type.String()), displayName: Nullable(Type.String()) });

export const PostAttachment = Type.Object(
  {
    type: Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('audio'), Type.Literal('file'), Type.Literal('sticker'), Type.Literal('location')]),
    url: Nullable(Type.String({ description: 'Where the platform serves the media; some need a token. Townhall never fetches it.' })),
    mimeType: Nullable(Type.String()),
    alt: Nullable(Type.String({ description: 'Alt text or caption' })),
    name: Nullable(Type.String({ description: 'File, sticker or place name' })),
    sizeBytes: Nullable(Type.Number()),
    width: Nullable(Type.Number()),
    height: Nullable(Type.Number()),
    durationSeconds: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    lon: Nullable(Type.Number()),
  },
  { description: 'Metadata of one piece of media on the post' },
);

export const Post = Type.Object({
  id: Uuid,
  channel: Type.String(),
  channelId: Nullable(Uuid),
  externalId: Type.String(),
  kind: KindSchema,
  direction: Direction,
  visibility: Visibility,
  text: Type.String(),
  language: Nullable(Type.String()),
  createdAt: Timestamp,
  url: Nullable(Type.String()),
  parentExternalId: Nullable(Type.String()),
  parentId: Nullable(Uuid),
  threadExternalId: Nullable(Type.String()),
  threadId: Nullable(Uuid),
  conversationId: Nullable(Uuid),
  authorId: Nullable(Uuid),
  author: Nullable(PostAuthor),
  mentions: Type.Array(Type.String()),
  hashtags: Type.Array(Type.String()),
  links: Type.Array(Type.String()),
  attachments: Type.Array(PostAttachment),
  metrics: Type.Record(Type.String(), Type.Number()),
  analysis: Nullable(Type.Record(Type.String(), Type.Unknown())),
  editedAt: Nullable(Timestamp),
  deletedAt: Nullable(Timestamp),
  ingestedAt: Timestamp,
  updatedAt: Timestamp,
});

export const PostRevision = Type.Object({ id: Type.Integer(), text: Type.String(), metrics: Type.Record(Type.String(), Type.Number()), revisedAt: Timestamp });

export const CreatePostBody = Type.Object(
  {
    channel: ChannelName,
    channelId: Type.Optional(NullableInput(Uuid)),
    externalId: ExternalId,
    kind: Type.Optional(KindSchema),
    direction: Type.Optional(Direction),
    visibility: Type.Optional(Visibility),
    text: Text,
    language: Type.Optional(NullableInput(Language)),
    postedAt: Type.Optional(Timestamp),
    parentExternalId: Type.Optional(NullableInput(ExternalId)),
    threadExternalId: Type.Optional(NullableInput(ExternalId)),
    url: Type.Optional(NullableInput(Type.String({ maxLength: 2000, pattern: '^https?://' }))),
    authorIdentityId: Type.Optional(NullableInput(Uuid)),
    conversationId: Type.Optional(NullableInput(Uuid)),
    metrics: Type.Optional(Metrics),
  },
  { additionalProperties: false },
);

export const UpdatePostBody = Type.Object(
  {
    text: Type.Optional(Text),
    language: Type.Optional(NullableInput(Language)),
    visibility: Type.Optional(Visibility),
    url: Type.Optional(NullableInput(Type.String({ maxLength: 2000, pattern: '^https?://' }))),
    conversationId: Type.Optional(NullableInput(Uuid)),
    metrics: Type.Optional(Metrics),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The labels the sentiment analyzer gives (src/analysis/sentiment); the list must name every one. */
export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const satisfies readonly SentimentLabel[];
const everyLabelListed: Exclude<SentimentLabel, (typeof SENTIMENT_LABELS)[number]> extends never ? true : false = true;
void everyLabelListed;

export const PostQuery = Type.Object({
  ...PageQuery,
  channel: Type.Optional(ChannelName),
  channelId: Type.Optional(Uuid),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Full-text search, web search syntax: words, "phrases", -excluded, or' })),
  authorId: Type.Optional(Uuid),
  kind: Type.Optional(KindSchema),
  direction: Type.Optional(Direction),
  language: Type.Optional(Language),
  since: Type.Optional(Timestamp),
  until: Type.Optional(Timestamp),
  conversationId: Type.Optional(Uuid),
  includeDeleted: Type.Optional(Type.Boolean()),
  sentiment: Type.Optional(Type.Enum(SENTIMENT_LABELS, { description: 'Sentiment the analysis gave the post (analysis.sentiment.label)' })),
  intent: Type.Optional(Type.Enum(INTENTS, { description: 'Intent the analysis gave the post (analysis.intent)' })),
  topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A topic of the workspace taxonomy the post matched (one of analysis.topics)' })),
  entity: Type.Optional(
    Type.String({ minLength: 1, maxLength: 300, description: 'An entity the post names, by its canonical value in analysis.entities: the dictionary name of a brand, product or competitor, or a lower-case hashtag or mention' }),
  ),
  queryId: Type.Optional(Type.String({ format: 'uuid', description: 'A listening query of the workspace: only the posts it matched' })),
});
