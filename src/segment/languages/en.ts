/**
 * English segmentation rules: titles (`Mr.`, `Dr.`), references (`No.`, `Fig.`, `p.`) and
 * Latin connectives (`e.g.`, `i.e.`, `cf.`, `vs.`) never end a sentence; `etc.`, `et al.`,
 * `Inc.`, `Ltd.`, `Jr.`, `a.m.`, `U.S.` and month names end one before a capitalised word.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** English rules. */
export const english: LanguageRules = {
  code: 'en',
  nonFinal: keySet(`
    mr mrs ms messrs dr prof rev hon gen col capt lt sgt cmdr adm gov sen rep pres supt insp
    st mt ft
    e.g i.e cf vs viz approx ca
    fig figs eq vol vols ch chap sec para art p pp ed eds nr tel ext dept univ assn est
  `),
  ambiguous: keySet(`
    etc al jr sr inc ltd co corp plc llc bros
    a.m p.m u.s u.k e.u u.n u.s.a
    jan feb mar apr jun jul aug sep sept oct nov dec
    ave rd blvd sq
    no nos
    min max hr hrs yr yrs km kg lb lbs oz
  `),
  units: keySet('ft'),
  nonFinalSuffixes: [],
  labelNouns: [
    'appendix',
    'annex',
    'exhibit',
    'schedule',
    'part',
    'section',
    'building',
    'block',
    'room',
    'hall',
    'type',
    'class',
    'group',
    'category',
    'vitamin',
    'plan',
    'option',
    'level',
    'grade',
    'phase',
    'stage',
    'point',
    'letter',
    'zone',
    'sector',
    'track',
    'module',
    'step',
  ],
  ordinalBeforeCapital: false,
};
