/**
 * When a pending payload was last announced to the workers (JetStream, `townhall worker`). The sweeper
 * re-announces payloads still pending long after that (a crash between the commit and the publish, a
 * message dropped after its last delivery), once per threshold instead of at every sweep.
 */
export const intakeSignalledAt: string[] = [`alter table raw_intake add column signalled_at timestamptz`];
