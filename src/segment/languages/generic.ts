/**
 * Generic rules for languages without their own set: terminators, quotes, initials and the
 * Latin abbreviations shared by European languages (`e.g.`, `i.e.`, `cf.`, `vs.`, `ca.`;
 * `etc.` and `et al.` end a sentence before a capitalised word).
 */

import { keySet, type LanguageRules } from '../rules.js';

/** Generic rules (`und`). */
export const generic: LanguageRules = {
  code: 'und',
  nonFinal: keySet('e.g i.e cf vs viz ca approx'),
  ambiguous: keySet('etc al'),
  units: keySet(''),
  nonFinalSuffixes: [],
  labelNouns: [],
  ordinalBeforeCapital: false,
};
