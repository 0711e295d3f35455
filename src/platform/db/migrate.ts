import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Database } from './schema.ts';
import { foundation } from './migrations/0001_foundation.ts';
import { listening } from './migrations/0002_listening.ts';
import { intakeIndexes } from './migrations/0003_intake_indexes.ts';
import { contactMerges } from './migrations/0004_contact_merges.ts';
import { segments } from './migrations/0005_segments.ts';
import { identityBlocking } from './migrations/0006_identity_blocking.ts';
import { tombstonesAndLeases } from './migrations/0007_tombstones_and_leases.ts';
import { contactHistoryIndexes } from './migrations/0008_contact_history_indexes.ts';
import { nameTypoKeys } from './migrations/0009_name_typo_keys.ts';
import { contactPhoneKeys } from './migrations/0010_contact_phone_keys.ts';
import { postAttachments } from './migrations/0011_post_attachments.ts';
import { outboundWebhooks } from './migrations/0012_outbound_webhooks.ts';
import { pipelineEvents } from './migrations/0013_pipeline_events.ts';
import { intakeSignalledAt } from './migrations/0014_intake_signalled_at.ts';
import { postFiltersAndChannelAttention } from './migrations/0015_post_filters_and_channel_attention.ts';

/** Ordered, up-only migrations. Names sort in application order; never edit one that has shipped. */
const MIGRATIONS: Record<string, string[]> = {
  '0001_foundation': foundation,
  '0002_listening': listening,
  '0003_intake_indexes': intakeIndexes,
  '0004_contact_merges': contactMerges,
  '0005_segments': segments,
  '0006_identity_blocking': identityBlocking,
  '0007_tombstones_and_leases': tombstonesAndLeases,
  '0008_contact_history_indexes': contactHistoryIndexes,
  '0009_name_typo_keys': nameTypoKeys,
  '0010_contact_phone_keys': contactPhoneKeys,
  '0011_post_attachments': postAttachments,
  '0012_outbound_webhooks': outboundWebhooks,
  '0013_pipeline_events': pipelineEvents,
  '0014_intake_signalled_at': intakeSignalledAt,
  '0015_post_filters_and_channel_attention': postFiltersAndChannelAttention,
};

const provider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const [name, statements] of Object.entries(MIGRATIONS)) {
      migrations[name] = {
        async up(db) {
          for (const statement of statements) await sql.raw(statement).execute(db);
        },
      };
    }
    return migrations;
  },
};

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
}

export class MigrationError extends Error {}

/** Applies every pending migration; returns the names applied now. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(`migration ${failed} failed: ${cause}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations that exist in code but are not applied to this store. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
