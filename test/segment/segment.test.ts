import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  segmentText,
  splitSentences,
  supportedSegmentationLanguages,
  type SentenceSpan,
} from '../../src/segment/index.js';
import { measureSegmentationAccuracy, multilingualParagraphs, polishParagraphs } from './accuracy.js';

/** Placeholders as the caller sets them: one Private Use Area character per inline code. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const CODE = '\uE002';

const pl = (text: string): string[] => segmentText(text, 'pl');

/** Asserts that each `[text, sentences]` row segments as expected in `lang`. */
function expectRows(lang: string, rows: ReadonlyArray<readonly [string, readonly string[]]>): void {
  for (const [text, sentences] of rows) {
    expect(segmentText(text, lang), text).toEqual(sentences);
  }
}

describe('public API', () => {
  it('has the documented types', () => {
    expectTypeOf(splitSentences).toEqualTypeOf<(text: string, lang: string) => SentenceSpan[]>();
    expectTypeOf(segmentText).toEqualTypeOf<(text: string, lang: string) => string[]>();
    expectTypeOf(supportedSegmentationLanguages).returns.toEqualTypeOf<readonly string[]>();
    expectTypeOf<SentenceSpan>().toEqualTypeOf<{ readonly start: number; readonly end: number }>();
  });

  it('returns UTF-16 spans without surrounding whitespace', () => {
    const text = '  Pierwsze zdanie.\n  Drugie zdanie!  ';
    expect(splitSentences(text, 'pl')).toEqual([
      { start: 2, end: 18 },
      { start: 21, end: 35 },
    ]);
  });

  it('lists the languages with their own rules', () => {
    expect([...supportedSegmentationLanguages()].sort()).toEqual(['da', 'de', 'en', 'et', 'fi', 'lt', 'lv', 'nb', 'pl', 'sv']);
  });

  it('reads the primary subtag of a BCP 47 tag, case-insensitively', () => {
    const text = 'Spotkanie prowadzi prof. Nowak. Zapraszamy.';
    const expected = ['Spotkanie prowadzi prof. Nowak.', 'Zapraszamy.'];
    expect(segmentText(text, 'pl-PL')).toEqual(expected);
    expect(segmentText(text, 'PL')).toEqual(expected);
    expect(segmentText(text, 'pl_PL')).toEqual(expected);
    expect(segmentText('Vi ses t.ex. Nu.', 'sv-SE')).toEqual(['Vi ses t.ex. Nu.']);
    expect(segmentText('Das ist z.B. Gut.', 'de-AT')).toEqual(['Das ist z.B. Gut.']);
  });

  it('falls back to generic rules for other languages', () => {
    expect(segmentText('Hola. ¿Qué tal? Bien, e.g. Ana.', 'es')).toEqual(['Hola.', '¿Qué tal?', 'Bien, e.g. Ana.']);
    expect(segmentText('One. Two.', '')).toEqual(['One.', 'Two.']);
    // Polish abbreviations are not known to the generic rules.
    expect(segmentText('Wg danych GUS. Koniec.', 'xx')).toEqual(['Wg danych GUS.', 'Koniec.']);
    expect(segmentText('Zob. Kowalski.', 'xx')).toEqual(['Zob.', 'Kowalski.']);
  });

  it('uses the Bokmål rules for no and nn', () => {
    expect(segmentText('Se f.eks. Oslo. Takk.', 'no')).toEqual(['Se f.eks. Oslo.', 'Takk.']);
    expect(segmentText('Se f.eks. Oslo. Takk.', 'nn')).toEqual(['Se f.eks. Oslo.', 'Takk.']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('', 'pl')).toEqual([]);
    expect(splitSentences(' \n\n\t ', 'pl')).toEqual([]);
  });

  it('keeps text without a terminator as one sentence', () => {
    expect(pl('Europejski Lider Aktywizacji Osób Młodych')).toEqual(['Europejski Lider Aktywizacji Osób Młodych']);
    expect(pl('10.11.2021 #Aktualności #Relacje')).toEqual(['10.11.2021 #Aktualności #Relacje']);
  });
});

describe('terminators and whitespace', () => {
  it('splits only where whitespace follows the terminator', () => {
    expectRows('pl', [
      ['Wizyta odbyła się 9.11.2021 w Gdańsku.', ['Wizyta odbyła się 9.11.2021 w Gdańsku.']],
      ['Start o 10.00 w sali 5. Koniec o 12.30. Potem obiad.', ['Start o 10.00 w sali 5.', 'Koniec o 12.30.', 'Potem obiad.']],
      ['Zobacz www.gup.gdansk.pl. Zapraszamy.', ['Zobacz www.gup.gdansk.pl.', 'Zapraszamy.']],
      ['Literówka.Bez spacji nie dzielimy.', ['Literówka.Bez spacji nie dzielimy.']],
      ['Co?Nic.', ['Co?Nic.']],
    ]);
  });

  it('treats tabs, several spaces and a single line break as a space', () => {
    expectRows('pl', [
      ['Jeden.\tDwa.', ['Jeden.', 'Dwa.']],
      ['Jeden.   Dwa.', ['Jeden.', 'Dwa.']],
      ['Jeden.\nDwa.', ['Jeden.', 'Dwa.']],
      ['Jeden.\r\nDwa.', ['Jeden.', 'Dwa.']],
    ]);
  });

  it('does not split at a single line break without a terminator', () => {
    expectRows('pl', [
      ['Centrum Rozwoju Talentów\nzaprasza na warsztaty.', ['Centrum Rozwoju Talentów\nzaprasza na warsztaty.']],
      ['Zapraszamy na Targi Pracy\nWstęp wolny.', ['Zapraszamy na Targi Pracy\nWstęp wolny.']],
      ['Spotkanie poprowadzi prof.\nAnna Nowak.', ['Spotkanie poprowadzi prof.\nAnna Nowak.']],
    ]);
  });

  it('always splits at a blank line', () => {
    expectRows('pl', [
      ['Tytuł bez kropki\n\nTreść akapitu.', ['Tytuł bez kropki', 'Treść akapitu.']],
      ['Zapisy: ul. Wałowa 28, pok. 5\n\nGodziny pracy', ['Zapisy: ul. Wałowa 28, pok. 5', 'Godziny pracy']],
      ['Kontakt: prof.\n\nnastępny akapit', ['Kontakt: prof.', 'następny akapit']],
      ['Jeden\n  \t\nDwa', ['Jeden', 'Dwa']],
      ['Jeden\r\n\r\nDwa', ['Jeden', 'Dwa']],
      ['Jeden\u2029Dwa', ['Jeden', 'Dwa']],
      ['Jeden.\n\n\n\nDwa.', ['Jeden.', 'Dwa.']],
    ]);
  });

  it('binds a no-break space after a full stop', () => {
    expectRows('pl', [
      ['Biuro przy ul.\u00A0Długiej 15. Zapraszamy.', ['Biuro przy ul.\u00A0Długiej 15.', 'Zapraszamy.']],
      ['Rok 2018\u00A0r.\u00A0Wówczas nic.', ['Rok 2018\u00A0r.\u00A0Wówczas nic.']],
    ]);
  });
});

