import { Type } from 'typebox';
import { Nullable, NullableInput, PageQuery, Timestamp, Uuid } from '../platform/http/schemas.ts';

/** A channel name as connectors use it: x, instagram, mastodon, email, ... */
export const ChannelName = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9][a-z0-9_.-]*$' });
const LinkStatusSchema = Type.Union([Type.Literal('auto'), Type.Literal('suggested'), Type.Literal('manual')]);
const Url = Type.String({ maxLength: 2000, pattern: '^https?://' });
const Count = Type.Integer({ minimum: 0, maximum: 2_000_000_000 });

export const IdentityLink = Type.Object({
  score: Type.Number(),
  status: LinkStatusSchema,
  evidence: Type.Array(Type.Unknown()),
});

export const Identity = Type.Object({
  id: Uuid,
  channel: Type.String(),
  externalId: Type.String(),
  handle: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  profileUrl: Nullable(Type.String()),
  avatarUrl: Nullable(Type.String()),
  bio: Nullable(Type.String()),
  location: Nullable(Type.String()),
  language: Nullable(Type.String()),
  followers: Nullable(Type.Integer()),
  following: Nullable(Type.Integer()),
  verified: Type.Boolean(),
  contactId: Nullable(Uuid),
  link: Nullable(IdentityLink),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const profile = {
  handle: NullableInput(Type.String({ minLength: 1, maxLength: 200 })),
  displayName: NullableInput(Type.String({ maxLength: 200 })),
  profileUrl: NullableInput(Url),
  avatarUrl: NullableInput(Url),
  bio: NullableInput(Type.String({ maxLength: 5000 })),
  location: NullableInput(Type.String({ maxLength: 200 })),
  language: NullableInput(Type.String({ minLength: 2, maxLength: 35 })),
  followers: NullableInput(Count),
  following: NullableInput(Count),
  verified: Type.Boolean(),
  contactId: NullableInput(Uuid),
};

export const CreateIdentityBody = Type.Object(
  {
    channel: ChannelName,
    externalId: Type.String({ minLength: 1, maxLength: 200 }),
    handle: Type.Optional(profile.handle),
    displayName: Type.Optional(profile.displayName),
    profileUrl: Type.Optional(profile.profileUrl),
    avatarUrl: Type.Optional(profile.avatarUrl),
    bio: Type.Optional(profile.bio),
    location: Type.Optional(profile.location),
    language: Type.Optional(profile.language),
    followers: Type.Optional(profile.followers),
    following: Type.Optional(profile.following),
    verified: Type.Optional(profile.verified),
    contactId: Type.Optional(profile.contactId),
  },
  { additionalProperties: false },
);

export const UpdateIdentityBody = Type.Partial(Type.Object(profile), { additionalProperties: false, minProperties: 1 });

export const IdentityQuery = Type.Object({
  ...PageQuery,
  channel: Type.Optional(ChannelName),
  contactId: Type.Optional(Uuid),
  linked: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
