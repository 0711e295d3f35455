import type { EventBus } from '../events/events.ts';
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
  /** Wakes the intake worker after a payload is stored (absent when no worker runs in this process). */
  notifyIntake?: () => void;
  /** The pipeline's events after each commit (absent until the pipeline publishes them in this process). */
  events?: EventBus;
}