describe('lowercase continuation', () => {
  it('never splits before a lowercase word, whatever the terminator', () => {
    expectRows('pl', [
      ['Oferujemy staże itd. w zależności od potrzeb.', ['Oferujemy staże itd. w zależności od potrzeb.']],
      ['Konkurs trwa do 30 listopada 2021 r. włącznie.', ['Konkurs trwa do 30 listopada 2021 r. włącznie.']],
      ['Praca sama nie przychodzi… i coś w tym jest.', ['Praca sama nie przychodzi… i coś w tym jest.']],
      ['Zastanawiasz się „co dalej?” i nie wiesz.', ['Zastanawiasz się „co dalej?” i nie wiesz.']],
      ['Uroczystość z okazji 25. rocznicy.', ['Uroczystość z okazji 25. rocznicy.']],
      ['Taki żal. a jednak.', ['Taki żal. a jednak.']],
    ]);
  });

  it('looks past dashes, quotes and brackets for the next word', () => {
    expectRows('pl', [
      ['„Co dalej po szkole?” – to pytanie zadaje sobie wielu. Odpowiedź jest prosta.', ['„Co dalej po szkole?” – to pytanie zadaje sobie wielu.', 'Odpowiedź jest prosta.']],
      ['„Praca daje satysfakcję.” – mówi doradczyni.', ['„Praca daje satysfakcję.” – mówi doradczyni.']],
      ['Koniec. (dopisek w nawiasie)', ['Koniec. (dopisek w nawiasie)']],
    ]);
  });
});

describe('question marks, exclamation marks and ellipses', () => {
  it('split before a capital letter, a digit or a symbol', () => {
    expectRows('pl', [
      ['Nie wiesz, jaki zawód wybrać? Umów się. Pomożemy!', ['Nie wiesz, jaki zawód wybrać?', 'Umów się.', 'Pomożemy!']],
      ['Czy można znaleźć pracę w miesiąc?! Tak.', ['Czy można znaleźć pracę w miesiąc?!', 'Tak.']],
      ['Dziękujemy!!! Do zobaczenia.', ['Dziękujemy!!!', 'Do zobaczenia.']],
      ['Co dalej?.. Odpowiedzą eksperci.', ['Co dalej?..', 'Odpowiedzą eksperci.']],
      ['Masz 15 lat? 20 osób już się zapisało.', ['Masz 15 lat?', '20 osób już się zapisało.']],
      ['Uwaga! #Aktualności', ['Uwaga!', '#Aktualności']],
    ]);
  });

  it('split after an ellipsis only before a sentence start', () => {
    expectRows('pl', [
      ['Nie wiesz, od czego zacząć... Przyjdź do nas.', ['Nie wiesz, od czego zacząć...', 'Przyjdź do nas.']],
      ['Pandemia, nauka zdalna… To wszystko zmieniło rynek.', ['Pandemia, nauka zdalna…', 'To wszystko zmieniło rynek.']],
      ['Było trudno… ale się udało.', ['Było trudno… ale się udało.']],
      ['Było trudno... ale się udało.', ['Było trudno... ale się udało.']],
    ]);
  });

  it('never split at an omission mark in brackets', () => {
    expectRows('pl', [
      ['Czytamy, że „(…) Młodzi wybierają szkoły branżowe”. Trend trwa.', ['Czytamy, że „(…) Młodzi wybierają szkoły branżowe”.', 'Trend trwa.']],
      ['Autorzy piszą: „[...] Pomorze jest liderem”. To efekt współpracy.', ['Autorzy piszą: „[...] Pomorze jest liderem”.', 'To efekt współpracy.']],
    ]);
  });
});

describe('quotations and brackets', () => {
  it('keeps closing quotes and brackets with the ending sentence', () => {
    expectRows('pl', [
      ['Dyrektor podsumował: „To był rekordowy rok.” Liczba ofert wzrosła.', ['Dyrektor podsumował: „To był rekordowy rok.”', 'Liczba ofert wzrosła.']],
      ['„Koniec.” Następne.', ['„Koniec.”', 'Następne.']],
      ['Odpowiedział: „Oczywiście!” Inni też.', ['Odpowiedział: „Oczywiście!”', 'Inni też.']],
      ['Mówi: "Warto było." Planujemy więcej.', ['Mówi: "Warto było."', 'Planujemy więcej.']],
      ['(Zdjęcia są w galerii.) Zapraszamy.', ['(Zdjęcia są w galerii.)', 'Zapraszamy.']],
      ['Projekt nosi nazwę „Ścieżki kariery”. Jest dla uczniów.', ['Projekt nosi nazwę „Ścieżki kariery”.', 'Jest dla uczniów.']],
      ['Hasło brzmi „Postaw na siebie!”. Kampania trwa.', ['Hasło brzmi „Postaw na siebie!”.', 'Kampania trwa.']],
    ]);
  });

  it('splits before an opening quote or bracket that starts a sentence', () => {
    expectRows('pl', [
      ['Edycja odbyła się w 2015 r. „Nie spodziewaliśmy się tego” – mówi koordynatorka.', ['Edycja odbyła się w 2015 r.', '„Nie spodziewaliśmy się tego” – mówi koordynatorka.']],
      ['Sieć powstała w 2017 r. (Polska dołączyła rok później.)', ['Sieć powstała w 2017 r.', '(Polska dołączyła rok później.)']],
    ]);
  });

  it('splits inside a quotation that holds several sentences', () => {
    expect(pl('Kierownik podkreśla: „Nie oceniamy. Słuchamy i pomagamy.” Takie podejście działa.')).toEqual([
      'Kierownik podkreśla: „Nie oceniamy.',
      'Słuchamy i pomagamy.”',
      'Takie podejście działa.',
    ]);
  });
});

