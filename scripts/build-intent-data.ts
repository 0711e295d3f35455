/**
 * Builds data/intent/train.jsonl and data/intent/validation.jsonl from hand-written seeds
 * (data/intent/seeds.txt) and template + slot generation with noise injection.
 *
 * Leakage control: validation rows come only from templates, slot values and seeds that training never sees
 * (every 3rd template, every 4th slot value, every 4th seed per group). Deterministic (fixed PRNG seed).
 * Run: node bin/run-ts.js scripts/build-intent-data.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { INTENTS, type Intent } from '../src/analysis/types.ts';
import { COMMON, INDUSTRIES, type LangSlots } from './intent-data-slots.ts';

type Split = 'train' | 'validation';
type Lang = 'en' | 'de';
interface Row { text: string; lang: string; intent: Intent; industry: string }

const OUT = resolve('data/intent');
const TRAIN_PER_CELL = 100; // target rows per (intent, lang) in train, en/de
const VAL_PER_CELL = 34; // target rows per (intent, lang) in validation, en/de

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261123);
const pick = <T>(xs: readonly T[]): T => {
  const x = xs[Math.floor(rand() * xs.length)];
  if (x === undefined) throw new Error('pick from empty list');
  return x;
};
const chance = (p: number): boolean => rand() < p;
/** Keeps the values of a slot list that belong to a split: every 4th value is validation-only. */
const part = <T>(xs: readonly T[], split: Split): T[] => xs.filter((_, i) => (i % 4 === 3) === (split === 'validation'));

