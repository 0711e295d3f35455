/**
 * Prints our sentiment analyzer beside the npm peers on held-out data, in one table:
 * `npm run eval:sentiment [-- ../shared/data]`.
 */
import { resolve } from 'node:path';
import { evaluateSentiment, measureLanguageAndSentimentSpeed } from '../src/analysis/eval/sentiment.eval.ts';

const dataDir = resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/data');
const rows = evaluateSentiment(dataDir);
const f = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
console.log('| dataset | analyzer | n | macro-recall | macro-F1 | accuracy | Pearson r | µs/post |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.dataset} | ${r.analyzer} | ${r.samples} | ${f(r.macroRecall)} | ${f(r.macroF1)} | ${f(r.accuracy)} | ${f(r.pearson)} | ${r.microsPerPost.toFixed(1)} |`);
}
const speed = measureLanguageAndSentimentSpeed(dataDir);
console.log(`\nlanguage + sentiment: ${speed.microsPerPost.toFixed(1)} µs/post (${Math.round(1e6 / speed.microsPerPost)} posts/s on one core) over ${speed.posts} posts`);
