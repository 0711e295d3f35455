import { sql, type RawBuilder } from 'kysely';

/** A one-element text[] parameter, for `column @> array[value]` tests that use the GIN index. */
export function textArray(value: string): RawBuilder<string[]> {
  return sql<string[]>`array[${value}]::text[]`;
}

/** A text[] parameter of several values, for `column && array[...]` tests that use a GIN index. */
export function textArrayOf(values: readonly string[]): RawBuilder<string[]> {
  return sql<string[]>`array[${sql.join(values.map((value) => sql.val(value)))}]::text[]`;
}

/**
 * Common table expressions naming a contact's part of the post stream, for a query that starts
 * `with ${contactPostCtes(...)} select ...`:
 * - `contact_identities` (id): the contact's social identities;
 * - `own_posts` (id, channel, thread_external_id, visibility): posts by those identities, deleted ones included;
 * - `contact_conversations` (id): the contact's conversations;
 * - `history_posts` (id): the own posts and the brand's outbound posts that answer one of them (parent),
 *   belong to one of its conversations, or are in a private thread (DM, email) the contact wrote in.
 * Each branch of `history_posts` is a separate indexed lookup (author, parent, conversation, thread), not one OR over all posts.
 */
export function contactPostCtes(workspaceId: string, contactId: string): RawBuilder<unknown> {
  return sql`contact_identities as (
      select id from social_identities where workspace_id = ${workspaceId} and contact_id = ${contactId}
    ),
    own_posts as (
      select p.id, p.channel, p.thread_external_id, p.visibility from posts p
      where p.workspace_id = ${workspaceId} and p.author_identity_id in (select id from contact_identities)
    ),
    contact_conversations as (
      select id from conversations where workspace_id = ${workspaceId} and contact_id = ${contactId}
    ),
    history_posts as (
      select id from own_posts
      union
      select r.id from posts r where r.parent_id in (select id from own_posts) and r.workspace_id = ${workspaceId} and r.direction = 'out'
      union
      select r.id from posts r where r.conversation_id in (select id from contact_conversations) and r.workspace_id = ${workspaceId} and r.direction = 'out'
      union
      select r.id from posts r
      join (select distinct channel, thread_external_id from own_posts where visibility = 'private' and thread_external_id is not null) t
        on r.channel = t.channel and r.thread_external_id = t.thread_external_id
      where r.workspace_id = ${workspaceId} and r.direction = 'out' and r.visibility = 'private'
    )`;
}
