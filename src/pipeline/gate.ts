/**
 * The validation gate of one language: what a machine answer must pass to be used, and
 * what the glossary says of the translations a run accepted.
 *
 * 1. Machine output is never accepted silently (DESIGN §6): an answer that fails a blocking
 *    check (codes, numbers, URLs, empty, truncated) or does not keep the glossary is refused,
 *    and the chain tries a stricter request, then the next provider.
 * 2. The blocking checks come first: an answer that breaks codes is refused for that, not
 *    for its terms.
 * 3. Copy and pseudo output is not a translation: a chain of nothing else (or no chain, as
 *    in `extract`) loads no terminology checker, and their answers are never checked for terms.
 * 4. Translations from the locale resources are the project's own words: never checked for
 *    terms. Memory translations are checked once accepted: a warning, never a refusal, as
 *    they are people's work or already paid for.
 */
import type { Finding } from '../errors/index.js';
import { TerminologyChecker, type TermHit, type Terminology } from '../glossary/index.js';
import { plainText } from '../markdown/tagged.js';
import type { Segment } from '../markdown/types.js';
import type { Provider } from '../providers/index.js';
import { gateFindings } from '../qa/checks.js';
import type { Accepted, Refusal } from './remote.js';
import type { SourceDocument } from './workspace.js';

/** The gate of one language. */
export interface LanguageGate {
  /** Why a machine answer for `segment` is refused; empty when it passes. */
  readonly refusalsOf: (segment: Segment, target: string) => Refusal[];
  /** Glossary findings (warnings) of the translations accepted for `documents`, in document order. */
  readonly termFindings: (documents: readonly SourceDocument[], accepted: ReadonlyMap<string, Accepted>) => Promise<Finding[]>;
}

/** What `createGate` needs of the run. */
export interface GateContext {
  readonly sourceLanguage: string;
  readonly lang: string;
  /** Glossary hits of a source segment. */
  readonly hitsOf: (segment: Segment) => readonly TermHit[];
  /** The run's provider chain, the memory entry included: it decides whether terms are checked. */
  readonly providers: readonly Provider[];
}

/** Build the gate of `context.lang` (loading its terminology checker when the run needs one). */
export async function createGate(terminology: Terminology | undefined, context: GateContext): Promise<LanguageGate> {
  const { sourceLanguage, lang, hitsOf } = context;
  const wanted = terminology !== undefined && !context.providers.every((provider) => provider.capabilities.isSynthetic);
  const load = (): Promise<TerminologyChecker> | undefined =>
    terminology === undefined || !wanted ? undefined : TerminologyChecker.create(terminology.glossary, lang, { cacheDir: terminology.cacheDir, onCacheDamaged: terminology.onCacheDamaged });
  // Machine answers are checked as they come (synchronously), so a chain with a remote provider
  // loads the checker at once; otherwise only a translation taken from the memory needs it, and
  // a run that takes none does not load the target language's dictionaries at all.
  let checker = context.providers.some((provider) => !provider.capabilities.isLocal) ? await load() : undefined;
  let loaded = checker !== undefined;
  return {
    refusalsOf(segment, target) {
      const checks = gateFindings(segment.source, target, { sourceLanguage, targetLanguage: lang });
      if (checks.length > 0) return checks.map((finding) => ({ code: finding.check, message: finding.message }));
      if (checker === undefined) return [];
      return checker.check(hitsOf(segment), plainText(target)).map((finding) => ({ code: 'glossary_not_kept', message: `${finding.code}: ${finding.term}` }));
    },
    async termFindings(documents, accepted) {
      const findings: Finding[] = [];
      for (const { sourcePath, document } of documents) {
        for (const segment of document.segments) {
          const entry = accepted.get(segment.id);
          if (entry === undefined || entry.synthetic === true || entry.origin === 'locale') continue;
          if (!loaded) {
            checker = await load();
            loaded = true;
          }
          if (checker === undefined) return [];
          for (const finding of checker.check(hitsOf(segment), plainText(entry.target))) {
            findings.push({ code: finding.code, severity: 'warning', file: sourcePath, lang, segment: segment.id, message: finding.code, data: { term: finding.term, expected: (finding.expected ?? []).join(' | '), found: finding.found ?? '' } });
          }
        }
      }
      return findings;
    },
  };
}
