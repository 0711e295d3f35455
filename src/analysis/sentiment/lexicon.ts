/**
 * Polarity lexicons used as dense features of the sentiment model. English comes from VADER's lexicon
 * (models/sentiment-lexicon-en.tsv, derived from vaderSentiment, MIT); the other languages are short
 * hand-written lists of common evaluative words in social posts (written for Townhall). All keys are in
 * the folded form produced by `foldToken` (lower case, ä→ae, ö→oe, ü→ue, ß→ss, other accents dropped).
 * Values are on VADER's scale, about -4..+4.
 */

const DE = `
gut 2 besser 2 beste 3 bester 3 super 3 toll 3 klasse 3 spitze 3 genial 3 geil 2.5 klasse 3 prima 2.5 perfekt 3
wunderbar 3 wunderschoen 3 schoen 2.5 huebsch 2 lecker 2.5 freundlich 2 nett 2 lieb 2 liebe 2.5 lieben 3 liebt 3
mag 1.5 moegen 1.5 gefaellt 2 gefallen 1.5 danke 2 dankbar 2 vielen 0.5 freue 2.5 freuen 2.5 freude 2.5 froh 2.5
gluecklich 3 glueck 2.5 zufrieden 2 empfehlen 2 empfehlenswert 2.5 empfehle 2 hammer 2 mega 1.5 yeah 2 juhu 2.5
hurra 2.5 endlich 1 erfolg 2 erfolgreich 2 spass 2.5 lustig 2 witzig 2 cool 2 stark 1.5 bravo 2.5 glueckwunsch 3
gratuliere 2.5 gratulation 2.5 herzlich 2 schnell 1 hilfreich 2 kompetent 2 zuverlaessig 2 angenehm 2 gemuetlich 2
traumhaft 3 fantastisch 3 phantastisch 3 grossartig 3 hervorragend 3 ausgezeichnet 3 lohnt 1.5 genial 3 yay 2.5
sympathisch 2 interessant 1 spannend 1.5 entspannt 1.5 sonnig 1 gewonnen 2 gewinnen 1.5 sieg 2 jubel 2.5 laecheln 2
lachen 1.5 ok 0.5 okay 0.5 gerne 1.5 gern 1.5 bitte 0.3 heil 1 begeistert 3 begeisterung 3 wow 2 traum 2 suess 2
schlecht -2.5 schlechter -2.5 schlechteste -3 mies -2.5 miserabel -3 furchtbar -3 schrecklich -3 grauenhaft -3
katastrophe -3 katastrophal -3 scheisse -3 scheiss -3 kacke -2.5 mist -2 doof -2 bloed -2 dumm -2 dummheit -2
nervig -2 nervt -2 nerven -1.5 genervt -2 aergerlich -2.5 aerger -2 aergern -2 sauer -2 wuetend -3 wut -2.5 hass -3
hasse -3 hassen -3 traurig -2.5 trauer -2 enttaeuscht -2.5 enttaeuschend -2.5 enttaeuschung -2.5 leider -1.5 schade -1.5
langweilig -2 langsam -1 teuer -1.5 kaputt -2 defekt -2 fehler -1.5 problem -1.5 probleme -1.5 beschwerde -2
unfreundlich -2.5 unzufrieden -2.5 frech -1.5 unverschaemt -3 frechheit -3 abzocke -3 betrug -3 betrueger -3
luege -2.5 luegen -2.5 angst -2 sorge -1.5 sorgen -1.5 krank -2 schmerz -2 schmerzen -2 tot -2.5 tod -2.5 krieg -2.5
gefahr -2 gefaehrlich -2 peinlich -2 haesslich -2.5 ekelhaft -3 eklig -3 widerlich -3 muell -2 versagt -2.5 versager -3
verloren -1.5 verlieren -1.5 niederlage -2 schlimm -2.5 schlimmer -2.5 schlimmste -3 unmoeglich -2 leid -1.5
fail -2 mistig -2 uebel -2 dreck -2.5 dreckig -2 verspaetung -1.5 verspaetet -1.5 ausfall -2 stoerung -2 warten -0.5
wartezeit -1 kuendigen -1.5 kuendigung -1.5 kuendige -2 beschissen -3 kotzen -3 heulen -2 weinen -2 muede -1
stress -2 stressig -2 panik -2.5 skandal -2.5 versagen -2.5 horror -2.5 albtraum -3 alptraum -3 ungluecklich -2.5
`;

