import type { EventBus } from '../events/events.ts';
import { InProcessEventBus } from '../events/in-process.ts';
import { createIntake, NO_SIGNAL, type Intake } from '../intake/intake.ts';
import type { Config } from './config.ts';
import type { Store } from './db/store.ts';
import type { SecretBox } from './secrets.ts';

/** What every capability needs from the platform; passed down explicitly, never imported as a global. */
export interface AppContext {
  config: Config;
  store: Store;
  secrets: SecretBox;
  /** Injected clock so that domain rules and tests agree on "now". */
  now: () => Date;
  /** The only way payloads enter the pipeline (src/intake/intake.ts): stores, then signals the workers. */
  intake: Intake;
  /** What the pipeline committed, for later capabilities to `subscribe` to (src/events/events.ts). */
  events: EventBus;
}

/**
 * A context from its parts; without an intake, payloads are stored and wait for a worker's next poll, and
 * without a bus, events go to this process's subscribers. `startApp` passes both.
 */
export function createAppContext(parts: Omit<AppContext, 'intake' | 'events'> & Partial<Pick<AppContext, 'intake' | 'events'>>): AppContext {
  return { ...parts, intake: parts.intake ?? createIntake(parts.store.db, NO_SIGNAL), events: parts.events ?? new InProcessEventBus() };
}
