import type { Kysely } from 'kysely';
import Value from 'typebox/value';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database } from '../platform/db/schema.ts';
import { errors } from '../platform/errors.ts';
import { compileSegment, type ContactWhere } from './segments.compile.ts';
import { deleteSegment, findSegment, insertSegment, updateSegment, type SegmentRow } from './segments.repository.ts';
import { SegmentDefinition, type SegmentDefinitionT } from './segments.schema.ts';

export interface SegmentInput {
  name?: string | undefined;
  description?: string | undefined;
  definition?: SegmentDefinitionT | undefined;
}

/** A stored definition, checked again on read: a row written by an older version never reaches the compiler unchecked. */
export function definitionOf(row: SegmentRow): SegmentDefinitionT {
  if (!Value.Check(SegmentDefinition, row.definition)) throw errors.validation(`segment ${row.id} has a definition this version cannot read`);
  return row.definition;
}

export async function getSegment(db: Kysely<Database>, workspaceId: string, id: string): Promise<SegmentRow> {
  const row = await findSegment(db, workspaceId, id);
  if (!row) throw errors.notFound('segment');
  return row;
}

/** The where-builder of a saved segment of the workspace (404 when unknown). */
export async function segmentWhere(db: Kysely<Database>, workspaceId: string, id: string, now: Date): Promise<ContactWhere> {
  return compileSegment(definitionOf(await getSegment(db, workspaceId, id)), now);
}

export async function createSegment(db: Kysely<Database>, actor: Actor, input: Required<Pick<SegmentInput, 'name' | 'definition'>> & SegmentInput): Promise<SegmentRow> {
  return db.transaction().execute(async (trx) => {
    const row = await insertSegment(trx, {
      workspace_id: actor.workspaceId,
      name: input.name.trim(),
      description: input.description ?? '',
      definition: JSON.stringify(input.definition),
      created_by: actor.userId,
    });
    if (!row) throw errors.conflict(`a segment named "${input.name.trim()}" already exists`);
    await recordAudit(trx, actor, { action: 'segment.created', targetType: 'segment', targetId: row.id, detail: { name: row.name } });
    return row;
  });
}

export async function changeSegment(db: Kysely<Database>, actor: Actor, id: string, input: SegmentInput): Promise<SegmentRow> {
  return db.transaction().execute(async (trx) => {
    await getSegment(trx, actor.workspaceId, id);
    if (input.name !== undefined) {
      const clash = await trx
        .withTables<{ segments: { id: string; workspace_id: string; name: string } }>()
        .selectFrom('segments')
        .select('id')
        .where('workspace_id', '=', actor.workspaceId)
        .where('name', '=', input.name.trim())
        .where('id', '!=', id)
        .executeTakeFirst();
      if (clash) throw errors.conflict(`a segment named "${input.name.trim()}" already exists`);
    }
    const row = await updateSegment(trx, actor.workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.definition !== undefined ? { definition: JSON.stringify(input.definition) } : {}),
    });
    if (!row) throw errors.notFound('segment');
    await recordAudit(trx, actor, { action: 'segment.updated', targetType: 'segment', targetId: id, detail: {} });
    return row;
  });
}

export async function removeSegment(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await deleteSegment(trx, actor.workspaceId, id))) throw errors.notFound('segment');
    await recordAudit(trx, actor, { action: 'segment.deleted', targetType: 'segment', targetId: id, detail: {} });
  });
}
