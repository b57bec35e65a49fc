/**
 * A small Hunspell reader in plain TypeScript: enough of the `.aff`/`.dic` formats to
 * analyse a word into dictionary entries and to expand an entry into all its forms.
 *
 * 1. Supported: `FLAG` (char, UTF-8, long, num), `PFX`/`SFX` with cross products,
 *    continuation classes (two suffix levels), `NEEDAFFIX`, `FORBIDDENWORD`,
 *    `ONLYINCOMPOUND`, `CIRCUMFIX` (a circumfix suffix needs a circumfix prefix).
 * 2. Not supported: compounding rules (`COMPOUNDRULE`, `COMPOUNDFLAG`), `AF`/`AM`
 *    aliases, `ICONV`/`OCONV`, `IGNORE`: they decide spell-checking, not paradigms.
 * 3. Forms keep the case of the dictionary stem; callers fold case.
 */
import { StemTable } from './stem-table.js';

/** One prefix or suffix rule. */
interface AffixRule {
  readonly flag: string;
  readonly kind: 'PFX' | 'SFX';
  readonly strip: string;
  readonly add: string;
  readonly continuation: readonly string[];
  /** Tests the stem (end for suffixes, start for prefixes); undefined = always. */
  readonly condition: RegExp | undefined;
  readonly crossProduct: boolean;
}

/** A dictionary entry: a stem and its flags. */
export interface DicEntry {
  readonly stem: string;
  readonly flags: ReadonlySet<string>;
}

/** How a word was found: the entry, the prefix rule it carries, the suffix flag that made it. */
export interface Analysis {
  readonly entry: DicEntry;
  readonly prefix: string | undefined;
  /** Flag of the (outer) suffix rule; undefined when the word is the stem itself. */
  readonly suffix?: string;
}

type FlagMode = 'char' | 'utf-8' | 'long' | 'num';

/** A Hunspell dictionary in memory. */
export class HunspellDictionary {
  readonly #suffixes = new Map<string, AffixRule[]>();
  readonly #prefixes = new Map<string, AffixRule[]>();
  /** Suffix rules by what they add, then by what they strip: one stem to try per group. */
  readonly #suffixByAdd = new Map<string, Map<string, AffixRule[]>>();
  readonly #prefixByAdd = new Map<string, AffixRule[]>();
  /** Stems and their raw flags; decoded into entries on first use. */
  #stems: StemTable | undefined;
  readonly #decoded = new Map<string, DicEntry[]>();
  #mode: FlagMode = 'char';
  /** Whether any suffix allows a second suffix; most dictionaries need one level only. */
  #hasContinuations = false;
  #maxSuffixAdd = 0;
  #maxPrefixAdd = 0;
  #needAffix: string | undefined;
  #forbidden: string | undefined;
  #onlyInCompound: string | undefined;
  #circumfix: string | undefined;

  /** Read the texts of an `.aff` and a `.dic` file (UTF-8). */
  constructor(aff: string, dic: string) {
    this.#mode = this.#readAff(aff);
    this.#readDic(dic);
  }

  /** Number of distinct stems. */
  get size(): number {
    return this.#stems?.size ?? 0;
  }