// ---------------------------------------------------------------- templates
// Placeholders: {b} brand handle, {c} competitor, {thing} {problem} {item} {feature} {howto} {good} (industry slots),
// {n} small number, {money}, {city}, {country}, {day}, {friend}, {topic}, {url} (other), {spamurl}, {coin}, {prize}, {handle}, {phone}.
const T: Record<Intent, Record<Lang, string[]>> = {
  complaint: {
    en: [
      '{b} {thing} has been down since this morning and nobody tells us anything',
      'why is {thing} STILL not working {b}??',
      '{problem}. {b} this is unacceptable',
      '{b} {problem} and your support just sends copy paste answers',
      'great, {problem}. thanks a lot {b} 🙄',
      'been waiting {n} days for a reply. {problem}. {b}',
      '{b} so {problem}... again. how hard can it be',
      '{b} you had ONE job. {problem}',
      'worst customer service ever. {problem} and {n} calls later still nothing {b}',
      'hey {b}, {problem}. who do I talk to to get this fixed?',
      '{thing} is a disaster lately {b}. sort it out',
      '{b} I pay {money} a month for this?? {problem}',
      'absolutely fuming. {problem}. {b}',
      'seriously {b}? {problem}. not impressed',
      'day {n} of {thing} not working. {b} any update or are you just ignoring us',
      'so disappointed with {b} right now, {problem}',
      '{problem} 😡😡 {b}',
      'what is going on at {b}?? {problem}',
      'love how {problem} and {b} just doesn\'t care 👏',
      '{b} {thing} broke AGAIN. third time this month',
    ],
    de: [
      '{b} {thing} geht seit heute früh nicht und keiner sagt was',
      'Warum funktioniert {thing} IMMER NOCH nicht {b}??',
      '{problem}. {b} das ist inakzeptabel',
      '{b} {problem} und der Support schickt nur Textbausteine',
      'Toll, {problem}. Vielen Dank auch {b} 🙄',
      'Warte seit {n} Tagen auf eine Antwort. {problem}. {b}',
      '{b} schon wieder: {problem}. Wie schwer kann das sein',
      'Schlechtester Kundenservice ever. {problem} und nach {n} Anrufen immer noch nix {b}',
      'Hallo {b}, {problem}. Wer kümmert sich endlich darum?',
      '{thing} ist in letzter Zeit eine Katastrophe {b}. Kriegt das mal hin',
      '{b} ich zahl {money} im Monat für sowas?? {problem}',
      'Bin echt sauer. {problem}. {b}',
      'Ernsthaft {b}? {problem}. Unfassbar',
      'Tag {n}: {thing} geht immer noch nicht. {b} gibt es ein Update oder ignoriert ihr uns',
      'Bin so enttäuscht von {b}, {problem}',
      '{problem} 😡😡 {b}',
      'Was ist bei euch eigentlich los {b}? {problem}',
      'Super gemacht {b} 👏 {problem}',
      '{b} {thing} ist SCHON WIEDER kaputt. Drittes Mal diesen Monat',
      'Frechheit {b}. {problem} und keiner meldet sich',
    ],
  },
  question: {
    en: [
      '{b} how do I {howto}?',
      'quick question {b}: can I {howto} online?',
      'hi {b}, is it possible to {howto} in the app?',
      'does anyone know how to {howto} with {b}?',
      '{b} where do I go to {howto}?',
      'what\'s the easiest way to {howto}? {b}',
      '{b} is your service available in {city}?',
      '{b} what are your customer service hours on weekends?',
      'hey {b} how long does it usually take to {howto}?',
      '{b} is there a fee to {howto}?',
      'can someone from {b} explain how to {howto}? thanks',
      '{b} do I need an account to {howto}?',
      '{b} new customer here, how do I {howto}',
      'can I {howto} by phone or only online? {b}',
      '{b} what documents do I need to {howto}?',
      'does {b} have a phone number or only chat?',
      '{b} do you operate in {country}?',
      'hi {b} just wondering if I can {howto} from abroad',
    ],
    de: [
      '{b} wie kann ich {howto}?',
      'Kurze Frage {b}: kann ich das auch online machen, also {howto}?',
      'Hallo {b}, kann ich in der App {howto}?',
      'Weiß jemand, wie ich bei {b} {howto} kann?',
      '{b} wo kann ich {howto}?',
      'Wie geht das am einfachsten: {howto}? {b}',
      '{b} gibt es euch auch in {city}?',
      '{b} wann ist euer Kundenservice am Wochenende erreichbar?',
      'Hey {b}, wie lange dauert es normalerweise, wenn ich {howto} will?',
      '{b} kostet es was, wenn ich {howto} will?',
      'Kann mir jemand von {b} erklären, wie ich {howto} kann? Danke',
      '{b} brauche ich dafür ein Konto? Ich will {howto}',
      '{b} bin Neukunde, wie kann ich {howto}',
      'Kann ich auch telefonisch {howto} oder nur online? {b}',
      '{b} welche Unterlagen brauche ich, wenn ich {howto} will?',
      'Hat {b} eine Telefonnummer oder nur Chat?',
      '{b} seid ihr auch in {country} aktiv?',
      'Hallo {b}, kann ich auch aus dem Ausland {howto}?',
    ],
  },
  purchase_intent: {
    en: [
      '{b} how much is {item}?',
      'where can I buy {item}? {b}',
      'thinking about getting {item}, is there a discount for new customers {b}?',
      '{b} I want to order {item}, what\'s the fastest way?',
      'is {item} available in {city}? want to buy it this week',
      '{b} what\'s the monthly price of {item}?',
      'ready to buy {item}, just need to know if there\'s a deal on 👀',
      '{b} can I get {item} with a student discount?',
      'ok I\'m convinced, how do I sign up for {item} {b}',
      '{b} is {item} worth it? about to pull the trigger',
      'planning to buy {item} for my dad, any bundle offers {b}?',
      '{b} comparing you with {c}, what\'s your best price for {item}?',
      'shut up and take my money {b} 💸 {item} when??',
      '{b} do you offer instalments for {item}?',
      'need {item} asap, can I order today? {b}',
      '{b} I\'d like a quote for {item}',
      'my wife wants {item} for her birthday, how much would that be {b}?',
      'interested in {item}. can someone from sales contact me {b}',
    ],
    de: [
      '{b} was kostet {item}?',
      'Wo kann ich {item} bekommen? {b}',
      'Überlege, {item} zu holen. Gibt es einen Neukundenrabatt {b}?',
      '{b} ich will {item} bestellen, wie geht das am schnellsten?',
      'Gibt es {item} auch in {city}? Will diese Woche zuschlagen',
      '{b} wie viel kostet {item} im Monat?',
      'Bin bereit, {item} zu kaufen, gibt es gerade ein Angebot? 👀',
      '{b} bekomme ich {item} mit Studentenrabatt?',
      'Okay, überzeugt. Wie komme ich an {item} {b}',
      '{b} lohnt sich {item}? Will eigentlich kaufen',
      'Will {item} für meinen Vater kaufen, gibt es Bundle-Angebote {b}?',
      '{b} vergleiche gerade mit {c}, was ist euer bester Preis für {item}?',
      'Nehmt mein Geld {b} 💸 wann gibt es {item}??',
      '{b} kann man {item} auch in Raten zahlen?',
      'Brauche {item} dringend, kann ich heute noch bestellen? {b}',
      '{b} ich hätte gern ein Angebot für {item}',
      'Meine Frau wünscht sich {item} zum Geburtstag, was würde das kosten {b}?',
      'Interesse an {item}. Kann sich euer Vertrieb bei mir melden {b}',
    ],
  },
  praise: {
    en: [
      'shoutout to {b}, {good} is amazing 🙌',
      'honestly {good} at {b} is top notch',
      '{b} thank you so much, {good} made my day ❤️',
      'wow {b}, {good} was fantastic today. keep it up',
      'can\'t believe how good {good} is {b} 😍',
      '{b} {good} 10/10, would recommend',
      'big thanks to {b}! {good} was quick and friendly',
      'been a customer for {n} years and {b} still delivers. love {good}',
      '{b} you guys rock 🤘 {good} is the best',
      'credit where it\'s due: {good} at {b} is excellent',
      'switched from {c} to {b} last year, best decision. {good} is great',
      'impressed with {good}, well done {b} 👏',
      '{b} just wanted to say thanks, {good} sorted everything in minutes',
      '{good} at {b} never disappoints 💯',
      'so happy with {b} lately, {good} keeps getting better',
      '{b} 👏👏👏 {good} is perfect',
      'didn\'t expect much but {good} at {b} blew me away',
      'thank you {b}!! {good} is why I stay',
    ],
    de: [
      'Großes Lob an {b}, {good} ist top 🙌',
      'Ehrlich, {good} bei {b} ist erstklassig',
      '{b} vielen Dank, {good} hat mir den Tag gerettet ❤️',
      'Wow {b}, {good} war heute super. Weiter so',
      'Kann kaum glauben, wie gut {good} ist {b} 😍',
      '{b} {good} 10/10, klare Empfehlung',
      'Danke an {b}! {good} war schnell und freundlich',
      'Seit {n} Jahren Kunde und {b} liefert immer noch ab. {good} ist klasse',
      '{b} ihr seid die Besten 🤘 {good} ist einfach spitze',
      'Muss auch mal gesagt werden: {good} bei {b} ist hervorragend',
      'Letztes Jahr von {c} zu {b} gewechselt, beste Entscheidung. {good} ist super',
      'Beeindruckt, {good} ist richtig gut. Gut gemacht {b} 👏',
      '{b} wollte nur Danke sagen, {good} hat mich echt überzeugt',
      '{good} bei {b} enttäuscht nie 💯',
      'Bin echt zufrieden mit {b}, {good} wird immer besser',
      '{b} 👏👏👏 {good} ist perfekt',
      'Hatte wenig erwartet, aber {good} bei {b} hat mich umgehauen',
      'Danke {b}!! {good} ist der Grund, warum ich bleibe',
    ],
  },
  feature_request: {
    en: [
      '{b} please add {feature}',
      'would love to see {feature} from {b}',
      '{b} any plans for {feature}? would use it daily',
      'dear {b}, {feature} would be a game changer',
      '{b} when are you finally adding {feature}?',
      'feature request: {feature}. pretty please {b} 🙏',
      'it would be great if {b} offered {feature}',
      '{b} can you guys build {feature}? {c} has it already',
      'really missing {feature} at {b}',
      '{b} suggestion: {feature}. thank me later',
      'wish {b} had {feature} tbh',
      '+1 for {feature} {b}, we all want it',
      '{b} idea for the roadmap: {feature}',
      '{b} pls pls pls add {feature}',
      'is {feature} on the roadmap {b}? need it badly',
      '{b} hear me out: {feature}',
      'only thing I\'m missing at {b} is {feature}',
      '{b} consider adding {feature}, lots of us would pay for it',
    ],
    de: [
      '{b} bitte {feature} einbauen',
      'Würde mich riesig über {feature} bei {b} freuen',
      '{b} ist {feature} geplant? Würde ich täglich nutzen',
      'Liebes {b}-Team, {feature} wäre ein Gamechanger',
      '{b} wann kommt endlich {feature}?',
      'Feature-Wunsch: {feature}. Bitte bitte {b} 🙏',
      'Wäre toll, wenn {b} {feature} anbieten würde',
      '{b} könnt ihr {feature} bauen? {c} hat das schon',
      'Mir fehlt {feature} bei {b} echt sehr',
      '{b} Vorschlag: {feature}. Danke im Voraus',
      'Wünschte, {b} hätte {feature}',
      '+1 für {feature} {b}, wollen wir alle',
      '{b} Idee für die Roadmap: {feature}',
      '{b} bitte bitte {feature} hinzufügen',
      'Steht {feature} auf der Roadmap {b}? Brauch ich dringend',
      '{b} hört mal zu: {feature} wäre genial',
      'Das Einzige, was mir bei {b} fehlt: {feature}',
      '{b} denkt mal über {feature} nach, würden viele sogar bezahlen',
    ],
  },
  churn_threat: {
    en: [
      '{b} cancel my contract, I\'m switching to {c}',
      'that\'s it, I\'m done with {b}. moving to {c} next month',
      '{b} how do I cancel my subscription? had enough',
      '{problem}. I\'m leaving {b} for {c}',
      'one more issue and I\'m gone {b}',
      'seriously thinking about switching to {c}. {b} you\'re losing a {n} year customer',
      '{b} please close my account. not coming back',
      'bye {b} 👋 {c} has better prices and actually answers',
      'just signed up with {c}. {b} consider this my notice',
      'if {thing} isn\'t fixed by monday I\'m cancelling {b}',
      '{b} I want out of my contract. what\'s the fastest way to terminate?',
      'time to find a new provider, {b} has lost me',
      '{b} never again. cancelling everything today',
      '{c} offered me a better deal, give me one reason to stay {b}',
      'done. cancelled. {b} you won\'t see my money again',
      '{b} after {n} years I\'m switching. sad but you left me no choice',
      '{problem}. {b} I\'m cancelling the moment my contract allows it',
      'unsubscribing from {b} today, {c} here I come',
    ],
    de: [
      '{b} kündigt meinen Vertrag, ich wechsle zu {c}',
      'Das war\'s, ich bin raus bei {b}. Nächsten Monat geht es zu {c}',
      '{b} wie kann ich mein Abo kündigen? Mir reicht\'s',
      '{problem}. Ich wechsle von {b} zu {c}',
      'Noch ein Problem und ich bin weg {b}',
      'Überlege ernsthaft, zu {c} zu wechseln. {b} ihr verliert einen Kunden nach {n} Jahren',
      '{b} bitte löscht mein Kundenkonto. Ich komme nicht wieder',
      'Tschüss {b} 👋 {c} ist günstiger und antwortet wenigstens',
      'Hab gerade bei {c} unterschrieben. {b} betrachtet das als meine Kündigung',
      'Wenn {thing} bis Montag nicht geht, kündige ich {b}',
      '{b} ich will aus meinem Vertrag raus. Wie kündige ich am schnellsten?',
      'Zeit für einen neuen Anbieter, {b} hat mich verloren',
      '{b} nie wieder. Ich kündige heute alles',
      '{c} hat mir ein besseres Angebot gemacht, nennt mir einen Grund zu bleiben {b}',
      'Erledigt. Gekündigt. {b} von mir seht ihr kein Geld mehr',
      '{b} nach {n} Jahren wechsle ich. Schade, aber ihr lasst mir keine Wahl',
      '{problem}. {b} ich kündige, sobald es der Vertrag erlaubt',
      'Abo bei {b} heute beendet, hallo {c}',
    ],
  },
  spam: {
    en: [
      '🚀 {coin} to the moon, 100x guaranteed, buy now {spamurl}',
      'DM for promo 📩 {b}',
      'GIVEAWAY 🎁 win {prize}! follow, like & RT, link: {spamurl}',
      '{b} we can boost your followers to 10k in 48h, check bio 💯',
      'earn {money} a day from your phone, no experience needed 👉 {spamurl}',
      'free {prize} for the first 50 people who click {spamurl} 🎉',
      'looking for brand ambassadors!! DM us on IG {handle} 💎',
      '{b} official support number: call {phone} for instant refunds',
      'join our VIP crypto signals group, {n}00% profit last month 📈 {spamurl}',
      'cheap designer bags 80% off today only >>> {spamurl}',
      'follow me and I\'ll follow back 🔁 #f4f #followback',
      'hacked account? lost funds? our recovery team can help, whatsapp {phone}',
      '{b} collab? promote your brand to 500k followers, DM for rates',
      '💸💸 CASH APP FLIP 💸💸 send $50 get $500 back, DM {handle}',
      'new airdrop live 🪂 claim your free {coin} tokens at {spamurl}',
      'make money online with this one trick, banks hate it {spamurl}',
      'sugar daddy looking for someone to spoil 💰 text me {phone}',
      '{b} your account will be suspended, verify here {spamurl}',
    ],
    de: [
      '🚀 {coin} geht durch die Decke, 100x garantiert, jetzt kaufen {spamurl}',
      'Für Promo DM 📩 {b}',
      'GEWINNSPIEL 🎁 gewinne {prize}! Folgen, liken & teilen, Link: {spamurl}',
      '{b} wir bringen euch in 48h auf 10k Follower, siehe Bio 💯',
      'Verdiene {money} am Tag mit dem Handy, keine Erfahrung nötig 👉 {spamurl}',
      'Gratis {prize} für die ersten 50, die hier klicken: {spamurl} 🎉',
      'Markenbotschafter gesucht!! Schreib uns auf IG {handle} 💎',
      '{b} offizielle Support-Nummer: ruf {phone} an für sofortige Erstattung',
      'Tritt unserer VIP-Krypto-Signalgruppe bei, {n}00% Gewinn letzten Monat 📈 {spamurl}',
      'Designertaschen 80% günstiger nur heute >>> {spamurl}',
      'Folgst du mir, folg ich dir 🔁 #f4f #followback',
      'Konto gehackt? Geld verloren? Unser Recovery-Team hilft, WhatsApp {phone}',
      '{b} Kooperation? Wir bewerben eure Marke bei 500k Followern, Preise per DM',
      '💸💸 GELD VERDOPPELN 💸💸 schick 50€ und bekomm 500€ zurück, DM {handle}',
      'Neuer Airdrop live 🪂 hol dir gratis {coin} Token auf {spamurl}',
      'Mit diesem einen Trick online Geld verdienen, Banken hassen ihn {spamurl}',
      'Einsamer Millionär sucht Gesellschaft 💰 schreib mir {phone}',
      '{b} Ihr Konto wird gesperrt, jetzt hier bestätigen {spamurl}',
    ],
  },
  other: {
    en: [
      'anyone watching the game tonight?',
      '{b} sponsored the concert last night, nice stage',
      'rainy {day} in {city} again ☔',
      'just saw a {b} ad on the tram, the one with the dog lol',
      'the {b} billboard downtown has new lights',
      'my cat just knocked my coffee over, great start to the {day}',
      'who else is working from a café today?',
      'can\'t believe it\'s already december',
      '{b} trending again, wonder why',
      'lunch break 🥪 then back to spreadsheets',
      'that {b} jingle is so catchy though 🎶',
      'my grandma just discovered emojis 😂',
      'weekend plans: nothing. absolutely nothing',
      '{friend} see you at 7 then 👍',
      'interesting thread on {topic}, worth a read {url}',
      'is it just me or is {day} the longest day of the week',
      'podcast recommendation about {topic}? go',
      'traffic in {city} is something else today',
    ],
    de: [
      'Schaut heute noch jemand das Spiel?',
      '{b} hat gestern das Konzert gesponsert, schöne Bühne',
      'Schon wieder ein verregneter {day} in {city} ☔',
      'Grade Werbung von {b} in der Bahn gesehen, die mit dem Hund 😂',
      'Das {b}-Plakat in der Innenstadt leuchtet jetzt',
      'Katze hat meinen Kaffee umgeworfen, toller Start in den {day}',
      'Wer arbeitet heute auch aus dem Café?',
      'Kaum zu glauben, dass schon Dezember ist',
      '{b} trendet schon wieder, keine Ahnung warum',
      'Mittagspause 🥪 danach wieder Excel',
      'Der Jingle von {b} ist schon ein Ohrwurm 🎶',
      'Oma hat Emojis entdeckt 😂',
      'Pläne fürs Wochenende: nichts. Absolut nichts',
      '{friend} dann bis um 7 👍',
      'Interessanter Thread zu {topic}, lohnt sich {url}',
      'Ist es nur mir so oder ist {day} der längste Tag der Woche',
      'Podcast-Tipps zu {topic}? Her damit',
      'Verkehr in {city} heute wieder der Wahnsinn',
    ],
  },
};

