import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; browser tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Locally a missing Chromium skips the browser tests with a warning; in CI it fails them. */
export const HAS_CHROMIUM = existsSync(CHROMIUM) || Boolean(process.env['CI']);
if (!existsSync(CHROMIUM)) console.warn(`${CHROMIUM} is missing: browser tests are skipped (install Debian's chromium; they run in CI)`);

const WEB = resolve(import.meta.dirname, '../../web');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds web/dist when it is missing or older than the sources, so the server under test serves the current app. */
export function ensureWebBuild(): void {
  const index = join(WEB, 'dist', 'index.html');
  const sources = Math.max(newestChange(join(WEB, 'src')), newestChange(join(WEB, 'index.html')), newestChange(join(WEB, 'vite.config.ts')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: resolve(WEB, '..'), stdio: 'inherit' });
}

/** Headless Chromium with everything that phones home switched off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
