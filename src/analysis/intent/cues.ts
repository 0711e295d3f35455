/**
 * Explicit multilingual cues for intent, run on the lowercased text. Each cue is one precompiled regex;
 * the learned model weighs them (they are extra features with their own weights, named in the model file),
 * so a cue never decides alone and its effect is measured on the validation split.
 */

/** German umlauts may be typed as ä or ae; these helpers keep the patterns readable. */
const AE = '(?:ä|ae|a)';
const OE = '(?:ö|oe|o)';
const UE = '(?:ü|ue|u)';

export interface Cue {
  name: string;
  re: RegExp;
}

const rx = (source: string, flags = ''): RegExp => new RegExp(source, flags);

export const CUES: readonly Cue[] = [
  { name: 'question_mark', re: /\?/ },
  {
    name: 'question_start',
    re: rx(
      String.raw`^(?:\s*[@#][\w.]+[:,]?)*\s*(?:hi|hey|hello|hallo|moin|servus|quick q(?:uestion)?|kurze frage|question|frage)?[\s,!:]*` +
        String.raw`(?:how|what|what's|whats|where|when|which|who|is|are|can|could|do|does|did|will|would|should|any ?one|anybody|` +
        String.raw`wie|was|wo|wann|welche[rsnm]?|kann|kannst|k${OE}nnt|gibt(?: es|'s|s)|ist|sind|hat|habt|seid|muss|brauche|wei${'(?:ß|ss)'} jemand|` +
        String.raw`comment|o${'(?:ù|u)'}|quand|est-ce|c${OE}mo|d${OE}nde|cu${AE}ndo|qu${'(?:é|e)'}|come|dove|quando|hoe|waar|wanneer|kan ik)\b`,
    ),
  },
  {
    name: 'feature_ask',
    re: rx(
      String.raw`(?:(?:can|could) (?:you|u)(?: guys| folks)? (?:build|add|make|offer|bring)|when (?:are|r) (?:you|u)(?: guys)?(?: finally)? (?:adding|launching|bringing|getting)|` +
        String.raw`k${OE}nnt ihr .{0,40}(?:bauen|einbauen|anbieten|einf${UE}hren)|wann kommt (?:endlich )?|ha[st] (?:it|this|that) already|hat (?:das|es) (?:schon|bereits)|` +
        String.raw`only thing (?:i'?m |i am )?missing|was mir .{0,30}fehlt|mir fehlt|fehlt mir|any chance (?:of|you)|missing (?:a|an)? ?(?:feature|option))`,
    ),
  },
  { name: 'dm', re: /\b(?:dm|pn)\b/ },
  { name: 'phone', re: /(?:support.?nummer|support number|hotline|helpline|customer care)\W.{0,20}\+?\d[\d\s-]{7,}|\+\d{1,3}[\s-]?\d{2,4}[\s-]?\d{3,}/ },
  {
    name: 'chitchat',
    re: rx(
      String.raw`\b(?:see (?:you|u)|bis (?:um|morgen|dann|sp${AE}ter)|good morning|guten morgen|happy (?:friday|monday|weekend)|wochenende|weekend|lol|haha|rt if|remember when|wisst ihr noch|can'?t believe|kaum zu glauben)\b`,
    ),
  },
  { name: 'why', re: rx(String.raw`\b(?:why|how come|warum|wieso|weshalb|pourquoi|por qu[eé]|perch[eé]|waarom)\b`) },
  {
    name: 'churn',
    re: rx(
      String.raw`\b(?:cancel(?:l?ing|l?ed)?\b(?! (?:my|the|our) (?:flight|order))|terminate|close my account|closing my|switch(?:ing)? (?:to|banks|provider)|moving to|leaving|` +
        String.raw`never (?:again|flying|ordering|buying)|i'?m (?:done|out|gone)|unsubscrib|port(?:ing)? my number|my notice|lost me|reason to stay|find a new provider|` +
        String.raw`k${UE}ndig|gek${UE}ndigt|k${UE}ndige|wechsel|wechsle|nie wieder|bin (?:raus|weg)|neuen anbieter|anderen anbieter|kundenkonto l${OE}schen|l${OE}scht mein|verloren|` +
        String.raw`\b(?:bye|tsch${UE}ss|ciao|adios|adieu)\b|better (?:deal|offer|prices?)|besseres angebot|g${UE}nstiger|elsewhere|woanders|migrat\w* (?:off|away)|weg von|last order|letzte bestellung|grund zu bleiben|` +
        String.raw`r${'(?:é|e)'}sili|je passe chez|change de fournisseur|fermer mon compte|me voy|cancelad|cerrar mi cuenta|no vuelvo|disdic|passo a|chiudo il conto|opzeg|zeg .{0,30} op|stap over)`,
    ),
  },
  {
    name: 'purchase',
    re: rx(
      String.raw`\b(?:how much|price|pricing|cost(?:s)?|quote|buy|purchase|order(?:ing)? |sign up|subscribe to|in stock|available to order|lease|leasing|financing|instal?ments|discount|deal on|take my money|worth it|` +
        String.raw`was kostet|wie ?viel kostet|kostet|preis|kaufen|bestellen|bestellbar|angebot|buchen|abschlie${'(?:ß|ss)'}en|raten|rabatt|zuschlagen|nehmt mein geld|lohnt sich|` +
        String.raw`(?:where|wo) (?:can|do|kann|bekomme) (?:i|ich) .{0,40}(?:buy|get|order|kaufen|bekommen|bestellen|holen)|student(?:en)?(?: discount|rabatt)|in raten|what would .{0,20}cost|was w${UE}rde .{0,20}kosten|` +
        String.raw`combien|acheter|cu${AE}nto cuesta|comprar|contratar|quanto costa|comprare|vorrei comprare|wat kost|kopen|proefrit|probefahrt|test drive)`,
    ),
  },
  {
    name: 'feature',
    re: rx(
      String.raw`(?:please add|pls add|\badd (?:a|an|support)|would love|would be (?:great|nice|amazing|cool|awesome)|it'?d be (?:great|nice)|wish (?:you|\w+ had)|feature request|suggestion|roadmap|any plans|consider adding|bring back|` +
        String.raw`einbauen|hinzuf${UE}gen|w${AE}re (?:toll|super|sch${OE}n|cool|klasse|genial|top|praktisch)|w${AE}r cool|w${UE}nsch|vorschlag|idee f${UE}r|feature|anbieten w${UE}rde|` +
        String.raw`ce serait|ajoutez|pourriez-vous ajouter|a${'(?:ñ|n)'}adid|estar${'(?:í|i)'}a genial|sarebbe bello|aggiungete|voeg .{0,30} toe|zou super zijn)`,
    ),
  },
  {
    name: 'spam',
    re: rx(
      String.raw`(?:\bdm (?:for|me|us|now)|f${UE}r promo|\bpromo\b|giveaway|gewinnspiel|sorteo|crypto|krypto|bitcoin|\bbtc\b|airdrop|\$[a-z]{3,}|followers?\b.{0,20}\b(?:\$|€|\d)|follow ?back|f4f|folg ich dir|` +
        String.raw`link in (?:bio|der bio)|link im profil|earn \$?\d|verdien|passive income|passives einkommen|whatsapp|telegram|t\.me/|wa\.me/|bit\.ly|tinyurl|\.(?:xyz|top|click|shop)\b|100x|` +
        String.raw`gift ?cards?|gewonnen|claim|sugar daddy|singles|signals|signale|verify here|best${AE}tigen|ambassador|botschafter|boost your|organically|organisch)`,
    ),
  },
  {
    name: 'complaint',
    re: rx(
      String.raw`(?:not working|doesn'?t work|isn'?t working|stopped working|broke|broken|still (?:no|not|nothing|waiting)|worst|unacceptable|ridiculous|a joke|disappointed|fuming|been waiting|refund|charged|` +
        String.raw`never (?:arrived|came|showed)|missing|lost|no one|nobody|on hold|again\b|wrong|cold|late\b|delayed|cancelled|rejected|useless|` +
        String.raw`geht nicht|funktioniert .{0,20}nicht|kaputt|schon wieder|immer noch|frechheit|unversch${AE}mt|katastrophe|entt${AE}uscht|sauer|warte|erstattung|abgebucht|berechnet|fehlt|verschwunden|` +
        String.raw`inakzeptabel|unfassbar|keiner|niemand|versp${AE}tung|zu sp${AE}t|storniert|falsch|abgelehnt|nervt|peinlich|` +
        String.raw`not impressed|for this\?|f${UE}r sowas|was ist (?:bei euch |hier )?(?:eigentlich |denn )?los|what(?:'s| is) going on|unavailable|nicht erreichbar|no (?:hot water|power|internet|signal)|` +
        String.raw`kein(?:e|en)? (?:strom|internet|netz|empfang|warmwasser)|bricked|lahmgelegt|` +
        String.raw`inadmissible|toujours pas|sin internet|nadie|vergogna|niemand helpt)`,
    ),
  },
  {
    name: 'praise',
    re: rx(
      String.raw`\b(?:thank(?:s| you)|thx|love|amazing|awesome|excellent|fantastic|best|shout ?out|kudos|props|legends?|recommend|impressed|top notch|rock|well done|keep it up|` +
        String.raw`danke|lob|spitze|klasse|hervorragend|erstklassig|empfehlung|weiter so|beste[nr]?|begeistert|zufrieden|respekt|` +
        String.raw`blew me away|umgehauen|never disappoints|entt${AE}uscht nie|liefert .{0,15}ab|delivers|${UE}bersichtlich|gef${AE}llt mir|hilfsbereit|helpful|` +
        String.raw`merci|bravo|gracias|grazie|bedankt|fantastic[oa])\b`,
    ),
  },
  { name: 'sarcasm', re: rx(String.raw`(?:thanks for nothing|danke f${UE}r (?:nix|nichts)|vielen dank auch|great job|good job|super gemacht|toll gemacht|love how|#not\b|\bnot\)|^(?:great|toll|super|perfekt|wonderful)[,.!])`) },
  { name: 'neg_emoji', re: /[😡🤬🙄😤👎😠😒🤦💔]/u },
  { name: 'pos_emoji', re: /[😍🙌❤👏💯🥰👍✨😎💪👌🤘]/u },
  { name: 'link', re: /https?:\/\/|www\.|\b[a-z0-9-]+\.(?:ly|xyz|top|click|shop|me|com)\/\S/ },
  { name: 'competitor_switch', re: rx(String.raw`\b(?:to|zu|chez|a|naar)\s+@?[a-z][\w]+\s*(?:next month|n${AE}chsten monat|now|ab jetzt|here i come|it is|$)`) },
];

/** Number of cue features; the model stores one weight per cue and class. */
export const CUE_COUNT = CUES.length;
export const CUE_NAMES: readonly string[] = CUES.map((c) => c.name);

/** Sets hits[i] = 1 when cue i matches the lowercased text. */
export function matchCues(lower: string, hits: Uint8Array): void {
  for (let i = 0; i < CUES.length; i++) {
    const cue = CUES[i];
    hits[i] = cue !== undefined && cue.re.test(lower) ? 1 : 0;
  }
}
