import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { channelTypes } from '../channels/registry.ts';
import { importFile, type ImportProgress } from '../intake/import.service.ts';
import { defaultAnalyzer } from '../pipeline/analyzer.ts';
import { withWorkspace, WORKSPACE_OPTION } from './with-workspace.ts';

function progressLine(p: ImportProgress): string {
  const percent = p.totalBytes > 0 ? Math.min(100, Math.round((p.bytesRead / p.totalBytes) * 100)) : 100;
  return `\r${percent}%  ${p.units} payloads  imported ${p.summary.imported}, duplicates ${p.summary.duplicates}, rejected ${p.summary.rejected}`;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a file in a channel\'s native format (see docs/CHANNELS.md); ends with "imported N, duplicates N, rejected N"')
    .requiredOption('--channel <name>', `channel format: ${channelTypes().join(', ')}`)
    .argument('<file>', 'file to import')
    .option(...WORKSPACE_OPTION)
    .action(async (file: string, options: { channel: string; workspace?: string }) => {
      if (!channelTypes().includes(options.channel)) throw new Error(`unknown channel "${options.channel}"; choose one of: ${channelTypes().join(', ')}`);
      await access(file).catch(() => {
        throw new Error(`cannot read ${file}: check the path`);
      });
      const showProgress = process.stderr.isTTY === true;
      const summary = await withWorkspace(options.workspace, (db, actor) =>
        importFile(db, { analyze: defaultAnalyzer(), now: () => new Date() }, { workspaceId: actor.workspaceId, channel: options.channel, path: file }, showProgress ? (p) => process.stderr.write(progressLine(p)) : undefined),
      );
      if (showProgress) process.stderr.write('\n');
      for (const rejection of summary.rejections) process.stderr.write(`rejected payload ${rejection.unit}: ${rejection.reason}\n`);
      if (summary.rejected > summary.rejections.length) process.stderr.write(`… and ${summary.rejected - summary.rejections.length} more rejected; see GET /api/v1/intake?status=dead\n`);
      for (const { reason, count } of summary.skipped) console.log(`skipped ${count} (${reason})`);
      const also = [summary.engagements > 0 ? `${summary.engagements} engagements` : null, summary.edits > 0 ? `${summary.edits} edits` : null].filter(Boolean);
      if (also.length > 0) console.log(`also stored ${also.join(', ')}`);
      console.log(`imported ${summary.imported}, duplicates ${summary.duplicates}, rejected ${summary.rejected}`);
    });
}
