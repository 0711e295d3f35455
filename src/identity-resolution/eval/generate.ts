/**
 * A seeded generator of ground-truth data for identity resolution: people with several identities
 * across channels (email, WhatsApp, X, Instagram, Mastodon), some of them CRM contacts. It mixes in what
 * makes matching hard: typos, nicknames, accents written or dropped, family members sharing one email,
 * role addresses (info@, support@), namesakes in other cities, missing fields, people who are no contact.
 * Names follow a realistic frequency: drawn mostly from the city's language, common names (Müller, Smith,
 * García) far more likely than rare ones, and most people carrying a rarer name (NAME_POOLS, NAME_ZIPF,
 * RARE_FAMILY_SHARE): about 5% of contacts share their full name with another by chance at 5,000 people
 * (nameCollisions), besides the deliberate namesakes.
 * Identities also carry what real social CRM data holds beyond the profile (rates in RATES, justified in
 * docs/IDENTITY.md): private messages to the brand stating an email, phone or order number, bios that
 * list the person's other accounts, email signatures with social handles; and their hard cases: details
 * of someone else stated with or without a telling word, a relative's account in a bio, role addresses.
 * Deterministic for a seed; pure.
 */
import type { ContactFacts, IdentityFacts, IdentityMessage } from '../model.ts';

/**
 * Rates of the evidence beyond the profile. Assumptions, not measurements: each is documented with its
 * justification in docs/IDENTITY.md ("Generated evaluation data").
 */
export const RATES = {
  /** Contacts that are shop customers with a customer number and order numbers on record. */
  customerWithOrders: 0.6,
  /** Social identities (X, Instagram, Mastodon) with a private support conversation stating their email, phone or order number. */
  supportDm: 0.3,
  /** WhatsApp identities whose chat states an email or order number. */
  whatsappStatesDetail: 0.25,
  /** Social identities stating their email or order number in a public reply. */
  publicStatement: 0.05,
  /** Email identities whose messages name an order or customer number (when the person has one). */
  emailMentionsOrder: 0.35,
  /** Social bios listing another of the person's accounts with its network ("also @ana_berg on Insta"). */
  bioCrossListing: 0.2,
  /** Email identities whose signature lists the person's X or Instagram handle (when they have one). */
  emailSignatureHandles: 0.25,
  /** Hard case: social identities stating someone else's email or order number (a relative's, a colleague's). */
  quotesSomeoneElse: 0.03,
  /** Of those, the share that says whose it is ("my husband's order") in words the parser knows. */
  quoteWithCue: 0.6,
  /** Hard case: social bios naming a relative's account with its network ("my sister @lena_berg on insta"). */
  bioRelativeAccount: 0.03,
} as const;

/** A small fast seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A given name and the nickname people use for it (one the model's nickname table knows), or null. */
export type GivenName = [string, string | null];

/**
 * Name pools by origin: the languages of CITIES and an international pool (Turkish, Scandinavian,
 * Portuguese, Central European, Arabic, South and East Asian, West African names). Each list is ordered
 * from common to rare and drawn with Zipf-like weights (see NAME_ZIPF): Müller, Smith, García, Rossi,
 * de Jong, Nowak are the most likely names of their pools.
 */
