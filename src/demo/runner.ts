import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import Value from 'typebox/value';
import { systemActor } from '../auth/actor.ts';
import type { RawPayloadInput } from '../intake/intake.repository.ts';
import type { Intake } from '../intake/intake.ts';
import type { Database } from '../platform/db/schema.ts';
import { saveAnalysisConfig } from '../analysis-api/analysis-config.service.ts';
import { createUser } from '../users/users.service.ts';
import { findUserByEmail } from '../users/users.repository.ts';
import { findWorkspaceBySlug, insertWorkspaceIfAbsent } from '../workspaces/workspaces.repository.ts';
import { BRAND, PRODUCTS } from './cast.ts';
import { countUsersOf, readDemoSettings, writeDemoSettings } from './demo.repository.ts';
import { demoBackfill, demoLiveDelayMs, demoLivePost, toCanonicalJson, type BackfillOptions, type DemoPost } from './generator.ts';

/**
 * The demo workspace at run time: created once (with its own user, since users belong to one
 * workspace), backfilled with a week of history, then fed one simulated post every few seconds.
 * Every post goes through the same durable intake as a real channel: stored in raw_intake (source
 * 'demo', channel 'jsonl', whose driver parses canonical JSON) with a dedupe key from the generator's
 * stable id, then picked up by the intake worker. The position lives in workspaces.settings.demo and
 * moves in the same transaction as the stored post, so a restart neither repeats nor skips a post.
 */

export const DEMO_SLUG = 'demo';
export const DEMO_USER_EMAIL = 'demo@townhall.local';

const DemoState = Type.Object({
  version: Type.Literal(1),
  seed: Type.Integer({ minimum: 0 }),
  /** The demo's creation time: the backfill covers the days before it. */
  anchor: Type.String(),
  backfilled: Type.Boolean(),
  episode: Type.Integer({ minimum: 0 }),
  step: Type.Integer({ minimum: 0 }),
  /** Live posts emitted so far. */
  emitted: Type.Integer({ minimum: 0 }),
});
type DemoState = Static<typeof DemoState>;

export interface DemoConfig {
  enabled: boolean;
  seed: number;
}

interface DemoLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DemoDeps {
  db: Kysely<Database>;
  now: () => Date;
  /** Where demo posts enter the pipeline, as a real channel's do. */
  intake: Intake;
  log: DemoLog;
  /** Average time between live posts (default 4 s; each gap is 0.5–1.5 times this). */
  intervalMs?: number;
  backfill?: BackfillOptions;
}

export interface DemoSetup {
  workspaceId: string;
  workspaceName: string;
  /** True on the start that created the demo workspace. */
  createdWorkspace: boolean;
  /** Set only when the demo user was created at this start: its email and one-time password. */
  user: { email: string; oneTimePassword: string } | null;
  seed: number;
  /** Posts of the week of history stored at this start (0 when it was stored before). */
  backfilled: number;
}

export interface DemoRunner {
  readonly setup: DemoSetup;
  /** Stores the next live post and wakes the worker; returns it, or null when stopped. */
  tick(): Promise<DemoPost | null>;
  /** Stops the live stream, waiting for a tick in progress. */
  stop(): Promise<void>;
}

/** Rows per insert during the backfill: PGlite fails on very large bind messages. */
const BACKFILL_CHUNK = 100;

function rawInput(workspaceId: string, post: DemoPost): RawPayloadInput {
  return {
    workspaceId,
    connectionId: null,
    channel: 'jsonl',
    source: 'demo',
    contentType: 'application/json',
    headers: {},
    body: JSON.stringify(toCanonicalJson(post)),
    dedupeKey: `demo:${post.externalId}`,
  };
}

