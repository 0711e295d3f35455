/**
 * Slot values for the intent data set generator (scripts/build-intent-data.ts), per industry and language.
 * Brands are fictional. German values are written to fit the case the templates use:
 * thing/good nominative, item/feature without article, howto as "<object> <infinitive>", problem as a main clause.
 */

export interface LangSlots {
  /** Something that can break: "my internet", "die App". */
  thing: string[];
  /** A full clause describing a problem: "I was charged twice". */
  problem: string[];
  /** Something to buy, without article. */
  item: string[];
  /** A capability to ask for, without article (German) / noun phrase (English). */
  feature: string[];
  /** A task to ask about: "change my billing address", "meine Rechnungsadresse ändern". */
  howto: string[];
  /** Something to praise: "the support team", "der Support". */
  good: string[];
}

export interface IndustrySlots {
  brandsEn: string[];
  brandsDe: string[];
  competitors: string[];
  en: LangSlots;
  de: LangSlots;
}

export const INDUSTRIES: Record<string, IndustrySlots> = {
  telecom: {
    brandsEn: ['@TelvioCare', '@mobilo', '@Kabelwerk', '@telvio', '@Linkwave_help'],
    brandsDe: ['@TelvioDE', '@NetzPlus', '@Mobilo', '@Kabelwerk_hilft', '@Funkstar'],
    competitors: ['Mobilo', 'NetzPlus', 'Kabelwerk', 'Funkstar', 'Linkwave'],
    en: {
      thing: ['my internet', 'the mobile data', 'my landline', 'the wifi', 'my router', '4G in my area'],
      problem: ['I was charged roaming fees in my own country', 'my broadband has dropped out every night this week', 'the technician never showed up', 'I got billed twice for the same month', 'my number port has been stuck for 10 days', 'the signal disappears as soon as I get home'],
      item: ['the unlimited 5G plan', 'the Fibre 500 package', 'an eSIM for my watch', 'the family bundle', 'the new Pixel on contract'],
      feature: ['wifi calling', 'a data rollover option', 'eSIM for tablets', 'a cheaper SIM-only plan', 'usage alerts in the app'],
      howto: ['transfer my number', 'change my billing address', 'activate roaming', 'add a second SIM', 'set up my voicemail'],
      good: ['the support team', 'the new app', 'the coverage in town', 'your live chat', 'the installer who came today'],
    },
    de: {
      thing: ['mein Internet', 'das mobile Internet', 'der Festnetzanschluss', 'das WLAN', 'der Router', 'LTE bei mir'],
      problem: ['mir wurden Roaminggebühren im Inland berechnet', 'mein DSL bricht jeden Abend ab', 'der Techniker ist nicht gekommen', 'ich habe zwei Rechnungen für denselben Monat bekommen', 'meine Rufnummernmitnahme hängt seit 10 Tagen', 'zuhause habe ich null Empfang'],
      item: ['Unlimited 5G', 'Glasfaser 500', 'eine eSIM für die Uhr', 'das Familienpaket', 'das neue Pixel mit Vertrag'],
      feature: ['WLAN-Call', 'Datenmitnahme', 'eSIM fürs Tablet', 'einen günstigeren Tarif ohne Handy', 'Verbrauchswarnungen in der App'],
      howto: ['meine Rufnummer mitnehmen', 'meine Rechnungsadresse ändern', 'Roaming aktivieren', 'eine zweite SIM bestellen', 'meine Mailbox einrichten'],
      good: ['der Support', 'die neue App', 'das Netz in der Stadt', 'euer Live-Chat', 'der Techniker von heute'],
    },
  },
  airline: {
    brandsEn: ['@SkyLarkAir', '@jetaway', '@AeroNord', '@BlueFinAir', '@SkyLark_help'],
    brandsDe: ['@AeroNord', '@SkyLarkAir_DE', '@Jetaway', '@AlpenAir', '@BlueFin_DE'],
    competitors: ['AeroNord', 'Jetaway', 'SkyLark', 'AlpenAir', 'BlueFin'],
    en: {
      thing: ['your website', 'the check-in app', 'the baggage desk', 'the booking system', 'my refund request'],
      problem: ['my flight was cancelled and nobody rebooked me', 'my suitcase has been missing for a week', 'I was charged twice for seat selection', 'the plane sat on the tarmac for 3 hours without water', 'my refund for a cancelled flight never arrived', 'they denied boarding even though I checked in'],
      item: ['two tickets to Lisbon', 'a business class upgrade', 'the flex fare to Rome', 'extra legroom seats', 'a family ticket to Crete'],
      feature: ['seat selection in the app', 'a cheaper carry-on option', 'live baggage tracking', 'Apple Wallet boarding passes', 'vegan meals on short flights'],
      howto: ['add a checked bag', 'change the name on my booking', 'get a receipt for my flight', 'bring my dog on board', 'request wheelchair assistance'],
      good: ['the cabin crew', 'the onboard service', 'the rebooking team', 'the lounge in Munich', 'your app'],
    },
    de: {
      thing: ['eure Website', 'der Online-Check-in', 'die Gepäckermittlung', 'das Buchungssystem', 'meine Erstattung'],
      problem: ['mein Flug wurde gestrichen und keiner hat mich umgebucht', 'mein Koffer ist seit einer Woche weg', 'mir wurde die Sitzplatzreservierung doppelt berechnet', 'wir standen 3 Stunden ohne Wasser auf dem Rollfeld', 'die Erstattung für den annullierten Flug ist nie gekommen', 'man hat mich trotz Check-in nicht an Bord gelassen'],
      item: ['zwei Tickets nach Lissabon', 'ein Upgrade in die Business Class', 'den Flex-Tarif nach Rom', 'Sitze mit mehr Beinfreiheit', 'ein Familienticket nach Kreta'],
      feature: ['Sitzplatzwahl in der App', 'günstigeres Handgepäck', 'Live-Gepäckverfolgung', 'Bordkarten im Wallet', 'vegane Mahlzeiten auf Kurzstrecken'],
      howto: ['einen Koffer dazubuchen', 'den Namen in der Buchung ändern', 'eine Rechnung für meinen Flug bekommen', 'meinen Hund mitnehmen', 'einen Rollstuhlservice anmelden'],
      good: ['die Crew', 'der Service an Bord', 'das Umbuchungsteam', 'die Lounge in München', 'eure App'],
    },
  },
  retail: {
    brandsEn: ['@ShopHive', '@Modaro', '@ShopHive_help', '@Kaufwelt', '@Tradeo'],
    brandsDe: ['@Kaufwelt', '@ShopHive_DE', '@Modaro', '@Warenwerk', '@Tradeo_DE'],
    competitors: ['ShopHive', 'Kaufwelt', 'Modaro', 'Warenwerk', 'Tradeo'],
    en: {
      thing: ['my order', 'the checkout', 'your tracking page', 'the returns portal', 'my refund'],
      problem: ['my package was marked delivered but never arrived', 'the shoes came in the wrong size', 'the tv arrived with a cracked screen', 'my return was received 3 weeks ago and still no refund', 'I got charged but the order vanished', 'half of my order is missing'],
      item: ['the air fryer XL', 'the navy rain jacket', 'the red sneakers in size 44', 'the 65 inch OLED', 'the winter sale bundle'],
      feature: ['a size filter in the app', 'click and collect', 'PayPal at checkout', 'a wishlist that syncs', 'free returns for members'],
      howto: ['return an item I bought in store', 'change my delivery address', 'use two discount codes', 'track my parcel', 'get an invoice with VAT'],
      good: ['the delivery', 'the packaging', 'your customer service', 'the returns process', 'the quality of the jacket'],
    },
    de: {
      thing: ['meine Bestellung', 'der Checkout', 'die Sendungsverfolgung', 'das Retourenportal', 'meine Erstattung'],
      problem: ['mein Paket wurde als zugestellt markiert, ist aber nie angekommen', 'die Schuhe kamen in der falschen Größe', 'der Fernseher kam mit gesprungenem Display', 'meine Retoure ist seit 3 Wochen bei euch und kein Geld zurück', 'das Geld wurde abgebucht, aber die Bestellung ist verschwunden', 'die Hälfte meiner Bestellung fehlt'],
      item: ['die Heißluftfritteuse XL', 'die Regenjacke in Navy', 'die roten Sneaker in 44', 'den 65-Zoll-OLED', 'das Winter-Sale-Paket'],
      feature: ['Größenfilter in der App', 'Click & Collect', 'PayPal an der Kasse', 'eine synchronisierte Wunschliste', 'kostenlose Retouren für Mitglieder'],
      howto: ['einen Artikel aus der Filiale zurückgeben', 'meine Lieferadresse ändern', 'zwei Gutscheine einlösen', 'mein Paket verfolgen', 'eine Rechnung mit MwSt bekommen'],
      good: ['die Lieferung', 'die Verpackung', 'euer Kundenservice', 'die Rücksendung', 'die Qualität der Jacke'],
    },
  },
  banking: {
    brandsEn: ['@FintraBank', '@nuvobank', '@sparbank', '@FintraHelp', '@Coinly_bank'],
    brandsDe: ['@FintraBank', '@SparbankNord', '@nuvo_bank', '@Kreditwerk', '@Coinly_DE'],
    competitors: ['Nuvo', 'Fintra', 'Sparbank', 'Coinly', 'Kreditwerk'],
    en: {
      thing: ['the banking app', 'my card', 'online banking', 'the transfer limit', 'the login'],
      problem: ['my card got blocked while I was abroad', 'a transfer of 900 euros just disappeared', 'I was charged an overdraft fee I never agreed to', 'the app logs me out every two minutes', 'my salary is 3 days late because of your system', 'nobody answers the fraud hotline'],
      item: ['the metal card', 'a business account', 'the premium account', 'a savings account for my kid', 'the credit card with travel insurance'],
      feature: ['Apple Pay support', 'shared accounts', 'spending categories', 'instant notifications for card payments', 'a dark mode in the app'],
      howto: ['change my PIN', 'order a new card', 'increase my transfer limit', 'download my statements as PDF', 'add a power of attorney'],
      good: ['the new app', 'your fraud team', 'the support on chat', 'the budgeting feature', 'the branch staff'],
    },
    de: {
      thing: ['die Banking-App', 'meine Karte', 'das Onlinebanking', 'das Überweisungslimit', 'der Login'],
      problem: ['meine Karte wurde im Urlaub gesperrt', 'eine Überweisung über 900 Euro ist einfach verschwunden', 'mir wurden Dispozinsen berechnet, denen ich nie zugestimmt habe', 'die App wirft mich alle zwei Minuten raus', 'mein Gehalt kommt wegen eurem System 3 Tage zu spät', 'bei der Sperrhotline geht keiner ran'],
      item: ['die Metallkarte', 'ein Geschäftskonto', 'das Premiumkonto', 'ein Sparkonto für mein Kind', 'die Kreditkarte mit Reiseversicherung'],
      feature: ['Apple Pay', 'Gemeinschaftskonten', 'Ausgabenkategorien', 'Push-Nachrichten bei Kartenzahlungen', 'Dark Mode in der App'],
      howto: ['meine PIN ändern', 'eine neue Karte bestellen', 'mein Überweisungslimit erhöhen', 'meine Kontoauszüge als PDF laden', 'eine Vollmacht einrichten'],
      good: ['die neue App', 'euer Betrugsteam', 'der Chat-Support', 'die Budgetfunktion', 'das Team in der Filiale'],
    },
  },
  saas: {
    brandsEn: ['@cloudly', '@Taskboard', '@SyncPad', '@cloudly_status', '@Formio'],
    brandsDe: ['@Cloudly_DE', '@Taskboard', '@SyncPad', '@Formio_DE', '@Planwerk'],
    competitors: ['Taskboard', 'Cloudly', 'SyncPad', 'Planwerk', 'Formio'],
    en: {
      thing: ['sync', 'the desktop app', 'the API', 'search', 'the editor', 'SSO login'],
      problem: ['sync deleted half of our shared folder', 'the latest update broke our integrations', 'we were billed for 40 seats but only have 12', 'the editor crashes every time I paste a table', 'our invoices have been wrong for 3 months', 'exports stopped working after the migration'],
      item: ['the business plan for 40 people', 'the enterprise tier', 'the lifetime license', 'the annual pro plan', '200 seats'],
      feature: ['dark mode', 'recurring tasks', 'markdown tables', 'SSO on the team plan', 'an offline mode', 'a Gantt view'],
      howto: ['export all my data', 'add a guest user', 'reset two-factor authentication', 'move a workspace to another account', 'connect the API to Zapier'],
      good: ['the new timeline view', 'your support team', 'version history', 'the mobile app', 'the latest release'],
    },
    de: {
      thing: ['die Synchronisation', 'die Desktop-App', 'die API', 'die Suche', 'der Editor', 'der SSO-Login'],
      problem: ['die Synchronisation hat die Hälfte unseres Ordners gelöscht', 'das letzte Update hat unsere Integrationen zerschossen', 'uns wurden 40 Lizenzen berechnet, obwohl wir nur 12 haben', 'der Editor stürzt bei jeder eingefügten Tabelle ab', 'unsere Rechnungen sind seit 3 Monaten falsch', 'seit der Migration funktioniert der Export nicht mehr'],
      item: ['den Business-Tarif für 40 Leute', 'die Enterprise-Version', 'die Lifetime-Lizenz', 'den Pro-Jahrestarif', '200 Lizenzen'],
      feature: ['Dark Mode', 'wiederkehrende Aufgaben', 'Markdown-Tabellen', 'SSO im Team-Tarif', 'Offline-Modus', 'Gantt-Ansicht'],
      howto: ['alle meine Daten exportieren', 'einen Gastnutzer hinzufügen', 'die Zwei-Faktor-Anmeldung zurücksetzen', 'einen Workspace auf ein anderes Konto umziehen', 'die API mit Zapier verbinden'],
      good: ['die neue Zeitleiste', 'euer Support-Team', 'der Versionsverlauf', 'die mobile App', 'das letzte Release'],
    },
  },
  food: {
    brandsEn: ['@munchr', '@FoodFlitz', '@munchr_help', '@Bitebox', '@PizzaPronto'],
    brandsDe: ['@munchr_de', '@FoodFlitz', '@Bitebox_DE', '@Lieferfix', '@PizzaPronto_DE'],
    competitors: ['FoodFlitz', 'Munchr', 'Bitebox', 'Lieferfix', 'PizzaPronto'],
    en: {
      thing: ['the app', 'my order', 'the driver tracking', 'the voucher code', 'the delivery'],
      problem: ['my food arrived cold and an hour late', 'the driver left my order at the wrong house', 'half my order was missing', 'my order was cancelled after 90 minutes of waiting', 'I got charged for a meal I never received', 'the pizza arrived completely squashed'],
      item: ['munchr+', 'a catering order for 12 people', 'the family meal deal', 'a gift card', 'the student subscription'],
      feature: ['scheduled orders', 'a vegan filter', 'splitting the bill with friends', 'cash tips for drivers', 'allergen info on every dish'],
      howto: ['change my delivery address', 'add a tip after delivery', 'use a voucher code', 'get a receipt for work', 'delete my payment card'],
      good: ['the driver', 'the delivery time', 'your support chat', 'the food quality', 'the new app'],
    },
    de: {
      thing: ['die App', 'meine Bestellung', 'die Fahrerverfolgung', 'der Gutscheincode', 'die Lieferung'],
      problem: ['mein Essen kam kalt und eine Stunde zu spät', 'der Fahrer hat die Bestellung beim falschen Haus abgegeben', 'die Hälfte der Bestellung fehlte', 'meine Bestellung wurde nach 90 Minuten Warten storniert', 'mir wurde ein Essen berechnet, das nie kam', 'die Pizza kam völlig zerdrückt an'],
      item: ['munchr+', 'Catering für 12 Leute', 'das Familien-Menü', 'einen Gutschein', 'das Studenten-Abo'],
      feature: ['Vorbestellungen', 'Vegan-Filter', 'Rechnung teilen mit Freunden', 'Trinkgeld in bar', 'Allergene bei jedem Gericht'],
      howto: ['meine Lieferadresse ändern', 'nach der Lieferung Trinkgeld geben', 'einen Gutscheincode einlösen', 'eine Quittung für die Firma bekommen', 'meine Zahlungskarte löschen'],
      good: ['der Fahrer', 'die Lieferzeit', 'euer Support-Chat', 'das Essen', 'die neue App'],
    },
  },
  automotive: {
    brandsEn: ['@VolteraCars', '@KestrelMotors', '@Voltera_UK', '@Ardent_Auto', '@KestrelCare'],
    brandsDe: ['@VolteraDE', '@KestrelMotors', '@Ardent_DE', '@Kestrel_Service', '@Voltera_hilft'],
    competitors: ['Kestrel', 'Voltera', 'Ardent', 'Nordwagen', 'Lumo Motors'],
    en: {
      thing: ['the infotainment screen', 'the charging port', 'the car app', 'the heat pump', 'keyless entry'],
      problem: ['my 3 week old car has been in the workshop twice', 'the charging port broke again', 'the dealer says parts take 2 months', 'the software update bricked my navigation', 'my warranty claim got rejected without reason', 'nobody at the dealership returns my calls'],
      item: ['the V3 long range', 'the Falcon hybrid', 'a lease on the V3', 'the winter tyre package', 'the home wallbox'],
      feature: ['one pedal driving', 'a charge status widget', 'wireless Android Auto', 'scheduled preheating in the app', 'Apple CarPlay on the older models'],
      howto: ['book a service appointment', 'update the car software', 'add a second driver key', 'check my warranty status', 'transfer the app to a new owner'],
      good: ['the dealer service', 'the new V3', 'the test drive', 'the range in winter', 'the roadside assistance'],
    },
    de: {
      thing: ['das Infotainment', 'die Ladeklappe', 'die Auto-App', 'die Wärmepumpe', 'der Keyless-Zugang'],
      problem: ['mein 3 Wochen altes Auto war schon zweimal in der Werkstatt', 'die Ladeklappe ist schon wieder kaputt', 'der Händler sagt, Ersatzteile dauern 2 Monate', 'das Software-Update hat mein Navi lahmgelegt', 'mein Garantieantrag wurde ohne Begründung abgelehnt', 'im Autohaus ruft niemand zurück'],
      item: ['den V3 Long Range', 'den Falcon Hybrid', 'den V3 im Leasing', 'das Winterreifenpaket', 'die Wallbox für zuhause'],
      feature: ['One-Pedal-Driving', 'ein Widget für den Ladestand', 'kabelloses Android Auto', 'Vorklimatisierung per App', 'CarPlay für ältere Modelle'],
      howto: ['einen Servicetermin buchen', 'die Software aktualisieren', 'einen zweiten Schlüssel anlernen', 'meinen Garantiestatus prüfen', 'die App auf den neuen Besitzer übertragen'],
      good: ['der Service im Autohaus', 'der neue V3', 'die Probefahrt', 'die Reichweite im Winter', 'die Pannenhilfe'],
    },
  },
  utilities: {
    brandsEn: ['@GreenWatt', '@PowerFlowUK', '@stadtwerke_mitte', '@AquaNet', '@GreenWatt_help'],
    brandsDe: ['@Stadtwerke_Mitte', '@GreenWatt_DE', '@PowerFlow_DE', '@Wasserwerk_Ost', '@Energieplus'],
    competitors: ['PowerFlow', 'GreenWatt', 'Energieplus', 'Stadtwerke Mitte', 'AquaNet'],
    en: {
      thing: ['the power', 'hot water', 'the smart meter', 'your online portal', 'the gas supply'],
      problem: ['my monthly payment doubled without any letter', 'the smart meter reading is clearly wrong', 'we have had no power since last night', 'I was billed for a flat I moved out of in May', 'the engineer cancelled for the third time', 'my final bill shows a debt I already paid'],
      item: ['the 100% green tariff', 'a heat pump tariff', 'the fixed price deal for 2 years', 'solar panels with installation', 'a smart meter upgrade'],
      feature: ['hourly usage export as CSV', 'push alerts when a reading is due', 'a dynamic tariff', 'paperless billing', 'usage graphs per room'],
      howto: ['submit a meter reading', 'change my monthly payment', 'register a move', 'get a copy of my contract', 'switch to paperless bills'],
      good: ['the engineers', 'the new usage graphs', 'your hotline', 'the app', 'the outage updates'],
    },
    de: {
      thing: ['der Strom', 'das Warmwasser', 'der Smart Meter', 'euer Kundenportal', 'die Gasversorgung'],
      problem: ['mein Abschlag hat sich ohne Schreiben verdoppelt', 'der Zählerstand ist eindeutig falsch', 'wir haben seit gestern Abend keinen Strom', 'ich soll für eine Wohnung zahlen, aus der ich im Mai ausgezogen bin', 'der Monteur hat zum dritten Mal abgesagt', 'auf der Schlussrechnung steht eine Schuld, die ich längst bezahlt habe'],
      item: ['den Ökostromtarif', 'einen Wärmepumpentarif', 'die Preisgarantie für 2 Jahre', 'eine PV-Anlage mit Montage', 'einen Smart Meter'],
      feature: ['CSV-Export der Stundenwerte', 'Erinnerungen für den Zählerstand', 'einen dynamischen Tarif', 'papierlose Rechnungen', 'Verbrauchsgrafiken pro Raum'],
      howto: ['den Zählerstand melden', 'meinen Abschlag ändern', 'einen Umzug melden', 'eine Kopie meines Vertrags bekommen', 'auf Online-Rechnung umstellen'],
      good: ['die Techniker', 'die neuen Verbrauchsgrafiken', 'eure Hotline', 'die App', 'die Infos zur Störung'],
    },
  },
};