export const NAME_POOLS: Record<string, { given: GivenName[]; family: string[] }> = {
  de: {
    given: [
      ['Michael', 'Mike'], ['Thomas', 'Tom'], ['Andreas', 'Andi'], ['Stefan', null], ['Daniel', 'Dani'], ['Alexander', 'Sascha'], ['Anna', null], ['Julia', null], ['Katharina', 'Kathi'],
      ['Christian', null], ['Sabine', null], ['Markus', null], ['Maria', null], ['Lena', null], ['Martin', null], ['Susanne', 'Susi'], ['Peter', null], ['Sandra', null], ['Jürgen', null],
      ['Nicole', null], ['Matthias', 'Matze'], ['Claudia', null], ['Tobias', null], ['Laura', null], ['Lukas', null], ['Sarah', null], ['Jan', null], ['Petra', null], ['Maximilian', 'Max'],
      ['Franziska', 'Franzi'], ['Gabriele', 'Gabi'], ['Felix', null], ['Lea', null], ['Jonas', null], ['Sophie', null], ['Wolfgang', 'Wolfi'], ['Birgit', null], ['Jörg', null], ['Johannes', 'Hans'],
      ['Elisabeth', 'Lisa'], ['Leonie', null], ['Paul', null], ['Hannah', null], ['Günter', null], ['Friedrich', 'Fritz'], ['Josef', 'Sepp'], ['Margarete', 'Grete'], ['Ursula', null], ['Björn', null],
      ['Clara', null], ['Finn', null], ['Mia', null], ['Sören', null], ['Dieter', null], ['Jana', null], ['Emma', null], ['Noah', null], ['Marie', null], ['Uwe', null], ['Käthe', null],
    ],
    family: [
      'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder',
      'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze',
      'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert', 'Vogel',
      'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz', 'Baumann', 'Franke', 'Albrecht', 'Schuster', 'Simon', 'Ludwig', 'Böhm', 'Winter',
      'Kraus', 'Schumacher', 'Krämer', 'Vogt', 'Stein', 'Jäger', 'Otto', 'Sommer', 'Groß', 'Seidel', 'Heinrich', 'Brandt', 'Haas', 'Schreiber', 'Graf', 'Schulte', 'Dietrich',
      'Ziegler', 'Kuhn', 'Kühn', 'Pohl', 'Engel', 'Horn', 'Busch', 'Bergmann', 'Voigt', 'Sauer', 'Arnold', 'Wolff', 'Pfeiffer', 'Gruber', 'Steiner', 'Moser', 'Hofer', 'Brunner',
      'Egger', 'Lindner', 'Ebert', 'Kessler', 'Nagel', 'Hübner', 'Thiel', 'Reuter', 'Wirth', 'Öhler',
    ],
  },
  en: {
    given: [
      ['James', 'Jim'], ['John', 'Jack'], ['Robert', 'Bob'], ['Michael', 'Mike'], ['David', null], ['William', 'Bill'], ['Mary', null], ['Sarah', null], ['Elizabeth', 'Liz'], ['Richard', 'Rick'],
      ['Jennifer', 'Jen'], ['Thomas', 'Tom'], ['Christopher', 'Chris'], ['Emma', null], ['Daniel', 'Dan'], ['Patricia', 'Pat'], ['Matthew', 'Matt'], ['Laura', null], ['Joseph', 'Joe'],
      ['Margaret', 'Maggie'], ['Andrew', 'Andy'], ['Emily', null], ['Mark', null], ['Jessica', null], ['Paul', null], ['Rebecca', 'Becky'], ['Anthony', 'Tony'], ['Charlotte', null],
      ['Edward', 'Ed'], ['Olivia', null], ['Samuel', 'Sam'], ['Victoria', 'Vicky'], ['Benjamin', 'Ben'], ['Catherine', 'Kate'], ['Oliver', null], ['Samantha', 'Sam'], ['George', null],
      ['Amelia', null], ['Harry', null], ['Nicholas', 'Nick'], ['Linda', null], ['Karen', null], ['Zoë', null], ['Grace', null], ['Isabella', 'Bella'], ['Ethan', null],
    ],
    family: [
      'Smith', 'Johnson', 'Jones', 'Williams', 'Brown', 'Taylor', 'Davies', 'Miller', 'Wilson', 'Evans', 'Davis', 'Thomas', 'Garcia', 'Roberts', 'Robinson', 'Thompson',
      'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall', 'Lewis', 'Harris', 'Clarke', 'Patel', 'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward',
      'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen', 'Scott', 'Phillips', 'Watson', 'Anderson', 'Parker', 'Price', 'Bennett', 'Young',
      'Griffiths', 'Mitchell', 'Kelly', 'Cook', 'Carter', 'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy', 'Rodriguez', 'Cox', 'Richards', 'Khan', 'Marshall',
      'Simpson', 'Ellis', 'Adams', 'Singh', 'Wilkinson', 'Foster', 'Chapman', 'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Hunt', 'Campbell', 'Matthews', 'Owen', 'Palmer',
      'Holmes', 'Mills', 'Barnes', 'Knight', 'Lloyd', 'Butler', 'Russell', 'Fisher', 'Stevens', 'Jenkins', 'Murray', 'Dixon', 'Harvey', 'Hernandez', 'Sullivan', 'Doyle',
      'Fitzgerald', 'Whitaker', 'Pemberton',
    ],
  },
  fr: {
    given: [
      ['Jean', null], ['Marie', null], ['Pierre', null], ['Nathalie', null], ['Michel', null], ['Isabelle', null], ['Philippe', null], ['Sylvie', null], ['Nicolas', null], ['Camille', null],
      ['Julien', null], ['Céline', null], ['Sébastien', null], ['Chloé', null], ['Alain', null], ['Léa', null], ['Thomas', 'Tom'], ['Manon', null], ['François', null], ['Hélène', null],
      ['Louis', null], ['Élodie', null], ['Hugo', null], ['Amélie', null], ['Émile', null], ['Françoise', null], ['Théo', null], ['Inès', null], ['Jérôme', null], ['Aurélie', null],
      ['Stéphane', null], ['Margaux', null], ['René', null], ['Zoé', null],
    ],
    family: [
      'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand',
      'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure',
      'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier',
      'Robin', 'Masson', 'Gérard', 'Boyer', 'Lemaire', 'Duval', 'Joly', 'Roche', 'Noël', 'Meunier', 'Marchand', 'Dufour', 'Blanchard', 'Barbier', 'Brunet', 'Leclerc', 'Giraud',
      'Lacroix', 'Fabre', 'Rivière', 'Prévost', 'Benoît', 'Ménard', 'Carré', 'Le Gall', 'Deschamps',
    ],
  },
  es: {
    given: [
      ['José', null], ['María', null], ['Antonio', null], ['Carmen', null], ['Manuel', 'Manolo'], ['Ana', null], ['Francisco', 'Paco'], ['Laura', null], ['David', null], ['Isabel', null],
      ['Juan', null], ['Lucía', null], ['Javier', null], ['Cristina', null], ['Carlos', null], ['Marta', null], ['Miguel', null], ['Dolores', 'Lola'], ['Alejandro', null], ['Elena', null],
      ['Pablo', null], ['Pilar', null], ['Sergio', null], ['Raquel', null], ['Jorge', null], ['Sofía', null], ['Álvaro', null], ['Núria', null], ['Jesús', null], ['Begoña', null],
      ['Iñaki', null], ['Mónica', null],
    ],
    family: [
      'García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz',
      'Álvarez', 'Romero', 'Alonso', 'Gutiérrez', 'Navarro', 'Torres', 'Domínguez', 'Vázquez', 'Ramos', 'Gil', 'Ramírez', 'Serrano', 'Blanco', 'Molina', 'Morales', 'Suárez',
      'Ortega', 'Delgado', 'Castro', 'Ortiz', 'Rubio', 'Marín', 'Sanz', 'Núñez', 'Iglesias', 'Medina', 'Garrido', 'Cortés', 'Castillo', 'Santos', 'Lozano', 'Guerrero', 'Cano',
      'Prieto', 'Méndez', 'Cruz', 'Calvo', 'Gallego', 'Vidal', 'León', 'Márquez', 'Herrera', 'Peña', 'Flores', 'Cabrera', 'Ferrer', 'Ibáñez', 'Puig', 'Pujol', 'Vila', 'Font',
      'Soler', 'Echeverría',
    ],
  },
  it: {
    given: [
      ['Giuseppe', 'Beppe'], ['Maria', null], ['Francesco', 'Franco'], ['Giulia', null], ['Marco', null], ['Francesca', null], ['Alessandro', null], ['Chiara', null], ['Andrea', null],
      ['Sara', null], ['Luca', null], ['Martina', null], ['Giovanni', null], ['Valentina', null], ['Matteo', null], ['Alessia', null], ['Lorenzo', null], ['Federica', null],
      ['Davide', null], ['Elisa', null], ['Stefano', null], ['Silvia', null], ['Paolo', null], ['Giorgia', null], ['Niccolò', null], ['Antonella', null],
    ],
    family: [
      'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano',
      'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone', 'Longo', 'Gentile', 'Martinelli',
      'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', 'Marchetti', 'Parisi', 'Villa', 'Conte', 'Ferraro', 'Fabbri', 'Bianco', 'Marini', 'Grasso', 'Valentini', 'Messina',
      'Sala', 'Gatti', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Monti', 'Cattaneo', 'Morelli', 'Amato', 'Barone', 'Guerra', 'Fiore', 'Bellini', 'Sorrentino', 'Piras',
    ],
  },
  nl: {
    given: [
      ['Jan', null], ['Emma', null], ['Pieter', null], ['Sanne', null], ['Johannes', 'Hans'], ['Anouk', null], ['Daan', null], ['Lotte', null], ['Hendrik', null], ['Femke', null],
      ['Sander', null], ['Eva', null], ['Bram', null], ['Fleur', null], ['Thijs', null], ['Maaike', null], ['Ruben', null], ['Noor', null], ['Joost', null], ['Lieke', null],
      ['Koen', null], ['Mieke', null], ['Geert', null], ['Willemijn', null],
    ],
    family: [
      'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters',
      'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer', 'van der Linden', 'Kok', 'Jacobs', 'de Haan', 'Vermeulen',
      'van den Heuvel', 'van der Veen', 'van den Broek', 'de Bruijn', 'van der Heijden', 'Schouten', 'van Beek', 'Willems', 'van Vliet', 'Hoekstra', 'Maas', 'Verhoeven',
      'Koster', 'van Dam', 'Prins', 'Blom', 'Huisman', 'Peeters', 'Kuipers', 'Postma', 'IJzerman',
    ],
  },
  pl: {
    given: [
      ['Anna', null], ['Piotr', null], ['Katarzyna', null], ['Krzysztof', null], ['Maria', null], ['Andrzej', null], ['Małgorzata', null], ['Tomasz', null], ['Agnieszka', null],
      ['Paweł', null], ['Barbara', null], ['Michał', null], ['Ewa', null], ['Marcin', null], ['Magdalena', null], ['Jakub', null], ['Joanna', null], ['Łukasz', null],
      ['Aleksandra', null], ['Grzegorz', null], ['Zofia', null], ['Wojciech', null], ['Dorota', null], ['Mateusz', null], ['Józef', null], ['Monika', null],
    ],
    family: [
      'Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski', 'Zieliński', 'Szymański', 'Woźniak', 'Dąbrowski', 'Kozłowski', 'Jankowski',
      'Mazur', 'Wojciechowski', 'Kwiatkowski', 'Krawczyk', 'Kaczmarek', 'Piotrowski', 'Grabowski', 'Zając', 'Pawłowski', 'Michalski', 'Król', 'Wieczorek', 'Jabłoński',
      'Wróbel', 'Nowakowski', 'Majewski', 'Olszewski', 'Stępień', 'Malinowski', 'Jaworski', 'Adamczyk', 'Dudek', 'Nowicki', 'Pawlak', 'Górski', 'Witkowski', 'Walczak',
      'Sikora', 'Baran', 'Rutkowski', 'Michalak', 'Szewczyk', 'Ostrowski', 'Tomaszewski', 'Pietrzak', 'Zalewski', 'Wróblewski',
    ],
  },
  intl: {
    given: [
      ['Mehmet', null], ['Fatma', null], ['Ayşe', null], ['Mustafa', null], ['Elif', null], ['Emre', null], ['Zeynep', null], ['Ahmed', null], ['Fatima', null], ['Omar', null],
      ['Priya', null], ['Rahul', null], ['Ananya', null], ['Arjun', null], ['Minh', null], ['Linh', null], ['Wei', null], ['Mei', null], ['Hiroshi', null], ['Yuki', null],
      ['Chinedu', null], ['Ngozi', null], ['Kwame', null], ['Søren', null], ['Ingrid', null], ['Astrid', null], ['Lars', null], ['Sigrid', null], ['João', null], ['Inês', null],
      ['Leila', null], ['Yusuf', null], ['Dimitris', null], ['Eleni', null], ['Tomáš', null], ['Zoltán', null], ['Björn', null], ['Seong', null],
    ],
    family: [
      'Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Öztürk', 'Nguyen', 'Tran', 'Pham', 'Kim', 'Park', 'Wang', 'Zhang', 'Chen', 'Liu', 'Tanaka', 'Sato', 'Suzuki', 'Sharma',
      'Patel', 'Singh', 'Kumar', 'Gupta', 'Okafor', 'Okonkwo', 'Adeyemi', 'Mensah', 'Andersen', 'Nielsen', 'Hansen', 'Jensen', 'Larsen', 'Berg', 'Lindqvist', 'Johansson',
      'Eriksson', 'Karlsson', 'Silva', 'Costa', 'Santos', 'Ferreira', 'Oliveira', 'Pereira', 'Horváth', 'Nagy', 'Novák', 'Dvořák', 'Svoboda', 'Papadopoulos', 'Haddad',
      'Khalil', 'Hassan', 'Ahmed', 'Jovanović', 'Kovačević', 'Ivanova', 'Petrov', 'Moreira', 'Nakamura', 'Takahashi',
    ],
  },
};

