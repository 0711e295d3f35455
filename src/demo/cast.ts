/**
 * The fictional world of the demo stream: the brand Lumio (phones, earbuds, tablets, a smart-home hub,
 * fibre internet and mobile plans), its two competitors, and the people who talk about them.
 * Every name, handle, address and number here is invented; email domains are the reserved example
 * domains and phone numbers come from ranges set aside for fiction.
 */

export type DemoLanguage = 'en' | 'de' | 'fr' | 'es';
export type DemoChannel = 'x' | 'instagram' | 'facebook' | 'whatsapp' | 'reddit' | 'mastodon' | 'email' | 'reviews';
export type PersonaRole = 'customer' | 'advocate' | 'influencer' | 'spammer' | 'brand';

export const DEMO_CHANNELS: readonly DemoChannel[] = ['x', 'instagram', 'facebook', 'whatsapp', 'reddit', 'mastodon', 'email', 'reviews'];
export const DEMO_LANGUAGES: readonly DemoLanguage[] = ['en', 'de', 'fr', 'es'];

export const BRAND = { name: 'Lumio', workspaceName: 'Lumio (demo)', handle: 'LumioHelp' } as const;

/** Text in each demo language. */
export type Localised = Record<DemoLanguage, string>;

export interface Product {
  name: string;
  hashtag: string;
  competitor: string;
  competitorProduct: string;
  /** Problems customers report, as a main clause in lower case. */
  issues: readonly Localised[];
  /** Things customers ask for, as a noun phrase. */
  features: readonly Localised[];
  /** What reviewers like about it, as a noun phrase. */
  strength: Localised;
}

