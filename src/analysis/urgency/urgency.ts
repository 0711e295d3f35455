/**
 * Urgency cues: safety (fire, injury, gas), legal threats (lawyer, lawsuit, regulator), outages and
 * account cancellation, in English and German (plus common fr/es/it/nl words). Pure and fast: one
 * precompiled regex per category, run on the lowercased start of the text.
 * Level: high for safety or legal cues, low for outages, cancellation or explicit urgency, none otherwise.
 */
import type { UrgencyResult } from '../types.ts';

/** Cue matching looks at this many UTF-16 units: long emails still get their opening checked, cost stays bounded. */
const MAX_CHARS = 10_000;

type Category = 'safety' | 'legal' | 'outage' | 'cancellation' | 'urgent';

const U = '(?:ü|ue|u)';
const O = '(?:ö|oe|o)';
const A = '(?:ä|ae|a)';
const rx = (s: string): RegExp => new RegExp(s);

const SAFETY = rx(
  String.raw`\b(?:caught fire|on fire\b(?! (?:today|tonight|lately))|fire (?:hazard|broke|alarm|in (?:the|my))|burst into flames|flames|smoke (?:coming|from|everywhere|pouring|alarm)|smoking (?:hot|from)|` +
    String.raw`smell(?:s|ed|ing)? (?:of )?(?:burning|smoke|gas)|burn(?:ed|t|ing) (?:my|his|her|our|the)|explod\w*|exploded|sparks?\b|electric(?:al)? shock|electrocut\w*|gas leak|carbon monoxide|` +
    String.raw`overheat\w*|melt(?:ed|ing)|injur\w*|hurt (?:my|me|him|her|us)|got hurt|bleeding|hospital|ambulance|a&e|emergency room|unsafe|dangerous|safety (?:issue|hazard|risk)|` +
    String.raw`brakes? (?:failed|fail|stopped)|airbag|food poisoning|allergic reaction|choking|emergency|can'?t call (?:911|999|112)|` +
    String.raw`feuer|flammen|rauch|qualm|brandgeruch|kabelbrand|brandgefahr|verletz\w*|verbrannt|verbrennung\w*|krankenhaus|notarzt|notaufnahme|rettungswagen|explodiert|explosion|funken|stromschlag|` +
    String.raw`gasgeruch|gasleck|riecht nach (?:gas|rauch|verbrannt)|kohlenmonoxid|${U}berhitz\w*|geschmolzen|lebensgefahr|gef${A}hrlich|unfall|bremsen? (?:versag\w*|ausgefallen)|` +
    String.raw`lebensmittelvergiftung|allergische reaktion|notfall|notruf|` +
    String.raw`incendie|fum${'(?:é|e)'}e|bless${'(?:é|e)'}|incendio|humo|herid[oa]|fumo|ferit[oa]|rook|gewond|ziekenhuis)`,
);
// "Brand" is fire in German and Dutch but a company in English, so it only counts when the post is tagged de/nl.
const SAFETY_DE_NL = /\b(?:brand|brandschaden|brandstelle)\b/;

const LEGAL = rx(
  String.raw`\b(?:lawyers?|attorneys?|solicitors?|(?:will|gonna|going to|i'?ll|i will|we will|we'?ll) (?:sue|take (?:you|this|legal))|sue you|suing|lawsuit|legal action|legal steps|` +
    String.raw`(?:see you|take you|taking you) (?:in|to) court|small claims|class action|ombudsman|trading standards|ofcom|\bftc\b|report(?:ing)? you to|consumer protection|data protection authority|` +
    String.raw`anw${A}lt\w*|rechtsanw${A}lt\w*|klage|verklag\w*|vor gericht|gerichtlich\w*|amtsgericht|landgericht|rechtliche schritte|verbraucherzentrale|bundesnetzagentur|schlichtungsstelle|ombudsmann|abmahnung|` +
    String.raw`strafanzeige|anzeige erstatten|datenschutzbeh${O}rde|bafin|` +
    String.raw`avocat|plainte|tribunal|abogad[oa]|demanda|denuncia|avvocat[oa]|advocaat|rechtszaak)\b`,
);

const OUTAGE = rx(
  String.raw`\b(?:(?:is|are|was|been|goes|went|still|all|completely|totally) down|down (?:again|for|since|in|across)|outages?|not working|(?:isn'?t|aren'?t|doesn'?t|don'?t|won'?t) (?:work|load|connect)|` +
    String.raw`no (?:internet|signal|service|power|electricity|connection|network|water|gas|heating)|can'?t (?:log ?in|connect|access|make calls|call)|offline|service interruption|error 5\d\d|` +
    String.raw`st${O}rung|ausfall|ausgefallen|geht (?:nicht|gar nicht|nix|schon wieder nicht)|funktioniert (?:nicht|gar nicht|schon wieder nicht)|` +
    String.raw`kein(?:e|en)? (?:internet|netz|strom|empfang|verbindung|wasser|gas|heizung)|nicht erreichbar|kann mich nicht einloggen|abgest${U}rzt|st${U}rzt (?:st${A}ndig |dauernd |immer )?ab|` +
    String.raw`en panne|ne fonctionne pas|ca[ií]do|no funciona|non funziona|guasto|storing|werkt niet)`,
);

const CANCELLATION = rx(
  String.raw`\b(?:cancel(?:l?ing)? (?:my|the|our) (?:account|contract|subscription|membership|plan)|close (?:my|our) account|delete (?:my|our) account|terminate (?:my|our|the) (?:contract|account|subscription)|` +
    String.raw`(?:konto|vertrag|abo|mitgliedschaft|kundenkonto|account)\w* (?:k${U}ndigen|l${O}schen|schlie${'(?:ß|ss)'}en|aufl${O}sen)|k${U}ndig\w* (?:meinen|mein|das|den|unser\w*) (?:vertrag|konto|abo|account)|k${U}ndigung|` +
    String.raw`r${'(?:é|e)'}silier|cancelar mi (?:cuenta|contrato)|darme de baja|disdire|opzeggen)\b`,
);

const URGENT = rx(String.raw`\b(?:urgent(?:ly)?|asap|immediately|right now|dringend|sofort|eilt|umgehend|urgente|subito|dringend)\b`);

const CHECKS: ReadonlyArray<readonly [Category, RegExp]> = [
  ['safety', SAFETY],
  ['legal', LEGAL],
  ['outage', OUTAGE],
  ['cancellation', CANCELLATION],
  ['urgent', URGENT],
];

/** Detects urgency cues in a post. Never throws; cues read "category:matched text". */
export function detectUrgency(text: string, lang: string): UrgencyResult {
  if (typeof text !== 'string' || text.length === 0) return { level: 'none', cues: [] };
  const lower = (text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).toLowerCase();
  const cues: string[] = [];
  let high = false;
  for (const [category, re] of CHECKS) {
    const m = re.exec(lower);
    if (!m) continue;
    cues.push(`${category}:${m[0]}`);
    if (category === 'safety' || category === 'legal') high = true;
  }
  if (!high && (lang === 'de' || lang === 'nl')) {
    const m = SAFETY_DE_NL.exec(lower);
    if (m) {
      cues.unshift(`safety:${m[0]}`);
      high = true;
    }
  }
  return { level: high ? 'high' : cues.length > 0 ? 'low' : 'none', cues };
}