// ---------------------------------------------------------------- noise
const EMOJI: Record<Intent, string[]> = {
  complaint: ['😡', '🤬', '🙄', '😤', '👎', '😒', '🤦', '😠'],
  question: ['🤔', '🙏', '😅', '❓', '👀'],
  purchase_intent: ['👀', '🤩', '💸', '🛒', '😍', '🙏'],
  praise: ['😍', '🙌', '❤️', '👏', '💯', '🥰', '👍', '✨'],
  feature_request: ['🙏', '🥺', '💡', '✨', '😅'],
  churn_threat: ['👋', '😤', '🙄', '💔', '👎', '✌️'],
  spam: ['🔥', '💰', '🚀', '💯', '✅', '🎁'],
  other: ['😂', '☕', '😅', '🤷', '🙃', '☀️'],
};
const NEUTRAL_EMOJI = ['😅', '🙃', '😂', '🤷', '👀', '😬'];
const HASHTAGS: Record<Intent, string[]> = {
  complaint: ['#fail', '#customerservice', '#worstservice', '#annoyed', '#epicfail', '#kundenservice'],
  question: ['#help', '#question', '#frage', '#newcustomer'],
  purchase_intent: ['#shopping', '#newphone', '#treatyourself', '#deal'],
  praise: ['#happycustomer', '#thankyou', '#love', '#danke', '#topservice'],
  feature_request: ['#featurerequest', '#ux', '#idea', '#wishlist'],
  churn_threat: ['#byebye', '#switching', '#done', '#gekündigt'],
  spam: ['#crypto', '#giveaway', '#bitcoin', '#money', '#followback', '#win'],
  other: ['#mood', '#mondays', '#life', '#random', '#weekend'],
};
const GENERIC_TAGS = ['#mondays', '#life', '#tech', '#2026', '#berlin', '#london'];
const EN_SLANG: [RegExp, string][] = [[/\byou\b/g, 'u'], [/\bplease\b/g, 'pls'], [/\bare\b/g, 'r'], [/\bthanks\b/g, 'thx'], [/\bbecause\b/g, 'cuz'], [/\bgoing to\b/g, 'gonna']];
const DE_SLANG: [RegExp, string][] = [[/\bnichts\b/g, 'nix'], [/\bhabe\b/g, 'hab'], [/\bist\b/g, 'is'], [/\bnicht\b/g, 'nich'], [/\bgibt es\b/g, "gibt's"], [/\beinen\b/g, "'nen"]];
const DE_MIX = ['sorry', 'wtf', 'omg', 'like', 'anyway', 'btw', 'lol', 'ngl'];

