/** Saved segments: named filter definitions over contacts, compiled to SQL by src/segments/segments.compile.ts. */
export const segments: string[] = [
  `create table segments (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces(id) on delete cascade,
    name text not null,
    description text not null default '',
    definition jsonb not null,
    created_by uuid references users(id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, name)
  )`,
  `create index segments_workspace_idx on segments (workspace_id, created_at desc, id desc)`,
];
