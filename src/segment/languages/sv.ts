/**
 * Swedish segmentation rules: `t.ex.`, `bl.a.`, `dvs.`, `s.k.`, `p.g.a.`, `kl.`, `ca`, `nr`
 * never end a sentence; `osv.`, `m.m.`, `m.fl.`, `etc.`, `kr.` and `milj.` end one before a
 * capitalised word. Swedish ordinals are written `3:e`, so a number with a full stop before a
 * capital letter ends the sentence.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Swedish rules. */
export const swedish: LanguageRules = {
  code: 'sv',
  nonFinal: keySet(`
    t.ex bl.a dvs d.v.s s.k p.g.a pga f.d jfr t.o.m fr.o.m kl ca nr s sid kap resp inkl exkl
    enl ang ev el f.ö f d tel dr prof doc fil.dr fil.kand hr fr st ung ex
    avd adr
  `),
  ambiguous: keySet(`
    osv o.s.v m.m mm m.fl etc kr milj mdr tkr e.kr f.kr st proc
  `),
  units: keySet('st'),
  nonFinalSuffixes: [],
  labelNouns: ['bilaga', 'bilagan', 'del', 'typ', 'klass', 'grupp', 'vitamin', 'plan', 'avsnitt', 'sal', 'rum', 'hus', 'zon', 'nivå', 'steg', 'modul'],
  ordinalBeforeCapital: false,
};