const FR = `
bon 2 bonne 2 bien 2 super 3 genial 3 excellent 3 parfait 3 magnifique 3 merveilleux 3 beau 2 belle 2 joli 2
merci 2 aime 2.5 adore 3 heureux 2.5 heureuse 2.5 content 2 contente 2 bravo 2.5 top 2 cool 2 sympa 2 felicitations 3
mauvais -2.5 mauvaise -2.5 nul -2.5 nulle -2.5 horrible -3 terrible -2.5 deteste -3 triste -2.5 decu -2.5 decevant -2.5
probleme -1.5 honte -2.5 merde -3 chiant -2 colere -2.5 peur -2 pire -3 catastrophe -3 arnaque -3 malheureusement -1.5
`;

const ES = `
bueno 2 buena 2 bien 2 genial 3 excelente 3 perfecto 3 maravilloso 3 bonito 2 bonita 2 hermoso 2.5 hermosa 2.5
gracias 2 amo 3 encanta 3 feliz 3 contento 2 contenta 2 felicidades 3 bravo 2.5 mejor 2 guapo 2 guapa 2 divertido 2
malo -2.5 mala -2.5 horrible -3 terrible -2.5 odio -3 triste -2.5 peor -3 problema -1.5 verguenza -2.5 mierda -3
asco -3 enfadado -2.5 miedo -2 desastre -3 estafa -3 lamentable -2.5 decepcion -2.5 desgraciadamente -1.5 lastima -1.5
`;

const IT = `
buono 2 buona 2 bene 2 bello 2.5 bella 2.5 ottimo 3 ottima 3 perfetto 3 fantastico 3 meraviglioso 3 grazie 2
amo 3 adoro 3 felice 3 contento 2 contenta 2 auguri 2 bravo 2.5 brava 2.5 complimenti 2.5 migliore 2 divertente 2
cattivo -2.5 cattiva -2.5 brutto -2.5 brutta -2.5 orribile -3 terribile -2.5 odio -3 triste -2.5 peggio -3 peggiore -3
problema -1.5 vergogna -2.5 merda -3 schifo -3 paura -2 disastro -3 truffa -3 purtroppo -1.5 delusione -2.5
`;

const PT = `
bom 2 boa 2 bem 2 otimo 3 otima 3 excelente 3 perfeito 3 maravilhoso 3 lindo 2.5 linda 2.5 obrigado 2 obrigada 2
amo 3 adoro 3 feliz 3 contente 2 parabens 3 legal 2 melhor 2 divertido 2 incrivel 3 show 2 top 2
mau -2.5 ma -1 ruim -2.5 horrivel -3 terrivel -2.5 odeio -3 triste -2.5 pior -3 problema -1.5 vergonha -2.5 merda -3
nojo -3 raiva -2.5 medo -2 desastre -3 golpe -2 infelizmente -1.5 decepcao -2.5 chato -2 pessimo -3
`;

const NL = `
goed 2 beter 2 beste 3 super 3 geweldig 3 prachtig 3 mooi 2.5 leuk 2 lekker 2.5 top 2.5 fijn 2 blij 2.5 dank 2
bedankt 2 gefeliciteerd 3 perfect 3 heerlijk 3 vriendelijk 2 snel 1 tevreden 2 hou 1.5 aanrader 2.5
slecht -2.5 slechte -2.5 vreselijk -3 verschrikkelijk -3 waardeloos -3 triest -2.5 teleurgesteld -2.5 teleurstellend -2.5
boos -2.5 kapot -2 probleem -1.5 klacht -2 jammer -1.5 helaas -1.5 kut -3 shit -2.5 belachelijk -2.5 oplichting -3
`;

