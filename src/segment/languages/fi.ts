/**
 * Finnish segmentation rules: `esim.`, `ks.`, `n.` (noin), `mm.` (muun muassa), `ns.`,
 * `v.` (vuonna), `vrt.` never end a sentence; `jne.`, `yms.`, `ym.`, `tms.`, `milj.` end one
 * before a capitalised word. Ordinals (`25. marraskuuta`) are followed by lowercase words.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Finnish rules. */
export const finnish: LanguageRules = {
  code: 'fi',
  nonFinal: keySet('esim ks n mm ns v puh vrt s os prof tri ts em ed ko ao huom kpl nro p.o os klo'),
  ambiguous: keySet('jne yms ym tms milj mrd tuh ekr jkr e.kr j.kr'),
  units: keySet('kpl'),
  nonFinalSuffixes: [],
  labelNouns: ['liite', 'osa', 'tyyppi', 'luokka', 'ryhmä', 'vitamiini', 'suunnitelma', 'rakennus', 'sali', 'vyöhyke', 'taso', 'moduuli'],
  ordinalBeforeCapital: false,
};
