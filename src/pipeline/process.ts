import type { Kysely } from 'kysely';
import { findConnection } from '../channels/channels.repository.ts';
import { driverFor } from '../channels/registry.ts';
import { ParseError } from '../listening/canonical.ts';
import { enabledQueries } from '../listening/listening.repository.ts';
import type { ListeningQuery } from '../listening/query-matcher.ts';
import type { Database } from '../platform/db/schema.ts';
import { lockPending, markDead, markProcessed, recordAttempt } from '../intake/intake.repository.ts';
import {
  analyzeStage,
  emptyOutcome,
  parseStage,
  persistOtherStage,
  persistPostStage,
  resolveIdentityStage,
  threadStage,
  type Outcome,
  type PipelineDeps,
} from './stages.ts';

/** Attempts before a payload that keeps failing for reasons other than parsing goes to dead-letter. */
export const MAX_ATTEMPTS = 5;

export type ItemResult = { status: 'processed'; outcome: Outcome } | { status: 'dead'; reason: string } | { status: 'retry'; reason: string } | { status: 'skipped' };

export async function queriesOf(db: Kysely<Database>, workspaceId: string): Promise<ListeningQuery[]> {
  return (await enabledQueries(db, workspaceId)).map((q) => ({
    id: q.id,
    channels: q.channels,
    languages: q.languages,
    keywords: q.keywords,
    hashtags: q.hashtags,
    accounts: q.accounts,
    excludeKeywords: q.exclude_keywords,
  }));
}

/**
 * Processes one stored payload through every stage inside one transaction, so a crash at any point
 * leaves it pending (and re-processing is idempotent). Parse failures go to dead-letter at once.
 */
export async function processIntakeItem(db: Kysely<Database>, deps: PipelineDeps, id: number): Promise<ItemResult> {
  let parseFailure: string | undefined;
  try {
    const result = await db.transaction().execute(async (trx): Promise<ItemResult> => {
      const raw = await lockPending(trx, id);
      if (!raw) return { status: 'skipped' };
      const connection = raw.channel_connection_id ? await findConnection(trx, raw.workspace_id, raw.channel_connection_id) : undefined;
      const driver = driverFor(connection?.type ?? raw.channel);
      if (!driver) {
        await markDead(trx, id, `no driver for channel "${raw.channel}"`, deps.now());
        return { status: 'dead', reason: `no driver for channel "${raw.channel}"` };
      }
      let items;
      try {
        items = parseStage(raw, driver, connection ? { settings: connection.settings } : undefined);
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        parseFailure = error.message;
        throw error;
      }
      const outcome = emptyOutcome();
      const identityIds = await resolveIdentityStage(trx, raw.workspace_id, items, deps.log);
      const ctx = {
        workspaceId: raw.workspace_id,
        connectionId: raw.channel_connection_id,
        rawIntakeId: raw.id,
        identityIds,
        queries: await queriesOf(trx, raw.workspace_id),
        now: deps.now(),
      };
      const analyzer = deps.analyze && items.some((item) => item.type === 'post') ? await deps.analyze.forWorkspace(trx, raw.workspace_id) : null;
      for (const item of items) {
        if (item.type === 'post') {
          const analyzed = analyzeStage(item.post, analyzer);
          const links = await threadStage(trx, raw.workspace_id, item.post);
          await persistPostStage(trx, ctx, analyzed, links, outcome);
        } else {
          await persistOtherStage(trx, ctx, item, outcome);
        }
      }
      await markProcessed(trx, id, deps.now());
      return { status: 'processed', outcome };
    });
    return result;
  } catch (error) {
    if (parseFailure !== undefined) {
      await markDead(db, id, `parse: ${parseFailure}`, deps.now());
      return { status: 'dead', reason: parseFailure };
    }
    const reason = error instanceof Error ? error.message : String(error);
    const attempts = await recordAttempt(db, id, reason);
    if (attempts >= MAX_ATTEMPTS) {
      await markDead(db, id, `gave up after ${attempts} attempts: ${reason}`, deps.now());
      return { status: 'dead', reason };
    }
    return { status: 'retry', reason };
  }
}
