import type { Command } from 'commander';
import { firstStartLines } from './with-workspace.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start the server: API, web app and pipeline, on PORT (default 3000), with the store in TOWNHALL_DATA (default ./data) or DATABASE_URL')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .action(async (options: { port?: string }) => {
      const [{ loadConfig }, { startApp }, { DEMO_USER_EMAIL }] = await Promise.all([import('../platform/config.ts'), import('../platform/app.ts'), import('../demo/runner.ts')]);
      const config = loadConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
      const running = await startApp(config);
      const { bootstrap } = running;
      const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded store in ${config.dataDir}`;
      const lines = [`Townhall is running at ${config.publicUrl} (${store})`];
      if (bootstrap.created) lines.push(...firstStartLines(bootstrap.created, config));
      const { demo } = running;
      if (demo) {
        lines.push(`Demo workspace: sign in as ${DEMO_USER_EMAIL} to explore '${demo.workspaceName}', a simulated stream of customer conversations (TOWNHALL_DEMO=off turns it off)`);
        if (demo.user) lines.push(`  Password: ${demo.user.oneTimePassword}   (one-time: shown only now; change it after signing in)`);
      }
      lines.push(`API docs: ${config.publicUrl}/api/docs`);
      process.stdout.write(lines.join('\n') + '\n');

      const shutdown = (signal: string) => {
        running.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        const force = setTimeout(() => process.exit(1), 15_000);
        force.unref();
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            running.app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
