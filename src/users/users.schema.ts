import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../platform/http/schemas.ts';

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('manager'), Type.Literal('agent'), Type.Literal('analyst')]);
const Email = Type.String({ format: 'email', maxLength: 320 });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 });

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  skills: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  capacity: Type.Integer(),
  mustChangePassword: Type.Boolean(),
  lastLoginAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    skills: Type.Optional(Tags),
    languages: Type.Optional(Tags),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    skills: Type.Optional(Tags),
    languages: Type.Optional(Tags),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CreatedUser = Type.Object({ user: User, oneTimePassword: Nullable(Type.String()) });
