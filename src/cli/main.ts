import { Command, CommanderError } from 'commander';
import { COMMANDS, commandOf } from './commands.ts';
import { errorLine } from './error-line.ts';
import { loadConfig } from '../platform/config.ts';

// The `townhall` command line. Only the module of the command being run is imported (see commands.ts): a new
// command is an entry there, never a static import here, so `townhall --help` stays fast.

/** True when LOG_LEVEL asks for details (a bad LOG_LEVEL is reported by the command that reads the configuration). */
function debugging(): boolean {
  try {
    const { logLevel } = loadConfig();
    return logLevel === 'debug' || logLevel === 'trace';
  } catch {
    return false;
  }
}

const program = new Command()
  .name('townhall')
  .description('Townhall, the open-source Social CRM')
  .version('0.1.0')
  .exitOverride()
  // commander's own errors (unknown command or option, missing argument) as one line, like ours.
  .configureOutput({ outputError: (text, write) => write(`townhall: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()} (see townhall --help)\n`) });

const debug = debugging();
// Stack traces then point into src/ rather than dist/.
if (debug) process.setSourceMapsEnabled(true);

try {
  const chosen = commandOf(process.argv.slice(2));
  if (chosen !== undefined) (await chosen.load())(program);
  else for (const [name, entry] of Object.entries(COMMANDS)) program.command(name).description(entry.description);
  await program.parseAsync(process.argv);
} catch (error) {
  // commander has already printed its message (or the help, or the version: exit code 0).
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // One line whatever the error's message holds (a driver's multi-line detail, say).
  process.stderr.write(`townhall: ${(await errorLine(error)).replace(/\s*\n\s*/g, ' ')}\n`);
  if (debug) console.error(error);
  process.exit(1);
}