describe('Polish: abbreviations that never end a sentence', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['np.', 'Oferujemy np. Warsztaty'],
    ['Np. (sentence-initial)', 'Np. Gdynia objęła programem 200 osób'],
    ['m.in.', 'Na targach będą m.in. Intel i Amazon'],
    ['M.in.', 'M.in. Ikea szuka pracowników'],
    ['m. in.', 'Na targach będą m. in. Ikea i Intel'],
    ['tzw.', 'Rośnie grupa tzw. NEET'],
    ['tj.', 'Wsparcie z EFS+, tj. Europejskiego Funduszu Społecznego'],
    ['tzn.', 'Osoby młode, tzn. Do 29. roku życia'],
    ['ul.', 'Punkt przy ul. Wałowej 28'],
    ['al.', 'Filia przy al. Grunwaldzkiej 472'],
    ['pl.', 'Siedziba przy pl. Solidarności 1'],
    ['os.', 'Punkt na os. Kolorowym'],
    ['godz.', 'Spotkanie o godz. 10.00 w sali'],
    ['prof.', 'Wykład wygłosił prof. Jan Kowalski'],
    ['dr hab.', 'Wykład wygłosiła dr hab. Anna Nowak'],
    ['mgr inż.', 'Zajęcia poprowadzi mgr inż. Karol Mazur'],
    ['dr. (with a full stop)', 'Badanie prowadził dr. Tomasz Kamiński'],
    ['św.', 'Szkoła im. św. Jana Pawła II'],
    ['Św.', 'Kościół Św. Brygidy'],
    ['im. after a capitalised word', 'Szkoła Podstawowa im. Marii Konopnickiej'],
    ['im. after a number', 'Technikum nr 5 im. Kornela Makuszyńskiego'],
    ['im. after an institution', 'W liceum im. Mikołaja Kopernika'],
    ['ds.', 'Pełnomocnik ds. Młodzieży przedstawił wyniki'],
    ['ww.', 'Zgodnie z ww. Regulaminem'],
    ['zob.', 'Zasady określa regulamin (zob. Załącznik nr 2)'],
    ['Zob.', 'Zob. Tabela 3'],
    ['pt.', 'Publikacja pt. „Ścieżki kariery”'],
    ['wg.', 'Zaświadczenie wg. Wzoru MEN'],
    ['nr.', 'Zapisy pod nr. 58 732 47 00'],
    ['pkt. before a number', 'Na podstawie pkt. 14 ustawy'],
    ['art. ust.', 'Zgodnie z art. 45 ust. 2 ustawy'],
    ['ks.', 'Mszę odprawił ks. Tomasz Wójcik'],
    ['p.', 'Zgłosiła się p. Katarzyna Lewandowska'],
    ['p.o.', 'Pismo podpisał p.o. Dyrektora Urzędu'],
    ['inż.', 'Projekt prowadzi inż. Adam Nowak'],
    ['dyr.', 'Udział wziął dyr. Marek Nowicki'],
    ['płk.', 'Obecny był płk. Andrzej Wróbel'],
    ['gen. bryg.', 'Gościem był gen. bryg. Jan Sowa'],
    ['kpt. ż.w.', 'Opowiadał kpt. ż.w. Marek Lewandowski'],
    ['red.', 'Pod red. Ewy Kaczmarek'],
    ['tel.', 'Zapisy: tel. 58 732 47 00'],
    ['tel. +48', 'Infolinia: tel. +48 58 732 47 00'],
    ['wyd.', 'Informator (wyd. 2, Gdańsk 2021)'],
    ['s. t.', 'Szczegóły w raporcie (t. 2, s. 45)'],
    ['nt.', 'Konferencja nt. „Edukacja dla rynku pracy”'],
    ['pn.', 'Projekt pn. Aktywni Młodzi'],
    ['ur. zm.', 'Józef Wybicki (ur. 1747, zm. 1822)'],
    ['por.', 'Dane zbliżone (por. Tabela 3)'],
    ['kat.', 'Prawo jazdy kat. C+E'],
    ['kl.', 'Dla uczniów kl. VII i VIII'],
    ['Dz. U.', 'Ustawa (Dz. U. z 2022 r. poz. 690)'],
    ['Sp. z o.o. before lowercase', 'Firma Baltic Sp. z o.o. z siedzibą w Gdyni'],
    ['m. (mieszkanie) before a number', 'Adres: ul. Długa 5 m. 3'],
    ['fot.', 'Zdjęcia fot. Jan Nowak'],
  ];
  it.each(cases)('%s', (_name, sentence) => {
    const text = `${sentence} pracuje. Następne zdanie.`;
    expect(pl(text)).toEqual([`${sentence} pracuje.`, 'Następne zdanie.']);
  });

  it('does not take a word ending like an abbreviation for one', () => {
    expectRows('pl', [
      ['Taki jest nasz żal. Następne zdanie.', ['Taki jest nasz żal.', 'Następne zdanie.']],
      ['Rozmawialiśmy z Alem. Następne zdanie.', ['Rozmawialiśmy z Alem.', 'Następne zdanie.']],
      ['To był wspaniały bal. Następne zdanie.', ['To był wspaniały bal.', 'Następne zdanie.']],
      ['Doceniamy ich rolę w. Następne zdanie.', ['Doceniamy ich rolę w.', 'Następne zdanie.']],
      ['Zobacz stronę gup.pl/np. Następne zdanie.', ['Zobacz stronę gup.pl/np.', 'Następne zdanie.']],
      ["Sieć McDonald's. Następne zdanie.", ["Sieć McDonald's.", 'Następne zdanie.']],
    ]);
  });

  it('does not take an acronym for an abbreviation', () => {
    expectRows('pl', [
      ['Wszystko jest OK. Idziemy dalej.', ['Wszystko jest OK.', 'Idziemy dalej.']],
      ['Dane podał GUS. Wynika z nich wzrost.', ['Dane podał GUS.', 'Wynika z nich wzrost.']],
    ]);
  });
});

