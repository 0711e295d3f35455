import type { Kysely } from 'kysely';
import { systemActor } from '../auth/actor.ts';
import type { Database } from '../platform/db/schema.ts';
import { createUser } from '../users/users.service.ts';
import { findWorkspaceBySlug, firstWorkspace, insertWorkspace } from './workspaces.repository.ts';

export interface BootstrapResult {
  workspaceId: string;
  /** Set only on the very first start: who the admin is and, if generated, the one-time password. */
  created: { adminEmail: string; oneTimePassword: string | null } | null;
}

/**
 * First start: creates the workspace and its admin. The admin is TOWNHALL_ADMIN_EMAIL/PASSWORD when given,
 * otherwise admin@townhall.local with a generated one-time password (never a fixed default).
 * Later starts find the workspace and change nothing.
 */
export async function ensureWorkspace(db: Kysely<Database>, admin: { email?: string | undefined; password?: string | undefined }): Promise<BootstrapResult> {
  const existing = await firstWorkspace(db);
  if (existing) return { workspaceId: existing.id, created: null };
  const workspace = await insertWorkspace(db, 'Townhall', 'default');
  const email = admin.email ?? 'admin@townhall.local';
  const { oneTimePassword } = await createUser(db, systemActor(workspace.id), { email, name: 'Administrator', role: 'admin', password: admin.password });
  return { workspaceId: workspace.id, created: { adminEmail: email, oneTimePassword } };
}

/** The workspace a CLI command acts on: the named slug, or the first one. */
export async function resolveWorkspace(db: Kysely<Database>, slug: string | undefined) {
  const workspace = slug ? await findWorkspaceBySlug(db, slug) : await firstWorkspace(db);
  if (!workspace) throw new Error(slug ? `no workspace with slug "${slug}"` : 'the store has no workspace yet; run "townhall start" once first');
  return workspace;
}
