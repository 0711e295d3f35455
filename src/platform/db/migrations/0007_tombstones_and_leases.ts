/**
 * Listening at scale: deletes that arrive before what they delete are remembered (tombstones), and
 * each pull connection (poll or stream loop) runs in one process at a time (a renewable lease).
 */
export const tombstonesAndLeases: string[] = [
  // A delete (or unlike) for an item not stored yet: when the item arrives later it is stored as deleted.
  `create table intake_tombstones (
    workspace_id uuid not null references workspaces(id) on delete cascade,
    channel text not null,
    external_id text not null,
    deleted_at timestamptz not null,
    raw_intake_id bigint references raw_intake(id) on delete set null,
    recorded_at timestamptz not null default now(),
    primary key (workspace_id, channel, external_id)
  )`,
  // The process running a connection's loop and until when; another process takes over once it expires.
  `alter table channel_connections add column lease_owner text`,
  `alter table channel_connections add column lease_expires_at timestamptz`,
];
