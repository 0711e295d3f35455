import type { Static } from 'typebox';
import type { ConversationRow } from '../platform/db/schema.ts';
import type { Conversation } from './conversations.schema.ts';

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** The fields of a conversation a client sees. */
export function presentConversation(row: ConversationRow): Static<typeof Conversation> {
  return {
    id: row.id,
    channel: row.channel,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    priorityExplanation: row.priority_explanation,
    teamId: row.team_id,
    assigneeId: row.assignee_id,
    contactId: row.contact_id,
    firstResponseDueAt: iso(row.first_response_due_at),
    resolutionDueAt: iso(row.resolution_due_at),
    firstRespondedAt: iso(row.first_responded_at),
    resolvedAt: iso(row.resolved_at),
    snoozedUntil: iso(row.snoozed_until),
    lastActivityAt: row.last_activity_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
