/**
 * Polish segmentation rules.
 *
 * 1. Titles, addresses, references and connectives (`prof.`, `ul.`, `art.`, `np.`, `m.in.`)
 *    never end a sentence. Contractions written without a full stop (`dr`, `mgr`, `nr`, `wg`,
 *    `płk`) are listed too, for authors who add one.
 * 2. Abbreviations that often stand last (`r.`, `w.`, `itd.`, `itp.`, `tys.`, `zł`, `proc.`,
 *    `Sp. z o.o.`, `i in.`) end a sentence when a capitalised word follows, never before a
 *    number or lowercase.
 * 3. Units are read by position: before a number they are labels (`godz. 10.00`, `pkt 3`),
 *    after one they are quantities that may close the sentence (`trwało 3 godz. Potem`).
 * 4. A sentence cannot consist of a date alone: after `r.`/`w.` a capital letter does not
 *    start a new sentence when everything before is a date adverbial (`W 2018 r. Gdański
 *    Urząd Pracy…`, `Od 1 stycznia 2022 r. Centrum…`); elsewhere it does (`…w listopadzie
 *    2018 r. Wówczas…`).
 * 5. A numeral abbreviation before a capitalised genitive plural counts it rather than ends
 *    (`5 tys. Polaków`); `im.` after an institution or a number is "imienia"
 *    (`Szkoła Podstawowa nr 5 im. Marii Konopnickiej`), after a verb it is the pronoun
 *    (`Pomagamy im. Warto…`); `in.` after `m.` is `m. in.`.
 */

import { keySet, type LanguageRules, type PeriodContext, type Verdict } from '../rules.js';

const nonFinal = keySet(`
  np m.in tzw tj tzn ww zob por wg nr pkt art ust par lit poz zał rozdz rys tab ryc kat
  dz dz.u m.p sygn kl ws wz sz szan mec adw r.pr pos sen jęz fot il źr aut inf
  ul al pl os woj pow gm m.st k pok lok
  godz min maks tel kom fax
  prof dr hab inż mgr lic doc lek med dyr zast przew kier red oprac tłum wyd
  gen płk ppłk kpt mjr por kmdr st sierż asp insp ż.w ż.m
  bryg dyw adm kontradm ppor chor plut kpr szer mł podinsp nadkom
  ks bp abp o św bł pw
  ds p.o pt pn nt dot dn ur zm ang niem łac fr ros wł zw ew
  s t p m n sp
`);

const ambiguous = keySet(`
  r w br ub.r n.e p.n.e
  itd itp etc cdn jw in i.in
  tys mln mld bln zł gr proc ok mies
  o.o s.a sp.j sp.k
  km kg ha
  im
`);

const units = keySet('godz min pkt s t m');

/** A sentence consisting only of these, numbers, roman numerals and months is a date. */
const dateWords = keySet(`
  w we od do na po przed z ze za przez między pomiędzy około ok u aż pod
  dnia dniu dniach dni dzień roku rok latach lat lata r w br
  początku początkiem końca końcu końcem koniec połowy połowie połową przełomie
  kwartale kwartału półroczu półrocza semestrze okresie okresu terminie miesiącu miesiąca
  jesienią wiosną latem zimą jesieni wiosny
  i a oraz lub albo
  już jeszcze dopiero właśnie natomiast jednak zaś ponadto także również następnie potem
  wcześniej później
  styczeń stycznia styczniu luty lutego lutym marzec marca marcu kwiecień kwietnia kwietniu
  maj maja maju czerwiec czerwca czerwcu lipiec lipca lipcu sierpień sierpnia sierpniu
  wrzesień września wrześniu październik października październiku
  listopad listopada listopadzie grudzień grudnia grudniu
`);

const datedAbbreviations = keySet('r w br ub.r n.e p.n.e');
const numeralAbbreviations = keySet('tys mln mld bln proc');

/** Words before `im.` that make it "imienia" even when lowercase. */
const institutionStems = [
  'szkoł',
  'szkol',
  'lice',
  'gimnazj',
  'przedszk',
  'uniwersytet',
  'akademi',
  'fundacj',
  'instytut',
  'bibliotek',
  'szpital',
  'stadion',
  'zesp',
  'centrum',
  'park',
  'plac',
  'ulic',
  'nagrod',
  'stypendi',
  'medal',
  'konkurs',
  'dom',
  'osiedl',
  'parafi',
  'kości',
];

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}.,/–-]*/gu;
const NUMBERISH = /^[\p{N}][\p{N}.,/–-]*$/u;
const ROMAN = /^[IVXLCDM]+$/u;

/** Whether `prefix` (the sentence before a `r.`/`w.`) is only a date adverbial. */
function isDateAdverbial(prefix: string): boolean {
  let words = 0;
  for (const match of prefix.matchAll(TOKEN)) {
    const word = match[0].replace(/[.,]+$/u, '');
    words++;
    if (NUMBERISH.test(word) || ROMAN.test(word)) continue;
    if (!dateWords.has(word.toLowerCase())) return false;
  }
  return words > 0;
}

function isCapitalisedOrNumber(word: string): boolean {
  const first = word.charAt(0);
  return first.length > 0 && (first !== first.toLowerCase() || (first >= '0' && first <= '9'));
}

function refine(context: PeriodContext): Verdict | undefined {
  const { key, next } = context;
  if (key === 'in') {
    return context.previousWord() === 'm' ? 'join' : undefined;
  }
  if (key === 'im') {
    const previous = context.previousWord();
    if (isCapitalisedOrNumber(previous)) return 'join';
    const lower = previous.toLowerCase();
    if (institutionStems.some((stem) => lower.startsWith(stem))) return 'join';
    return undefined;
  }
  if (next !== 'upper') return undefined;
  if (datedAbbreviations.has(key)) {
    const prefix = context.sentenceBefore();
    if (prefix !== undefined && isDateAdverbial(prefix)) return 'join';
    return undefined;
  }
  if (numeralAbbreviations.has(key)) {
    return context.nextWord().endsWith('ów') ? 'join' : undefined;
  }
  if ((key === 'k' || key === 'j') && context.previousWord().toLowerCase() === 'sp') {
    return 'split';
  }
  return undefined;
}

/** Polish rules. */
export const polish: LanguageRules = {
  code: 'pl',
  nonFinal,
  ambiguous,
  units,
  nonFinalSuffixes: [],
  labelNouns: [
    'kat',
    'budyn',
    'blok',
    'sal',
    'pokój',
    'pokoj',
    'załącznik',
    'aneks',
    'część',
    'częś',
    'klas',
    'grup',
    'typ',
    'kategori',
    'witamin',
    'etap',
    'wariant',
    'opcj',
    'poziom',
    'plan',
    'liter',
    'sektor',
    'stref',
    'hal',
    'wejści',
    'segment',
    'punkt',
    'moduł',
    'modul',
    'schemat',
    'ścieżk',
    'program',
  ],
  ordinalBeforeCapital: false,
  refine,
};
