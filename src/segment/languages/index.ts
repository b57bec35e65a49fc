/**
 * The registry of segmentation rule sets, keyed by primary language subtag.
 */

import type { LanguageRules } from '../rules.js';
import { danish } from './da.js';
import { german } from './de.js';
import { english } from './en.js';
import { estonian } from './et.js';
import { finnish } from './fi.js';
import { generic } from './generic.js';
import { lithuanian } from './lt.js';
import { latvian } from './lv.js';
import { norwegian } from './nb.js';
import { polish } from './pl.js';
import { swedish } from './sv.js';

const registry: ReadonlyMap<string, LanguageRules> = new Map([
  ['pl', polish],
  ['en', english],
  ['sv', swedish],
  ['lt', lithuanian],
  ['lv', latvian],
  ['et', estonian],
  ['fi', finnish],
  ['da', danish],
  ['de', german],
  ['nb', norwegian],
]);

/** Other codes that share a rule set (`no` and `nn` read like Bokmål here). */
const aliases: ReadonlyMap<string, string> = new Map([
  ['no', 'nb'],
  ['nn', 'nb'],
]);

/** Languages with their own rule set, in registry order. */
export const ruleLanguages: readonly string[] = Object.freeze([...registry.keys()]);

/**
 * The rule set for a BCP 47 tag: its primary subtag, case-insensitive (`pl`, `pl-PL`,
 * `en_GB`); the generic rules for anything else, including the empty string.
 */
export function rulesFor(lang: string): LanguageRules {
  const cut = lang.search(/[-_]/u);
  const primary = (cut === -1 ? lang : lang.slice(0, cut)).toLowerCase();
  return registry.get(aliases.get(primary) ?? primary) ?? generic;
}