function typo(word: string): string {
  if (word.length < 4 || /[@#:/]/.test(word)) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2));
  const op = rand();
  if (op < 0.4) return word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2);
  if (op < 0.7) return word.slice(0, i) + word.slice(i + 1);
  return word.slice(0, i) + (word[i] ?? '') + word.slice(i);
}

function noisy(text: string, lang: string, intent: Intent): string {
  let t = text;
  const slang = lang === 'de' ? DE_SLANG : lang === 'en' ? EN_SLANG : [];
  if (chance(0.3)) for (const [re, to] of slang) if (chance(0.6)) t = t.replace(re, to);
  if (chance(0.3)) {
    const words = t.split(' ');
    const k = 1 + Math.floor(rand() * 2);
    for (let j = 0; j < k; j++) {
      const w = Math.floor(rand() * words.length);
      words[w] = typo(words[w] ?? '');
    }
    t = words.join(' ');
  }
  if (chance(0.12)) t = t.replace(/\b(so|soo|sehr|really|echt|super|no|nie)\b/, (m) => m + m.slice(-1).repeat(2 + Math.floor(rand() * 3)));
  if (lang === 'de' && chance(0.15)) t = t.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
  if (lang === 'de' && chance(0.1)) t = `${pick(DE_MIX)} ${t}`;
  const angry = intent === 'complaint' || intent === 'churn_threat';
  const caseRoll = rand();
  if (caseRoll < (angry ? 0.1 : 0.03)) t = t.toUpperCase();
  else if (caseRoll < 0.25) t = t.toLowerCase();
  else if (caseRoll < 0.4) t = t.charAt(0).toUpperCase() + t.slice(1);
  if (chance(0.15)) t = t.replace(/[.!?]+$/, '');
  if ((angry || intent === 'praise') && chance(0.15)) t = t.replace(/[.!]?$/, '!!!');
  if (chance(0.3)) t = `${t} ${chance(0.8) ? pick(EMOJI[intent]) : pick(NEUTRAL_EMOJI)}${chance(0.3) ? pick(EMOJI[intent]) : ''}`;
  if (chance(0.15)) t = `${t} ${chance(0.8) ? pick(HASHTAGS[intent]) : pick(GENERIC_TAGS)}`;
  if (intent !== 'spam' && chance(0.04)) t = `${t} https://pic.example.com/${Math.floor(rand() * 1e6).toString(36)}`;
  if (!t.includes('@') && chance(0.2)) t = `${pick(COMMON.friend)} ${t}`;
  return t.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------- generation
function fill(template: string, lang: Lang, split: Split, industry: string): string {
  const ind = INDUSTRIES[industry];
  if (!ind) throw new Error(`unknown industry ${industry}`);
  const slots: LangSlots = ind[lang];
  const brands = part(lang === 'en' ? ind.brandsEn : ind.brandsDe, split);
  const de = lang === 'de';
  const brandUsed = pick(brands);
  const values: Record<string, () => string> = {
    b: () => brandUsed,
    c: () => competitor(ind.competitors, split, brandUsed),
    thing: () => pick(part(slots.thing, split)),
    problem: () => pick(part(slots.problem, split)),
    item: () => pick(part(slots.item, split)),
    feature: () => pick(part(slots.feature, split)),
    howto: () => pick(part(slots.howto, split)),
    good: () => pick(part(slots.good, split)),
    n: () => String(2 + Math.floor(rand() * 8)),
    money: () => pick(part(de ? COMMON.moneyDe : COMMON.money, split)),
    city: () => pick(part(de ? COMMON.cityDe : COMMON.cityEn, split)),
    country: () => pick(part(de ? COMMON.countryDe : COMMON.countryEn, split)),
    day: () => pick(part(de ? COMMON.dayDe : COMMON.dayEn, split)),
    friend: () => pick(part(COMMON.friend, split)),
    topic: () => pick(part(de ? COMMON.topicDe : COMMON.topicEn, split)),
    url: () => pick(part(COMMON.urlOther, split)),
    spamurl: () => pick(part(COMMON.urlSpam, split)),
    coin: () => pick(part(COMMON.coin, split)),
    prize: () => pick(part(de ? COMMON.prizeDe : COMMON.prize, split)),
    handle: () => pick(part(COMMON.spamHandle, split)),
    phone: () => pick(part(COMMON.phone, split)),
  };
  let out = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const f = values[key];
    if (!f) throw new Error(`unknown slot {${key}} in "${template}"`);
    return f();
  });
  // A clause slot at the start of a sentence gets a capital letter half of the time.
  if (/^[a-zäöü]/.test(out) && chance(0.5)) out = out.charAt(0).toUpperCase() + out.slice(1);
  return out;
}

