import type { Static } from 'typebox';
import type { UserRow } from '../platform/db/schema.ts';
import type { User } from './users.schema.ts';

/** The fields of a user a client may see: never the password hash. */
export function presentUser(row: UserRow): Static<typeof User> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    skills: row.skills,
    languages: row.languages,
    capacity: row.capacity,
    mustChangePassword: row.must_change_password,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