  #readAff(aff: string): FlagMode {
    let mode: FlagMode = 'char';
    const headers = new Map<string, boolean>();
    const conditionCache = new Map<string, RegExp | undefined>();
    const lines = aff.split(/\r?\n/);
    // FLAG must be known before flags are decoded.
    for (const line of lines) {
      const match = /^FLAG\s+(\S+)/.exec(line);
      if (match?.[1] === 'long' || match?.[1] === 'num' || match?.[1] === 'UTF-8') mode = match[1] === 'UTF-8' ? 'utf-8' : match[1];
    }
    for (const raw of lines) {
      const line = raw.replace(/\s+#.*$/, '');
      const fields = line.trim().split(/\s+/);
      const [keyword, a, b, c, d] = fields;
      if (keyword === 'NEEDAFFIX' && a !== undefined) this.#needAffix = decodeFlags(a, mode)[0];
      else if (keyword === 'FORBIDDENWORD' && a !== undefined) this.#forbidden = decodeFlags(a, mode)[0];
      else if (keyword === 'ONLYINCOMPOUND' && a !== undefined) this.#onlyInCompound = decodeFlags(a, mode)[0];
      else if (keyword === 'CIRCUMFIX' && a !== undefined) this.#circumfix = decodeFlags(a, mode)[0];
      else if ((keyword === 'PFX' || keyword === 'SFX') && a !== undefined && b !== undefined && c !== undefined) {
        const flag = decodeFlags(a, mode)[0] ?? a;
        if (d === undefined && /^\d+$/.test(c) && (b === 'Y' || b === 'N')) {
          headers.set(`${keyword}${flag}`, b === 'Y');
          continue;
        }
        const [addRaw = '', continuationRaw] = splitUnescaped(c);
        const condition = d === undefined || d === '.' ? undefined : compileCondition(d, keyword, conditionCache);
        const rule: AffixRule = {
          flag,
          kind: keyword,
          strip: b === '0' ? '' : b,
          add: addRaw === '0' ? '' : addRaw,
          continuation: continuationRaw === undefined ? [] : decodeFlags(continuationRaw, mode),
          condition,
          crossProduct: headers.get(`${keyword}${flag}`) ?? false,
        };
        if (keyword === 'SFX') {
          push(this.#suffixes, flag, rule);
          let byStrip = this.#suffixByAdd.get(rule.add);
          if (byStrip === undefined) this.#suffixByAdd.set(rule.add, (byStrip = new Map()));
          push(byStrip, rule.strip, rule);
        } else {
          push(this.#prefixes, flag, rule);
          push(this.#prefixByAdd, rule.add, rule);
        }
        if (keyword === 'SFX') this.#maxSuffixAdd = Math.max(this.#maxSuffixAdd, rule.add.length);
        if (rule.continuation.length > 0) this.#hasContinuations = true;
        else this.#maxPrefixAdd = Math.max(this.#maxPrefixAdd, rule.add.length);
      }
    }
    return mode;
  }

  #readDic(dic: string): void {
    this.#stems = new StemTable(dic, (line) => {
      const [stemRaw = '', flagsRaw = ''] = splitUnescaped(line);
      return [stemRaw.replace(/\\\//g, '/'), flagsRaw];
    });
  }

  /** Entries whose stem is exactly `stem`. */
  entriesOf(stem: string): readonly DicEntry[] {
    const cached = this.#decoded.get(stem);
    if (cached !== undefined) return cached;
    const raw = this.#stems?.flagsOf(stem) ?? [];
    if (raw.length === 0) return [];
    const entries = raw.map((flags) => ({ stem, flags: new Set(decodeFlags(flags, this.#mode)) }));
    this.#decoded.set(stem, entries);
    return entries;
  }

  /** Whether `word` is a form of some entry (as written: fold case before calling if needed). */
  isKnown(word: string): boolean {
    return this.analyze(word).length > 0;
  }

  /**
   * The entries `word` is a form of: the word itself, a stem plus one suffix (or two, through
   * continuation classes), a prefix plus a stem, or both.
   */
  analyze(word: string): Analysis[] {
    const found: Analysis[] = [];
    const seen = new Set<string>();
    const add = (entry: DicEntry, prefix: string | undefined, suffix?: string): void => {
      if (this.#forbidden !== undefined && entry.flags.has(this.#forbidden)) return;
      const key = `${entry.stem}\u0000${[...entry.flags].join(',')}\u0000${prefix ?? ''}\u0000${suffix ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      found.push(suffix === undefined ? { entry, prefix } : { entry, prefix, suffix });
    };
    for (const entry of this.entriesOf(word)) {
      if (!this.#isBare(entry)) add(entry, undefined);
    }
    this.#stripSuffix(word, (entry, rule) => add(entry, undefined, rule.flag));
    for (let k = 1; k <= Math.min(this.#maxPrefixAdd, word.length - 1); k++) {
      for (const rule of this.#prefixByAdd.get(word.slice(0, k)) ?? []) {
        const stem = rule.strip + word.slice(k);
        if (rule.condition !== undefined && !rule.condition.test(stem)) continue;
        for (const entry of this.entriesOf(stem)) if (entry.flags.has(rule.flag)) add(entry, rule.flag);
        if (rule.crossProduct) {
          this.#stripSuffix(stem, (entry, suffix) => {
            if (entry.flags.has(rule.flag) && suffix.crossProduct) add(entry, rule.flag);
          });
        }
      }
    }
    return found;
  }

  #bySuffix: Map<string, string> | undefined;

  /**
   * Guess the forms of a word the dictionary lacks (`projektdeltagare`, `counsellor`) by
   * analogy: the stem sharing its longest ending (at least `minimum` letters) lends its
   * flags. Compounds and rarer spellings of the target languages mostly inflect like their
   * last part.
   */
  guess(word: string, minimum = 3): string[] {
    // A compound whose last part is a word inflects like it: `jobseeker` like `seeker`.
    const lowerWord = word.toLocaleLowerCase();
    for (let k = lowerWord.length - 1; k >= Math.max(minimum, 3); k--) {
      const analyses = this.analyze(lowerWord.slice(lowerWord.length - k));
      if (analyses.length === 0) continue;
      const head = word.slice(0, word.length - k);
      const forms = new Set<string>();
      for (const analysis of analyses) for (const form of this.expand(analysis.entry, analysis.prefix)) forms.add(head + form);
      if (forms.size > 0) return [...forms];
    }
    if (this.#bySuffix === undefined) {
      this.#bySuffix = new Map();
      for (const [stem, flags] of this.#stems?.entries() ?? []) {
        if (flags === '' || /\p{Lu}/u.test(stem[0] ?? '')) continue;
        for (let k = minimum; k <= Math.min(8, stem.length); k++) {
          const ending = stem.slice(stem.length - k);
          // A word that is the whole ending is the best model (`seeker` for `jobseeker`).
          if (!this.#bySuffix.has(ending) || k === stem.length) this.#bySuffix.set(ending, stem);
        }
      }
    }
    const lower = word.toLocaleLowerCase();
    for (let k = Math.min(8, lower.length - 1); k >= minimum; k--) {
      const model = this.#bySuffix.get(lower.slice(lower.length - k));
      if (model === undefined) continue;
      const forms = new Set<string>();
      for (const entry of this.entriesOf(model)) {
        for (const form of this.expand(entry)) {
          if (!form.startsWith(model.slice(0, model.length - k))) continue;
          forms.add(word.slice(0, word.length - k) + form.slice(model.length - k));
        }
      }
      if (forms.size > 0) return [...forms];
    }
    return [word];
  }

  /** An affix whose result still needs another affix, or lives only inside compounds. */
  #isIncomplete(rule: AffixRule): boolean {
    return (
      (this.#needAffix !== undefined && rule.continuation.includes(this.#needAffix)) ||
      (this.#onlyInCompound !== undefined && rule.continuation.includes(this.#onlyInCompound))
    );
  }

  #isBare(entry: DicEntry): boolean {
    return (
      (this.#needAffix !== undefined && entry.flags.has(this.#needAffix)) ||
      (this.#onlyInCompound !== undefined && entry.flags.has(this.#onlyInCompound))
    );
  }

  /** Call `found` for every entry that `word` is a suffixed form of. */
  #stripSuffix(word: string, found: (entry: DicEntry, rule: AffixRule) => void, depth = 0, needFlag?: string): void {
    const twoLevels = depth === 0 && this.#hasContinuations;
    for (let k = 0; k <= Math.min(this.#maxSuffixAdd, word.length - 1); k++) {
      const byStrip = this.#suffixByAdd.get(word.slice(word.length - k));
      if (byStrip === undefined) continue;
      const base = word.slice(0, word.length - k);
      for (const [strip, rules] of byStrip) {
        const stem = base + strip;
        if (stem === '') continue;
        // A map lookup is cheaper than the conditions: most candidate stems are not words.
        const isWord = this.#stems?.has(stem) === true;
        if (!isWord && !twoLevels) continue;
        const entries = isWord ? this.entriesOf(stem) : [];
        for (const rule of rules) {
          if (needFlag !== undefined && !rule.continuation.includes(needFlag)) continue;
          if (rule.condition !== undefined && !rule.condition.test(stem)) continue;
          for (const entry of entries) if (entry.flags.has(rule.flag)) found(entry, rule);
          // A second suffix level: `stem` carries a suffix whose continuation allows this rule.
          if (twoLevels) this.#stripSuffix(stem, (entry) => found(entry, rule), 1, rule.flag);
        }
      }
    }
  }

  /**
   * Every form of an entry. With `prefix`, only forms that carry that prefix rule's flag;
   * without it, only forms without a prefix, so `pełnosprawność` does not bring in
   * `niepełnosprawność` nor the other way round.
   */
  expand(entry: DicEntry, prefix?: string, onlySuffix?: string): string[] {
    const forms = new Set<string>();
    if (this.#forbidden !== undefined && entry.flags.has(this.#forbidden)) return [];
    // Compound parts (German `agglutination/o…`) are not words on their own.
    if (this.#onlyInCompound !== undefined && entry.flags.has(this.#onlyInCompound)) return [];
    const circumfix = this.#circumfix;
    const suffixed: { form: string; rule: AffixRule | undefined }[] = [];
    if (!this.#isBare(entry) && onlySuffix === undefined) suffixed.push({ form: entry.stem, rule: undefined });
    for (const flag of entry.flags) {
      if (onlySuffix !== undefined && flag !== onlySuffix) continue;
      for (const rule of this.#suffixes.get(flag) ?? []) {
        const form = applySuffix(entry.stem, rule);
        if (form === undefined) continue;
        const isCircumfix = circumfix !== undefined && rule.continuation.includes(circumfix);
        if (!isCircumfix && !this.#isIncomplete(rule)) suffixed.push({ form, rule });
        for (const next of rule.continuation) {
          for (const second of this.#suffixes.get(next) ?? []) {
            const twice = applySuffix(form, second);
            if (twice !== undefined) suffixed.push({ form: twice, rule });
          }
        }
      }
    }
    if (prefix === undefined) {
      for (const { form } of suffixed) forms.add(form);
      return [...forms];
    }
    for (const rule of this.#prefixes.get(prefix) ?? []) {
      if (this.#isIncomplete(rule)) continue;
      for (const { form, rule: suffix } of suffixed) {
        if (suffix !== undefined && !(rule.crossProduct && suffix.crossProduct)) continue;
        if (rule.condition !== undefined && !rule.condition.test(form)) continue;
        if (!form.startsWith(rule.strip)) continue;
        forms.add(rule.add + form.slice(rule.strip.length));
      }
    }
    return [...forms];
  }
}

function applySuffix(stem: string, rule: AffixRule): string | undefined {
  if (rule.condition !== undefined && !rule.condition.test(stem)) return undefined;
  if (!stem.endsWith(rule.strip)) return undefined;
  const form = stem.slice(0, stem.length - rule.strip.length) + rule.add;
  return form === '' ? undefined : form;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Split `a/b` at the first slash that is not escaped. */
function splitUnescaped(text: string): [string, string | undefined] {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i += 1;
      continue;
    }
    if (text[i] === '/' && i > 0) return [text.slice(0, i), text.slice(i + 1)];
  }
  return [text, undefined];
}

function decodeFlags(text: string, mode: FlagMode): string[] {
  if (mode === 'num') return text.split(',').filter((flag) => flag !== '');
  if (mode === 'long') return text.match(/[\s\S]{1,2}/g) ?? [];
  if (mode === 'utf-8') return [...text];
  return text.split('');
}

/** An affix condition as an anchored regular expression (end for suffixes, start for prefixes). */
function compileCondition(condition: string, kind: 'PFX' | 'SFX', cache: Map<string, RegExp | undefined>): RegExp | undefined {
  const key = `${kind}${condition}`;
  if (cache.has(key)) return cache.get(key);
  const source = condition.replace(/[.*+?^${}()|\\]/g, (c) => (c === '.' ? '.' : `\\${c}`)).replace(/\\\^/g, '^');
  // `[^…]` stays a negated class: undo the escape of `^` right after `[`.
  const fixed = source.replace(/\[\\\^/g, '[^');
  let regex: RegExp | undefined;
  try {
    regex = new RegExp(kind === 'SFX' ? `${fixed}$` : `^${fixed}`, 'u');
  } catch {
    regex = undefined;
  }
  cache.set(key, regex);
  return regex;
}
