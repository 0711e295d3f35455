import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { contactPostCtes } from './sql.ts';

export type TimelineKind = 'post' | 'outbox' | 'conversation' | 'deal_change' | 'note' | 'lifecycle';

/** One timeline entry: its kind, time, id within the kind, and summary fields chosen per kind. */
export interface TimelineRow {
  kind: TimelineKind;
  at: Date;
  id: string;
  cursor_at: string;
  data: Record<string, unknown>;
}

/** Keyset position of the last item of a page: (at, kind, id), compared in the same order as the sort. */
export interface TimelineCursor {
  at: string;
  kind: string;
  id: string;
}

/**
 * A contact's timeline, newest first, across posts by its identities and the brand's outbound posts
 * answering it (contactPostCtes), outbox replies to its posts not yet stored as posts, its
 * conversations, the history of its deals (from the audit log), its notes and its lifecycle changes.
 * One keyset over (at, kind, id) pages the union without gaps or repeats.
 */
export async function listTimeline(db: Kysely<Database>, workspaceId: string, contactId: string, cursor: TimelineCursor | undefined, limit: number): Promise<TimelineRow[]> {
  const after = cursor ? sql`where (t.at, t.kind, t.id) < (${cursor.at}::timestamptz, ${cursor.kind}::text, ${cursor.id}::text)` : sql``;
  const result = await sql<TimelineRow>`
    with ${contactPostCtes(workspaceId, contactId)}
    select t.kind, t.at, t.id, to_char(t.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at, t.data
    from (
      select 'post'::text as kind, p.posted_at as at, p.id::text as id,
        jsonb_build_object('postKind', p.kind, 'channel', p.channel, 'direction', p.direction, 'visibility', p.visibility,
          'text', left(p.text, 500), 'url', p.url, 'conversationId', p.conversation_id, 'identityId', p.author_identity_id,
          'sentiment', p.analysis->'sentiment'->>'label', 'intent', p.analysis->>'intent', 'inReplyToPostId', p.parent_id,
          -- a stored outbound post was sent (by us through the outbox, or seen on the platform)
          'status', case p.direction when 'out' then 'sent' end, 'outboxId', sent.id, 'authorId', sent.created_by) as data
      from posts p
      left join lateral (
        select o.id, o.created_by from outbox o
        where p.direction = 'out' and o.workspace_id = p.workspace_id and o.channel_connection_id = p.channel_connection_id and o.external_id = p.external_id
        order by o.created_at, o.id limit 1
      ) sent on true
      where p.id in (select id from history_posts) and p.workspace_id = ${workspaceId} and p.deleted_at is null
      union all
      -- replies queued, being sent or failed: outbox messages answering the contact's posts that are not (yet) stored posts
      select 'outbox', o.created_at, o.id::text,
        jsonb_build_object('postKind', case o.kind when 'message' then 'direct' when 'reply' then 'reply' else 'post' end,
          'channel', coalesce(o.body->>'channel', cc.type), 'direction', 'out', 'visibility', case o.kind when 'message' then 'private' else 'public' end,
          'text', left(o.body->>'text', 500), 'status', o.status, 'inReplyToPostId', o.in_reply_to_post_id, 'outboxId', o.id, 'authorId', o.created_by)
      from outbox o join channel_connections cc on cc.id = o.channel_connection_id
      where o.workspace_id = ${workspaceId} and o.in_reply_to_post_id in (select id from own_posts)
        and not exists (select 1 from posts s where s.workspace_id = o.workspace_id and s.channel = coalesce(o.body->>'channel', cc.type) and s.external_id = o.external_id)
      union all
      select 'conversation', c.created_at, c.id::text,
        jsonb_build_object('channel', c.channel, 'subject', c.subject, 'status', c.status, 'conversationId', c.id)
      from conversations c
      where c.workspace_id = ${workspaceId} and c.contact_id = ${contactId}
      union all
      select 'deal_change', a.created_at, a.id::text,
        jsonb_build_object('dealId', d.id, 'title', d.title,
          'change', case a.action when 'deal.created' then 'created' else 'stage_changed' end,
          -- the stage a deal was created in is the "from" of its first stage change, else its current stage
          'stage', case a.action when 'deal.created' then coalesce(first_change.from_stage, d.stage) else a.detail->'to'->>'stage' end,
          'dealStatus', case a.action when 'deal.created' then coalesce(a.detail->>'status', d.status) else a.detail->'to'->>'status' end,
          'fromStage', a.detail->'from'->>'stage', 'fromStatus', a.detail->'from'->>'status')
      from deals d
      join audit_log a on a.workspace_id = d.workspace_id and a.target_type = 'deal' and a.target_id = d.id::text and a.action in ('deal.created', 'deal.stage_changed')
      left join lateral (
        select f.detail->'from'->>'stage' as from_stage from audit_log f
        where f.workspace_id = d.workspace_id and f.target_type = 'deal' and f.target_id = d.id::text and f.action = 'deal.stage_changed' and f.id > a.id
        order by f.id limit 1
      ) first_change on a.action = 'deal.created'
      where d.workspace_id = ${workspaceId} and d.contact_id = ${contactId}
      union all
      -- deals created without an audit entry (imports) still show their creation
      select 'deal_change', d.created_at, d.id::text,
        jsonb_build_object('dealId', d.id, 'title', d.title, 'change', 'created', 'stage', d.stage, 'dealStatus', d.status)
      from deals d
      where d.workspace_id = ${workspaceId} and d.contact_id = ${contactId}
        and not exists (select 1 from audit_log a where a.workspace_id = d.workspace_id and a.target_type = 'deal' and a.target_id = d.id::text and a.action = 'deal.created')
      union all
      select 'note', n.created_at, n.id::text, jsonb_build_object('body', left(n.body, 2000), 'authorId', n.author_id)
      from notes n
      where n.workspace_id = ${workspaceId} and n.contact_id = ${contactId}
      union all
      select 'lifecycle', l.changed_at, l.id::text, jsonb_build_object('fromStage', l.from_stage, 'toStage', l.to_stage, 'changedBy', l.changed_by)
      from lifecycle_changes l
      where l.workspace_id = ${workspaceId} and l.contact_id = ${contactId}
    ) t
    ${after}
    order by t.at desc, t.kind desc, t.id desc
    limit ${limit + 1}`.execute(db);
  return result.rows;
}
