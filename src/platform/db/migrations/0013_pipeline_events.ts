/**
 * The pipeline's transactional outbox of events (src/events/outbox.ts): each change writes its events in the
 * same transaction; a relay publishes unpublished rows in id order and marks them, so a crash between commit
 * and publish delays events, never loses them. `event_id` is the stable id consumers dedupe on.
 */
export const pipelineEvents: string[] = [
  `create table pipeline_events (
    id bigserial primary key,
    event_id text not null unique,
    workspace_id uuid not null references workspaces(id) on delete cascade,
    type text not null,
    data jsonb not null,
    at timestamptz not null,
    published_at timestamptz
  )`,
  `create index pipeline_events_unpublished_idx on pipeline_events (id) where published_at is null`,
  `create index pipeline_events_published_idx on pipeline_events (published_at) where published_at is not null`,
];
