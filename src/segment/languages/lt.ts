/**
 * Lithuanian segmentation rules: `pvz.`, `t.y.`, `gim.`, `g.` (gatvė), `pr.` (prospektas),
 * `nr.`, `žr.`, `plg.`, `vad.` never end a sentence; `m.` (metai), `d.` (diena), `a.`
 * (amžius), `val.`, `tūkst.`, `mln.`, `proc.`, `kt.`, `t.t.` end one before a capitalised word.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Lithuanian rules. */
export const lithuanian: LanguageRules = {
  code: 'lt',
  nonFinal: keySet('pvz t.y gim g pr nr tel doc prof dr gerb p plg žr vad a.k gyv al pl sav raj aut red psl str'),
  ambiguous: keySet('m d a val min mln mlrd tūkst proc kt t.t r eur'),
  units: keySet(''),
  nonFinalSuffixes: [],
  labelNouns: ['priedas', 'priedo', 'dalis', 'tipas', 'klasė', 'grupė', 'vitaminas', 'planas', 'pastatas', 'salė', 'zona', 'lygis', 'modulis'],
  ordinalBeforeCapital: false,
};
