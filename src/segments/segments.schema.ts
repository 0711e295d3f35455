import { Type, type Static } from 'typebox';
import { LifecycleStageSchema } from '../customers/contacts.schema.ts';
import { Nullable, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';

/** A segment's definition: conditions over contacts, combined with all (AND) or any (OR). */

const Strings = (max = 50) => Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: max });

export const LifecycleCondition = Type.Object({ field: Type.Literal('lifecycleStage'), in: Type.Array(LifecycleStageSchema, { minItems: 1, maxItems: 3 }) }, { additionalProperties: false });
export const SentimentCondition = Type.Object(
  {
    field: Type.Literal('sentiment'),
    days: Type.Integer({ minimum: 1, maximum: 3650, description: 'window: posts of the last N days' }),
    op: Type.Union([Type.Literal('above'), Type.Literal('below')]),
    value: Type.Number({ minimum: -1, maximum: 1, description: 'average sentiment score of the contact’s posts, -1..1' }),
  },
  { additionalProperties: false },
);
export const ChannelCondition = Type.Object({ field: Type.Literal('channel'), in: Strings() }, { additionalProperties: false, description: 'has an identity on one of these channels' });
export const TopicCondition = Type.Object({ field: Type.Literal('topic'), any: Strings(), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false, description: 'wrote a post whose analysis topics contain one of these' });
export const InfluenceCondition = Type.Object({ field: Type.Literal('influence'), minFollowers: Type.Integer({ minimum: 0 }) }, { additionalProperties: false, description: 'an identity with at least this many followers' });
export const DealCondition = Type.Object(
  {
    field: Type.Literal('deal'),
    stage: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('won'), Type.Literal('lost')])),
    pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false, description: 'has a deal in this stage / status / pipeline' },
);
export const CustomCondition = Type.Object(
  { field: Type.Literal('custom'), key: Type.String({ minLength: 1, maxLength: 100 }), equals: Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]) },
  { additionalProperties: false, description: 'custom field equals (compared as text)' },
);
export const CountryCondition = Type.Object({ field: Type.Literal('country'), in: Strings() }, { additionalProperties: false });
export const CityCondition = Type.Object({ field: Type.Literal('city'), in: Strings() }, { additionalProperties: false });

export const Condition = Type.Union([LifecycleCondition, SentimentCondition, ChannelCondition, TopicCondition, InfluenceCondition, DealCondition, CustomCondition, CountryCondition, CityCondition]);

export const SegmentDefinition = Type.Object(
  {
    match: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')], { default: 'all' })),
    conditions: Type.Array(Condition, { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type SegmentDefinitionT = Static<typeof SegmentDefinition>;
export type ConditionT = Static<typeof Condition>;

export const Segment = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  definition: SegmentDefinition,
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateSegmentBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), description: Type.Optional(Type.String({ maxLength: 2000 })), definition: SegmentDefinition },
  { additionalProperties: false },
);
export const UpdateSegmentBody = Type.Partial(CreateSegmentBody, { additionalProperties: false, minProperties: 1 });
export const SegmentQuery = Type.Object({ ...PageQuery });
export const SegmentCount = Type.Object({ count: Type.Integer() });