describe('Polish: ambiguous abbreviations', () => {
  it('end the sentence before a capitalised word', () => {
    expectRows('pl', [
      ['Szkolenia ze spawania, programowania itd. Pełna lista w urzędzie.', ['Szkolenia ze spawania, programowania itd.', 'Pełna lista w urzędzie.']],
      ['Pracodawcy z IT, logistyki itp. Wstęp wolny.', ['Pracodawcy z IT, logistyki itp.', 'Wstęp wolny.']],
      ['Uczestników było ponad 3 tys. Organizatorzy są zadowoleni.', ['Uczestników było ponad 3 tys.', 'Organizatorzy są zadowoleni.']],
      ['Budżet wynosi 2,3 mln. W przeliczeniu to niewiele.', ['Budżet wynosi 2,3 mln.', 'W przeliczeniu to niewiele.']],
      ['Środki wynoszą do 35 tys. zł. O dofinansowanie mogą ubiegać się bezrobotni.', ['Środki wynoszą do 35 tys. zł.', 'O dofinansowanie mogą ubiegać się bezrobotni.']],
      ['Bezrobocie spadło o 12 proc. Najlepiej jest nad morzem.', ['Bezrobocie spadło o 12 proc.', 'Najlepiej jest nad morzem.']],
      ['Raport przygotowali A. Nowak, M. Zielińska i in. Jest dostępny bezpłatnie.', ['Raport przygotowali A. Nowak, M. Zielińska i in.', 'Jest dostępny bezpłatnie.']],
      ['Staże oferuje spółka Gdańskie Autobusy Sp. z o.o. Uczestnicy zdobędą uprawnienia.', ['Staże oferuje spółka Gdańskie Autobusy Sp. z o.o.', 'Uczestnicy zdobędą uprawnienia.']],
      ['Staże oferuje m.in. Energa S.A. Spółka zatrudnia tysiące osób.', ['Staże oferuje m.in. Energa S.A.', 'Spółka zatrudnia tysiące osób.']],
      ['To dopiero początek – cdn. Już wkrótce więcej.', ['To dopiero początek – cdn.', 'Już wkrótce więcej.']],
      ['Wyniki są lepsze niż w ub.r. Wzrost dotyczy usług.', ['Wyniki są lepsze niż w ub.r.', 'Wzrost dotyczy usług.']],
      ['Firma Bałtyk sp. k. Zatrudni 10 osób.', ['Firma Bałtyk sp. k.', 'Zatrudni 10 osób.']],
      ['Młodzi nie znają swoich mocnych stron, dlatego pomagamy im. Wspólnie tworzymy plan.', ['Młodzi nie znają swoich mocnych stron, dlatego pomagamy im.', 'Wspólnie tworzymy plan.']],
      ['Wszystko było ok. Dziękujemy.', ['Wszystko było ok.', 'Dziękujemy.']],
    ]);
  });

  it('do not end the sentence before a number or lowercase', () => {
    expectRows('pl', [
      ['W wydarzeniu wzięło udział ok. 300 osób.', ['W wydarzeniu wzięło udział ok. 300 osób.']],
      ['Wartość to 4,5 mln zł, z czego 85 proc. stanowi dotacja.', ['Wartość to 4,5 mln zł, z czego 85 proc. stanowi dotacja.']],
      ['Przedstawiciele szkół i in. instytucji.', ['Przedstawiciele szkół i in. instytucji.']],
      ['Firma Kowalski i Syn Sp. j. z Pruszcza.', ['Firma Kowalski i Syn Sp. j. z Pruszcza.']],
      ['Umowę podpisano w 2020 r. 15 osób dostało pracę.', ['Umowę podpisano w 2020 r. 15 osób dostało pracę.']],
    ]);
  });

  it('read a numeral abbreviation before a capitalised genitive plural as a count', () => {
    expectRows('pl', [
      ['Pracę za granicą podjęło 12 tys. Polaków z regionu. Najwięcej w Niemczech.', ['Pracę za granicą podjęło 12 tys. Polaków z regionu.', 'Najwięcej w Niemczech.']],
      ['W kraju mieszka ok. 1,5 mln Ukraińców. To dużo.', ['W kraju mieszka ok. 1,5 mln Ukraińców.', 'To dużo.']],
    ]);
  });
});

describe('Polish: units before and after a number', () => {
  it('are labels before a number and quantities after one', () => {
    expectRows('pl', [
      ['Zajęcia o godz. 16.00 i do godz. 19.00. Obecność obowiązkowa.', ['Zajęcia o godz. 16.00 i do godz. 19.00.', 'Obecność obowiązkowa.']],
      ['Szkolenie trwa 40 godz. Zajęcia są w weekendy.', ['Szkolenie trwa 40 godz.', 'Zajęcia są w weekendy.']],
      ['Rozmowa trwa ok. 30 min. Następnie jest test.', ['Rozmowa trwa ok. 30 min.', 'Następnie jest test.']],
      ['Wymagane min. 5 lat doświadczenia.', ['Wymagane min. 5 lat doświadczenia.']],
      ['Za moduł uczniowie dostają 5 pkt. Punkty wymienią na nagrody.', ['Za moduł uczniowie dostają 5 pkt.', 'Punkty wymienią na nagrody.']],
      ['Adres: ul. Długa 5 m. 3, Gdańsk. Prosimy o numer sprawy.', ['Adres: ul. Długa 5 m. 3, Gdańsk.', 'Prosimy o numer sprawy.']],
      ['Trasa rajdu liczy 12 km. Start spod urzędu.', ['Trasa rajdu liczy 12 km.', 'Start spod urzędu.']],
      ['Staż trwa do 6 mies. Można go przedłużyć.', ['Staż trwa do 6 mies.', 'Można go przedłużyć.']],
    ]);
  });
});

describe('Polish: dates, years and centuries', () => {
  it('splits after r. before a sentence start when the sentence is more than a date', () => {
    expectRows('pl', [
      [
        'Nasza wspólne działanie rozpoczęło się w listopadzie 2018 r. Wówczas Centrum Rozwoju Talentów gościło grupę specjalistów.',
        ['Nasza wspólne działanie rozpoczęło się w listopadzie 2018 r.', 'Wówczas Centrum Rozwoju Talentów gościło grupę specjalistów.'],
      ],
      ['Projekt realizowany jest od 2019 r. Jego budżet przekracza 3 mln zł.', ['Projekt realizowany jest od 2019 r.', 'Jego budżet przekracza 3 mln zł.']],
      ['Termin upływa 31 maja 2023 r. Oferty po terminie odrzucamy.', ['Termin upływa 31 maja 2023 r.', 'Oferty po terminie odrzucamy.']],
      ['To umiejętności potrzebne w XXI w. Zalicza się do nich kreatywność.', ['To umiejętności potrzebne w XXI w.', 'Zalicza się do nich kreatywność.']],
    ]);
  });

  it('joins after r. and w. when everything before is a date adverbial', () => {
    expectRows('pl', [
      ['W 2018 r. Gdański Urząd Pracy przystąpił do sieci. Współpraca trwa.', ['W 2018 r. Gdański Urząd Pracy przystąpił do sieci.', 'Współpraca trwa.']],
      ['Od 1 stycznia 2022 r. Centrum prowadzi konsultacje online.', ['Od 1 stycznia 2022 r. Centrum prowadzi konsultacje online.']],
      ['Dnia 10 listopada 2021 r. Centrum otrzymało statuetkę.', ['Dnia 10 listopada 2021 r. Centrum otrzymało statuetkę.']],
      ['W dniach 12–14 maja 2022 r. Gdańsk gościł seminarium.', ['W dniach 12–14 maja 2022 r. Gdańsk gościł seminarium.']],
      ['Dopiero pod koniec 2019 r. Komisja Europejska zatwierdziła zmiany.', ['Dopiero pod koniec 2019 r. Komisja Europejska zatwierdziła zmiany.']],
      ['W I kwartale 2023 r. Urząd zarejestrował 1200 ofert.', ['W I kwartale 2023 r. Urząd zarejestrował 1200 ofert.']],
      ['W marcu br. Centrum odwiedziła delegacja.', ['W marcu br. Centrum odwiedziła delegacja.']],
      ['W XXI w. Rynek pracy zmienia się szybko.', ['W XXI w. Rynek pracy zmienia się szybko.']],
      ['Na przełomie XIX i XX w. Gdańsk przeżywał rozkwit.', ['Na przełomie XIX i XX w. Gdańsk przeżywał rozkwit.']],
      ['Koniec starego akapitu. W 2018 r. Urząd ruszył z projektem.', ['Koniec starego akapitu.', 'W 2018 r. Urząd ruszył z projektem.']],
    ]);
  });

  it('never splits inside dates, times and ordinals', () => {
    expectRows('pl', [
      ['Nagroda została wręczona 9.11.2021 w Warszawie.', ['Nagroda została wręczona 9.11.2021 w Warszawie.']],
      ['Umowę podpisano dnia 15.03.2022 r. w siedzibie urzędu.', ['Umowę podpisano dnia 15.03.2022 r. w siedzibie urzędu.']],
      ['Spotkanie o godz. 10.00 w sali na II piętrze.', ['Spotkanie o godz. 10.00 w sali na II piętrze.']],
      ['Już 5. raz organizujemy Dzień Przedsiębiorczości.', ['Już 5. raz organizujemy Dzień Przedsiębiorczości.']],
      ['Do 25. roku życia.', ['Do 25. roku życia.']],
      ['Ustawa z dnia 20 kwietnia 2004 r. o promocji zatrudnienia.', ['Ustawa z dnia 20 kwietnia 2004 r. o promocji zatrudnienia.']],
    ]);
  });

  it('splits after a number that ends a sentence', () => {
    expectRows('pl', [
      ['Zgłosiło się 120 osób, a zakwalifikowano 45. Pozostali są na liście.', ['Zgłosiło się 120 osób, a zakwalifikowano 45.', 'Pozostali są na liście.']],
      ['Zapisy pod nr tel. 58 732 47 00. Konsultacje są bezpłatne.', ['Zapisy pod nr tel. 58 732 47 00.', 'Konsultacje są bezpłatne.']],
      ['Dyżur trwa do godz. 15.30. Potem poczta głosowa.', ['Dyżur trwa do godz. 15.30.', 'Potem poczta głosowa.']],
      ['Ostatnia aktualizacja: 12.04.2023. Zmiany publikujemy na bieżąco.', ['Ostatnia aktualizacja: 12.04.2023.', 'Zmiany publikujemy na bieżąco.']],
      ['W projekcie wzięło udział 27 osób. 25 z nich ukończyło go.', ['W projekcie wzięło udział 27 osób.', '25 z nich ukończyło go.']],
      ['Wskaźnik wyniósł 67,5%. To dobry wynik.', ['Wskaźnik wyniósł 67,5%.', 'To dobry wynik.']],
    ]);
  });
});

