// Micro-benchmark of the entity, topic and spam analyzers on realistic short posts: per-post µs for each and together.
// Run: node bin/run-ts.js scripts/bench-entities.ts [--posts N] [--json]
import { compileEntityMatcher } from '../src/analysis/entities/index.ts';
import { NearDuplicateIndex, scoreSpam } from '../src/analysis/spam/index.ts';
import { compileTopicMatcher } from '../src/analysis/topics/index.ts';
import type { WorkspaceAnalysisConfig } from '../src/analysis/types.ts';

const args = process.argv.slice(2);
const postsArg = args.indexOf('--posts');
const total = postsArg >= 0 ? Math.max(1000, Number(args[postsArg + 1]) || 0) : 200_000;
const asJson = args.includes('--json');

const config: WorkspaceAnalysisConfig = {
  brands: [{ name: 'Telekom', aliases: ['Deutsche Telekom', 'DT', 'T-Mobile'] }, { name: 'Townhall Bank' }],
  products: [{ name: 'MagentaTV' }, { name: 'Magenta Eins' }, { name: 'FritzBox' }, { name: 'Speedport' }, { name: 'StreamOn' }],
  competitors: [{ name: 'Vodafone' }, { name: 'O2', aliases: ['Telefónica'] }, { name: '1&1' }, { name: 'Congstar' }, { name: 'Verizon' }, { name: 'AT&T' }],
  topics: [
    { name: 'delivery', keywords: ['delivery', 'shipping', 'Lieferung', 'Versand', 'Paket', 'livraison'] },
    { name: 'outage', keywords: ['outage', 'down', 'no signal', 'Störung', 'Ausfall', 'kein Netz'] },
    { name: 'billing', keywords: ['invoice', 'bill', 'double charged', 'refund', 'Rechnung', 'Abbuchung', 'Gutschrift'] },
    { name: 'cancellation', keywords: ['cancel', 'contract', 'Kündigung', 'Vertrag'] },
    { name: 'support', keywords: ['customer service', 'hotline', 'support', 'Kundenservice', 'Warteschleife'] },
    { name: 'speed', keywords: ['slow', 'speed', 'bandwidth', 'langsam', 'Geschwindigkeit'] },
    { name: 'price', keywords: ['price', 'expensive', 'Preis', 'teuer', 'Preiserhöhung'] },
  ],
};

const posts: Array<{ text: string; lang: string }> = [
  { text: '@telekom_hilft my internet has been down since yesterday, no signal at all #TelekomFail', lang: 'en' },
  { text: 'Seit drei Tagen Störung und die Hotline hängt nur in der Warteschleife. Danke Telekom 🙄', lang: 'de' },
  { text: 'Switching to Vodaphone next month, the price increase is ridiculous', lang: 'en' },
  { text: 'Wann kommt endlich meine Lieferung? Bestellnummer 4411223344', lang: 'de' },
  { text: 'Love the new MagentaTV app, streaming in 4K works great!', lang: 'en' },
  { text: 'I was double charged on my last bill, please refund. Call me on +49 171 1234567', lang: 'en' },
  { text: 'Die Kündigung wurde bestätigt, aber die Rechnung kam trotzdem 😡 #kundenservice', lang: 'de' },
  { text: 'lol same', lang: 'en' },
  { text: '🚀🚀 FREE BTC GIVEAWAY! Double your crypto now 💰 https://bit.ly/xyz #crypto #btc #giveaway', lang: 'en' },
  { text: 'Is the Speedport compatible with fibre? Asking before I sign the contract', lang: 'en' },
  { text: 'Mega langsam heute abend, Geschwindigkeit unter 5 Mbit. @DeutscheTelekom was ist los?', lang: 'de' },
  { text: 'Shipping took two weeks, the delivery guy left the package in the rain', lang: 'en' },
  { text: 'Ma livraison est en retard depuis une semaine', lang: 'fr' },
  { text: 'Great support from DT today, problem solved in 5 minutes 👍 https://example.com/thanks', lang: 'en' },
  { text: 'Überweisung an DE89 3704 0044 0532 0130 00 ist raus, bitte Lieferverzögerung prüfen', lang: 'de' },
  { text: 'Congstar oder O2? Was ist günstiger für Studenten?', lang: 'de' },
];

const entityMatcher = compileEntityMatcher(config);
const topicMatcher = compileTopicMatcher(config.topics);
const dupIndex = new NearDuplicateIndex({ maxItems: 20_000 });
const freshIndex = new NearDuplicateIndex({ maxItems: 20_000 });
const vocabulary = 'router signal slow bill refund contract hotline app crash update fibre price outage support delivery package store phone plan roaming tariff speed modem cable install technician waiting week month again never always'.split(' ');
// Posts drawn from a 35-word vocabulary: many share shingles without being copies, so LSH yields many candidates to verify.
const distinct = Array.from({ length: 4096 }, (_, i) => Array.from({ length: 14 }, (_, j) => vocabulary[(i * 31 + j * 17 + ((i * j) % 13)) % vocabulary.length]).join(' ') + ` ${i}`);

// Vary each post a little so caches see new strings, as a live stream would.
const stream = Array.from({ length: 4096 }, (_, i) => {
  const p = posts[i % posts.length] ?? { text: '', lang: 'en' };
  return { text: i % 3 === 0 ? `${p.text} ${i}` : p.text, lang: p.lang };
});

function time(label: string, fn: (text: string, lang: string, i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) {
    const p = stream[i % stream.length];
    if (p !== undefined && fn(p.text, p.lang, i) !== undefined) sink++;
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    const p = stream[i % stream.length];
    if (p !== undefined && fn(p.text, p.lang, i) !== undefined) sink++;
  }
  const us = Number(process.hrtime.bigint() - start) / 1000 / total;
  if (sink < 0) console.log(label);
  return us;
}

const results = {
  posts: total,
  avgChars: Math.round(stream.reduce((n, p) => n + p.text.length, 0) / stream.length),
  entitiesUs: time('entities', (t) => entityMatcher.extractEntities(t)),
  topicsUs: time('topics', (t, l) => topicMatcher.matchTopics(t, l)),
  spamUs: time('spam', (t) => scoreSpam(t)),
  entitiesTopicsSpamUs: time('all', (t, l) => {
    const entities = entityMatcher.extractEntities(t);
    return [entities, topicMatcher.matchTopics(t, l), scoreSpam(t, entities)];
  }),
  nearDuplicateAddDistinctUs: time('dup-distinct', (_t, _l, i) => freshIndex.add(String(i), distinct[i % distinct.length] ?? '', i * 10, `author${i % 500}`)),
  nearDuplicateAddCopiesUs: time('dup-copies', (t, _l, i) => dupIndex.add(String(i), t, i * 10, `author${i % 500}`)),
};

if (asJson) console.log(JSON.stringify(results));
else {
  console.log(`entities/topics/spam micro-benchmark: ${results.posts} posts per measurement, ${results.avgChars} chars on average`);
  const rows: Array<[string, number]> = [
    ['entities', results.entitiesUs],
    ['topics', results.topicsUs],
    ['spam', results.spamUs],
    ['entities + topics + spam', results.entitiesTopicsSpamUs],
    ['near-dup add (35-word vocab)', results.nearDuplicateAddDistinctUs],
    ['near-dup add (all copies)', results.nearDuplicateAddCopiesUs],
  ];
  for (const [name, us] of rows) console.log(`${name.padEnd(28)} ${us.toFixed(2).padStart(7)} µs/post  ${Math.round(1e6 / us).toLocaleString('en').padStart(9)} posts/s`);
}
