import type { Config } from '../platform/config.ts';
import { safeFetch } from '../platform/net/safe-fetch.ts';
import type { DriverRuntime } from './driver.ts';

const silent = { info() {}, warn() {}, error() {} };

/** The runtime drivers get: SSRF-guarded fetch per the configuration, a stop signal, the clock, a logger. */
export function createDriverRuntime(config: Pick<Config, 'allowPrivateNetwork'>, signal: AbortSignal, log: DriverRuntime['log'] = silent, now: () => Date = () => new Date()): DriverRuntime {
  return {
    fetch: (url, init = {}) => safeFetch(url, { ...init, signal: init.signal ?? signal }, { allowPrivateNetwork: config.allowPrivateNetwork }),
    signal,
    now,
    log,
    allowPrivateNetwork: config.allowPrivateNetwork,
  };
}