export const PRODUCTS: readonly Product[] = [
  {
    name: 'Lumio One',
    strength: { en: 'noticeably better battery life', de: 'deutlich bessere Akkulaufzeit', fr: 'une bien meilleure autonomie', es: 'mucha mejor batería' },
    hashtag: 'LumioOne',
    competitor: 'Novaphone',
    competitorProduct: 'Novaphone X2',
    issues: [
      { en: 'the battery drains overnight since the last update', de: 'der Akku ist seit dem letzten Update über Nacht leer', fr: 'la batterie se vide pendant la nuit depuis la mise à jour', es: 'la batería se agota por la noche desde la última actualización' },
      { en: 'the screen flickers when the brightness is low', de: 'das Display flackert bei niedriger Helligkeit', fr: "l'écran scintille quand la luminosité est basse", es: 'la pantalla parpadea con el brillo bajo' },
      { en: 'the camera app crashes every time I switch to night mode', de: 'die Kamera-App stürzt im Nachtmodus jedes Mal ab', fr: "l'appli photo plante à chaque fois en mode nuit", es: 'la app de la cámara se cierra en el modo noche' },
    ],
    features: [
      { en: 'a proper always-on display', de: 'ein richtiges Always-on-Display', fr: 'un vrai écran toujours allumé', es: 'una pantalla siempre activa de verdad' },
      { en: 'call recording', de: 'eine Anrufaufzeichnung', fr: "l'enregistrement des appels", es: 'la grabación de llamadas' },
    ],
  },
  {
    name: 'Lumio Buds Pro',
    strength: { en: 'excellent noise cancelling', de: 'hervorragendes Noise-Cancelling', fr: 'une excellente réduction de bruit', es: 'una cancelación de ruido excelente' },
    hashtag: 'LumioBuds',
    competitor: 'Novaphone',
    competitorProduct: 'Novaphone Pods',
    issues: [
      { en: 'the left earbud keeps disconnecting', de: 'der linke Ohrhörer verliert ständig die Verbindung', fr: "l'écouteur gauche se déconnecte sans arrêt", es: 'el auricular izquierdo se desconecta todo el tiempo' },
      { en: 'the charging case stopped charging after two weeks', de: 'das Ladecase lädt nach zwei Wochen nicht mehr', fr: 'le boîtier ne charge plus après deux semaines', es: 'el estuche dejó de cargar a las dos semanas' },
    ],
    features: [{ en: 'multipoint pairing', de: 'eine Multipoint-Verbindung', fr: 'la connexion multipoint', es: 'la conexión multipunto' }],
  },
  {
    name: 'Lumio Pad',
    strength: { en: 'a gorgeous screen', de: 'ein wunderschönes Display', fr: 'un écran magnifique', es: 'una pantalla preciosa' },
    hashtag: 'LumioPad',
    competitor: 'Novaphone',
    competitorProduct: 'Novaphone Tab',
    issues: [
      { en: 'the pad gets really hot while charging', de: 'das Pad wird beim Laden sehr heiß', fr: 'la tablette chauffe beaucoup en charge', es: 'la tablet se calienta mucho al cargar' },
      { en: 'the keyboard cover stops responding after sleep', de: 'die Tastaturhülle reagiert nach dem Standby nicht mehr', fr: 'le clavier ne répond plus après la veille', es: 'la funda teclado deja de responder tras la suspensión' },
    ],
    features: [{ en: 'split screen for all apps', de: 'Split-Screen für alle Apps', fr: "l'écran partagé pour toutes les applis", es: 'pantalla dividida para todas las apps' }],
  },
  {
    name: 'Lumio Fiber',
    strength: { en: 'rock-solid speeds in the evening', de: 'stabile Geschwindigkeit auch abends', fr: 'un débit stable même le soir', es: 'velocidad estable incluso por la noche' },
    hashtag: 'LumioFiber',
    competitor: 'Brightwave',
    competitorProduct: 'Brightwave Fiber',
    issues: [
      { en: 'my internet drops every evening around 8pm', de: 'mein Internet bricht jeden Abend gegen 20 Uhr ab', fr: 'ma connexion coupe tous les soirs vers 20h', es: 'mi internet se corta todas las noches sobre las 20h' },
      { en: "I'm paying for 500 Mbit and getting 40", de: 'ich zahle für 500 Mbit und bekomme 40', fr: "je paie pour 500 Mbit et j'en ai 40", es: 'pago 500 megas y me llegan 40' },
      { en: 'the router reboots itself several times a day', de: 'der Router startet mehrmals am Tag von selbst neu', fr: 'le routeur redémarre tout seul plusieurs fois par jour', es: 'el router se reinicia solo varias veces al día' },
    ],
    features: [{ en: 'outage status in the app', de: 'eine Störungsanzeige in der App', fr: "l'état des pannes dans l'appli", es: 'el estado de averías en la app' }],
  },
  {
    name: 'Lumio Flex',
    strength: { en: 'far better coverage in the countryside', de: 'viel besseres Netz auf dem Land', fr: 'une bien meilleure couverture à la campagne', es: 'mucha mejor cobertura en zonas rurales' },
    hashtag: 'LumioFlex',
    competitor: 'Brightwave',
    competitorProduct: 'Brightwave Unlimited',
    issues: [
      { en: 'I was charged twice for this month', de: 'mir wurde dieser Monat doppelt abgebucht', fr: "j'ai été prélevé deux fois ce mois-ci", es: 'me han cobrado dos veces este mes' },
      { en: 'roaming did not work at all on my trip to Spain', de: 'Roaming hat in Italien überhaupt nicht funktioniert', fr: "l'itinérance n'a pas marché du tout en Italie", es: 'el roaming no funcionó nada en Francia' },
    ],
    features: [{ en: 'an eSIM for my smartwatch', de: 'eine eSIM für die Smartwatch', fr: 'une eSIM pour ma montre', es: 'una eSIM para el reloj' }],
  },
  {
    name: 'Lumio Home Hub',
    strength: { en: 'the easiest setup I have seen', de: 'die einfachste Einrichtung, die ich kenne', fr: "l'installation la plus simple que j'aie vue", es: 'la configuración más sencilla que he visto' },
    hashtag: 'LumioHome',
    competitor: 'Brightwave',
    competitorProduct: 'Brightwave Home',
    issues: [{ en: "the hub won't pair with my lights anymore", de: 'der Hub koppelt sich nicht mehr mit meinen Lampen', fr: 'le hub ne se connecte plus à mes lampes', es: 'el hub ya no se empareja con mis luces' }],
    features: [{ en: 'Matter support', de: 'Matter-Unterstützung', fr: 'la compatibilité Matter', es: 'compatibilidad con Matter' }],
  },
];

export interface Persona {
  key: string;
  name: string;
  language: DemoLanguage;
  location: string;
  role: PersonaRole;
  followers: number;
  bio?: string;
  verified?: boolean;
}

const customer = (key: string, name: string, language: DemoLanguage, location: string, followers: number): Persona => ({ key, name, language, location, role: 'customer', followers });

