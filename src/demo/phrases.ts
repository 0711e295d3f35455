import type { DemoLanguage } from './cast.ts';

/**
 * What the people of the demo say, per language. Slots in braces are filled by the generator:
 * {product}, {issue}, {Issue} (capitalised), {feature}, {strength}, {competitor}, {competitorProduct}, {hashtag},
 * {handle} (whom a reply answers), {first} (their first name), {ticket}, {days}.
 */
export type Phrases = Record<DemoLanguage, readonly string[]>;

export const COMPLAINT: Phrases = {
  en: [
    '{Issue} on my {product}. Already restarted it twice. @LumioHelp what is going on?',
    'Seriously @LumioHelp, {issue}. Third time this week. Not acceptable for a {product}.',
    'Is anyone else having this? {Issue} on my {product}, and the support chat just keeps me waiting.',
    'Day {days} of waiting for a fix: {issue}. The {product} was supposed to be the reliable choice 😤',
    'Really disappointed with the {product}. {Issue} and nobody can tell me when it will be fixed.',
  ],
  de: [
    '{Issue}, mein {product} nervt. Schon zweimal neu gestartet. @LumioHelp was ist da los?',
    'Ernsthaft @LumioHelp: {issue}. Das dritte Mal diese Woche. Für ein {product} nicht akzeptabel.',
    'Hat das noch jemand? Beim {product}: {issue}. Die Hotline hängt mich nur in die Warteschleife.',
    'Tag {days} ohne Lösung: {issue}. Ich bin echt enttäuscht vom {product} 😤',
  ],
  fr: [
    "{product} : {issue}. J'ai déjà redémarré deux fois. @LumioHelp c'est quoi le problème ?",
    'Franchement déçu du {product} : {issue}. Le service client ne répond pas.',
  ],
  es: [
    '{product}: {issue}. Ya lo reinicié dos veces. @LumioHelp ¿qué pasa?',
    'Muy decepcionado con el {product}: {issue}. Nadie de atención al cliente responde.',
  ],
};

export const QUESTION: Phrases = {
  en: [
    'Does anyone know if the {product} supports {feature}?',
    'How long is the warranty on the {product}, and does it cover water damage?',
    'Can I pay for the {product} monthly, or only upfront?',
    'Is there a way to reset the {product} without losing all my settings?',
    'Quick one: how do I move my number to a new {product} without losing my chats?',
  ],
  de: [
    'Weiß jemand, ob das {product} {feature} hat?',
    'Wie lange gilt die Garantie auf das {product}, und sind Wasserschäden abgedeckt?',
    'Kann ich das {product} monatlich bezahlen oder nur auf einmal?',
    'Kann man das {product} zurücksetzen, ohne alle Einstellungen zu verlieren?',
  ],
  fr: ["Quelqu'un sait si le {product} a {feature} ?", 'Combien de temps dure la garantie du {product} ?'],
  es: ['¿Alguien sabe si el {product} tiene {feature}?', '¿Cuánto dura la garantía del {product}?'],
};

export const PURCHASE: Phrases = {
  en: [
    'Thinking about getting the {product} this weekend. Anyone regret buying it?',
    'Ready to order the {product}. Any discount codes going around?',
    'My contract ends next month and I want to switch to {product}. Where do I sign up?',
    'Which colour of the {product} should I buy? Ordering tonight 🛒',
  ],
  de: [
    'Überlege, mir am Wochenende das {product} zu holen. Hat das jemand bereut?',
    'Will das {product} bestellen. Gibt es gerade irgendwo Rabattcodes?',
    'Mein Vertrag läuft nächsten Monat aus, ich will zu {product} wechseln. Wo kann ich mich anmelden?',
  ],
  fr: ['Je pense acheter le {product} ce week-end. Des avis ?', 'Je veux commander le {product}, il y a une promo en ce moment ?'],
  es: ['Estoy pensando en comprar el {product} este fin de semana. ¿Alguien se arrepiente?', 'Quiero pedir el {product}, ¿hay algún descuento ahora?'],
};

