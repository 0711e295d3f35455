import type { EventType, PipelineEvent } from './events.ts';

/**
 * The events the pipeline writes, built here so their ids and fields are defined once (docs/PIPELINE.md shows
 * the JSON). Ids name the subject and what makes the change unique, so a change written twice (a batch retried
 * after a rollback) or published twice (a relay crash) carries the same id:
 *
 *   post.stored:<postId>                       a post was stored for the first time
 *   post.updated:<postId>:<rawIntakeId>        a payload edited a stored post or changed its metrics
 *   post.deleted:<postId>                      a post was marked deleted (once: later deletes change nothing)
 *   engagement.changed:<engagementId>:<added|removed>
 *   identity.linked:<identityId>:<contactId>   identity resolution linked an identity to a contact
 *   intake.dead:<rawIntakeId>:<dead-at ms>     a payload went to dead-letter
 */
function event(type: EventType, subject: string, workspaceId: string, at: Date, data: PipelineEvent['data']): PipelineEvent {
  return { id: `${type}:${subject}`, type, workspaceId, at: at.toISOString(), data };
}

export const pipelineEvent = {
  postStored: (workspaceId: string, at: Date, p: { postId: string; rawIntakeId: number; channel: string; externalId: string }) => event('post.stored', p.postId, workspaceId, at, { ...p }),
  postUpdated: (workspaceId: string, at: Date, p: { postId: string; rawIntakeId: number; change: 'edit' | 'metrics' }) => event('post.updated', `${p.postId}:${p.rawIntakeId}`, workspaceId, at, { ...p }),
  postDeleted: (workspaceId: string, at: Date, p: { postId: string; rawIntakeId: number }) => event('post.deleted', p.postId, workspaceId, at, { ...p }),
  engagementChanged: (workspaceId: string, at: Date, p: { engagementId: number; rawIntakeId: number; kind: string; channel: string; targetExternalId: string; active: boolean }) =>
    event('engagement.changed', `${p.engagementId}:${p.active ? 'added' : 'removed'}`, workspaceId, at, { ...p }),
  identityLinked: (workspaceId: string, at: Date, p: { identityId: string; contactId: string }) => event('identity.linked', `${p.identityId}:${p.contactId}`, workspaceId, at, { ...p }),
  intakeDead: (workspaceId: string, at: Date, p: { rawIntakeId: number }) => event('intake.dead', `${p.rawIntakeId}:${at.getTime()}`, workspaceId, at, { ...p }),
};
