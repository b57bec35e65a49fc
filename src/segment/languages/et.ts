/**
 * Estonian segmentation rules: `nt.` (näiteks), `nr.`, `lk.` (lehekülg), `vt.`, `s.t.`,
 * `u.` (umbes), `k.a.` never end a sentence; `jne.`, `jm.`, `a.` (aasta), `s.` (sajand),
 * `mln.` end one before a capitalised word. Ordinals (`25. novembril`) are followed by
 * lowercase words.
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Estonian rules. */
export const estonian: LanguageRules = {
  code: 'et',
  nonFinal: keySet('nt nr lk vt s.t s.o u ca k.a hr pr dr prof tel kl v.a nn vrd e.m.a p.o mh tn pst'),
  ambiguous: keySet('jne jm a s mln mld tk tuh ekr pkr e.kr p.kr'),
  units: keySet(''),
  nonFinalSuffixes: [],
  labelNouns: ['lisa', 'osa', 'tüüp', 'klass', 'rühm', 'vitamiin', 'plaan', 'hoone', 'saal', 'tsoon', 'tase', 'moodul'],
  ordinalBeforeCapital: false,
};
