import type { Command } from 'commander';
import { processLogger, startWorkerRole } from '../platform/app.ts';
import { loadConfig } from '../platform/config.ts';
import { failRole, stopOnSignals } from './roles.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the pipeline consumers, connector loops, outbox and schedulers against DATABASE_URL and NATS_URL; run any number')
    .action(async () => {
      const config = loadConfig();
      const log = processLogger(config);
      const running = await startWorkerRole(config, { log }).catch((error: unknown) => failRole('worker', error));
      process.stdout.write(`Townhall worker is running (pid ${process.pid}): pipeline, connectors, outbox${config.demo ? ', demo stream when no other worker runs it' : ''}\n`);
      stopOnSignals(log, running.stop);
    });
}
