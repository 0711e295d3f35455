/**
 * Prints the intent evaluation (validation split of data/intent only) and the cost of intent + urgency per post.
 * Run: npm run eval:intent
 */
import { performance } from 'node:perf_hooks';
import { INTENTS } from '../src/analysis/types.ts';
import { evaluateIntent, loadIntentSamples } from '../src/analysis/eval/intent.eval.ts';
import { classifyIntent } from '../src/analysis/intent/classify.ts';
import { detectUrgency } from '../src/analysis/urgency/urgency.ts';

const rows = await evaluateIntent();
const f = (x: number): string => x.toFixed(3);
const short = (c: string): string => c.replace('purchase_intent', 'purchase').replace('feature_request', 'feature').replace('churn_threat', 'churn');
console.log(`Intent, validation split (${rows[0]?.samples ?? 0} posts)\n`);
console.log(`| system | accuracy | macro-F1 | ${INTENTS.map(short).join(' | ')} | en acc | de acc | µs/post |`);
console.log(`|---|---|---|${INTENTS.map(() => '---|').join('')}---|---|---|`);
for (const r of rows) {
  console.log(
    `| ${r.system} | ${f(r.accuracy)} | ${f(r.macroF1)} | ${INTENTS.map((c) => f(r.perClass[c].f1)).join(' | ')} | ${f(r.perLanguage['en'] ?? 0)} | ${f(r.perLanguage['de'] ?? 0)} | ${r.microsPerPost.toFixed(1)} |`,
  );
}
const best = rows[0];
if (best) {
  console.log(`\nPer class, ${best.system}\n`);
  console.log('| intent | precision | recall | F1 | support |\n|---|---|---|---|---|');
  for (const c of INTENTS) {
    const s = best.perClass[c];
    console.log(`| ${c} | ${f(s.precision)} | ${f(s.recall)} | ${f(s.f1)} | ${s.support} |`);
  }
}

// Cost per short post of intent + urgency together, single thread, after warm-up.
const texts = loadIntentSamples().map((s) => s.text);
const rounds = 40;
for (const t of texts) {
  classifyIntent(t, 'en');
  detectUrgency(t, 'en');
}
// CPU time as well as wall time: on a shared machine wall time also counts other processes' turns.
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let sink = 0;
const t0 = performance.now();
const c0 = cpu();
for (let r = 0; r < rounds; r++) for (const t of texts) sink += classifyIntent(t, 'en').scores.other;
const t1 = performance.now();
const c1 = cpu();
for (let r = 0; r < rounds; r++) for (const t of texts) sink += detectUrgency(t, 'en').cues.length;
const t2 = performance.now();
const c2 = cpu();
const n = rounds * texts.length;
const us = (ms: number): string => ((ms * 1000) / n).toFixed(2);
const meanChars = Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length);
console.log(`\nSpeed, one thread, ${n} calls over the validation posts (mean ${meanChars} chars)${sink < 0 ? '' : ''}\n`);
console.log('| analyzer | wall µs/post | CPU µs/post |\n|---|---|---|');
console.log(`| intent | ${us(t1 - t0)} | ${us(c1 - c0)} |`);
console.log(`| urgency | ${us(t2 - t1)} | ${us(c2 - c1)} |`);
console.log(`| intent + urgency | ${us(t2 - t0)} | ${us(c2 - c0)} |`);
