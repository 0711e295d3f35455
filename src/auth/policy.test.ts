import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES } from './policy.ts';

describe('role policy', () => {
  it('gives admins every permission', () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can('admin', permission)).toBe(true);
  });

  it('lets analysts read but never write', () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      if (/:(write|delete|admin)$/.test(permission)) expect(can('analyst', permission)).toBe(false);
    }
    expect(can('analyst', 'posts:read')).toBe(true);
  });

  it('lets agents work contacts and conversations but not manage users, teams or channels', () => {
    expect(can('agent', 'contacts:write')).toBe(true);
    expect(can('agent', 'conversations:write')).toBe(true);
    expect(can('agent', 'users:write')).toBe(false);
    expect(can('agent', 'teams:write')).toBe(false);
    expect(can('agent', 'channels:write')).toBe(false);
  });

  it('knows exactly four roles', () => {
    expect(ROLES).toEqual(['admin', 'manager', 'agent', 'analyst']);
  });
});