/**
 * Zipf-like draws: the k-th name of a pool (k from 1, ordered common to rare) has weight 1 / k^s. Real
 * rank-frequency within the head of a country's names falls roughly this way (Smith is about 0.8% of US
 * residents, the hundredth surname about 0.1%: s ≈ 0.45; given names are steeper). Lists are finite, so
 * the long tail of rare names is cut; see docs/IDENTITY.md for the resulting collision rate.
 */
export const NAME_ZIPF = { given: 0.7, family: 0.6 } as const;
/**
 * The long tail: most people do not carry one of a country's hundred most common family names. A list
 * of a few hundred names cannot hold that tail, so RARE_FAMILY_SHARE of people get a rarer family name
 * composed from the origin's usual parts (Lindenberger, Ashworth, Valverde, Radowski, van Oosthoven,
 * Karasoy): a few hundred possible names per origin, each unlikely.
 */
export const RARE_FAMILY_PARTS: Record<string, [string[], string[]]> = {
  de: [
    ['Linden', 'Eich', 'Hagen', 'Rosen', 'Stein', 'Wald', 'Buch', 'Feld', 'Brunn', 'Kirch', 'Rein', 'Hoch', 'Tann', 'Wies', 'Grün', 'Hirsch', 'Falken', 'Sonnen', 'Adler', 'Fried', 'Gold', 'Kalten', 'Mühl', 'Ober', 'Unter', 'Lauten', 'Eber', 'Rott', 'Hasel', 'Birk'],
    ['berger', 'mann', 'hofer', 'bach', 'dorf', 'inger', 'hausen', 'meier', 'huber', 'feld', 'brink', 'reiter', 'wald', 'thaler', 'müller', 'schläger'],
  ],
  en: [
    ['Ash', 'Black', 'Brad', 'Brook', 'Crom', 'Dun', 'Fair', 'Har', 'Hol', 'Kings', 'Lang', 'Mar', 'Mid', 'Nor', 'Pen', 'Ridge', 'Stan', 'Thorn', 'West', 'Whit', 'Ather', 'Brom', 'Cal', 'Dal', 'Eller', 'Fen', 'Gold', 'Hather'],
    ['ton', 'ley', 'worth', 'field', 'ford', 'wood', 'well', 'by', 'more', 'ham', 'stone', 'bridge', 'hurst', 'combe', 'ridge'],
  ],
  fr: [
    ['Beau', 'Bel', 'Bon', 'Cham', 'Char', 'Du', 'Fon', 'Gail', 'Lar', 'Mal', 'Mont', 'Roch', 'Vau', 'Ver', 'Bou', 'Lan', 'Mar', 'Sau', 'Chau', 'Fré', 'Gré', 'Lé'],
    ['champ', 'court', 'mont', 'ville', 'lard', 'rieux', 'vert', 'bois', 'nier', 'chet', 'teau', 'gnac', 'quet', 'zière', 'vière'],
  ],
  es: [
    ['Villa', 'Castel', 'Val', 'Monte', 'Torre', 'Alba', 'Campo', 'Peña', 'Fuente', 'Sierra', 'Mira', 'Olmo', 'Casa', 'Llano', 'Cerro', 'Ribera', 'Vega', 'Robles'],
    ['nueva', 'real', 'verde', 'mayor', 'alta', 'blanca', 'seca', 'fría', 'hermosa', 'llana', 'rubia', 'dorada', 'alegre', 'rroya'],
  ],
  it: [
    ['Monte', 'Castel', 'Calde', 'Fonta', 'Rocca', 'Villa', 'Ponte', 'Bor', 'Pala', 'Santa', 'Acqua', 'Capo', 'Bonfi', 'Cavalle', 'Pieri', 'Tomma', 'Zano', 'Lucche'],
    ['nari', 'rossa', 'nova', 'franco', 'bello', 'lunga', 'verde', 'fiore', 'monti', 'lli', 'tti', 'cci', 'sio', 'zzi', 'glia'],
  ],
  nl: [
    ['van Aal', 'van Bree', 'van Esch', 'van Gent', 'van Haar', 'van Loon', 'van Mol', 'van Oost', 'van Rijn', 'van Zand', 'van Wijk', 'van Berk', 'van Hout', 'van Laar', 'Ooster', 'Wester', 'Noord', 'Zuider'],
    ['sen', 'dijk', 'hoven', 'veld', 'broek', 'horst', 'meer', 'berg', 'kamp', 'beek', 'hout', 'wijk', 'sma', 'stra'],
  ],
  pl: [
    ['Brzo', 'Dąb', 'Gór', 'Jaś', 'Kraw', 'Las', 'Lip', 'Mił', 'Pop', 'Rad', 'Sob', 'Stan', 'Świ', 'Wil', 'Zaw', 'Grod', 'Czar', 'Dob', 'Kos', 'Mrocz', 'Bart', 'Chmiel'],
    ['owski', 'ewski', 'iński', 'ecki', 'czak', 'czyk', 'iak', 'ek', 'ski', 'ała', 'uch', 'osz'],
  ],
  intl: [
    ['Ak', 'Kara', 'Demir', 'Ay', 'Gül', 'Öz', 'Er', 'Sarı', 'Anders', 'Gustaf', 'Hen', 'Jakob', 'Nils', 'Pers', 'Sven', 'Tor', 'Ols', 'Mag'],
    ['soy', 'oğlu', 'can', 'kaya', 'taş', 'dağ', 'türk', 'son', 'sen', 'sson', 'gaard', 'lund', 'ström', 'dal'],
  ],
};
/** Share of people with a rarer family name from RARE_FAMILY_PARTS instead of the list. */
export const RARE_FAMILY_SHARE = 0.75;
/** Share of people whose name comes from their city's language; the others from another pool (international or another market). */
export const LOCAL_NAME_SHARE = 0.75;

