/** Indexes for set-based intake. */
export const intakeIndexes: string[] = [
  // Replies waiting for their parent are found without scanning all posts.
  `create index posts_waiting_parent_idx on posts (workspace_id, channel, parent_external_id) where parent_id is null and parent_external_id is not null`,
  // Without a pending list, a large batch never triggers one big GIN clean-up, which exhausts PGlite's WASM stack.
  `alter index posts_search_idx set (fastupdate = off)`,
];
