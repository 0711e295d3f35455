/**
 * `npm run eval`: every accuracy figure of the understanding stage in one run, as Markdown tables side by side —
 * sentiment (ours beside vader-sentiment, sentiment/AFINN and wink-sentiment), language detection on short
 * texts, intent (validation split only). Reads the labelled data from ../shared/data beside the repository
 * (override with TOWNHALL_SHARED_DATA); `--libraries` adds the language-library comparison.
 */
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { evaluateIntent } from '../src/analysis/eval/intent.eval.ts';
import { compareLanguageLibraries, evaluateLanguage, type LanguageEvalRow } from '../src/analysis/eval/language.eval.ts';
import { hasSentimentData } from '../src/analysis/eval/sentiment.data.ts';
import { evaluateSentiment, measureLanguageAndSentimentSpeed, type SentimentEvalRow } from '../src/analysis/eval/sentiment.eval.ts';
import { INTENTS } from '../src/analysis/types.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env['TOWNHALL_SHARED_DATA'] ?? resolve(repoRoot, '../shared/data'));
if (!hasSentimentData(dataDir)) {
  console.error(
    `npm run eval: labelled data not found in ${dataDir} (expected sentiment/tweeteval/val_text.txt there).\n` +
      'Put the shared data folder beside the repository (../shared/data, see its README) or set TOWNHALL_SHARED_DATA to its path.',
  );
  process.exit(2);
}
const withLibraries = process.argv.includes('--libraries');

const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const pct = (x: number | undefined): string => (x === undefined ? 'n/a' : (100 * x).toFixed(1));
const started = performance.now();
process.stderr.write(`eval: data from ${dataDir}\n`);

// Sentiment: one row per held-out set, one column per analyzer.
process.stderr.write('eval: sentiment…\n');
const sentiment: SentimentEvalRow[] = evaluateSentiment(dataDir);
const analyzers = [...new Set(sentiment.map((r) => r.analyzer.replace(/ \(English-only\)$/, '')))];
const datasets = [...new Set(sentiment.map((r) => r.dataset))];
const cell = (dataset: string, analyzer: string): SentimentEvalRow | undefined =>
  sentiment.find((r) => r.dataset === dataset && r.analyzer.replace(/ \(English-only\)$/, '') === analyzer);
const best = (dataset: string, pick: (r: SentimentEvalRow) => number | null): number => Math.max(...sentiment.filter((r) => r.dataset === dataset).map((r) => pick(r) ?? -Infinity));

console.log('## Sentiment (held-out sets; macro-recall / macro-F1, best in bold)\n');
console.log(`| held-out set (n) | measure | ${analyzers.join(' | ')} |`);
console.log(`|---|---|${analyzers.map(() => '---:').join('|')}|`);
for (const dataset of datasets) {
  const first = sentiment.find((r) => r.dataset === dataset);
  const n = first?.samples ?? 0;
  if (first?.pearson !== null && first?.pearson !== undefined) {
    const top = best(dataset, (r) => r.pearson);
    const cells = analyzers.map((a) => {
      const r = cell(dataset, a)?.pearson;
      return r === null || r === undefined ? 'n/a' : f3(r) === f3(top) ? `**${f3(r)}**` : f3(r);
    });
    console.log(`| ${dataset} (${n}) | Pearson r with human ratings | ${cells.join(' | ')} |`);
    continue;
  }
  const english = dataset.startsWith('en ');
  const key = (r: SentimentEvalRow): number | null => (english ? r.macroRecall : r.macroF1);
  const top = best(dataset, key);
  const cells = analyzers.map((a) => {
    const r = cell(dataset, a);
    if (!r) return 'n/a';
    const recall = english && f3(r.macroRecall) === f3(top) ? `**${f3(r.macroRecall)}**` : f3(r.macroRecall);
    const f1 = !english && f3(r.macroF1) === f3(top) ? `**${f3(r.macroF1)}**` : f3(r.macroF1);
    return `${recall} / ${f1}`;
  });
  console.log(`| ${dataset} (${n}) | macro-recall / macro-F1 | ${cells.join(' | ')} |`);
}
console.log('\nThe peers (vader-sentiment, sentiment, wink-sentiment) know only English: their other-language figures are for reference.');
console.log('"townhall (detected language)" feeds our own language detection instead of the set\'s language, as the pipeline does.');