/** Cities, countries, small talk slots shared by all industries; split like the other slots. */
export const COMMON = {
  cityEn: ['Leeds', 'Dublin', 'Bristol', 'Manchester', 'Glasgow', 'Cardiff', 'Brighton', 'York'],
  cityDe: ['Köln', 'Leipzig', 'Hamburg', 'Graz', 'Bremen', 'Zürich', 'Mainz', 'Kassel'],
  countryEn: ['Austria', 'Ireland', 'Poland', 'Switzerland', 'Canada', 'Norway'],
  countryDe: ['Österreich', 'die Schweiz', 'Polen', 'Italien', 'Dänemark', 'Belgien'],
  dayEn: ['monday', 'tuesday', 'wednesday', 'thursday', 'sunday', 'friday'],
  dayDe: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Sonntag', 'Freitag'],
  friend: ['@jenny_k', '@tom_b', '@lisa.m', '@mk_87', '@sarahhh', '@jonas_w', '@dan_p', '@eva__'],
  topicEn: ['remote work', 'city cycling', 'sourdough', 'the housing market', 'chess openings', 'retro games'],
  topicDe: ['Homeoffice', 'Radverkehr', 'Sauerteigbrot', 'Mietrecht', 'Schacheröffnungen', 'Retro-Games'],
  urlOther: ['https://example.org/article/123', 'https://blog.example.net/posts/42', 'https://news.example.com/a/7781', 'https://example.org/t/9931', 'https://example.net/read/55'],
  urlSpam: ['bit.ly/3Xq9zz', 'tinyurl.com/free-gift-now', 'http://claim-prize.top/win', 'https://airdrop-now.xyz', 't.me/moon_signals', 'http://cheap-deals.shop/sale', 'wa.me/4915112340000', 'https://bonus-club.click'],
  coin: ['$MOONX', '$PEPE3', 'SHIBA2', '$GROK9', 'DOGEX', '$SAFEAPE'],
  prize: ['an iPhone 17', 'a PS6', 'a $500 gift card', 'AirPods', 'a MacBook', '1000 USDT'],
  prizeDe: ['ein iPhone 17', 'eine PS6', 'einen 500€-Gutschein', 'AirPods', 'ein MacBook', '1000 USDT'],
  spamHandle: ['@growth_guru', '@promo.king', '@cashflip_real', '@vip.signals', '@brandboost_', '@crypto_ann'],
  phone: ['+1 888 555 0142', '+44 7700 900123', '+49 151 23456789', '+1-855-555-0199'],
  money: ['€89', '£120', '60 euros', '$75', '€45', '150 quid'],
  moneyDe: ['89€', '120 Euro', '45 €', '60 Euro', '150€', '39,99€'],
} as const;
