import type { Kysely } from 'kysely';
import type { Database, IntakeStatus } from '../platform/db/schema.ts';
import { createGroupCommitter } from './group-commit.ts';
import { insertRawMany, requeueDead, type RawPayloadInput } from './intake.repository.ts';

/**
 * The one way into the pipeline: the only writer of raw_intake. It commits the payloads first (the durable
 * record), then signals that they wait, so a crash between the two loses nothing (a sweeper re-signals
 * payloads left pending).
 */
export interface Intake {
  submit(inputs: RawPayloadInput[]): Promise<SubmitResult[]>;
  /**
   * Puts dead-letter payloads of a workspace back in the queue (after a fix) and signals them after the commit;
   * `alongside` runs in the same transaction (the audit entry). Returns how many.
   */
  requeue(workspaceId: string, ids: number[] | 'all', alongside?: (trx: IntakeStore, requeued: number[]) => Promise<void>): Promise<number>;
}

export interface SubmitResult {
  id: number;
  /** The same dedupe key was stored before: nothing new was written. */
  duplicate: boolean;
  /** Where the payload stands: `pending` when new; a duplicate may be processed or dead already. */
  status: IntakeStatus;
  /** The dead-letter reason of a duplicate that was rejected before. */
  error: string | null;
}

/**
 * How stored payloads reach the workers: in process (wake the local worker) or JetStream (publish the ids on
 * a work-queue subject that `townhall worker` processes consume). Called after the commit.
 */
export interface IntakeSignal {
  stored(payloads: { id: number; workspaceId: string }[]): Promise<void>;
}

export type IntakeStore = Kysely<Database>;

/** A signal that tells nobody: for callers that process what they store themselves (enrichment, tests). */
export const NO_SIGNAL: IntakeSignal = { stored: async () => {} };

/** Reports a signal that failed after the commit; the payloads are stored, and pending ones are picked up by polling or the sweeper. */
export type SignalErrorHandler = (error: unknown) => void;

export interface IntakeOptions {
  /**
   * Concurrent submits share one insert (src/intake/group-commit.ts): under a burst of webhooks, a few
   * multi-row statements instead of one transaction per delivery. Each submit still resolves only after
   * the statement holding its rows committed.
   */
  groupCommit?: boolean;
}

/**
 * The intake: stores payloads in one transaction (grouped by workspace and channel, the scope of dedupe keys),
 * then signals the new pending ones. A signal that fails does not fail the submit: the payloads are committed.
 */
export function createIntake(db: IntakeStore, signal: IntakeSignal, onSignalError?: SignalErrorHandler, options: IntakeOptions = {}): Intake {
  const notify = async (payloads: { id: number; workspaceId: string }[]) => {
    if (payloads.length === 0) return;
    try {
      await signal.stored(payloads);
    } catch (error) {
      onSignalError?.(error);
    }
  };
  /** Stores payloads atomically (one transaction when they span several workspaces or channels, the scope of dedupe keys). */
  const storeAll = async (inputs: RawPayloadInput[]): Promise<SubmitResult[]> => {
    const groups = new Map<string, number[]>();
    inputs.forEach((input, index) => {
      const key = `${input.workspaceId}\u0000${input.channel}`;
      groups.set(key, [...(groups.get(key) ?? []), index]);
    });
    const results: SubmitResult[] = new Array<SubmitResult>(inputs.length);
    const store = async (trx: Kysely<Database>) => {
      for (const indexes of groups.values()) {
        const stored = await insertRawMany(trx, indexes.map((i) => inputs[i] as RawPayloadInput));
        stored.forEach((result, j) => (results[indexes[j] ?? 0] = result));
      }
    };
    if (groups.size === 1 || db.isTransaction) await store(db);
    else await db.transaction().execute(store);
    return results;
  };
  const committer = options.groupCommit ? createGroupCommitter(storeAll) : null;
  return {
    async submit(inputs) {
      if (inputs.length === 0) return [];
      const results = committer && !db.isTransaction ? await committer.submit(inputs) : await storeAll(inputs);
      const fresh = new Map<number, string>();
      results.forEach((result, i) => {
        if (!result.duplicate) fresh.set(result.id, inputs[i]?.workspaceId ?? '');
      });
      await notify([...fresh].map(([id, workspaceId]) => ({ id, workspaceId })));
      return results;
    },
    async requeue(workspaceId, ids, alongside) {
      const requeue = async (trx: Kysely<Database>) => {
        const requeued = await requeueDead(trx, workspaceId, ids);
        await alongside?.(trx, requeued);
        return requeued;
      };
      const requeued = db.isTransaction ? await requeue(db) : await db.transaction().execute(requeue);
      await notify(requeued.map((id) => ({ id, workspaceId })));
      return requeued.length;
    },
  };
}
