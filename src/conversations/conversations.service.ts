import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { checkContact } from '../customers/references.ts';
import type { ConversationRow, ConversationStatus, Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { findTeam } from '../teams/teams.repository.ts';
import { findUser } from '../users/users.repository.ts';
import { deleteConversation, findConversation, insertConversation, updateConversation } from './conversations.repository.ts';

export interface ConversationInput {
  subject?: string | undefined;
  status?: ConversationStatus | undefined;
  priority?: number | undefined;
  teamId?: string | null | undefined;
  assigneeId?: string | null | undefined;
  contactId?: string | null | undefined;
  firstResponseDueAt?: string | null | undefined;
  resolutionDueAt?: string | null | undefined;
  snoozedUntil?: string | null | undefined;
}

const toDate = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

/** When a conversation is resolved: set on closing, kept while closed, cleared on reopening. */
export function resolvedAtFor(status: ConversationStatus, before: { status: ConversationStatus; resolvedAt: Date | null } | null, now: Date): Date | null {
  if (status !== 'closed') return null;
  return before?.status === 'closed' ? before.resolvedAt : now;
}

async function checkReferences(db: Kysely<Database>, workspaceId: string, input: ConversationInput): Promise<void> {
  if (input.teamId && !(await findTeam(db, workspaceId, input.teamId))) throw errors.validation(`teamId: team ${input.teamId} does not exist in this workspace`);
  if (input.assigneeId) {
    const assignee = await findUser(db, workspaceId, input.assigneeId);
    if (!assignee) throw errors.validation(`assigneeId: user ${input.assigneeId} does not exist in this workspace`);
    if (assignee.status !== 'active') throw errors.validation(`assigneeId: user ${input.assigneeId} is disabled`);
  }
  await checkContact(db, workspaceId, input.contactId);
}

export async function createConversation(db: Kysely<Database>, actor: Actor, input: ConversationInput & { channel: string }, now: Date): Promise<ConversationRow> {
  await checkReferences(db, actor.workspaceId, input);
  const status = input.status ?? 'open';
  return db.transaction().execute(async (trx) => {
    const conversation = await insertConversation(trx, {
      workspace_id: actor.workspaceId,
      channel: input.channel,
      subject: input.subject?.trim(),
      status,
      priority: input.priority,
      priority_explanation: JSON.stringify([]),
      team_id: input.teamId ?? null,
      assignee_id: input.assigneeId ?? null,
      contact_id: input.contactId ?? null,
      first_response_due_at: toDate(input.firstResponseDueAt) ?? null,
      resolution_due_at: toDate(input.resolutionDueAt) ?? null,
      snoozed_until: toDate(input.snoozedUntil) ?? null,
      first_responded_at: null,
      resolved_at: resolvedAtFor(status, null, now),
      last_activity_at: now,
    });
    await recordAudit(trx, actor, { action: 'conversation.created', targetType: 'conversation', targetId: conversation.id, detail: { channel: input.channel, status } });
    if (conversation.assignee_id || conversation.team_id) {
      await recordAudit(trx, actor, {
        action: 'conversation.assigned',
        targetType: 'conversation',
        targetId: conversation.id,
        detail: { from: { assigneeId: null, teamId: null }, to: { assigneeId: conversation.assignee_id, teamId: conversation.team_id } },
      });
    }
    return conversation;
  });
}

/** Updates a conversation; closing sets resolvedAt; assignment and status changes are audited. */
export async function changeConversation(db: Kysely<Database>, actor: Actor, id: string, input: ConversationInput, now: Date): Promise<ConversationRow> {
  await checkReferences(db, actor.workspaceId, input);
  return db.transaction().execute(async (trx) => {
    const before = await findConversation(trx, actor.workspaceId, id);
    if (!before) throw errors.notFound('conversation');
    const status = input.status ?? before.status;
    const after = await updateConversation(trx, actor.workspaceId, id, {
      ...(input.subject !== undefined ? { subject: input.subject.trim() } : {}),
      ...(input.status !== undefined ? { status: input.status, resolved_at: resolvedAtFor(status, { status: before.status, resolvedAt: before.resolved_at }, now) } : {}),
      // Leaving the snoozed state ends the snooze.
      ...(input.status !== undefined && input.status !== 'snoozed' && input.snoozedUntil === undefined ? { snoozed_until: null } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.teamId !== undefined ? { team_id: input.teamId } : {}),
      ...(input.assigneeId !== undefined ? { assignee_id: input.assigneeId } : {}),
      ...(input.contactId !== undefined ? { contact_id: input.contactId } : {}),
      ...(input.firstResponseDueAt !== undefined ? { first_response_due_at: toDate(input.firstResponseDueAt) ?? null } : {}),
      ...(input.resolutionDueAt !== undefined ? { resolution_due_at: toDate(input.resolutionDueAt) ?? null } : {}),
      ...(input.snoozedUntil !== undefined ? { snoozed_until: toDate(input.snoozedUntil) ?? null } : {}),
    });
    if (!after) throw errors.notFound('conversation');
    if (after.assignee_id !== before.assignee_id || after.team_id !== before.team_id) {
      await recordAudit(trx, actor, {
        action: 'conversation.assigned',
        targetType: 'conversation',
        targetId: id,
        detail: { from: { assigneeId: before.assignee_id, teamId: before.team_id }, to: { assigneeId: after.assignee_id, teamId: after.team_id } },
      });
    }
    if (after.status !== before.status) {
      await recordAudit(trx, actor, { action: 'conversation.status_changed', targetType: 'conversation', targetId: id, detail: { from: before.status, to: after.status } });
    }
    return after;
  });
}

export async function removeConversation(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const conversation = await findConversation(trx, actor.workspaceId, id);
    if (!conversation) throw errors.notFound('conversation');
    await deleteConversation(trx, actor.workspaceId, id);
    await recordAudit(trx, actor, { action: 'conversation.deleted', targetType: 'conversation', targetId: id, detail: { channel: conversation.channel, subject: conversation.subject } });
  });
}