const CITIES: [string, string, string][] = [
  ['Berlin', 'Germany', 'de'], ['München', 'Germany', 'de'], ['Hamburg', 'Germany', 'de'], ['Köln', 'Germany', 'de'], ['Wien', 'Austria', 'de'], ['Zürich', 'Switzerland', 'de'],
  ['London', 'United Kingdom', 'en'], ['Manchester', 'United Kingdom', 'en'], ['New York', 'United States', 'en'], ['Austin', 'United States', 'en'], ['Paris', 'France', 'fr'],
  ['Lyon', 'France', 'fr'], ['Madrid', 'Spain', 'es'], ['Barcelona', 'Spain', 'es'], ['Milano', 'Italy', 'it'], ['Amsterdam', 'Netherlands', 'nl'], ['Warszawa', 'Poland', 'pl'],
];
const ORIGINS = Object.keys(NAME_POOLS);
const COMPANIES = ['Lumio', 'Brightpath', 'Nordwind', 'Kestrel Labs', 'Bauhaus Digital', 'Ferro Tools', 'Greenleaf', 'Quantix', 'Solvia', 'Tidewater', 'Alpenglow', 'Corvid Systems'];
const FREE_MAIL = ['gmail.com', 'gmx.de', 'web.de', 'outlook.com', 'yahoo.com', 'icloud.com'];
const HOBBIES = ['cycling', 'coffee', 'photography', 'running', 'design', 'gardening', 'cooking', 'travel', 'music', 'hiking', 'football', 'reading'];