describe('initials and labels', () => {
  it('reads a capital letter and a full stop before a capitalised word as an initial', () => {
    expectRows('pl', [
      ['Obecni byli J. Kowalski, A. Nowak i M. Wiśniewska. Wszyscy z partnerów.', ['Obecni byli J. Kowalski, A. Nowak i M. Wiśniewska.', 'Wszyscy z partnerów.']],
      ['A. Nowak podkreśliła znaczenie współpracy.', ['A. Nowak podkreśliła znaczenie współpracy.']],
      ['Umowę podpisał dr A. M. Nowak. Koniec.', ['Umowę podpisał dr A. M. Nowak.', 'Koniec.']],
      ['Autorem jest Z. Bauman. Jego prace inspirują.', ['Autorem jest Z. Bauman.', 'Jego prace inspirują.']],
      ['Tolkien, czyli J.R.R. Tolkien, pisał.', ['Tolkien, czyli J.R.R. Tolkien, pisał.']],
    ]);
  });

  it('ends the sentence after a one-letter label', () => {
    expectRows('pl', [
      ['Zajęcia są w budynku C. Wejście od ul. Wałowej.', ['Zajęcia są w budynku C.', 'Wejście od ul. Wałowej.']],
      ['Wymagane jest prawo jazdy kat. B. Kurs trwa miesiąc.', ['Wymagane jest prawo jazdy kat. B.', 'Kurs trwa miesiąc.']],
      ['Wybrano wariant B. Zakłada on trzy punkty.', ['Wybrano wariant B.', 'Zakłada on trzy punkty.']],
      ['Wzór stanowi załącznik A. Załącznik B to oświadczenie.', ['Wzór stanowi załącznik A.', 'Załącznik B to oświadczenie.']],
    ]);
    expectRows('en', [['See Appendix B. The form is attached.', ['See Appendix B.', 'The form is attached.']]]);
  });

  it('ends the sentence after a capital letter before a digit', () => {
    expect(pl('Sala nr 5 jest w bloku X. 20 osób czeka.')).toEqual(['Sala nr 5 jest w bloku X.', '20 osób czeka.']);
  });
});

describe('URLs and e-mail addresses', () => {
  it('never splits inside them and splits after them', () => {
    expectRows('pl', [
      ['Formularz: https://crt.gdansk.pl/rekrutacja. Termin mija w piątek.', ['Formularz: https://crt.gdansk.pl/rekrutacja.', 'Termin mija w piątek.']],
      ['Pytania na adres crt@gup.gdansk.pl. Odpowiadamy szybko.', ['Pytania na adres crt@gup.gdansk.pl.', 'Odpowiadamy szybko.']],
      ['Zgłoszenia (rekrutacja@gup.gdansk.pl) lub osobiście. Liczba miejsc ograniczona.', ['Zgłoszenia (rekrutacja@gup.gdansk.pl) lub osobiście.', 'Liczba miejsc ograniczona.']],
      ['Czy znasz portal praca.gov.pl? Znajdziesz tam oferty.', ['Czy znasz portal praca.gov.pl?', 'Znajdziesz tam oferty.']],
      ['Link https://x.pl/?q=a.b&c=D.E działa. Sprawdź.', ['Link https://x.pl/?q=a.b&c=D.E działa.', 'Sprawdź.']],
    ]);
  });
});

describe('list labels and lone punctuation', () => {
  it('keeps a number label with its sentence', () => {
    expect(pl('1. Zarejestruj się. 2. Umów się z doradcą. 3. Przygotuj plan.')).toEqual([
      '1. Zarejestruj się.',
      '2. Umów się z doradcą.',
      '3. Przygotuj plan.',
    ]);
  });

  it('does not make a sentence of punctuation alone', () => {
    expect(pl('… To był rok. !? Tak.')).toEqual(['… To był rok.', '!? Tak.']);
  });
});

