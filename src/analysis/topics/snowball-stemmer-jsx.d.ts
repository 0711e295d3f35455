// Types for the CommonJS builds of snowball-stemmer.jsx (the package ships none).
interface SnowballJsxStemmer {
  stemWord(word: string): string;
}
declare module 'snowball-stemmer.jsx/dest/english-stemmer.common.js' {
  export const EnglishStemmer: new () => SnowballJsxStemmer;
}
declare module 'snowball-stemmer.jsx/dest/german-stemmer.common.js' {
  export const GermanStemmer: new () => SnowballJsxStemmer;
}
declare module 'snowball-stemmer.jsx/dest/french-stemmer.common.js' {
  export const FrenchStemmer: new () => SnowballJsxStemmer;
}
declare module 'snowball-stemmer.jsx/dest/spanish-stemmer.common.js' {
  export const SpanishStemmer: new () => SnowballJsxStemmer;
}
declare module 'snowball-stemmer.jsx/dest/italian-stemmer.common.js' {
  export const ItalianStemmer: new () => SnowballJsxStemmer;
}
declare module 'snowball-stemmer.jsx/dest/dutch-stemmer.common.js' {
  export const DutchStemmer: new () => SnowballJsxStemmer;
}
declare module 'snowball-stemmer.jsx/dest/portuguese-stemmer.common.js' {
  export const PortugueseStemmer: new () => SnowballJsxStemmer;
}