export interface GeneratedSet {
  contacts: ContactFacts[];
  identities: IdentityFacts[];
  /** identity id → the contact id it belongs to, or null when its person is no contact. */
  truth: Map<string, string | null>;
  /** Contacts whose person is a deliberate namesake (reuses an earlier person's full name). */
  namesakes: Set<string>;
}

export interface GenerateOptions {
  seed?: number;
  people?: number;
}

const ascii = (s: string) =>
  s.replace(/ß/g, 'ss').replace(/ø/g, 'o').replace(/Ø/g, 'O').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ı/g, 'i').normalize('NFD').replace(/\p{M}+/gu, '');

/** Cumulative Zipf weights 1 / k^s over n ranks, for drawing with one uniform number. */
function zipfTable(n: number, s: number): number[] {
  const table: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) table.push((sum += 1 / k ** s));
  return table.map((w) => w / sum);
}
const ZIPF_TABLES = new Map(Object.entries(NAME_POOLS).map(([origin, pool]) => [origin, { given: zipfTable(pool.given.length, NAME_ZIPF.given), family: zipfTable(pool.family.length, NAME_ZIPF.family) }]));
/** The index a uniform number u falls on in a cumulative table. */
function drawIndex(table: readonly number[], u: number): number {
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < (table[mid] ?? 1)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
/** Polish family names in -ski, -cki, -dzki take -ska, -cka, -dzka for women (Polish given names of women end in -a). */
const polishForm = (given: string, family: string) => (/a$/.test(given) && /(sk|ck|dzk)i$/.test(family) ? family.replace(/i$/, 'a') : family);

/**
 * Share of contacts whose folded full name (as the CRM holds it) equals another contact's: over all
 * contacts, and over the contacts that are no deliberate namesake (the collisions the name
 * distribution makes by itself).
 */
export function nameCollisions(set: GeneratedSet, fold: (name: string) => string): { all: number; natural: number } {
  const share = (contacts: ContactFacts[]) => {
    const counts = new Map<string, number>();
    for (const c of contacts) counts.set(fold(c.name), (counts.get(fold(c.name)) ?? 0) + 1);
    return contacts.length === 0 ? 0 : contacts.filter((c) => (counts.get(fold(c.name)) ?? 0) > 1).length / contacts.length;
  };
  return { all: share(set.contacts), natural: share(set.contacts.filter((c) => !set.namesakes.has(c.id))) };
}
const slug = (s: string) => ascii(s).toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Generates a ground-truth set; the same options always give the same set. */
export function generate(options: GenerateOptions = {}): GeneratedSet {
  const random = rng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const people = options.people ?? 1000;

  const typo = (word: string): string => {
    if (word.length < 4) return word;
    const i = 1 + Math.floor(random() * (word.length - 2));
    const kind = Math.floor(random() * 3);
    if (kind === 0) return word.slice(0, i) + word.slice(i + 1); // deletion
    if (kind === 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // transposition
    return word.slice(0, i) + word[i] + word.slice(i); // doubling
  };

  const contacts: ContactFacts[] = [];
  const identities: IdentityFacts[] = [];
  const truth = new Map<string, string | null>();
  const families: { family: string; email: string; contactIds: string[] }[] = [];
  let identitySeq = 0;
  let phoneSeq = 1000000;
  const usedHandles = new Set<string>();
  const seenIdentities = new Set<string>();

  const namesakePool: { given: GivenName; family: string }[] = [];
  const namesakes = new Set<string>();
  /** Earlier people's details, for the hard cases that state someone else's. */
  const others: { family: string; email: string; orders: string[]; handle: string }[] = [];
  let orderSeq = 1000000;
  const day = () => `2026-${String(1 + Math.floor(random() * 11)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;

  for (let p = 0; p < people; p++) {
    // Namesakes: one in ten people reuses an earlier person's full name, usually in another city.
    const namesake = namesakePool.length > 0 && chance(0.1) ? pick(namesakePool) : null;
    const [city, country, language] = pick(CITIES);
    // Most people carry a name of their city's language; the others one of another origin.
    const origin = chance(LOCAL_NAME_SHARE) ? language : chance(0.5) ? 'intl' : pick(ORIGINS);
    const pool = NAME_POOLS[origin] ?? NAME_POOLS['en'];
    const tables = ZIPF_TABLES.get(origin) ?? ZIPF_TABLES.get('en');
    if (!pool || !tables) throw new Error(`no name pool for ${origin}`);
    const drawnGiven = pool.given[drawIndex(tables.given, random())] as GivenName;
    const parts = RARE_FAMILY_PARTS[origin];
    const rare = parts && chance(RARE_FAMILY_SHARE) ? `${pick(parts[0])}${pick(parts[1])}` : null;
    const drawnFamily = rare ?? (pool.family[drawIndex(tables.family, random())] as string);
    const given = namesake?.given ?? drawnGiven;
    const family = namesake?.family ?? (origin === 'pl' ? polishForm(drawnGiven[0], drawnFamily) : drawnFamily);
    namesakePool.push({ given, family });
    const company = chance(0.5) ? pick(COMPANIES) : null;
    const companyDomain = company ? `${slug(company)}.com` : null;
    const fullName = `${given[0]} ${family}`;
    const emailLocal = pick([`${slug(given[0])}.${slug(family)}`, `${slug(given[0])[0]}${slug(family)}`, `${slug(given[0])}${slug(family)}${Math.floor(random() * 90) + 10}`]);
    const personal = `${emailLocal}${p}@${pick(FREE_MAIL)}`;
    const work = companyDomain && chance(0.5) ? `${slug(given[0])}.${slug(family)}@${companyDomain}` : null;
    const phone = chance(0.55) ? `+49 15${Math.floor(random() * 10)} ${phoneSeq++}` : null;
    let handle = `${slug(given[0])}_${slug(family)}`;
    while (usedHandles.has(handle)) handle = `${handle}${Math.floor(random() * 10)}`;
    usedHandles.add(handle);
    const isContact = chance(0.8);
    const contactId = `c${p}`;
    if (namesake && isContact) namesakes.add(contactId);
    const orders = isContact && chance(RATES.customerWithOrders) ? [`K-${200000 + p}`, ...Array.from({ length: 1 + Math.floor(random() * 3) }, () => `#${orderSeq++}`)] : [];

    if (isContact) {
      const listedHandles: { channel: string | null; handle: string }[] = [];
      if (chance(0.35)) listedHandles.push({ channel: 'x', handle: `@${handle}` });
      if (chance(0.25)) listedHandles.push({ channel: 'instagram', handle });
      const emails = [personal, ...(work ? [work] : [])];
      // A family address shared with the previous contact of the same family name, sometimes.
      const sameFamily = families.find((f) => f.family === family && f.contactIds.length < 3);
      if (sameFamily && chance(0.6)) {
        emails.push(sameFamily.email);
        sameFamily.contactIds.push(contactId);
      } else if (chance(0.1)) {
        const email = `family.${slug(family)}${p}@${pick(FREE_MAIL)}`;
        families.push({ family, email, contactIds: [contactId] });
        emails.push(email);
      }
      // Small business owners list their shop's role address.
      if (companyDomain && chance(0.2)) emails.push(`info@${companyDomain}`);
      contacts.push({
        id: contactId,
        name: chance(0.08) ? `${given[0]} ${typo(family)}` : chance(0.5) ? fullName : ascii(fullName),
        emails: chance(0.1) ? [] : emails,
        phones: phone && chance(0.85) ? [phone.replace('+49 ', '0')] : [],
        city: chance(0.8) ? city : null,
        country: chance(0.7) ? country : null,
        languages: chance(0.6) ? [language] : [],
        handles: listedHandles,
        urls: [],
        keywords: company ? [company] : [],
        accountDomains: companyDomain ? [companyDomain] : [],
        orderIds: orders,
      });
    }

    const addIdentity = (facts: Omit<IdentityFacts, 'id'>) => {
      // One address is one identity: a family address or a namesake's work address seen again belongs to its first writer.
      const key = `${facts.channel}:${facts.externalId}`;
      if (seenIdentities.has(key)) return;
      seenIdentities.add(key);
      const id = `i${identitySeq++}`;
      identities.push({ id, ...facts });
      truth.set(id, isContact ? contactId : null);
    };
    const displayName = () => {
      const roll = random();
      if (roll < 0.15 && given[1]) return `${given[1]} ${family}`;
      if (roll < 0.25) return `${given[0]} ${typo(family)}`;
      if (roll < 0.4) return ascii(fullName);
      if (roll < 0.45) return given[0];
      if (roll < 0.5) return null;
      return fullName;
    };
    const location = () => (chance(0.55) ? pick([city, `${city}, ${country}`, ascii(city)]) : null);

    // Which networks this person is on and under which handle, decided first so bios and signatures can list them.
    const accounts = (['x', 'instagram', 'mastodon'] as const)
      .filter((channel) => chance(channel === 'x' ? 0.55 : channel === 'instagram' ? 0.4 : 0.15))
      .map((channel) => ({ channel, handle: chance(0.75) ? handle : `${slug(given[0])}${Math.floor(random() * 1000)}` }));
    const ownOrder = () => (orders.length > 0 ? pick(orders) : null);
    const someoneElse = () => {
      const relative = others.find((o) => o.family === family && o.email !== personal);
      return relative && chance(0.6) ? relative : others.length > 0 ? pick(others) : null;
    };
    /** A support conversation: what people write when an agent asks "DM us your email or order number". */
    const supportMessage = (isPrivate: boolean): IdentityMessage | null => {
      const roll = random();
      const order = ownOrder();
      if (roll < 0.3 && order) return { text: pick([`Order ${order} still hasn't arrived`, `Hi, it's about order ${order}`, `Bestellung ${order} ist noch nicht da`, `My customer number is ${order}`]), private: isPrivate, at: day() };
      if (roll < 0.45 && phone) return { text: pick([`You can call me on ${phone}`, `My number is ${phone.replace('+49 ', '0')}`]), private: isPrivate, at: day() };
      const familyAddress = families.find((f) => f.contactIds.includes(contactId))?.email;
      const email = familyAddress && chance(0.1) ? familyAddress : work && chance(0.2) ? work : personal;
      return { text: pick([`Hi, my email is ${email}`, `The account is under ${email}`, `Sure: ${email}`, `Meine E-Mail: ${email}`]), private: isPrivate, at: day() };
    };
    /** Hard case: a detail of someone else, with a telling word ("my husband's order") or without. */
    const quotedMessage = (): IdentityMessage | null => {
      const other = someoneElse();
      if (!other) return null;
      const order = other.orders.length > 0 && chance(0.5) ? pick(other.orders) : null;
      const withCue = chance(RATES.quoteWithCue);
      const text = order
        ? withCue ? `Asking for my husband, his order ${order} is late` : `What about ${order}? It's late`
        : withCue ? `Please write to my colleague at ${other.email}` : `Can you check ${other.email}?`;
      return { text, private: chance(0.7), at: day() };
    };

    // Email: most people write from their own address, some from a shared family or a role address.
    if (chance(0.55)) {
      const familyOf = families.find((f) => f.contactIds.includes(contactId));
      const from = familyOf && chance(0.3) ? familyOf.email : work && chance(0.3) ? work : companyDomain && chance(0.05) ? `support@${companyDomain}` : personal;
      const messages: IdentityMessage[] = [];
      const order = ownOrder();
      if (order && chance(RATES.emailMentionsOrder)) messages.push({ text: `Re: order ${order}\nHello, the parcel has not arrived yet.`, private: true, at: day() });
      const social = accounts.filter((a) => a.channel !== 'mastodon');
      if (social.length > 0 && chance(RATES.emailSignatureHandles)) {
        const signature = social.map((a) => (a.channel === 'x' ? `Twitter: @${a.handle}` : `IG: @${a.handle}`)).join(' | ');
        messages.push({ text: `Thanks!\n--\n${fullName}${phone && chance(0.3) ? ` | Tel. ${phone}` : ''} | ${signature}`, private: true, at: day() });
      }
      addIdentity({ channel: 'email', externalId: from, handle: from, displayName: displayName(), profileUrl: null, bio: null, location: null, language: null, messages });
    }
    if (phone && chance(0.5)) {
      const message = chance(RATES.whatsappStatesDetail) ? supportMessage(true) : null;
      addIdentity({ channel: 'whatsapp', externalId: phone.replace(/\D/g, ''), handle: phone.replace(/ /g, ''), displayName: chance(0.3) ? given[0] : displayName(), profileUrl: null, bio: null, location: null, language: null, messages: message ? [message] : [] });
    }
    const bio = (self: { channel: string; handle: string }) => {
      const parts = [pick(HOBBIES)];
      if (company && chance(0.5)) parts.push(`${pick(['Working at', 'Designer @', 'Engineer at', 'Founder of'])} ${company}`);
      if (companyDomain && chance(0.3)) parts.push(companyDomain);
      const elsewhere = accounts.filter((a) => a.channel !== self.channel);
      const listed = elsewhere.length > 0 && chance(RATES.bioCrossListing) ? pick(elsewhere) : null;
      if (listed) parts.push(pick([`also @${listed.handle} on ${listed.channel === 'instagram' ? 'Insta' : listed.channel === 'x' ? 'Twitter' : 'Mastodon'}`, `${listed.channel === 'instagram' ? 'IG' : listed.channel === 'x' ? 'X' : 'Mastodon'}: @${listed.handle}`]));
      const relative = chance(RATES.bioRelativeAccount) ? someoneElse() : null;
      if (relative) parts.push(`my sister @${relative.handle} on insta`);
      return chance(0.8) || listed || relative ? parts.join(' · ') : null;
    };
    for (const account of accounts) {
      const { channel, handle: h } = account;
      const messages: IdentityMessage[] = [];
      if (chance(RATES.supportDm)) messages.push(...[supportMessage(true)].filter((m): m is IdentityMessage => m !== null));
      if (chance(RATES.publicStatement)) messages.push(...[supportMessage(false)].filter((m): m is IdentityMessage => m !== null));
      if (chance(RATES.quotesSomeoneElse)) messages.push(...[quotedMessage()].filter((m): m is IdentityMessage => m !== null));
      addIdentity({
        channel,
        externalId: `${channel}-${identitySeq}`,
        handle: channel === 'x' ? `@${h}` : h,
        displayName: displayName(),
        profileUrl: channel === 'x' ? `https://x.com/${h}` : channel === 'instagram' ? `https://instagram.com/${h}` : null,
        bio: bio(account),
        location: location(),
        language: chance(0.6) ? language : null,
        messages,
      });
    }
    others.push({ family, email: personal, orders, handle });
  }
  return { contacts, identities, truth, namesakes };
}