describe('inline-markup placeholders', () => {
  it('keeps a placeholder after the terminator with the ending sentence', () => {
    expect(pl(`${OPEN}Koniec.${CLOSE} Następne zdanie.`)).toEqual([`${OPEN}Koniec.${CLOSE}`, 'Następne zdanie.']);
    expect(pl(`To jest ${OPEN}ważne!${CLOSE}${CLOSE} Tak.`)).toEqual([`To jest ${OPEN}ważne!${CLOSE}${CLOSE}`, 'Tak.']);
    expect(pl(`„Koniec.${CLOSE}” Dalej.`)).toEqual([`„Koniec.${CLOSE}”`, 'Dalej.']);
  });

  it('gives a placeholder after whitespace to the next sentence', () => {
    expect(pl(`Koniec. ${OPEN}Następne${CLOSE} zdanie.`)).toEqual(['Koniec.', `${OPEN}Następne${CLOSE} zdanie.`]);
    expect(pl(`Koniec.${CLOSE} ${OPEN}Następne${CLOSE} zdanie.`)).toEqual([`Koniec.${CLOSE}`, `${OPEN}Następne${CLOSE} zdanie.`]);
  });

  it('looks past placeholders and opening quotes for the sentence start', () => {
    expect(pl(`Koniec. ${OPEN}${OPEN}„następne”${CLOSE}${CLOSE} słowo.`)).toEqual([`Koniec. ${OPEN}${OPEN}„następne”${CLOSE}${CLOSE} słowo.`]);
    expect(pl(`Koniec. „${OPEN}Następne${CLOSE}” słowo.`)).toEqual(['Koniec.', `„${OPEN}Następne${CLOSE}” słowo.`]);
    expect(pl(`Zobacz np. ${OPEN}Kowalski${CLOSE} i inni.`)).toEqual([`Zobacz np. ${OPEN}Kowalski${CLOSE} i inni.`]);
    expect(pl(`W 2018 r. ${OPEN}wówczas${CLOSE} nic.`)).toEqual([`W 2018 r. ${OPEN}wówczas${CLOSE} nic.`]);
    expect(pl(`Projekt ruszył w 2018 r. ${OPEN}Wówczas${CLOSE} nic.`)).toEqual(['Projekt ruszył w 2018 r.', `${OPEN}Wówczas${CLOSE} nic.`]);
  });

  it('treats a standalone placeholder as a word that can start a sentence', () => {
    expect(pl(`Zainstaluj pakiet. ${CODE} jest potrzebny.`)).toEqual(['Zainstaluj pakiet.', `${CODE} jest potrzebny.`]);
    expect(pl(`Projekt ruszył w 2018 r. ${CODE} działa.`)).toEqual(['Projekt ruszył w 2018 r.', `${CODE} działa.`]);
    expect(pl(`Uruchom ${CODE}. Potem ${CODE}.`)).toEqual([`Uruchom ${CODE}.`, `Potem ${CODE}.`]);
    expect(pl(`Zob. np. ${CODE} oraz ${CODE}.`)).toEqual([`Zob. np. ${CODE} oraz ${CODE}.`]);
    expect(pl(`${CODE}. Następne.`)).toEqual([`${CODE}.`, 'Następne.']);
  });

  it('looks past placeholders for the word before a full stop', () => {
    expect(pl(`Rok ${OPEN}2018${CLOSE} r. Urząd działa.`)).toEqual([`Rok ${OPEN}2018${CLOSE} r. Urząd działa.`]);
    expect(pl(`Szkolenie trwa ${OPEN}40${CLOSE} godz. Zajęcia są w weekendy.`)).toEqual([
      `Szkolenie trwa ${OPEN}40${CLOSE} godz.`,
      'Zajęcia są w weekendy.',
    ]);
  });

  it('never splits inside a run of placeholders', () => {
    const run = '\uE010\uE011\uE012';
    const text = `Koniec.${run} ${run}Następne.${run}${run} ${run} Dalej.`;
    const spans = splitSentences(text, 'pl');
    expect(segmentText(text, 'pl')).toEqual([`Koniec.${run}`, `${run}Następne.${run}${run}`, `${run} Dalej.`]);
    for (const { start, end } of spans) {
      for (const edge of [start, end]) {
        const before = text.charCodeAt(edge - 1);
        const after = text.charCodeAt(edge);
        expect(before >= 0xe000 && before <= 0xf8ff && after >= 0xe000 && after <= 0xf8ff).toBe(false);
      }
    }
  });

  it('uses the whole Private Use Area', () => {
    for (const code of ['\uE000', '\uF8FF', '\uF000']) {
      expect(pl(`Koniec.${code} Dalej.`)).toEqual([`Koniec.${code}`, 'Dalej.']);
      expect(pl(`Koniec. ${code}dalej.`)).toEqual([`Koniec. ${code}dalej.`]);
      expect(pl(`Koniec. ${code} dalej.`)).toEqual(['Koniec.', `${code} dalej.`]);
    }
  });
});

describe('English', () => {
  it('knows titles, Latin connectives and ambiguous abbreviations', () => {
    expectRows('en', [
      ['The award was presented by Dr. Anna Nowak. She praised the centre.', ['The award was presented by Dr. Anna Nowak.', 'She praised the centre.']],
      ['Mr. J. Smith and Mrs. K. Jones came. They stayed.', ['Mr. J. Smith and Mrs. K. Jones came.', 'They stayed.']],
      ['We offer e.g. Workshops and i.e. Counselling.', ['We offer e.g. Workshops and i.e. Counselling.']],
      ['Schools, employers, NGOs, etc. Its members meet twice.', ['Schools, employers, NGOs, etc.', 'Its members meet twice.']],
      ['It starts at 10 a.m. in room No. 5. Please register.', ['It starts at 10 a.m. in room No. 5.', 'Please register.']],
      ['The report was written by Smith et al. It is online.', ['The report was written by Smith et al.', 'It is online.']],
      ['Employers from the U.S. took part. Most offered IT jobs.', ['Employers from the U.S. took part.', 'Most offered IT jobs.']],
      ['We said no. Then we left.', ['We said no.', 'Then we left.']],
      ['It was 5 ft. The wall was low.', ['It was 5 ft.', 'The wall was low.']],
    ]);
  });
});

describe('Scandinavian languages', () => {
  it('Swedish', () => {
    expectRows('sv', [
      ['Centret erbjuder bl.a. Workshoppar. Alla tjänster är gratis.', ['Centret erbjuder bl.a. Workshoppar.', 'Alla tjänster är gratis.']],
      ['Det gäller unga, dvs. Personer under 30. Ansök nu.', ['Det gäller unga, dvs. Personer under 30.', 'Ansök nu.']],
      ['Mötet börjar kl. 10.00 i sal nr 5. Anmälan krävs.', ['Mötet börjar kl. 10.00 i sal nr 5.', 'Anmälan krävs.']],
      ['Cv, personligt brev osv. Stödet är individuellt.', ['Cv, personligt brev osv.', 'Stödet är individuellt.']],
      ['Kurser i svenska m.m. Kurserna är gratis.', ['Kurser i svenska m.m.', 'Kurserna är gratis.']],
      ['Samarbetet inleddes 2018. Då kom gästerna.', ['Samarbetet inleddes 2018.', 'Då kom gästerna.']],
    ]);
  });

  it('Danish and Norwegian Bokmål', () => {
    expectRows('da', [
      ['Centret tilbyder bl.a. Workshops. Alt er gratis.', ['Centret tilbyder bl.a. Workshops.', 'Alt er gratis.']],
      ['Prisen blev overrakt den 9. november 2021. Den blev modtaget.', ['Prisen blev overrakt den 9. november 2021.', 'Den blev modtaget.']],
      ['Vi tilbyder kurser, praktik osv. Kontakt os.', ['Vi tilbyder kurser, praktik osv.', 'Kontakt os.']],
    ]);
    expectRows('nb', [
      ['Senteret tilbyr f.eks. Kurs. Tilbudet er gratis.', ['Senteret tilbyr f.eks. Kurs.', 'Tilbudet er gratis.']],
      ['Prisen ble delt ut 9. november. Den ble mottatt.', ['Prisen ble delt ut 9. november.', 'Den ble mottatt.']],
    ]);
  });
});

