import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables created by the migrations in ./migrations. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string | undefined, string>;
type JsonObject = Record<string, unknown>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;
/** Identity columns that PostgreSQL generates (bigint, parsed to number). */
type Identity = ColumnType<number, never, never>;

export type Role = 'admin' | 'manager' | 'agent' | 'analyst';

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  slug: string;
  settings: Json<JsonObject>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  skills: TextArray;
  languages: TextArray;
  capacity: ColumnType<number, number | undefined, number>;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  last_login_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type TeamKind = 'support' | 'sales' | 'marketing' | 'pr' | 'product' | 'community' | 'other';

export interface TeamsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  kind: ColumnType<TeamKind, TeamKind | undefined, TeamKind>;
  description: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface TeamMembershipsTable {
  workspace_id: string;
  team_id: string;
  user_id: string;
  role: ColumnType<'member' | 'lead', 'member' | 'lead' | undefined, 'member' | 'lead'>;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id_hash: string;
  workspace_id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  workspace_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

export interface AccountsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  domains: TextArray;
  industry: string | null;
  size: string | null;
  owner_id: string | null;
  custom: Json<JsonObject>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type LifecycleStage = 'prospect' | 'customer' | 'former_customer';

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  name: ColumnType<string, string | undefined, string>;
  first_name: string | null;
  last_name: string | null;
  emails: TextArray;
  phones: TextArray;
  city: string | null;
  country: string | null;
  languages: TextArray;
  lifecycle_stage: ColumnType<LifecycleStage, LifecycleStage | undefined, LifecycleStage>;
  account_id: string | null;
  owner_id: string | null;
  custom: Json<JsonObject>;
  consent: Json<JsonObject>;
  merged_into_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LifecycleChangesTable {
  id: Identity;
  workspace_id: string;
  contact_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_by: string | null;
  changed_at: CreatedAt;
}

export type DealStatus = 'open' | 'won' | 'lost';

export interface DealsTable {
  id: Generated<string>;
  workspace_id: string;
  title: string;
  /** numeric(18,2), kept as a decimal string so no cents are lost to floating point. */
  amount: string | null;
  currency: ColumnType<string, string | undefined, string>;
  stage: ColumnType<string, string | undefined, string>;
  pipeline: ColumnType<string, string | undefined, string>;
  status: ColumnType<DealStatus, DealStatus | undefined, DealStatus>;
  close_date: ColumnType<string | null, string | null | undefined, string | null>;
  contact_id: string | null;
  account_id: string | null;
  owner_id: string | null;
  custom: Json<JsonObject>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChannelConnectionsTable {
  id: Generated<string>;
  workspace_id: string;
  type: string;
  name: string;
  settings: Json<JsonObject>;
  credentials_encrypted: string | null;
  state: Json<JsonObject>;
  status: ColumnType<'active' | 'paused' | 'error', 'active' | 'paused' | 'error' | undefined, 'active' | 'paused' | 'error'>;
  status_detail: string | null;
  webhook_key: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The process running this connection's poll or stream loop (src/pipeline/connection-lease.ts). */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Why the platform refused the credentials (ChannelError 'auth'); null when all is well. */
  attention_reason: ColumnType<string | null, string | null | undefined, string | null>;
  attention_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type LinkStatus = 'auto' | 'suggested' | 'manual';

export interface SocialIdentitiesTable {
  id: Generated<string>;
  workspace_id: string;
  channel: string;
  external_id: string;
  handle: string | null;
  display_name: string | null;
  profile_url: string | null;
  avatar_url: string | null;
  bio: string | null;
  location: string | null;
  language: string | null;
  followers: number | null;
  following: number | null;
  verified: ColumnType<boolean, boolean | undefined, boolean>;
  contact_id: string | null;
  link_score: number | null;
  link_status: LinkStatus | null;
  link_evidence: ColumnType<unknown[] | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type IntakeSource = 'webhook' | 'stream' | 'poll' | 'import' | 'api' | 'demo';
export type IntakeStatus = 'pending' | 'processed' | 'dead';

export interface RawIntakeTable {
  id: Identity;
  workspace_id: string;
  channel_connection_id: string | null;
  channel: string;
  source: IntakeSource;
  content_type: string | null;
  headers: Json<Record<string, string>>;
  body: string;
  dedupe_key: string | null;
  status: ColumnType<IntakeStatus, IntakeStatus | undefined, IntakeStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  error: string | null;
  received_at: CreatedAt;
  processed_at: Date | null;
  /** Last announced to the workers over JetStream (migration 0014); null when never or in process. */
  signalled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'closed';

export interface ConversationsTable {
  id: Generated<string>;
  workspace_id: string;
  channel: string;
  subject: ColumnType<string, string | undefined, string>;
  status: ColumnType<ConversationStatus, ConversationStatus | undefined, ConversationStatus>;
  priority: ColumnType<number, number | undefined, number>;
  priority_explanation: Json<unknown[]>;
  team_id: string | null;
  assignee_id: string | null;
  contact_id: string | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  snoozed_until: Date | null;
  last_activity_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type PostKind = 'post' | 'comment' | 'reply' | 'direct' | 'review' | 'email';

export interface PostsTable {
  id: Generated<string>;
  workspace_id: string;
  channel: string;
  channel_connection_id: string | null;
  external_id: string;
  author_identity_id: string | null;
  kind: ColumnType<PostKind, PostKind | undefined, PostKind>;
  direction: ColumnType<'in' | 'out', 'in' | 'out' | undefined, 'in' | 'out'>;
  visibility: ColumnType<'public' | 'private', 'public' | 'private' | undefined, 'public' | 'private'>;
  text: ColumnType<string, string | undefined, string>;
  language: string | null;
  posted_at: ColumnType<Date, Date | string, Date | string>;
  parent_external_id: string | null;
  parent_id: string | null;
  thread_external_id: string | null;
  thread_id: string | null;
  quoted_external_id: string | null;
  conversation_id: string | null;
  url: string | null;
  mentions: TextArray;
  hashtags: TextArray;
  links: TextArray;
  metrics: Json<Record<string, number>>;
  geo: ColumnType<JsonObject | null, string | null | undefined, string | null>;
  /** Media metadata (canonical Attachment objects), `[]` when none. */
  attachments: Json<JsonObject[]>;
  analysis: ColumnType<JsonObject | null, string | null | undefined, string | null>;
  raw_intake_id: number | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  ingested_at: CreatedAt;
  updated_at: Timestamp;
  search: ColumnType<string, never, never>;
}

/** Public Bluesky profiles by DID, cached from app.bsky.actor.getProfiles (and Jetstream identity events). */
export interface BlueskyProfilesTable {
  did: string;
  handle: string | null;
  display_name: string | null;
  avatar_url: string | null;
  description: string | null;
  fetched_at: Timestamp;
  expires_at: Date | string;
  /** Why the last lookup failed (the DID is retried after expires_at). */
  error: string | null;
}

export interface PostRevisionsTable {
  id: Identity;
  workspace_id: string;
  post_id: string;
  text: string;
  metrics: Json<Record<string, number>>;
  revised_at: CreatedAt;
}

export interface NotesTable {
  id: Generated<string>;
  workspace_id: string;
  author_id: string | null;
  contact_id: string | null;
  conversation_id: string | null;
  body: string;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Identity;
  workspace_id: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  detail: Json<JsonObject>;
  ip: string | null;
  created_at: CreatedAt;
}

export type EngagementKind = 'like' | 'share' | 'reaction' | 'view';

export interface EngagementsTable {
  id: Identity;
  workspace_id: string;
  channel: string;
  external_id: string;
  target_external_id: string;
  kind: EngagementKind;
  actor_identity_id: string | null;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  removed_at: Date | null;
  raw_intake_id: number | null;
}

/** A delete (or withdrawal) that arrived before the item it deletes. */
export interface IntakeTombstonesTable {
  workspace_id: string;
  channel: string;
  external_id: string;
  deleted_at: ColumnType<Date, Date | string, Date | string>;
  raw_intake_id: number | null;
  recorded_at: CreatedAt;
}

export interface ListeningQueriesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  channels: TextArray;
  languages: TextArray;
  keywords: TextArray;
  hashtags: TextArray;
  accounts: TextArray;
  exclude_keywords: TextArray;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PostQueryMatchesTable {
  workspace_id: string;
  post_id: string;
  query_id: string;
  matched_at: CreatedAt;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<string>;
  workspace_id: string;
  channel_connection_id: string;
  kind: 'reply' | 'publish' | 'message';
  in_reply_to_post_id: string | null;
  body: Json<JsonObject>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  external_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  sent_at: Date | null;
}

/** The pipeline's event outbox (migration 0013; src/events/outbox.ts). */
export interface PipelineEventsTable {
  id: ColumnType<string, never, never>;
  event_id: string;
  workspace_id: string;
  type: string;
  data: ColumnType<Record<string, string | number | boolean | null>, string, string>;
  at: Date;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type WebhookSubscriptionStatus = 'active' | 'disabled';

export interface WebhookSubscriptionsTable {
  id: Generated<string>;
  workspace_id: string;
  url: string;
  /** Empty: every event type. */
  event_types: ColumnType<string[], string[] | undefined, string[]>;
  description: ColumnType<string, string | undefined, string>;
  /** The signing secret, sealed with the SecretBox. */
  secret_sealed: string;
  status: ColumnType<WebhookSubscriptionStatus, WebhookSubscriptionStatus | undefined, WebhookSubscriptionStatus>;
  disabled_reason: string | null;
  disabled_at: Date | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  failing_since: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  workspace_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  payload: Json<JsonObject>;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  /** When pending: when to try; when sending: when the claim's lease runs out. */
  next_attempt_at: Timestamp;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  last_response_excerpt: string | null;
  last_duration_ms: number | null;
  created_at: CreatedAt;
  completed_at: Date | null;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  teams: TeamsTable;
  team_memberships: TeamMembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  lifecycle_changes: LifecycleChangesTable;
  deals: DealsTable;
  channel_connections: ChannelConnectionsTable;
  social_identities: SocialIdentitiesTable;
  raw_intake: RawIntakeTable;
  conversations: ConversationsTable;
  posts: PostsTable;
  post_revisions: PostRevisionsTable;
  notes: NotesTable;
  audit_log: AuditLogTable;
  engagements: EngagementsTable;
  intake_tombstones: IntakeTombstonesTable;
  listening_queries: ListeningQueriesTable;
  post_query_matches: PostQueryMatchesTable;
  outbox: OutboxTable;
  pipeline_events: PipelineEventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  bluesky_profiles: BlueskyProfilesTable;
}

export type UserRow = Selectable<UsersTable>;
export type TeamRow = Selectable<TeamsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AccountRow = Selectable<AccountsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type DealRow = Selectable<DealsTable>;
export type IdentityRow = Selectable<SocialIdentitiesTable>;
export type PostRow = Selectable<PostsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type ChannelConnectionRow = Selectable<ChannelConnectionsTable>;
export type RawIntakeRow = Selectable<RawIntakeTable>;
export type ListeningQueryRow = Selectable<ListeningQueriesTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type { Insertable, Updateable };