/** A competitor that is not the brand being addressed . */
function competitor(names: readonly string[], split: Split, brand: string): string {
  const b = brand.toLowerCase().replace(/[^a-z]/g, '');
  const ok = part(names, split).filter((c) => !b.includes(c.toLowerCase().replace(/[^a-z]/g, '').slice(0, 5)));
  return pick(ok.length > 0 ? ok : names.filter((c) => !b.includes(c.toLowerCase().replace(/[^a-z]/g, '').slice(0, 5))));
}

interface Seed { lang: string; intent: Intent; industry: string; text: string }
function readSeeds(): Seed[] {
  const seeds: Seed[] = [];
  const raw = readFileSync(resolve(OUT, 'seeds.txt'), 'utf8');
  for (const line of raw.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([a-z]{2})\|([a-z_]+)\|([a-z]+)\|(.+)$/.exec(line);
    const intent = INTENTS.find((i) => i === m?.[2]);
    if (!m || !intent || !m[1] || !m[3] || !m[4]) throw new Error(`bad seed line: ${line}`);
    seeds.push({ lang: m[1], intent, industry: m[3], text: m[4] });
  }
  return seeds;
}

function build(): Record<Split, Row[]> {
  const out: Record<Split, Row[]> = { train: [], validation: [] };
  const seen = new Set<string>();
  const key = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const add = (split: Split, row: Row): boolean => {
    const k = key(row.text);
    if (seen.has(k)) return false;
    seen.add(k);
    out[split].push(row);
    return true;
  };
  // Seeds first: every 4th of each (lang, intent) group is validation; train seeds also get one noisy copy.
  const groups = new Map<string, number>();
  const seeds = readSeeds();
  const seedCount: Record<string, number> = {};
  for (const s of seeds) {
    const g = `${s.lang}|${s.intent}`;
    // en/de: every 4th seed per (lang, intent); the few fr/es/it/nl seeds: every 4th per language.
    const counter = s.lang === 'en' || s.lang === 'de' ? g : s.lang;
    const i = groups.get(counter) ?? 0;
    groups.set(counter, i + 1);
    const split: Split = i % 4 === 3 ? 'validation' : 'train';
    const row = { text: s.text, lang: s.lang, intent: s.intent, industry: s.industry };
    let n = add(split, row) ? 1 : 0;
    if (split === 'train' && add('train', { ...row, text: noisy(s.text, s.lang, s.intent) })) n++;
    seedCount[`${split}|${g}`] = (seedCount[`${split}|${g}`] ?? 0) + n;
  }
  const industries = Object.keys(INDUSTRIES);
  for (const intent of INTENTS) {
    for (const lang of ['en', 'de'] as const) {
      for (const split of ['train', 'validation'] as const) {
        const templates = T[intent][lang].filter((_, i) => (i % 3 === 1) === (split === 'validation'));
        const target = (split === 'train' ? TRAIN_PER_CELL : VAL_PER_CELL) - (seedCount[`${split}|${lang}|${intent}`] ?? 0);
        let made = 0;
        for (let attempt = 0; made < target && attempt < target * 20; attempt++) {
          const template = templates[attempt % templates.length];
          if (template === undefined) break;
          const industry = pick(industries);
          const text = noisy(fill(template, lang, split, industry), lang, intent);
          const generic = (intent === 'spam' || intent === 'other') && !template.includes('{b}');
          if (add(split, { text, lang, intent, industry: generic ? 'general' : industry })) made++;
        }
      }
    }
  }
  // Shuffle deterministically so classes are interleaved.
  for (const rows of Object.values(out)) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const a = rows[i];
      const b = rows[j];
      if (a && b) { rows[i] = b; rows[j] = a; }
    }
  }
  return out;
}

const data = build();
for (const split of ['train', 'validation'] as const) {
  writeFileSync(resolve(OUT, `${split}.jsonl`), data[split].map((r) => JSON.stringify(r)).join('\n') + '\n');
}
// Balance table for the README.
const langs = ['en', 'de', 'other'];
console.log(`| intent | ${langs.map((l) => `train ${l}`).join(' | ')} | ${langs.map((l) => `val ${l}`).join(' | ')} |`);
console.log(`|---|${'---|'.repeat(langs.length * 2)}`);
for (const intent of INTENTS) {
  const count = (split: Split, l: string) => data[split].filter((r) => r.intent === intent && (l === 'other' ? r.lang !== 'en' && r.lang !== 'de' : r.lang === l)).length;
  console.log(`| ${intent} | ${langs.map((l) => count('train', l)).join(' | ')} | ${langs.map((l) => count('validation', l)).join(' | ')} |`);
}
console.log(`train ${data.train.length} rows, validation ${data.validation.length} rows`);
