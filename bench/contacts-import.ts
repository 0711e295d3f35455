/**
 * Contacts CSV import throughput and memory (issue 5). Generates, in a temp folder, a contacts export
 * as a generic CRM writes it: BENCH_CONTACTS rows (default 20,000) with first/last name, email,
 * phone, company, city, country and social handles; one row in 20 repeats an earlier person's email
 * with a new phone (an update), one in 100 is malformed (a rejection).
 * Imports it, as `townhall contacts import` does (streamed from the file), into a fresh embedded store
 * (PGlite data folder) and, when BENCH_DATABASE_URL is set, into a fresh database on that server; then
 * imports the same file again (every row matches an existing contact).
 * Prints rows/s and peak RSS; run with `npm run bench:contacts-import`.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { systemActor } from '../src/auth/actor.ts';
import { importContacts, type ImportReport } from '../src/customers/contacts-import.service.ts';
import { withFreshStore } from './fresh-store.ts';

const ROWS = Number(process.env['BENCH_CONTACTS'] ?? 20_000);
/** A PostgreSQL server to import into instead of the embedded store (a fresh database is created there). */
const DATABASE_URL = process.env['BENCH_DATABASE_URL'];

const FIRST = 'Ana Bo Cleo Dana Eli Fay Gus Hana Ivo Jon Kai Lea Max Noa Ole Pia Raf Sol Tom Uma'.split(' ');
const LAST = 'Berg Chen Diaz Evans Fox Gray Hill Iwata Jansen Kowalski Lind Moreau Novak Ortiz Park Quinn'.split(' ');
const CITIES = ['Berlin,DE', 'Hamburg,DE', 'Madrid,ES', 'Lyon,FR', 'Boston,US', 'Osaka,JP', 'Milano,IT', 'Porto,PT'];

/** One CSV line; person `p` is the same contact whenever it appears. */
function line(i: number): string {
  if (i % 100 === 99) return `Broken,Row ${i},not-an-email,,,,,,`;
  const repeat = i % 20 === 19;
  const p = repeat ? i - 17 : i;
  const [city, country] = (CITIES[p % CITIES.length] ?? 'Berlin,DE').split(',');
  const phone = `+4930${String(2_000_000 + (repeat ? 5_000_000 + i : p))}`;
  const handles = p % 3 === 0 ? `"x:@user_${p};instagram:user.${p}"` : p % 3 === 1 ? `x:@user_${p}` : '';
  return [FIRST[p % FIRST.length], `${LAST[p % LAST.length]} ${p}`, `person${p}@crm-export.test`, phone, `"Company ${p % 500}, Inc."`, city, country, handles, p % 4 === 0 ? 'customer' : 'lead'].join(',');
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('First Name,Last Name,E-mail Address,Mobile Phone,Company,City,Country,Social Profiles,Lifecycle Stage\r\n');
  for (let i = 0; i < rows; i++) {
    if (!out.write(line(i) + '\r\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface Result {
  store: string;
  run: string;
  report: ImportReport;
  seconds: number;
  rowsPerSecond: number;
  peakRssMiB: number;
}

async function timed(store: string, run: string, task: () => Promise<ImportReport>): Promise<Result> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const started = performance.now();
  const report = await task();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { store, run, report, seconds, rowsPerSecond: Math.round(ROWS / seconds), peakRssMiB: Math.round(peakRss / 2 ** 20) };
}

async function benchStore(label: string, path: string, postgres: boolean): Promise<Result[]> {
  return withFreshStore({ databaseUrl: postgres ? DATABASE_URL : undefined, name: 'contacts' }, async (store, workspaceId) => {
    const actor = systemActor(workspaceId);
    const results: Result[] = [];
    process.stderr.write(`${label}: first import…\n`);
    results.push(await timed(label, 'first import (creates)', () => importContacts(store.db, actor, createReadStream(path))));
    process.stderr.write(`${label}: same file again…\n`);
    results.push(await timed(label, 'same file again (all match)', () => importContacts(store.db, actor, createReadStream(path))));
    return results;
  });
}

const dir = await mkdtemp(join(tmpdir(), 'townhall-bench-contacts-'));
try {
  const path = join(dir, 'contacts.csv');
  process.stderr.write(`generating ${ROWS} contact rows…\n`);
  await writeCsv(path, ROWS);
  const results = [...(await benchStore('PGlite (data folder)', path, false))];
  if (DATABASE_URL) results.push(...(await benchStore('PostgreSQL (loopback)', path, true)));
  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; ${ROWS} rows\n`);
  console.log('| store | run | created / updated / matched / rejected | seconds | rows/s | peak RSS |\n|---|---|---|---:|---:|---:|');
  for (const r of results) {
    const { created, updated, matched, rejected } = r.report;
    console.log(`| ${r.store} | ${r.run} | ${created} / ${updated} / ${matched} / ${rejected} | ${r.seconds.toFixed(1)} | ${r.rowsPerSecond} | ${r.peakRssMiB} MiB |`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