// Language detection on short posts.
process.stderr.write('eval: language…\n');
const language: LanguageEvalRow[] = withLibraries ? await compareLanguageLibraries(dataDir) : evaluateLanguage(dataDir);
const langs = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];
console.log(`\n## Language detection on short posts (${language[0]?.samples ?? 0} posts: UMSAB val tweets per language + hand-written Dutch set)\n`);
console.log(`| detector | accuracy % | ${langs.join(' | ')} | CPU µs/post |`);
console.log(`|---|---:|${langs.map(() => '---:').join('|')}|---:|`);
for (const r of language) console.log(`| ${r.detector} | ${pct(r.accuracy)} | ${langs.map((l) => pct(r.perLanguage[l])).join(' | ')} | ${r.microsPerPost.toFixed(1)} |`);
if (!withLibraries) console.log('\n(`npm run eval -- --libraries` adds eld, franc and tinyld for comparison.)');

// Intent on the project's own labelled set, validation split only.
process.stderr.write('eval: intent…\n');
const intent = await evaluateIntent();
const short = (c: string): string => c.replace('purchase_intent', 'purchase').replace('feature_request', 'feature').replace('churn_threat', 'churn');
console.log(`\n## Intent (data/intent validation split only, ${intent[0]?.samples ?? 0} posts; per-class F1)\n`);
console.log(`| system | accuracy | macro-F1 | ${INTENTS.map(short).join(' | ')} | en acc | de acc |`);
console.log(`|---|---:|---:|${INTENTS.map(() => '---:|').join('')}---:|---:|`);
for (const r of intent) {
  console.log(`| ${r.system} | ${f3(r.accuracy)} | ${f3(r.macroF1)} | ${INTENTS.map((c) => f3(r.perClass[c].f1)).join(' | ')} | ${f3(r.perLanguage['en'])} | ${f3(r.perLanguage['de'])} |`);
}
const main = intent[0];
if (main) {
  console.log(`\nPer class, ${main.system}:\n`);
  console.log('| intent | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|');
  for (const c of INTENTS) {
    const s = main.perClass[c];
    console.log(`| ${c} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.f1)} | ${s.support} |`);
  }
}

// Targets from issue 4, checked against the figures above.
const tweetEval = cell('en TweetEval val', 'townhall');
const semEval = cell('en SemEval 2016 test', 'townhall');
const german = cell('de UMSAB val', 'townhall');
const peerRecall = Math.max(...sentiment.filter((r) => r.dataset.startsWith('en ') && !r.analyzer.startsWith('townhall') && r.macroRecall !== null).map((r) => r.macroRecall ?? 0));
const complaint = main?.perClass.complaint.f1 ?? 0;
const speed = measureLanguageAndSentimentSpeed(dataDir, 3);
console.log('\n## Targets (issue 4)\n');
console.log('| target | measured | met |\n|---|---:|:---:|');
const ok = (b: boolean): string => (b ? 'yes' : 'no');
console.log(`| English macro-recall above every lexicon peer (best peer ${f3(peerRecall)}) | TweetEval ${f3(tweetEval?.macroRecall)}, SemEval 2016 ${f3(semEval?.macroRecall)} | ${ok((tweetEval?.macroRecall ?? 0) > peerRecall && (semEval?.macroRecall ?? 0) > peerRecall)} |`);
console.log(`| English macro-recall above the fastText/SVM baselines (0.629) | TweetEval ${f3(tweetEval?.macroRecall)}, SemEval 2016 ${f3(semEval?.macroRecall)} | ${ok(Math.min(tweetEval?.macroRecall ?? 0, semEval?.macroRecall ?? 0) > 0.629)} |`);
console.log(`| English macro-recall aim 0.68 | TweetEval ${f3(tweetEval?.macroRecall)}, SemEval 2016 ${f3(semEval?.macroRecall)} | ${ok(Math.min(tweetEval?.macroRecall ?? 0, semEval?.macroRecall ?? 0) >= 0.68)} |`);
console.log(`| German macro-F1 ≥ 0.63 | ${f3(german?.macroF1)} | ${ok((german?.macroF1 ?? 0) >= 0.63)} |`);
console.log(`| complaint F1 ≥ 0.75 | ${f3(complaint)} | ${ok(complaint >= 0.75)} |`);
console.log(`\nLanguage + sentiment cost: ${speed.microsPerPost.toFixed(1)} CPU µs/post over ${speed.posts} posts (whole-stack speed: npm run bench).`);
process.stderr.write(`eval: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
