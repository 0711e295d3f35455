/**
 * Media metadata on posts (type, url, MIME type, alt text, size; src/listening/canonical.ts Attachment),
 * so a post with only a photo says what it holds; and a cache of Bluesky profiles (DID → handle and
 * display name) looked up on the public AppView, so each DID is asked for once per expiry, not per post.
 * The column default makes the `add column` metadata-only on PostgreSQL (no table rewrite).
 */
export const postAttachments: string[] = [
  `alter table posts add column attachments jsonb not null default '[]'::jsonb`,
  `create table bluesky_profiles (
    did text primary key,
    handle text,
    display_name text,
    avatar_url text,
    description text,
    fetched_at timestamptz not null default now(),
    expires_at timestamptz not null,
    error text
  )`,
  `create index bluesky_profiles_expires_idx on bluesky_profiles (expires_at)`,
];
