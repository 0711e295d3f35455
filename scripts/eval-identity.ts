/**
 * `npm run eval:identity`: generates a seeded ground-truth set of people, contacts and identities and
 * prints precision and recall of automatic links and suggestions. Options: --people N, --seed N, --verbose.
 */
import { evaluate } from '../src/identity-resolution/eval/evaluate.ts';
import { generate } from '../src/identity-resolution/eval/generate.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
};
const people = option('people', 5000);
const seeds = args.includes('--seed') ? [option('seed', 1)] : [1, 2, 3];
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

console.log(`identity resolution on generated sets (${people} people per seed)`);
console.log('seed  identities  linkable  auto  auto-precision  auto-recall  suggested  suggestion-precision  recall-with-review  ceiling-auto  ceiling-review');
for (const seed of seeds) {
  const started = performance.now();
  const m = evaluate(generate({ seed, people }));
  const ms = performance.now() - started;
  console.log(
    [seed, m.identities, m.linkable, m.auto.total, pct(m.auto.precision), pct(m.auto.recall), m.suggested.total, pct(m.suggested.precision), pct(m.reviewRecall), pct(m.ceiling.auto), pct(m.ceiling.suggested)].map(String).join('  ') +
      `  (${ms.toFixed(0)} ms)`,
  );
  if (args.includes('--verbose')) for (const wrong of m.wrongAuto.slice(0, 20)) console.log('  wrong auto link', JSON.stringify(wrong));
}
