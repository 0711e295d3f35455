/** Listening: engagement events, listening queries and their matches, the outbound outbox. */
export const listening: string[] = [
  `create table engagements (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces(id) on delete cascade,
    channel text not null,
    external_id text not null,
    target_external_id text not null,
    kind text not null check (kind in ('like', 'share', 'reaction', 'view')),
    actor_identity_id uuid references social_identities(id) on delete set null,
    occurred_at timestamptz not null,
    removed_at timestamptz,
    raw_intake_id bigint references raw_intake(id) on delete set null,
    unique (workspace_id, channel, external_id)
  )`,
  `create index engagements_target_idx on engagements (workspace_id, channel, target_external_id)`,

  `create table listening_queries (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces(id) on delete cascade,
    name text not null,
    channels text[] not null default '{}',
    languages text[] not null default '{}',
    keywords text[] not null default '{}',
    hashtags text[] not null default '{}',
    accounts text[] not null default '{}',
    exclude_keywords text[] not null default '{}',
    enabled boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, name)
  )`,
  `create index listening_queries_workspace_idx on listening_queries (workspace_id, created_at desc, id desc)`,

  `create table post_query_matches (
    workspace_id uuid not null references workspaces(id) on delete cascade,
    post_id uuid not null references posts(id) on delete cascade,
    query_id uuid not null references listening_queries(id) on delete cascade,
    matched_at timestamptz not null default now(),
    primary key (post_id, query_id)
  )`,
  `create index post_query_matches_query_idx on post_query_matches (query_id, matched_at desc)`,

  `create table outbox (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces(id) on delete cascade,
    channel_connection_id uuid not null references channel_connections(id) on delete cascade,
    kind text not null check (kind in ('reply', 'publish', 'message')),
    in_reply_to_post_id uuid references posts(id) on delete set null,
    body jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
    attempts integer not null default 0,
    max_attempts integer not null default 8,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    external_id text,
    created_by uuid references users(id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    sent_at timestamptz
  )`,
  `create index outbox_due_idx on outbox (status, next_attempt_at) where status in ('pending', 'sending')`,
  `create index outbox_workspace_idx on outbox (workspace_id, created_at desc, id desc)`,
];
