import type { Role } from '../platform/db/schema.ts';

/** Who is acting: a signed-in user (session or API token) or the system itself (CLI, bootstrap). */
export interface Actor {
  workspaceId: string;
  userId: string | null;
  role: Role;
  tokenId: string | null;
  via: 'session' | 'token' | 'system';
  ip: string | null;
}

export function systemActor(workspaceId: string): Actor {
  return { workspaceId, userId: null, role: 'admin', tokenId: null, via: 'system', ip: null };
}
