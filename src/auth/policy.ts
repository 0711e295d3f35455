import type { Role } from '../platform/db/schema.ts';

/**
 * The one authorisation policy: every API route names a permission, and this table says which
 * roles hold it. Admins hold everything; analysts read; agents work the inbox and the CRM;
 * managers also run teams, channels and routing.
 */
export const ROLES: readonly Role[] = ['admin', 'manager', 'agent', 'analyst'];

const READ_ALL: Role[] = ['admin', 'manager', 'agent', 'analyst'];
const WORK: Role[] = ['admin', 'manager', 'agent'];
const MANAGE: Role[] = ['admin', 'manager'];
const ADMIN: Role[] = ['admin'];

export const PERMISSIONS = {
  'self': READ_ALL,
  'workspace:read': READ_ALL,
  'workspace:write': ADMIN,
  'users:read': READ_ALL,
  'users:write': ADMIN,
  'teams:read': READ_ALL,
  'teams:write': MANAGE,
  'tokens:own': READ_ALL,
  'tokens:admin': ADMIN,
  'contacts:read': READ_ALL,
  'contacts:write': WORK,
  'contacts:delete': MANAGE,
  'accounts:read': READ_ALL,
  'accounts:write': WORK,
  'accounts:delete': MANAGE,
  'deals:read': READ_ALL,
  'deals:write': WORK,
  'deals:delete': MANAGE,
  'identities:read': READ_ALL,
  'identities:write': WORK,
  'identities:delete': MANAGE,
  'posts:read': READ_ALL,
  'posts:write': MANAGE,
  'posts:delete': ADMIN,
  'analysis:write': MANAGE,
  'conversations:read': READ_ALL,
  'conversations:write': WORK,
  'conversations:delete': MANAGE,
  'channels:read': MANAGE,
  'channels:write': MANAGE,
  'webhooks:read': MANAGE,
  'webhooks:write': MANAGE,
  'audit:read': ADMIN,
} as const satisfies Record<string, Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}
