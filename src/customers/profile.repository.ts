import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { contactPostCtes } from './sql.ts';

export interface ProfileIdentityRow {
  id: string;
  channel: string;
  handle: string | null;
  display_name: string | null;
  profile_url: string | null;
  followers: number | null;
  verified: boolean;
}

export interface SentimentWeekRow {
  week: string;
  count: number;
  average: number;
  positive: number;
  neutral: number;
  negative: number;
}

export interface CountRow {
  value: string;
  count: number;
}

export interface LastContactRow {
  last_inbound_at: Date | null;
  last_outbound_at: Date | null;
  last_conversation_activity_at: Date | null;
}

export interface OpenConversationRow {
  id: string;
  channel: string;
  subject: string;
  status: string;
  priority: number;
  assignee_id: string | null;
  last_activity_at: Date;
}

/** The contact's identities, widest reach first. */
export async function profileIdentities(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<ProfileIdentityRow[]> {
  return db
    .selectFrom('social_identities')
    .select(['id', 'channel', 'handle', 'display_name', 'profile_url', 'followers', 'verified'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy(sql`followers desc nulls last`)
    .orderBy('id')
    .execute();
}

/** Followers summed over the contact's identities (0 when none is known). */
export async function followerReach(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<number> {
  const result = await sql<{ reach: number }>`select coalesce(sum(followers), 0)::float8 as reach from social_identities
    where workspace_id = ${workspaceId} and contact_id = ${contactId}`.execute(db);
  return result.rows[0]?.reach ?? 0;
}

/** Posts by the contact's identities that are not deleted; the base of every analysis aggregate. */
const contactPosts = (workspaceId: string, contactId: string) => sql`posts p join social_identities i on i.id = p.author_identity_id
  where p.workspace_id = ${workspaceId} and i.workspace_id = ${workspaceId} and i.contact_id = ${contactId} and p.deleted_at is null`;

/** Per ISO week (Monday, UTC): analysed posts, their average sentiment score and label counts; the latest `weeks` weeks. */
export async function sentimentByWeek(db: Kysely<Database>, workspaceId: string, contactId: string, weeks: number): Promise<SentimentWeekRow[]> {
  const result = await sql<SentimentWeekRow>`select * from (
      select to_char(date_trunc('week', p.posted_at at time zone 'UTC'), 'YYYY-MM-DD') as week,
        count(*)::int as count,
        avg((p.analysis->'sentiment'->>'score')::float8) as average,
        (count(*) filter (where p.analysis->'sentiment'->>'label' = 'positive'))::int as positive,
        (count(*) filter (where p.analysis->'sentiment'->>'label' = 'neutral'))::int as neutral,
        (count(*) filter (where p.analysis->'sentiment'->>'label' = 'negative'))::int as negative
      from ${contactPosts(workspaceId, contactId)} and jsonb_typeof(p.analysis->'sentiment'->'score') = 'number'
      group by 1 order by 1 desc limit ${weeks}
    ) w order by week`.execute(db);
  return result.rows;
}

/** The most frequent topics of the contact's analysed posts. */
export async function topTopics(db: Kysely<Database>, workspaceId: string, contactId: string, limit: number): Promise<CountRow[]> {
  const result = await sql<CountRow>`select topic as value, count(*)::int as count
    from (select p.analysis from ${contactPosts(workspaceId, contactId)} and jsonb_typeof(p.analysis->'topics') = 'array') cp
    cross join lateral jsonb_array_elements_text(cp.analysis->'topics') as topic
    group by topic order by count(*) desc, topic limit ${limit}`.execute(db);
  return result.rows;
}

/** How many of the contact's analysed posts carry each intent. */
export async function intentCounts(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<CountRow[]> {
  const result = await sql<CountRow>`select p.analysis->>'intent' as value, count(*)::int as count
    from ${contactPosts(workspaceId, contactId)} and jsonb_typeof(p.analysis->'intent') = 'string'
    group by 1 order by count(*) desc, 1`.execute(db);
  return result.rows;
}

/**
 * Last inbound: the latest post by the contact or received in its conversations. Last outbound:
 * the latest outbound post of its history (contactPostCtes): sent in its conversations, in reply
 * to its posts or in a private thread with it.
 */
export async function lastContact(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<LastContactRow> {
  const result = await sql<LastContactRow>`
    with ${contactPostCtes(workspaceId, contactId)},
    convs as (select id, last_activity_at from conversations where workspace_id = ${workspaceId} and contact_id = ${contactId})
    select
      (select max(p.posted_at) from posts p where p.workspace_id = ${workspaceId} and p.deleted_at is null and p.direction = 'in'
        and (p.author_identity_id in (select id from contact_identities) or p.conversation_id in (select id from convs))) as last_inbound_at,
      (select max(p.posted_at) from posts p where p.workspace_id = ${workspaceId} and p.deleted_at is null and p.direction = 'out'
        and p.id in (select id from history_posts)) as last_outbound_at,
      (select max(last_activity_at) from convs) as last_conversation_activity_at`.execute(db);
  return result.rows[0] ?? { last_inbound_at: null, last_outbound_at: null, last_conversation_activity_at: null };
}

/** The contact's conversations that are not closed, most recently active first. */
export async function openConversations(db: Kysely<Database>, workspaceId: string, contactId: string, limit: number): Promise<OpenConversationRow[]> {
  return db
    .selectFrom('conversations')
    .select(['id', 'channel', 'subject', 'status', 'priority', 'assignee_id', 'last_activity_at'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('status', '<>', 'closed')
    .orderBy('last_activity_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