/** The brand's own support account: its replies are outbound posts. */
export const BRAND_PERSONA: Persona = { key: 'lumiohelp', name: 'Lumio Support', language: 'en', location: 'Amsterdam', role: 'brand', followers: 48_200, verified: true, bio: 'Official Lumio support. We answer 8–22 CET, every day.' };

export const PERSONAS: readonly Persona[] = [
  customer('jess_m', 'Jess Morgan', 'en', 'Manchester, UK', 412),
  customer('tomwhitfield', 'Tom Whitfield', 'en', 'Leeds, UK', 87),
  customer('priya_codes', 'Priya Raman', 'en', 'London, UK', 1_930),
  customer('danny_ok', 'Daniel Okafor', 'en', 'Birmingham, UK', 260),
  customer('sarahlynn', 'Sarah Lynn', 'en', 'Dublin, Ireland', 655),
  customer('mike_builds', 'Mike Chen', 'en', 'Toronto, Canada', 1_204),
  customer('karen_b', 'Karen Brooks', 'en', 'Austin, TX', 143),
  customer('rob_h', 'Rob Harris', 'en', 'Bristol, UK', 58),
  customer('emmajwrites', 'Emma Jones', 'en', 'Cardiff, UK', 2_310),
  customer('leo_travels', 'Leo Martins', 'en', 'Lisbon, Portugal', 978),
  customer('nat_p', 'Natalie Price', 'en', 'Glasgow, UK', 320),
  customer('ben_hughes', 'Ben Hughes', 'en', 'Brighton, UK', 41),
  customer('grace_k', 'Grace Kim', 'en', 'Seattle, WA', 770),
  customer('lena_schmidt', 'Lena Schmidt', 'de', 'Berlin', 530),
  customer('max_mueller', 'Max Müller', 'de', 'München', 212),
  customer('katha_b', 'Katharina Becker', 'de', 'Hamburg', 1_480),
  customer('tobi_k', 'Tobias Koch', 'de', 'Köln', 96),
  customer('sophie_wagner', 'Sophie Wagner', 'de', 'Leipzig', 388),
  customer('felix_h', 'Felix Hoffmann', 'de', 'Stuttgart', 174),
  customer('anna_lenz', 'Anna Lenz', 'de', 'Wien', 703),
  customer('jan_fischer', 'Jan Fischer', 'de', 'Frankfurt am Main', 65),
  customer('mia_schulz', 'Mia Schulz', 'de', 'Dresden', 1_020),
  customer('lukas_wolf', 'Lukas Wolf', 'de', 'Zürich', 289),
  customer('camille_d', 'Camille Dubois', 'fr', 'Paris', 840),
  customer('hugo_martin', 'Hugo Martin', 'fr', 'Lyon', 133),
  customer('ines_l', 'Inès Laurent', 'fr', 'Bordeaux', 402),
  customer('lucia_g', 'Lucía García', 'es', 'Madrid', 615),
  customer('pablo_r', 'Pablo Ruiz', 'es', 'Sevilla', 77),
  customer('marta_sanz', 'Marta Sanz', 'es', 'Barcelona', 1_150),
  { key: 'techwithraj', name: 'Raj Patel', language: 'en', location: 'London, UK', role: 'advocate', followers: 5_400, bio: 'Lumio fan since the first phone. I help where I can.' },
  { key: 'lumio_linda', name: 'Linda Fraser', language: 'en', location: 'Edinburgh, UK', role: 'advocate', followers: 2_870, bio: 'Community helper. Not Lumio staff, just like fixing things.' },
  { key: 'gadget_gran', name: 'Margaret Allen', language: 'en', location: 'York, UK', role: 'advocate', followers: 3_150, bio: 'Retired engineer, gadget granny.' },
  { key: 'der_lumio_fan', name: 'Stefan Braun', language: 'de', location: 'Nürnberg', role: 'advocate', followers: 4_020, bio: 'Ich helfe gern bei Lumio-Fragen. Kein Mitarbeiter.' },
  { key: 'julia_hilft', name: 'Julia Neumann', language: 'de', location: 'Bremen', role: 'advocate', followers: 1_760, bio: 'Technik-Tipps für alle.' },
  { key: 'nico_tech', name: 'Nicolas Petit', language: 'fr', location: 'Lille', role: 'advocate', followers: 2_240, bio: 'Je dépanne la communauté Lumio.' },
  { key: 'sergio_ayuda', name: 'Sergio Navarro', language: 'es', location: 'Valencia', role: 'advocate', followers: 1_890, bio: 'Ayudo a la comunidad Lumio.' },
  { key: 'theunboxlab', name: 'The Unbox Lab', language: 'en', location: 'Los Angeles, CA', role: 'influencer', followers: 824_000, verified: true, bio: 'Honest tech reviews. New video every Friday.' },
  { key: 'chloe_tech', name: 'Chloe Tan', language: 'en', location: 'Singapore', role: 'influencer', followers: 241_000, verified: true, bio: 'Tech, travel and tiny gadgets.' },
  { key: 'technikmitkai', name: 'Technik mit Kai', language: 'de', location: 'Berlin', role: 'influencer', followers: 412_000, verified: true, bio: 'Ehrliche Technik-Tests auf Deutsch.' },
  { key: 'elena_gadgets', name: 'Elena Ortiz', language: 'es', location: 'Madrid', role: 'influencer', followers: 156_000, verified: true, bio: 'Reseñas de tecnología sin rodeos.' },
  { key: 'prize_alerts_2049', name: 'Prize Alerts', language: 'en', location: '', role: 'spammer', followers: 12 },
  { key: 'cash_daily_tips', name: 'Daily Cash Tips', language: 'en', location: '', role: 'spammer', followers: 3 },
  { key: 'gewinn_jetzt', name: 'Gewinn Jetzt', language: 'de', location: '', role: 'spammer', followers: 7 },
];

