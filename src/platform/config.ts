import { resolve } from 'node:path';

/** Validated runtime configuration. This is the only module that reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded store (PGlite) and of local state such as the generated secret key. */
  dataDir: string;
  /** When set, a real PostgreSQL server is used instead of the embedded store. */
  databaseUrl: string | undefined;
  natsUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Base64 key (32 bytes) for secrets at rest; generated into dataDir when absent. */
  secretKey: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Public base URL used in printed links; defaults to http://localhost:PORT. */
  publicUrl: string;
  /** Marks session cookies Secure. Defaults to true when publicUrl is https. */
  cookieSecure: boolean;
  sessionTtlHours: number;
  /** Sign-in attempts allowed per IP and minute. */
  loginRateLimit: number;
  /** Lets channel fetches reach loopback and private addresses (intranet sources, tests). Off by default (SSRF). */
  allowPrivateNetwork: boolean;
  /** Runs the demo workspace 'Lumio (demo)' with its simulated stream (TOWNHALL_DEMO=on|off, default on). */
  demo: boolean;
  /** Seed of the simulated stream, used when the demo workspace is created: same seed, same stream. */
  demoSeed: number;
  /** JetStream intake: seconds a worker has to process and ack a payload before it goes to another worker. */
  intakeAckWaitSeconds: number;
  /** JetStream intake: seconds a payload may stay pending after its announcement before the sweeper announces it again. */
  intakeStaleSeconds: number;
  /** JetStream intake: payloads a worker takes per batch (and holds ready for the next one). */
  intakeBatch: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  return raw === 'true';
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

/** Reads and validates configuration once at boot; throws ConfigError with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const logLevel = optional(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const publicUrl = (url(env, 'TOWNHALL_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/$/, '');
  const adminEmail = optional(env, 'TOWNHALL_ADMIN_EMAIL');
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    throw new ConfigError(`TOWNHALL_ADMIN_EMAIL is not an email address: "${adminEmail}"`);
  }
  const adminPassword = env['TOWNHALL_ADMIN_PASSWORD'] === '' ? undefined : env['TOWNHALL_ADMIN_PASSWORD'];
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('TOWNHALL_ADMIN_PASSWORD must be at least 8 characters');
  }
  return {
    port,
    host: optional(env, 'HOST') ?? '0.0.0.0',
    dataDir: resolve(optional(env, 'TOWNHALL_DATA') ?? './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:', 'ws:', 'wss:']),
    adminEmail,
    adminPassword,
    secretKey: optional(env, 'TOWNHALL_SECRET_KEY'),
    logLevel: logLevel as Config['logLevel'],
    publicUrl,
    cookieSecure: boolean(env, 'TOWNHALL_COOKIE_SECURE', publicUrl.startsWith('https:')),
    sessionTtlHours: integer(env, 'TOWNHALL_SESSION_TTL_HOURS', 24 * 14, 1, 24 * 365),
    loginRateLimit: integer(env, 'TOWNHALL_LOGIN_RATE_LIMIT', 10, 1, 10_000),
    allowPrivateNetwork: boolean(env, 'TOWNHALL_ALLOW_PRIVATE_NETWORK', false),
    demo: onOff(env, 'TOWNHALL_DEMO', true),
    demoSeed: integer(env, 'TOWNHALL_DEMO_SEED', 42, 0, 4_294_967_295),
    intakeAckWaitSeconds: integer(env, 'TOWNHALL_INTAKE_ACK_WAIT_SECONDS', 120, 1, 3600),
    intakeStaleSeconds: integer(env, 'TOWNHALL_INTAKE_STALE_SECONDS', 300, 1, 7 * 24 * 3600),
    intakeBatch: integer(env, 'TOWNHALL_INTAKE_BATCH', 100, 1, 1000),
  };
}

/**
 * `townhall api` and `townhall worker` run on several machines: they share a PostgreSQL server, a NATS
 * server and the key that encrypts secrets at rest (a key generated into one machine's data folder would
 * leave the others unable to read the channel credentials). Throws ConfigError naming what is missing.
 */
export function requireSharedServices(config: Config, role: 'api' | 'worker'): void {
  if (!config.databaseUrl) throw new ConfigError(`the ${role} role needs DATABASE_URL: the PostgreSQL server every api and worker shares (the embedded store is for "townhall start")`);
  if (!config.natsUrl) throw new ConfigError(`the ${role} role needs NATS_URL: the NATS server with JetStream that carries work between api and workers`);
  if (!config.secretKey) throw new ConfigError(`the ${role} role needs TOWNHALL_SECRET_KEY: the same base64 key (32 bytes, e.g. "openssl rand -base64 32") on every api and worker`);
}
