/**
 * Norwegian Bokmål segmentation rules: the Danish set (`f.eks.`, `bl.a.`, `dvs.`, `nr.`,
 * `ca.`) plus `mht.`, `vha.`, `iflg.`; `osv.`, `mv.`, `m.m.` end a sentence before a
 * capitalised word. Ordinals (`3. oktober`) are followed by lowercase words.
 */

import { keySet, type LanguageRules } from '../rules.js';
import { danoNorwegianAmbiguous, danoNorwegianNonFinal } from './da.js';

/** Norwegian Bokmål rules (also used for `no` and `nn`). */
export const norwegian: LanguageRules = {
  code: 'nb',
  nonFinal: keySet(`${danoNorwegianNonFinal} sml bl.a jf`),
  ambiguous: keySet(danoNorwegianAmbiguous),
  units: keySet(''),
  nonFinalSuffixes: [],
  labelNouns: ['vedlegg', 'del', 'type', 'klasse', 'gruppe', 'vitamin', 'plan', 'avsnitt', 'bygning', 'rom', 'sone', 'nivå', 'trinn', 'modul'],
  ordinalBeforeCapital: false,
};
