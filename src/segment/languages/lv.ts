/**
 * Latvian segmentation rules: `piem.`, `t.i.`, `t.sk.`, `nr.`, `sk.`, `plkst.`, `apm.`,
 * `sal.` never end a sentence; `u.c.`, `utt.`, `u.tml.`, `g.` (gads), `gs.` (gadsimts),
 * `milj.`, `tūkst.` end one before a capitalised word. Ordinals (`9. novembrī`) are followed
 * by lowercase words.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Latvian rules. */
export const latvian: LanguageRules = {
  code: 'lv',
  nonFinal: keySet('piem t.i t.sk nr tel prof dr sk plkst k kdz apm sal iel doc lpp'),
  ambiguous: keySet('u.c utt u.tml g gs milj tūkst mljrd eur proc'),
  units: keySet(''),
  nonFinalSuffixes: [],
  labelNouns: ['pielikums', 'pielikuma', 'daļa', 'tips', 'klase', 'grupa', 'vitamīns', 'plāns', 'ēka', 'zāle', 'zona', 'līmenis', 'modulis'],
  ordinalBeforeCapital: false,
};