export const PRAISE: Phrases = {
  en: [
    'Have to say the {product} is brilliant. Setup took five minutes and it just works 👏 #{hashtag}',
    'Shoutout to @LumioHelp, they sorted my {product} problem in ten minutes. Great service!',
    'Six months with the {product} and I still love it. Best purchase this year.',
    'The new update made my {product} noticeably faster. Well done, Lumio!',
  ],
  de: [
    'Muss mal sagen: das {product} ist großartig. In fünf Minuten eingerichtet und läuft einfach 👏 #{hashtag}',
    'Danke an @LumioHelp, mein Problem mit dem {product} war in zehn Minuten gelöst. Super Service!',
    'Seit sechs Monaten mit dem {product} und immer noch begeistert. Bester Kauf dieses Jahr.',
  ],
  fr: ['Je dois dire que le {product} est génial. Installé en cinq minutes 👏', 'Merci @LumioHelp, problème réglé en dix minutes. Super service !'],
  es: ['Tengo que decirlo: el {product} es genial. Se configura en cinco minutos 👏', '¡Gracias @LumioHelp, problema resuelto en diez minutos! Gran servicio.'],
};

export const FEATURE_REQUEST: Phrases = {
  en: [
    "Dear Lumio, please add {feature} to the {product}. It's the one thing I'm missing.",
    'Feature request for the {product}: {feature}. That would make it perfect.',
    'Would love to see {feature} on the {product} in the next update 🙏',
  ],
  de: [
    'Liebes Lumio-Team, bitte baut {feature} ins {product} ein. Das ist das Einzige, was mir fehlt.',
    'Wunsch fürs nächste Update vom {product}: {feature}. Dann wäre es perfekt.',
  ],
  fr: ['Ce serait super d\'avoir {feature} sur le {product} dans la prochaine mise à jour 🙏'],
  es: ['Me encantaría tener {feature} en el {product} en la próxima actualización 🙏'],
};

export const CHURN: Phrases = {
  en: [
    "{Issue}. If this isn't fixed this week I'm cancelling and moving to {competitor}.",
    'Honestly thinking about switching to {competitor}. The {product} has been nothing but trouble.',
    '@LumioHelp please cancel my contract. {competitor} offered me a better deal and at least their stuff works.',
  ],
  de: [
    '{Issue}. Wenn das diese Woche nicht behoben ist, kündige ich und wechsle zu {competitor}.',
    'Ich überlege ernsthaft, zu {competitor} zu wechseln. Mit dem {product} gibt es nur Ärger.',
    '@LumioHelp bitte kündigt meinen Vertrag. {competitor} hat mir ein besseres Angebot gemacht.',
  ],
  fr: ["Si ce n'est pas réglé cette semaine, je résilie et je passe chez {competitor}. Marre du {product}."],
  es: ['Si no lo arreglan esta semana, me doy de baja y me voy a {competitor}. Harto del {product}.'],
};

export const SPAM: Phrases = {
  en: [
    '🔥 FREE {product} GIVEAWAY 🔥 Only 50 left, claim yours now at https://lumio-prizes.example.net #giveaway #free',
    'Earn $500/day from home with crypto signals 💰💰 DM me or visit https://quick-cash.example.org',
  ],
  de: ['🔥 {product} GRATIS 🔥 Nur noch 50 Stück, jetzt sichern auf https://lumio-gewinn.example.net #gewinnspiel', 'Verdiene 500 € am Tag von zu Hause 💰 Infos auf https://schnell-geld.example.org'],
  fr: ['🔥 {product} GRATUIT 🔥 Plus que 50, réclamez le vôtre sur https://lumio-prizes.example.net'],
  es: ['🔥 {product} GRATIS 🔥 Solo quedan 50, consíguelo en https://lumio-prizes.example.net'],
};

