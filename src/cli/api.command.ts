import type { Command } from 'commander';
import { startApiRole } from '../platform/app.ts';
import { loadConfig } from '../platform/config.ts';
import { failRole, stopOnSignals } from './roles.ts';

export function registerApi(program: Command): void {
  program
    .command('api')
    .description('run the HTTP API, web app and webhooks (no pipeline) against DATABASE_URL and NATS_URL; run any number behind a load balancer')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .action(async (options: { port?: string }) => {
      const config = loadConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
      const running = await startApiRole(config).catch((error: unknown) => failRole('api', error));
      const lines = [`Townhall api is running at ${config.publicUrl} (PostgreSQL and NATS)`];
      const created = running.bootstrap?.created;
      if (created) {
        lines.push('First start: created the workspace and its admin.');
        lines.push(`  Sign in at ${config.publicUrl}/login`);
        lines.push(`  Email:    ${created.adminEmail}`);
        lines.push(created.oneTimePassword ? `  Password: ${created.oneTimePassword}   (one-time: shown only now; change it after signing in)` : '  Password: the one set in TOWNHALL_ADMIN_PASSWORD');
      }
      process.stdout.write(lines.join('\n') + '\n');
      stopOnSignals(running.app!.log, running.stop);
    });
}