describe('German', () => {
  it('reads ordinals before capitalised nouns and knows its abbreviations', () => {
    expectRows('de', [
      ['Die Verleihung fand am 9. November 2021 statt. Den Preis nahm sie entgegen.', ['Die Verleihung fand am 9. November 2021 statt.', 'Den Preis nahm sie entgegen.']],
      ['Im 19. Jahrhundert wuchs Danzig. Heute ist der Hafen wichtig.', ['Im 19. Jahrhundert wuchs Danzig.', 'Heute ist der Hafen wichtig.']],
      ['Das Projekt kostet ca. 4,5 Mio. Euro. Den Großteil trägt die EU.', ['Das Projekt kostet ca. 4,5 Mio. Euro.', 'Den Großteil trägt die EU.']],
      ['Kurse in Logistik, Schweißen usw. Die Liste gibt es im Amt.', ['Kurse in Logistik, Schweißen usw.', 'Die Liste gibt es im Amt.']],
      ['Das Büro ist in der Hauptstr. 12 im zweiten Stock. Es ist geöffnet.', ['Das Büro ist in der Hauptstr. 12 im zweiten Stock.', 'Es ist geöffnet.']],
      // The price of reading `3. Oktober` as an ordinal: a short number cannot end a sentence.
      ['Sie wohnt in der Hauptstr. 12. Dort ist es ruhig.', ['Sie wohnt in der Hauptstr. 12. Dort ist es ruhig.']],
      ['Es gibt z.B. Workshops, d.h. Gruppenarbeit. Alles ist kostenlos.', ['Es gibt z.B. Workshops, d.h. Gruppenarbeit.', 'Alles ist kostenlos.']],
      ['Die Zahl der Teilnehmer lag bei 2021. Danach sank sie.', ['Die Zahl der Teilnehmer lag bei 2021.', 'Danach sank sie.']],
    ]);
  });
});

describe('Finnish, Estonian, Lithuanian and Latvian', () => {
  it('Finnish', () => {
    expectRows('fi', [
      ['Keskus tarjoaa mm. Työpajoja. Palvelut ovat maksuttomia.', ['Keskus tarjoaa mm. Työpajoja.', 'Palvelut ovat maksuttomia.']],
      ['Palkinto jaettiin 25. marraskuuta 2021. Sen vastaanotti johtaja.', ['Palkinto jaettiin 25. marraskuuta 2021.', 'Sen vastaanotti johtaja.']],
      ['Hankkeeseen osallistui n. 300 nuorta. Useimmat löysivät työn.', ['Hankkeeseen osallistui n. 300 nuorta.', 'Useimmat löysivät työn.']],
      ['Tarjolla on kursseja jne. Lisätietoja saa toimistosta.', ['Tarjolla on kursseja jne.', 'Lisätietoja saa toimistosta.']],
    ]);
  });

  it('Estonian', () => {
    expectRows('et', [
      ['Keskus pakub nt. Töötubasid jne. Kõik on tasuta.', ['Keskus pakub nt. Töötubasid jne.', 'Kõik on tasuta.']],
      ['Auhind anti üle 9. novembril 2021. Selle võttis vastu juht.', ['Auhind anti üle 9. novembril 2021.', 'Selle võttis vastu juht.']],
    ]);
  });

  it('Lithuanian', () => {
    expectRows('lt', [
      ['Centras siūlo pvz. Seminarus. Visos paslaugos nemokamos.', ['Centras siūlo pvz. Seminarus.', 'Visos paslaugos nemokamos.']],
      ['Biuras yra Vilniaus g. 10. Jis dirba kasdien.', ['Biuras yra Vilniaus g. 10.', 'Jis dirba kasdien.']],
      ['Bendradarbiavimas prasidėjo 2018 m. lapkričio mėnesį. Tada atvyko svečiai.', ['Bendradarbiavimas prasidėjo 2018 m. lapkričio mėnesį.', 'Tada atvyko svečiai.']],
      ['Projektas prasidėjo 2018 m. Tada atvyko svečiai.', ['Projektas prasidėjo 2018 m.', 'Tada atvyko svečiai.']],
    ]);
  });

  it('Latvian', () => {
    expectRows('lv', [
      ['Centrs piedāvā piem. Darbnīcas u.c. pakalpojumus. Viss ir bez maksas.', ['Centrs piedāvā piem. Darbnīcas u.c. pakalpojumus.', 'Viss ir bez maksas.']],
      ['Balva tika pasniegta 2021. gada 9. novembrī. To saņēma vadītāja.', ['Balva tika pasniegta 2021. gada 9. novembrī.', 'To saņēma vadītāja.']],
      ['Darbnīcas, konsultācijas utt. Visi ir laipni aicināti.', ['Darbnīcas, konsultācijas utt.', 'Visi ir laipni aicināti.']],
    ]);
  });
});

