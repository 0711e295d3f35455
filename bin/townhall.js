#!/usr/bin/env node
// Runs the compiled CLI from dist/ (built from src/ by `npm run build`, which `npm ci` and `npm test` run).
// Developers running sources without a build: node bin/run-ts.js src/cli/main.ts <args>
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('townhall: the compiled CLI is missing (dist/cli/main.js); run "npm run build" in the Townhall folder');
  process.exit(1);
}
await import(entry.href);