/** Emoji and emoticon polarity shared by all languages (as used in tweets, not only their dictionary sense). */
const SYMBOLS = `
😍 3 🥰 3 😘 2.5 😊 2.5 ☺ 2 🙂 1.5 😀 2.5 😃 2.5 😄 2.5 😁 2.5 😆 2 😂 1 🤣 1.5 😉 1.5 😎 2 🤩 3 😻 2.5 💕 2.5 💖 2.5
💗 2.5 💓 2.5 💞 2.5 💘 2.5 ❤ 2.5 💙 2 💚 2 💛 2 💜 2 🧡 2 👍 2 👌 2 👏 2 🙌 2.5 🎉 2.5 🥳 2.5 ✨ 1 🙏 1.5 💯 2 🔥 1.5
⭐ 1.5 🌟 1.5 🏆 2 😋 2 🤗 2.5 💪 1.5 ✌ 1 🍾 2 🥂 2
😡 -3 😠 -2.5 🤬 -3.5 😤 -2 😢 -2 😭 -1.5 😞 -2 😔 -2 😟 -2 😕 -1.5 🙁 -1.5 ☹ -2 😒 -2 🙄 -2 😩 -2 😫 -2 😖 -2
😣 -2 😰 -2 😱 -1.5 🤮 -3 🤢 -2.5 💩 -2 👎 -2.5 💔 -2.5 😬 -1 😑 -1 😐 -0.5 🤦 -1.5 😪 -1 😓 -1.5 😥 -1.5 😨 -2
`;

function parse(src: string): Map<string, number> {
  const out = new Map<string, number>();
  const parts = src.trim().split(/\s+/);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = parts[i];
    const value = Number(parts[i + 1]);
    if (key && Number.isFinite(value)) out.set(key, value);
  }
  return out;
}

/** Hand-written lexicons by ISO 639-1 code. */
export const HAND_LEXICONS: Readonly<Record<string, Map<string, number>>> = {
  de: parse(DE),
  fr: parse(FR),
  es: parse(ES),
  it: parse(IT),
  pt: parse(PT),
  nl: parse(NL),
};

/** Emoji polarity, keyed by the emoji without variation selectors or skin tones. */
export const SYMBOL_LEXICON: ReadonlyMap<string, number> = parse(SYMBOLS);

/** Parses the committed English lexicon file (`token<TAB>valence` lines). */
export function parseLexiconFile(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const value = Number(line.slice(tab + 1));
    if (Number.isFinite(value)) out.set(line.slice(0, tab), value);
  }
  return out;
}

// English words common in German (and other) posts; looked up after the language's own lexicon.
const LOANS = parse(`
nice 2 love 2.5 lol 1 haha 1.5 hahaha 1.5 happy 2.5 sad -2 shit -2.5 fuck -3 fucking -2 wtf -2 omg 0.5 fail -2 epic 2
awesome 3 great 3 best 3 cute 2 sorry -0.5 bad -2.5 worst -3 hate -3 thx 2 thanks 2 win 2 cool 2 fun 2
`);

const GERMAN_SUFFIXES = ['en', 'er', 'es', 'em', 'e', 'n', 's'];

/** Lexicon lookup for a language: its own list (German with inflection endings stripped), then common loans. */
export function makeLexicon(lang: string, english: ReadonlyMap<string, number>): (token: string) => number | undefined {
  const own = HAND_LEXICONS[lang];
  if (!own) return (token) => english.get(token);
  const stripSuffixes = lang === 'de' || lang === 'nl';
  return (token) => {
    const hit = own.get(token);
    if (hit !== undefined) return hit;
    if (stripSuffixes) {
      for (const s of GERMAN_SUFFIXES) {
        if (token.length > s.length + 2 && token.endsWith(s)) {
          const v = own.get(token.slice(0, -s.length));
          if (v !== undefined) return v;
        }
      }
    }
    return LOANS.get(token);
  };
}

/** Builds the English lexicon from VADER's `vader_lexicon.txt` (token, mean valence, ...): single folded words only. */
export function englishLexiconFromVader(vaderText: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of vaderText.split('\n')) {
    const [token, value] = line.split('\t');
    const v = Number(value);
    if (token && /^[a-z][a-z'-]*$/.test(token) && Number.isFinite(v)) out.set(token, v);
  }
  return out;
}