describe('properties', () => {
  const languages = [...supportedSegmentationLanguages(), 'xx'];

  /** Characters that exercise every rule: terminators, quotes, placeholders, spaces. */
  const tricky = fc.constantFrom(
    'a', 'b', 'ż', 'ł', 'A', 'Ż', 'W', 'np', 'r', 'tys', 'Sp', 'o.o', 'ul', 'im', 'in', 'm', 'XXI', 'w',
    '1', '2018', '10.00', '.', '.', '.', '!', '?', '…', '...', '„', '”', '"', '(', ')', '[', ']', '–', '-',
    ' ', ' ', ' ', '  ', '\n', '\n\n', '\t', '\u00A0', '\r\n', '\u2029', '\uE000', '\uE001', '\uF8FF', ':', ',', '/', '@', "'",
  );
  const trickyText = fc.array(tricky, { maxLength: 60 }).map((parts) => parts.join(''));
  const anyText = fc.oneof(trickyText, fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ maxLength: 80 }));
  const language = fc.constantFrom(...languages);
  const isWhitespace = (s: string): boolean => /^\s*$/u.test(s);

  it('spans are ordered, disjoint, trimmed and cover every non-whitespace character', () => {
    fc.assert(
      fc.property(anyText, language, (text, lang) => {
        const spans = splitSentences(text, lang);
        let previousEnd = 0;
        for (const { start, end } of spans) {
          expect(start).toBeGreaterThanOrEqual(previousEnd);
          expect(end).toBeGreaterThan(start);
          expect(end).toBeLessThanOrEqual(text.length);
          expect(isWhitespace(text.slice(previousEnd, start))).toBe(true);
          const sentence = text.slice(start, end);
          expect(sentence).toBe(sentence.trim());
          previousEnd = end;
        }
        expect(isWhitespace(text.slice(previousEnd))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('segmentText returns the slices of splitSentences', () => {
    fc.assert(
      fc.property(anyText, language, (text, lang) => {
        expect(segmentText(text, lang)).toEqual(splitSentences(text, lang).map(({ start, end }) => text.slice(start, end)));
      }),
      { numRuns: 300 },
    );
  });

  it('a blank line is always a boundary', () => {
    fc.assert(
      fc.property(trickyText, trickyText, language, (a, b, lang) => {
        const text = `${a}\n\n${b}`;
        const boundary = a.length;
        for (const { start, end } of splitSentences(text, lang)) {
          expect(start < boundary && end > boundary + 2).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  const capitalised = fc.constantFrom('Urząd', 'Projekt', 'Centrum', 'Młodzież', 'Doradca', 'Ósmy', 'Łączny', 'Żaden', 'Staż', 'Rynek', 'Praca');
  const plainWord = fc.constantFrom('praca', 'urząd', 'młodzież', 'projekt', 'szkolenie', 'doradca', 'rynek', 'wsparcie', 'gminie', 'Gdańsku', 'Europa', 'NEET', 'pracy', 'żółw', 'ślad');
  // Non-final abbreviations may precede any word; ambiguous ones come with the lowercase word
  // that keeps them inside the sentence.
  const middle = fc.oneof(
    plainWord,
    fc.constantFrom('np.', 'm.in.', 'ul.', 'prof.', 'tj.', 'tzw.', 'św.', 'dr hab.', '10.00', '9.11.2021', '„cytat”', '(nawias)', 'J. Kowalski'),
    fc.constantFrom('2018 r. w', 'itd. oraz', 'z o.o. z', '5 tys. zł', 'ok. 300', 'XXI w. i', 'co?! i', 'tak… a'),
  );
  const plainSentence = fc
    .tuple(capitalised, fc.array(middle, { maxLength: 6 }), plainWord, fc.constantFrom('.', '!', '?', '…'))
    .map(([first, words, last, end]) => [first, ...words, last].join(' ') + end);
  const separator = fc.constantFrom(' ', '  ', '\n', ' \n ', '\t');

  it('segmenting sentences that end after a plain word and start with a capital returns them', () => {
    fc.assert(
      fc.property(fc.array(plainSentence, { minLength: 1, maxLength: 6 }), separator, (sentences, sep) => {
        expect(segmentText(sentences.join(sep), 'pl')).toEqual(sentences);
      }),
      { numRuns: 1000 },
    );
  });

  it('the same holds for plain sentences in every language', () => {
    const sentence = fc
      .tuple(capitalised, fc.array(plainWord, { maxLength: 5 }), plainWord)
      .map(([first, words, last]) => [first, ...words, last].join(' ') + '.');
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 5 }), language, (sentences, lang) => {
        expect(segmentText(sentences.join(' '), lang)).toEqual(sentences);
      }),
      { numRuns: 500 },
    );
  });

  it('placeholders at sentence edges travel with their sentence', () => {
    const run = fc.array(fc.constantFrom('\uE000', '\uE001', '\uE0FF', '\uF8FF'), { maxLength: 3 }).map((codes) => codes.join(''));
    const decorated = fc.tuple(run, plainSentence, run).map(([before, sentence, after]) => before + sentence + after);
    fc.assert(
      fc.property(fc.array(decorated, { minLength: 1, maxLength: 5 }), (sentences) => {
        expect(segmentText(sentences.join(' '), 'pl')).toEqual(sentences);
      }),
      { numRuns: 500 },
    );
  });

  it('is stable: each sentence segments to itself', () => {
    fc.assert(
      fc.property(fc.oneof(trickyText, fc.array(fc.oneof(plainSentence, middle, plainWord), { maxLength: 12 }).map((parts) => parts.join(' '))), (text) => {
        for (const sentence of segmentText(text, 'pl')) {
          expect(segmentText(sentence, 'pl')).toEqual([sentence]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('performance', () => {
  it('stays linear on pathological inputs', () => {
    const inputs = [
      '1. '.repeat(100_000),
      '.'.repeat(300_000),
      'np. '.repeat(100_000),
      'W 2018 r. '.repeat(30_000),
      `${'\uE000'.repeat(200_000)}. A`,
      'a\n'.repeat(150_000),
    ];
    for (const text of inputs) {
      const started = performance.now();
      splitSentences(text, 'pl');
      expect(performance.now() - started, text.slice(0, 12)).toBeLessThan(1_000);
    }
  });
});

describe('accuracy on the hand-segmented paragraph sets', () => {
  it('Polish: at least 0.97 of paragraphs exactly right, far above Intl.Segmenter', () => {
    const report = measureSegmentationAccuracy(polishParagraphs);
    console.log(
      `segment accuracy pl: Hansa ${report.correct}/${report.paragraphs} = ${report.accuracy.toFixed(3)} ` +
        `(boundary P ${report.boundaryPrecision.toFixed(3)}, R ${report.boundaryRecall.toFixed(3)}); ` +
        `Intl.Segmenter baseline ${report.intlBaselineAccuracy.toFixed(3)} ` +
        `(P ${report.intlBoundaryPrecision.toFixed(3)}, R ${report.intlBoundaryRecall.toFixed(3)}); ` +
        `misses: ${report.failures.join(', ') || 'none'}`,
    );
    expect(report.paragraphs).toBeGreaterThanOrEqual(150);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.boundaryPrecision).toBeGreaterThanOrEqual(0.98);
    expect(report.boundaryRecall).toBeGreaterThanOrEqual(0.99);
    expect(report.accuracy).toBeGreaterThan(report.intlBaselineAccuracy);
  });

  it('other languages: every paragraph right', () => {
    const report = measureSegmentationAccuracy(multilingualParagraphs);
    console.log(
      `segment accuracy en/sv/de/fi/da/nb/lt/lv/et: Hansa ${report.correct}/${report.paragraphs} = ${report.accuracy.toFixed(3)}; ` +
        `Intl.Segmenter baseline ${report.intlBaselineAccuracy.toFixed(3)}`,
    );
    const counts = new Map<string, number>();
    for (const item of multilingualParagraphs) counts.set(item.lang, (counts.get(item.lang) ?? 0) + 1);
    expect(counts.get('en')).toBeGreaterThanOrEqual(10);
    expect(counts.get('sv')).toBeGreaterThanOrEqual(10);
    expect(report.failures).toEqual([]);
  });

  it('the paragraph sets are well formed', () => {
    for (const item of [...polishParagraphs, ...multilingualParagraphs]) {
      expect(item.sentences.length, item.id).toBeGreaterThan(0);
      for (const sentence of item.sentences) expect(sentence, item.id).toBe(sentence.trim());
      // The text is the sentences joined by whitespace, in order.
      let rest = item.text;
      for (const sentence of item.sentences) {
        const at = rest.indexOf(sentence);
        expect(isBlank(rest.slice(0, at)), item.id).toBe(true);
        rest = rest.slice(at + sentence.length);
      }
      expect(isBlank(rest), item.id).toBe(true);
    }
    const ids = [...polishParagraphs, ...multilingualParagraphs].map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

function isBlank(text: string): boolean {
  return /^\s*$/u.test(text);
}
