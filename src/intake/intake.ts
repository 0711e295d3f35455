import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { RawPayloadInput } from './intake.repository.ts';

/**
 * The one way into the pipeline: the only writer of raw_intake. It commits the payloads first (the durable
 * record), then signals that they wait, so a crash between the two loses nothing (a sweeper re-signals
 * payloads left pending).
 */
export interface Intake {
  submit(inputs: RawPayloadInput[]): Promise<SubmitResult[]>;
}

export interface SubmitResult {
  id: number;
  /** The same dedupe key was stored before: nothing new was written. */
  duplicate: boolean;
}

/**
 * How stored payloads reach the workers: in process (wake the local worker) or JetStream (publish the ids on
 * a work-queue subject that `townhall worker` processes consume). Called after the commit.
 */
export interface IntakeSignal {
  stored(payloads: { id: number; workspaceId: string }[]): Promise<void>;
}

export type IntakeStore = Kysely<Database>;