export const COMPARISON: Phrases = {
  en: [
    '{product} vs {competitorProduct}: {strength} with Lumio, but {competitor} is cheaper. Tough call.',
    'Switched from the {competitorProduct} to the {product} last month. Better value, slightly worse app.',
    'Has anyone compared the {product} and the {competitorProduct} side by side? Which would you pick?',
  ],
  de: [
    '{product} vs. {competitorProduct}: {strength} bei Lumio, aber {competitor} ist günstiger. Schwierig.',
    'Bin letzten Monat vom {competitorProduct} aufs {product} umgestiegen. Mehr fürs Geld, etwas schlechtere App.',
    'Hat jemand das {product} und das {competitorProduct} direkt verglichen? Was würdet ihr nehmen?',
  ],
  fr: ['{product} ou {competitorProduct} ? Lequel choisiriez-vous ?'],
  es: ['¿{product} o {competitorProduct}? ¿Cuál elegiríais?'],
};

export const INFLUENCER: Phrases = {
  en: [
    'Two weeks with the {product}: {strength} and excellent value. Full review is up on the channel 🎥 #{hashtag}',
    'Hot take: the {product} beats the {competitorProduct} for most people. Fight me. #{hashtag}',
  ],
  de: ['Zwei Wochen mit dem {product}: {strength} und top Preis-Leistung. Das ganze Review ist online 🎥 #{hashtag}', 'Unpopuläre Meinung: Das {product} schlägt das {competitorProduct} für die meisten. #{hashtag}'],
  fr: ['Deux semaines avec le {product} : {strength} et un bon rapport qualité-prix. Test complet en ligne 🎥 #{hashtag}'],
  es: ['Dos semanas con el {product}: {strength} y buena relación calidad-precio. Review completa ya disponible 🎥 #{hashtag}'],
};

/** Other customers chiming in under a complaint. */
export const SAME_HERE: Phrases = {
  en: ['Same here since Tuesday. Really annoying.', '+1, exactly the same problem on mine.', 'Glad it is not just me. Mine does this too.'],
  de: ['Bei mir genau das Gleiche seit Dienstag.', '+1, gleiches Problem hier.', 'Gut zu wissen, dass es nicht nur mir so geht.'],
  fr: ['Pareil chez moi depuis mardi.'],
  es: ['A mí me pasa lo mismo desde el martes.'],
};

/** Advocates answering other customers: the community scaling the brand's support. */
export const ADVOCATE_ANSWER: Phrases = {
  en: [
    '@{handle} had the same thing: Settings > System > Reset network settings fixed it for me. Takes two minutes.',
    '@{handle} yes it does. I have used it for a year; warranty is two years, including accidental damage if you register within 30 days.',
    '@{handle} check the Lumio app under Help > Diagnostics, it usually tells you exactly what is wrong.',
  ],
  de: [
    '@{handle} hatte ich auch: Einstellungen > System > Netzwerkeinstellungen zurücksetzen, danach lief es wieder.',
    '@{handle} ja, geht. Nutze es seit einem Jahr. Garantie sind zwei Jahre, mit Registrierung in 30 Tagen inklusive Unfallschäden.',
    '@{handle} schau mal in der Lumio-App unter Hilfe > Diagnose, da steht meistens genau, was los ist.',
  ],
  fr: ["@{handle} j'ai eu pareil : Réglages > Système > Réinitialiser le réseau, ça a tout réglé."],
  es: ['@{handle} me pasó lo mismo: Ajustes > Sistema > Restablecer red, y se solucionó.'],
};

export const ADVOCATE_RECOMMEND: Phrases = {
  en: ['@{handle} go for it, I have had mine for a year and zero regrets. Tip: the student discount stacks with the bundle.', '@{handle} I would pick Lumio, the software updates alone are worth it.'],
  de: ['@{handle} mach es! Habe meins seit einem Jahr, null Reue. Tipp: Der Studentenrabatt gilt auch im Bundle.', '@{handle} ich würde Lumio nehmen, allein wegen der Updates.'],
  fr: ["@{handle} fonce, je l'ai depuis un an et aucun regret."],
  es: ['@{handle} adelante, lo tengo desde hace un año y cero arrepentimientos.'],
};

