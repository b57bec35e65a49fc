/**
 * German segmentation rules: `z.B.`, `u.a.`, `d.h.`, `bzw.`, `Nr.`, `Dr.`, `ca.`, `sog.`,
 * `ggf.`, `vgl.`, `Mio.`/`Mrd.` (always followed by a noun, which is capitalised) never end a
 * sentence, nor does a street (`Hauptstr.`); `usw.`, `etc.`, `u.Ä.`, `Jh.` end one before a
 * capitalised word. A number of up to three digits with a full stop is an ordinal even before
 * a capital letter (`am 3. Oktober`, `im 19. Jahrhundert`).
 */

import { keySet, type LanguageRules } from '../rules.js';

/** German rules. */
export const german: LanguageRules = {
  code: 'de',
  nonFinal: keySet(`
    z.b u.a d.h bzw nr dr ca sog ggf evtl vgl s z.t u.u i.d.r inkl exkl zzgl bspw
    prof hr fr st str abs art kap abb tab bd gem lt v.a geb gest dipl ing mag hrsg tel fa
    o.g s.o s.u mio mrd tsd bzgl gegr max min ff f
  `),
  ambiguous: keySet('usw etc u.ä o.ä u.v.m jh jhd v.chr n.chr eur std proc'),
  units: keySet(''),
  nonFinalSuffixes: ['str'],
  labelNouns: ['anhang', 'anlage', 'teil', 'typ', 'klasse', 'gruppe', 'vitamin', 'plan', 'abschnitt', 'gebäude', 'raum', 'saal', 'zone', 'stufe', 'modul', 'block', 'halle'],
  ordinalBeforeCapital: true,
};
