import type { Command } from 'commander';

/**
 * Every top-level command: its name, the description `townhall --help` lists, and the module that registers
 * it. Only the module of the command being run is loaded, so `townhall --help` loads none of them and each
 * command loads only what it uses. The description must match the one the module registers (test/cli/help.test.ts).
 */
export interface CommandEntry {
  description: string;
  load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  start: {
    description: 'start the server: API, web app and pipeline, on PORT (default 3000), with the store in TOWNHALL_DATA (default ./data) or DATABASE_URL',
    load: async () => (await import('./start.command.ts')).registerStart,
  },
  api: {
    description: 'run the HTTP API, web app and webhooks (no pipeline) against DATABASE_URL and NATS_URL; run any number behind a load balancer',
    load: async () => (await import('./api.command.ts')).registerApi,
  },
  worker: {
    description: 'run the pipeline consumers, connector loops, outbox and schedulers against DATABASE_URL and NATS_URL; run any number',
    load: async () => (await import('./worker.command.ts')).registerWorker,
  },
  migrate: {
    description: 'apply pending database migrations (start does this too)',
    load: async () => (await import('./migrate.command.ts')).registerMigrate,
  },
  user: {
    description: 'manage users',
    load: async () => (await import('./user.command.ts')).registerUser,
  },
  token: {
    description: 'manage API tokens',
    load: async () => (await import('./token.command.ts')).registerToken,
  },
  import: {
    description: 'import a file in a channel\'s native format (see docs/CHANNELS.md); ends with "imported N, duplicates N, rejected N"',
    load: async () => (await import('./import.command.ts')).registerImport,
  },
  analyze: {
    description: 'analyse JSONL posts from stdin ({"text", "id"?, "lang"?} per line); writes one JSONL line per input with lang, sentiment, intent, topics, entities',
    load: async () => (await import('./analyze.command.ts')).registerAnalyze,
  },
  contacts: {
    description: 'contacts: list, show, create, update, delete, merge, export, import (see docs/CUSTOMERS.md)',
    load: async () => (await import('./contacts.command.ts')).registerContacts,
  },
  accounts: {
    description: 'accounts (companies and their domains): list, show, create, update, delete (see docs/CUSTOMERS.md)',
    load: async () => (await import('./accounts.command.ts')).registerAccounts,
  },
  deals: {
    description: 'deals (amount, currency, stage, pipeline, close date, owner): list, show, create, update, delete (see docs/CUSTOMERS.md)',
    load: async () => (await import('./deals.command.ts')).registerDeals,
  },
  identities: {
    description: 'social identities and their links to contacts',
    load: async () => (await import('../identity-resolution/identities.command.ts')).registerIdentities,
  },
};

/** The command a command line runs (`townhall help <name>` included), if it names one of COMMANDS. */
export function commandOf(args: readonly string[]): CommandEntry | undefined {
  const operands = args.filter((arg) => !arg.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}