export const THANKS: Phrases = {
  en: ['@{handle} that worked, thank you so much!', '@{handle} legend, thanks 🙌'],
  de: ['@{handle} hat funktioniert, vielen Dank!', '@{handle} super, danke dir 🙌'],
  fr: ['@{handle} ça marche, merci beaucoup !'],
  es: ['@{handle} ¡funcionó, muchas gracias!'],
};

export const PLUS_ONE: Phrases = {
  en: ['+1, I would use this every day.', 'Yes please, this is overdue.'],
  de: ['+1, würde ich jeden Tag nutzen.', 'Ja bitte, das ist überfällig.'],
  fr: ["+1, je l'utiliserais tous les jours."],
  es: ['+1, lo usaría todos los días.'],
};

export const FAN_QUESTION: Phrases = {
  en: ['@{handle} how does it hold up after a few weeks?', '@{handle} is it worth upgrading from the old model?', '@{handle} what is the one thing you would change?'],
  de: ['@{handle} wie schlägt es sich nach ein paar Wochen?', '@{handle} lohnt sich das Upgrade vom alten Modell?'],
  fr: ['@{handle} et après quelques semaines, ça tient ?'],
  es: ['@{handle} ¿qué tal después de unas semanas?'],
};

/** The brand's public replies (outbound), signed with an agent's initials as support teams do. */
export const BRAND_SUPPORT: Phrases = {
  en: ['@{handle} Sorry about this! Could you send us a DM with your customer number so we can look into it? ^Sam', '@{handle} Thanks for flagging, our team is on it. We will update you within 24 hours. ^Mia'],
  de: ['@{handle} Das tut uns leid! Schreib uns bitte eine DM mit deiner Kundennummer, dann schauen wir uns das an. ^Tim', '@{handle} Danke für den Hinweis, unser Team kümmert sich darum. Du hörst innerhalb von 24 Stunden von uns. ^Lea'],
  fr: ['@{handle} Désolés ! Envoyez-nous un message privé avec votre numéro client. ^Claire'],
  es: ['@{handle} ¡Lo sentimos! Envíanos un mensaje privado con tu número de cliente. ^Lucía'],
};

export const BRAND_SALES: Phrases = {
  en: ['@{handle} Great choice! Use code WELCOME10 for 10% off your first order. ^Mia'],
  de: ['@{handle} Gute Wahl! Mit dem Code WILLKOMMEN10 sparst du 10 % bei deiner ersten Bestellung. ^Lea'],
  fr: ['@{handle} Excellent choix ! Le code BIENVENUE10 vous offre 10 % de remise. ^Claire'],
  es: ['@{handle} ¡Buena elección! Con el código BIENVENIDA10 tienes un 10 % de descuento. ^Lucía'],
};

export const BRAND_THANKS: Phrases = {
  en: ['@{handle} This made our day, thank you! 💙', '@{handle} Thanks for the honest review!'],
  de: ['@{handle} Das freut uns riesig, danke! 💙'],
  fr: ['@{handle} Merci beaucoup, ça nous fait très plaisir ! 💙'],
  es: ['@{handle} ¡Nos alegra mucho, gracias! 💙'],
};

export const BRAND_IDEA: Phrases = {
  en: ['@{handle} Thanks for the idea! We have passed it on to the product team. ^Sam'],
  de: ['@{handle} Danke für die Idee! Wir haben sie ans Produktteam weitergegeben. ^Tim'],
  fr: ["@{handle} Merci pour l'idée ! Nous l'avons transmise à l'équipe produit. ^Claire"],
  es: ['@{handle} ¡Gracias por la idea! La hemos pasado al equipo de producto. ^Lucía'],
};

export const BRAND_RETENTION: Phrases = {
  en: ['@{handle} We would hate to see you go. Please DM us, we would like to make this right. ^Mia'],
  de: ['@{handle} Wir würden dich ungern verlieren. Schreib uns bitte eine DM, wir möchten das wieder gutmachen. ^Lea'],
  fr: ['@{handle} Nous serions désolés de vous perdre. Écrivez-nous en privé, nous voulons arranger ça. ^Claire'],
  es: ['@{handle} No queremos perderte. Escríbenos por privado y lo solucionamos. ^Lucía'],
};

