import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** tsconfig.build.json's tsBuildInfoFile; an incremental build that changes nothing leaves it alone, so it is touched here. */
const STAMP = join(ROOT, 'dist/.tsbuildinfo');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Once per test run, before any test spawns bin/townhall.js: rebuilds dist/ when a source file is newer
 * than the last build, so a test never runs a stale CLI (`npm test` builds first; a single `npx vitest run`
 * relies on this).
 */
export default function ensureBuilt(): void {
  if (newestSource(join(ROOT, 'src')) <= builtAt()) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@typescript/native/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  const now = new Date();
  utimesSync(STAMP, now, now);
}
