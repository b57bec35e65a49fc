/**
 * Danish segmentation rules: `f.eks.`, `fx`, `bl.a.`, `dvs.`, `jf.`, `pga.`, `kl.`, `nr.`,
 * `ca.` never end a sentence; `osv.`, `m.v.`, `m.fl.`, `etc.`, `kr.` and `mio.` end one before
 * a capitalised word. Ordinals (`den 3. oktober`) are followed by lowercase words.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Words shared by Danish and Norwegian Bokmål. */
export const danoNorwegianNonFinal = `
  f.eks fx bl.a dvs d.v.s nr ca evt el inkl ekskl jf jfr pga p.g.a hhv ift i.f.t mht m.h.t
  kl ang iht vha tlf pkt stk s kap dr prof hr fr vedr iflg ifm ved adr
`;

/** Ambiguous abbreviations shared by Danish and Norwegian Bokmål. */
export const danoNorwegianAmbiguous = 'osv o.s.v mv m.v m.fl mfl m.m mm etc kr mio mia mrd proc';

/** Danish rules. */
export const danish: LanguageRules = {
  code: 'da',
  nonFinal: keySet(danoNorwegianNonFinal),
  ambiguous: keySet(danoNorwegianAmbiguous),
  units: keySet(''),
  nonFinalSuffixes: [],
  labelNouns: ['bilag', 'del', 'type', 'klasse', 'gruppe', 'vitamin', 'plan', 'afsnit', 'bygning', 'lokale', 'zone', 'niveau', 'trin', 'modul'],
  ordinalBeforeCapital: false,
};