/** Private answers: DMs and email, no @handle. */
export const BRAND_DM: Phrases = {
  en: ['Hi {first}, thanks for reaching out! I have opened ticket #{ticket} for you; a technician will call you tomorrow. – Sam from Lumio'],
  de: ['Hallo {first}, danke für deine Nachricht! Ich habe Ticket #{ticket} für dich angelegt; ein Techniker ruft dich morgen an. – Tim von Lumio'],
  fr: ["Bonjour {first}, merci pour votre message ! J'ai ouvert le ticket #{ticket} ; un technicien vous appellera demain. – Claire de Lumio"],
  es: ['Hola {first}, ¡gracias por escribirnos! He abierto el ticket #{ticket}; un técnico te llamará mañana. – Lucía de Lumio'],
};

export const BRAND_DM_SALES: Phrases = {
  en: ['Hi {first}, thanks for your interest! The {product} is in stock, and with code WELCOME10 you get 10% off. Shall I send you the link? – Mia from Lumio'],
  de: ['Hallo {first}, danke für dein Interesse! Das {product} ist lieferbar, mit dem Code WILLKOMMEN10 bekommst du 10 % Rabatt. Soll ich dir den Link schicken? – Lea von Lumio'],
  fr: ["Bonjour {first}, merci de votre intérêt ! Le {product} est en stock, et le code BIENVENUE10 vous offre 10 %. Je vous envoie le lien ? – Claire de Lumio"],
  es: ['Hola {first}, ¡gracias por tu interés! El {product} está disponible y con el código BIENVENIDA10 tienes un 10 % de descuento. ¿Te mando el enlace? – Lucía de Lumio'],
};

export const DM_FOLLOW_UP_SALES: Phrases = {
  en: ['Yes please, send me the link!'],
  de: ['Ja gerne, schick mir den Link!'],
  fr: ['Oui, envoyez-moi le lien !'],
  es: ['¡Sí, mándame el enlace!'],
};

export const DM_FOLLOW_UP: Phrases = {
  en: ['Great, thanks. Tomorrow morning works best for me.', 'Thanks! Any idea how long the fix will take?'],
  de: ['Super, danke. Morgen Vormittag passt am besten.', 'Danke! Wisst ihr schon, wie lange die Reparatur dauert?'],
  fr: ['Parfait, merci. Demain matin, ça me va.'],
  es: ['Perfecto, gracias. Mañana por la mañana me va bien.'],
};

export const EMAIL_FRAME: Record<DemoLanguage, { greeting: string; closing: string }> = {
  en: { greeting: 'Hello Lumio team,', closing: 'Best regards,' },
  de: { greeting: 'Hallo Lumio-Team,', closing: 'Viele Grüße' },
  fr: { greeting: 'Bonjour,', closing: 'Cordialement,' },
  es: { greeting: 'Hola,', closing: 'Saludos,' },
};

export const BRAND_EMAIL: Phrases = {
  en: ['Hello {first},\n\nthank you for your message. We have opened case {ticket} and will get back to you within two working days.\n\nKind regards,\nLumio Customer Care'],
  de: ['Hallo {first},\n\nvielen Dank für deine Nachricht. Wir haben den Vorgang {ticket} angelegt und melden uns innerhalb von zwei Werktagen.\n\nViele Grüße\nLumio Kundenservice'],
  fr: ['Bonjour {first},\n\nmerci pour votre message. Nous avons ouvert le dossier {ticket} et revenons vers vous sous deux jours ouvrés.\n\nCordialement,\nService client Lumio'],
  es: ['Hola {first},\n\ngracias por tu mensaje. Hemos abierto el caso {ticket} y te responderemos en dos días laborables.\n\nSaludos,\nAtención al cliente de Lumio'],
};
