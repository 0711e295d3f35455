/** Compares language detectors on short posts and prints one table: `npm run eval:language`. */
import { resolve } from 'node:path';
import { compareLanguageLibraries, evaluateLanguage, type LanguageEvalRow } from '../src/analysis/eval/language.eval.ts';

const dataDir = resolve(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? '../shared/data');
const all = process.argv.includes('--libraries');
const rows: LanguageEvalRow[] = all ? await compareLanguageLibraries(dataDir) : evaluateLanguage(dataDir);
const langs = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];
const pct = (x: number | undefined): string => (x === undefined ? 'n/a' : (100 * x).toFixed(1));
console.log(`| detector | accuracy % | ${langs.join(' | ')} | µs/post |`);
console.log(`|---|---:|${langs.map(() => '---:').join('|')}|---:|`);
for (const r of rows) {
  console.log(`| ${r.detector} | ${pct(r.accuracy)} | ${langs.map((l) => pct(r.perLanguage[l])).join(' | ')} | ${r.microsPerPost.toFixed(1)} |`);
}
console.log(`\n${rows[0]?.samples ?? 0} posts: UMSAB *_val_text.txt (324 per language) + ${'hand-written Dutch set'}`);
