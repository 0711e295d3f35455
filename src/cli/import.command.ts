import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ImportProgress, ImportSummary } from '../intake/import.service.ts';
import { errors } from '../platform/errors.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

function progressLine(p: ImportProgress): string {
  const percent = p.totalBytes > 0 ? Math.min(100, Math.round((p.bytesRead / p.totalBytes) * 100)) : 100;
  return `\r${percent}%  ${p.units} payloads  imported ${p.summary.imported}, duplicates ${p.summary.duplicates}, rejected ${p.summary.rejected}`;
}

/** Refuses a path that is not a readable file before the store is opened. */
async function requireFile(file: string): Promise<void> {
  const found = await stat(file).catch(() => undefined);
  if (!found) throw errors.validation(`${file} does not exist; check the path`);
  if (found.isDirectory()) throw errors.validation(`${file} is a folder; give one file (import each file of the folder in turn)`);
}

/** Why an import that ran to the end still failed, as one line; undefined when it did not fail. */
export function importFailure(summary: ImportSummary, file: string, channel: string): string | undefined {
  if (summary.rejected > 0) {
    const first = summary.rejections[0];
    const example = first ? ` (first: payload ${first.unit}: ${first.reason})` : '';
    return `${summary.rejected} payload${summary.rejected === 1 ? '' : 's'} of ${file} rejected${example}; --verbose lists them, GET /api/v1/intake?status=dead keeps them`;
  }
  if (summary.imported === 0 && summary.duplicates === 0) return `nothing could be imported from ${file}; check that it is in the ${channel} format (docs/CHANNELS.md) or choose another --channel`;
  return undefined;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a file in a channel\'s native format (see docs/CHANNELS.md); ends with "imported N, duplicates N, rejected N"')
    .requiredOption('--channel <name>', 'channel format of the file (see docs/CHANNELS.md; an unknown name lists them)')
    .argument('<file>', 'file to import')
    .option(...WORKSPACE_OPTION)
    .option('--verbose', 'list each rejected payload with its reason on stderr')
    .action(async (file: string, options: { channel: string; workspace?: string; verbose?: boolean }) => {
      const { channelTypes } = await import('../channels/registry.ts');
      if (!channelTypes().includes(options.channel)) throw errors.validation(`unknown channel "${options.channel}"; choose one of: ${channelTypes().join(', ')}`);
      await requireFile(file);
      const [{ importFile }, { defaultAnalyzer }] = await Promise.all([import('../intake/import.service.ts'), import('../pipeline/analyzer.ts')]);
      const showProgress = process.stderr.isTTY === true;
      const summary = await withWorkspace(
        options.workspace,
        (db, actor) =>
          importFile(db, { analyze: defaultAnalyzer(), now: () => new Date() }, { workspaceId: actor.workspaceId, channel: options.channel, path: file }, showProgress ? (p) => process.stderr.write(progressLine(p)) : undefined),
        { createFirst: true },
      );
      if (showProgress) process.stderr.write('\n');
      if (options.verbose) {
        for (const rejection of summary.rejections) process.stderr.write(`rejected payload ${rejection.unit}: ${rejection.reason}\n`);
        if (summary.rejected > summary.rejections.length) process.stderr.write(`… and ${summary.rejected - summary.rejections.length} more rejected; see GET /api/v1/intake?status=dead\n`);
      }
      for (const { reason, count } of summary.skipped) console.log(`skipped ${count} (${reason})`);
      const also = [summary.engagements > 0 ? `${summary.engagements} engagements` : null, summary.edits > 0 ? `${summary.edits} edits` : null].filter(Boolean);
      if (also.length > 0) console.log(`also stored ${also.join(', ')}`);
      console.log(`imported ${summary.imported}, duplicates ${summary.duplicates}, rejected ${summary.rejected}`);
      const failure = importFailure(summary, file, options.channel);
      if (failure !== undefined) throw errors.validation(failure);
    });
}
