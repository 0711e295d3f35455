import type { Command } from 'commander';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (start does this too)')
    .option('--status', 'only list pending migrations')
    .action(async (options: { status?: boolean }) => {
      const [{ loadConfig }, { migrateToLatest, pendingMigrations }, { openStore }] = await Promise.all([import('../platform/config.ts'), import('../platform/db/migrate.ts'), import('../platform/db/store.ts')]);
      const config = loadConfig();
      const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
      try {
        if (options.status) {
          const pending = await pendingMigrations(store.db);
          console.log(pending.length === 0 ? 'schema is current' : `pending: ${pending.join(', ')}`);
        } else {
          const applied = await migrateToLatest(store.db);
          console.log(applied.length === 0 ? 'schema is current; nothing to apply' : `applied ${applied.length}: ${applied.join(', ')}`);
        }
      } finally {
        await store.close();
      }
    });
}
