/**
 * Outbound webhooks: integrators' subscriptions to the pipeline's events, and one delivery row per
 * (subscription, event). The unique pair makes a redelivered event a no-op; the delivery row is the
 * durable record a worker claims (status 'sending' with next_attempt_at as its lease), so a crash
 * between claim and answer only delays the delivery until the lease runs out.
 */
export const outboundWebhooks: string[] = [
  `create table webhook_subscriptions (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces(id) on delete cascade,
    url text not null,
    event_types text[] not null default '{}',
    description text not null default '',
    secret_sealed text not null,
    status text not null default 'active' check (status in ('active', 'disabled')),
    disabled_reason text,
    disabled_at timestamptz,
    consecutive_failures integer not null default 0,
    failing_since timestamptz,
    created_by uuid references users(id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index webhook_subscriptions_workspace_idx on webhook_subscriptions (workspace_id, created_at desc, id desc)`,

  `create table webhook_deliveries (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces(id) on delete cascade,
    subscription_id uuid not null references webhook_subscriptions(id) on delete cascade,
    event_id text not null,
    event_type text not null,
    payload jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'sending', 'succeeded', 'failed')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_attempt_at timestamptz,
    last_status integer,
    last_error text,
    last_response_excerpt text,
    last_duration_ms integer,
    created_at timestamptz not null default now(),
    completed_at timestamptz,
    unique (subscription_id, event_id)
  )`,
  `create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status in ('pending', 'sending')`,
  `create index webhook_deliveries_log_idx on webhook_deliveries (subscription_id, created_at desc, id desc)`,
  // The hourly prune of the log (finished deliveries older than 30 days).
  `create index webhook_deliveries_finished_idx on webhook_deliveries (completed_at) where status in ('succeeded', 'failed')`,
];
