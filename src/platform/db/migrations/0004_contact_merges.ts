/** Contact merges: the exact previous state of both contacts and the ids of every row moved, so a merge can be undone. */
export const contactMerges: string[] = [
  `create table contact_merges (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces(id) on delete cascade,
    target_id uuid not null references contacts(id) on delete cascade,
    source_id uuid not null references contacts(id) on delete cascade,
    target_before jsonb not null,
    source_before jsonb not null,
    target_after jsonb not null,
    source_after jsonb not null,
    moved jsonb not null,
    merged_by uuid references users(id) on delete set null,
    merged_at timestamptz not null default now(),
    undone_by uuid references users(id) on delete set null,
    undone_at timestamptz
  )`,
  `create index contact_merges_target_idx on contact_merges (workspace_id, target_id, merged_at desc)`,
  `create index contact_merges_source_idx on contact_merges (workspace_id, source_id, merged_at desc)`,
  // A contact is merged away at most once at a time.
  `create unique index contact_merges_active_source_idx on contact_merges (source_id) where undone_at is null`,
  // The timeline reads deal history from the audit log by deal id.
  `create index audit_log_target_idx on audit_log (workspace_id, target_type, target_id)`,
];