/** A persona's identity on one channel, in the shape the canonical JSON expects. */
export interface DemoAuthor {
  externalId: string;
  handle: string | null;
  displayName: string;
  followers: number;
  location: string | null;
  bio: string | null;
  verified: boolean;
}

/** Index of a persona in PERSONAS (the brand is -1): the basis of its invented numbers. */
function personaNumber(persona: Persona): number {
  return persona.role === 'brand' ? 0 : PERSONAS.indexOf(persona) + 1;
}

/** How a persona appears on a channel: handles, ids, email addresses and phone numbers differ by network. */
export function authorOn(persona: Persona, channel: DemoChannel): DemoAuthor {
  const n = personaNumber(persona);
  const base = { displayName: persona.name, followers: persona.followers, location: persona.location || null, bio: persona.bio ?? null, verified: persona.verified === true };
  const dotted = persona.key.replace(/_/g, '.');
  switch (channel) {
    case 'x':
      return { ...base, externalId: String(1_480_000_000_000_000_000n + BigInt(n) * 7_919n), handle: persona.role === 'brand' ? BRAND.handle : persona.key };
    case 'instagram':
      return { ...base, externalId: String(17_841_400_000_000_000n + BigInt(n) * 104_729n), handle: persona.role === 'brand' ? 'lumio' : dotted };
    case 'facebook':
      return { ...base, externalId: String(100_000_000_000_000 + n * 31_337), handle: null };
    case 'whatsapp': {
      // German personas get numbers from the range the Bundesnetzagentur keeps for fiction, the rest UK drama numbers.
      const phone = persona.language === 'de' ? `493023125${String(100 + n).padStart(3, '0')}` : `447700900${String(100 + n).padStart(3, '0')}`;
      return { ...base, externalId: persona.role === 'brand' ? '31205550100' : phone, handle: null, followers: 0 };
    }
    case 'reddit':
      return { ...base, externalId: `t2_demo${n.toString(36).padStart(4, '0')}`, handle: persona.role === 'brand' ? 'Lumio_Official' : persona.key };
    case 'mastodon':
      return { ...base, externalId: `https://social.example/users/${persona.key}`, handle: `${persona.key}@social.example` };
    case 'email': {
      const address = persona.role === 'brand' ? 'care@lumio.example' : `${dotted}@example.${['com', 'org', 'net'][n % 3] ?? 'com'}`;
      return { ...base, externalId: address, handle: address, followers: 0 };
    }
    case 'reviews': {
      const [first = persona.name, last = ''] = persona.name.split(' ');
      return { ...base, externalId: `reviewer-${persona.key}`, handle: null, displayName: persona.role === 'brand' ? 'Lumio' : last ? `${first} ${last.charAt(0)}.` : first, followers: 0 };
    }
  }
}
