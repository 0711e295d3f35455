import type { Kysely } from 'kysely';
import { findConnection } from '../channels/channels.repository.ts';
import { connectionView } from '../channels/channels.service.ts';
import type { DriverRuntime, NativePayload } from '../channels/driver.ts';
import { channelTypes, driverFor } from '../channels/registry.ts';
import { createDriverRuntime } from '../channels/runtime.ts';
import { createIntake, NO_SIGNAL } from '../intake/intake.ts';
import type { Config } from '../platform/config.ts';
import type { ChannelConnectionRow, Database, RawIntakeRow } from '../platform/db/schema.ts';
import type { SecretBox } from '../platform/secrets.ts';

/**
 * Enrichment: before a pending delivery is parsed, its driver may complete it from the platform's API
 * (an Instagram mention's text). The completed copy is stored as a payload of its own and the original
 * is marked processed ("replaced by #id"), so parsing stays pure: a replay of the copy needs no network.
 * Runs outside the batch transaction (network calls never hold a transaction open). A crash between
 * the lookup and the store repeats the lookup; the copy's dedupe key keeps it single.
 */
export type PayloadEnricher = (raw: RawIntakeRow, connection: ChannelConnectionRow) => Promise<NativePayload | null>;

export interface EnricherDeps {
  config: Pick<Config, 'allowPrivateNetwork'>;
  secrets: SecretBox;
  log?: DriverRuntime['log'];
  now: () => Date;
  /** Aborts lookups in flight on shutdown. */
  signal?: AbortSignal;
}

/** The enricher of a running server: each driver's `enrich` with the connection's secrets and the SSRF-guarded fetch. */
export function createEnricher(deps: EnricherDeps): PayloadEnricher {
  return async (raw, connection) => {
    const enrich = driverFor(connection.type)?.enrich;
    if (!enrich) return null;
    const runtime = createDriverRuntime(deps.config, deps.signal ?? new AbortController().signal, deps.log, deps.now);
    const payload: NativePayload = { body: raw.body, contentType: raw.content_type, headers: raw.headers };
    return enrich(payload, connectionView(deps.secrets, connection), runtime);
  };
}

const enrichableTypes = () => channelTypes().filter((type) => driverFor(type)?.enrich);

/**
 * Enriches the pending payloads among `ids` whose connection's driver can; returns the ids to process,
 * each replaced original swapped for its copy. A failing lookup leaves the original to be parsed as it is.
 */
export async function enrichPending(db: Kysely<Database>, enricher: PayloadEnricher, ids: number[], now: () => Date, onError?: (error: unknown, rawId: number) => void): Promise<{ ids: number[]; replaced: Map<number, number> }> {
  const replaced = new Map<number, number>();
  const types = enrichableTypes();
  if (ids.length === 0 || types.length === 0) return { ids, replaced };
  const candidates = await db
    .selectFrom('raw_intake')
    .selectAll()
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .where('channel', 'in', types)
    .where('channel_connection_id', 'is not', null)
    .execute();
  for (const raw of candidates) {
    const connection = raw.channel_connection_id ? await findConnection(db, raw.workspace_id, raw.channel_connection_id) : undefined;
    if (!connection) continue;
    let copy: NativePayload | null;
    try {
      copy = await enricher(raw, connection);
    } catch (error) {
      onError?.(error, raw.id);
      continue;
    }
    if (!copy) continue;
    const copyId = await db.transaction().execute(async (trx) => {
      // No signal: this batch processes the copy right away; if it crashes first, the copy waits pending like any payload.
      const [stored] = await createIntake(trx, NO_SIGNAL).submit([{
        workspaceId: raw.workspace_id,
        connectionId: raw.channel_connection_id,
        channel: raw.channel,
        source: raw.source,
        contentType: copy.contentType ?? null,
        headers: copy.headers ?? {},
        body: copy.body,
        dedupeKey: `enriched:${raw.id}`,
      }]);
      if (!stored) throw new Error(`the enriched copy of #${raw.id} was not stored`);
      await trx
        .updateTable('raw_intake')
        .set({ status: 'processed', processed_at: now(), error: `replaced by its enriched copy #${stored.id}` })
        .where('id', '=', raw.id)
        .where('status', '=', 'pending')
        .execute();
      return stored.id;
    });
    replaced.set(raw.id, copyId);
  }
  return { ids: ids.map((id) => replaced.get(id) ?? id), replaced };
}