/** Lumio's dictionaries and taxonomy, so the demo shows brand, product and competitor mentions and topics from the first post. */
function demoAnalysisConfig() {
  const competitors = new Map<string, string[]>();
  for (const product of PRODUCTS) competitors.set(product.competitor, [...(competitors.get(product.competitor) ?? []), product.competitorProduct]);
  return {
    brands: [{ name: BRAND.name, aliases: [BRAND.handle] }],
    products: PRODUCTS.map((product) => ({ name: product.name, aliases: [product.hashtag.replace(/^#/, '')] })),
    competitors: [...competitors].map(([name, aliases]) => ({ name, aliases })),
    topics: [
      { name: 'battery', keywords: ['battery', 'charging', 'Akku', 'laden', 'batterie', 'batería'] },
      { name: 'delivery', keywords: ['delivery', 'shipping', 'parcel', 'Lieferung', 'Paket', 'livraison', 'envío'] },
      { name: 'billing', keywords: ['bill', 'invoice', 'charged', 'refund', 'Rechnung', 'Abbuchung', 'facture', 'factura'] },
      { name: 'network', keywords: ['outage', 'no signal', 'connection', 'wifi', 'Störung', 'Netz', 'Verbindung', 'réseau', 'red'] },
      { name: 'support', keywords: ['support', 'customer service', 'hotline', 'Kundendienst', 'Kundenservice', 'service client'] },
      { name: 'price', keywords: ['price', 'expensive', 'discount', 'Preis', 'teuer', 'prix', 'precio'] },
    ],
  };
}

/**
 * Creates the demo workspace and its user once; later starts find them. Returns null (and logs why)
 * when a workspace with the demo slug exists that is not the demo's.
 */
async function ensureDemoWorkspace(deps: DemoDeps, seed: number): Promise<{ setup: DemoSetup; state: DemoState } | null> {
  const { db, log } = deps;
  const initial: DemoState = { version: 1, seed, anchor: deps.now().toISOString(), backfilled: false, episode: 0, step: 0, emitted: 0 };
  const inserted = await insertWorkspaceIfAbsent(db, BRAND.workspaceName, DEMO_SLUG, { demo: initial });
  const workspace = inserted ?? (await findWorkspaceBySlug(db, DEMO_SLUG));
  if (!workspace) throw new Error('the demo workspace was neither created nor found');
  const stored = await readDemoSettings(db, workspace.id);
  if (!Value.Check(DemoState, stored)) {
    log.warn({ workspaceId: workspace.id }, `a workspace with slug "${DEMO_SLUG}" exists that is not the demo workspace; the demo stream does not run`);
    return null;
  }
  if (inserted) await saveAnalysisConfig(db, systemActor(workspace.id), demoAnalysisConfig(), deps.now());
  if (stored.seed !== seed) log.info({ storedSeed: stored.seed, configuredSeed: seed }, 'the demo workspace keeps the seed it was created with');

  // The user is created apart from the workspace (createUser has its own transaction); a start that
  // stopped in between creates it now.
  let user: DemoSetup['user'] = null;
  if ((await countUsersOf(db, workspace.id)) === 0) {
    if (await findUserByEmail(db, DEMO_USER_EMAIL)) {
      log.warn({ email: DEMO_USER_EMAIL }, 'the demo user email is taken by a user of another workspace; the demo workspace has no user');
    } else {
      const created = await createUser(db, systemActor(workspace.id), { email: DEMO_USER_EMAIL, name: 'Demo user', role: 'admin' });
      if (created.oneTimePassword) user = { email: DEMO_USER_EMAIL, oneTimePassword: created.oneTimePassword };
    }
  }
  return {
    setup: { workspaceId: workspace.id, workspaceName: workspace.name, createdWorkspace: inserted !== undefined, user, seed: stored.seed, backfilled: 0 },
    state: stored,
  };
}

/** Stores the week of history (idempotent: a backfill cut short by a crash is simply stored again). */
async function backfill(deps: DemoDeps, workspaceId: string, state: DemoState): Promise<{ state: DemoState; posts: number }> {
  const { posts, next } = demoBackfill(state.seed, new Date(state.anchor), deps.backfill);
  const after: DemoState = { ...state, backfilled: true, episode: next.episode, step: next.step };
  // Stored first, then the state moves on: a crash between the two stores the backfill again, and the dedupe keys keep it single.
  for (let i = 0; i < posts.length; i += BACKFILL_CHUNK) await deps.intake.submit(posts.slice(i, i + BACKFILL_CHUNK).map((post) => rawInput(workspaceId, post)));
  await writeDemoSettings(deps.db, workspaceId, after);
  return { state: after, posts: posts.length };
}

/**
 * Starts the demo when enabled: ensures workspace and user, stores the backfill, and (unless
 * `autoTick` is false, as in tests that drive `tick` themselves) emits a live post every few seconds.
 */
export async function startDemo(config: DemoConfig, deps: DemoDeps, options: { autoTick?: boolean } = {}): Promise<DemoRunner | null> {
  if (!config.enabled) return null;
  const ensured = await ensureDemoWorkspace(deps, config.seed);
  if (!ensured) return null;
  const { setup } = ensured;
  let state = ensured.state;
  if (!state.backfilled) {
    const done = await backfill(deps, setup.workspaceId, state);
    state = done.state;
    setup.backfilled = done.posts;
    deps.log.info({ workspaceId: setup.workspaceId, posts: done.posts }, 'demo workspace backfilled');
  }

  const intervalMs = deps.intervalMs ?? 4_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<DemoPost | null> = Promise.resolve(null);

  const emit = async (): Promise<DemoPost | null> => {
    if (stopped) return null;
    const { post, next } = demoLivePost(state.seed, state, deps.now());
    const after: DemoState = { ...state, episode: next.episode, step: next.step, emitted: state.emitted + 1 };
    // Stored, then the state moves on; a crash between re-emits the same post, which its dedupe key keeps single.
    await deps.intake.submit([rawInput(setup.workspaceId, post)]);
    await writeDemoSettings(deps.db, setup.workspaceId, after);
    state = after;
    return post;
  };
  // Ticks never overlap: each waits for the one before it.
  const tick = () => (inFlight = inFlight.then(emit, emit));

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      tick().then(
        () => schedule(demoLiveDelayMs(state.seed, state, intervalMs)),
        (error: unknown) => {
          deps.log.error({ err: error }, 'demo stream: could not store a post; retrying');
          schedule(intervalMs * 5);
        },
      );
    }, delayMs);
    timer.unref();
  };
  if (options.autoTick !== false) schedule(demoLiveDelayMs(state.seed, state, intervalMs));

  return {
    setup,
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight.catch(() => null);
    },
  };
}
