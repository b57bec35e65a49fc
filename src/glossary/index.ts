/**
 * Terminology: glossaries (CSV, TBX), Polish-aware matching, target checks.
 */
export type { Glossary, GlossaryEntry, Term, TermStatus } from './types.js';
export { termsIn } from './types.js';
export { TermIndex, type CompiledTerm, type CompiledWord, type TermHit } from './match.js';
export { compileTerms, type CompileOptions } from './compile.js';
export { TerminologyChecker, containsVerbatim, type TermFinding } from './check.js';
export { HunspellDictionary, type Analysis, type DicEntry } from './hunspell.js';
export { formsOf, loadDictionary, hasDictionary } from './morphology.js';
export { foldKey, stripDiacritics, tokenize, type FoldOptions, type Token } from './text.js';
export { loadGlossaries, createTermIndex } from './project.js';
export { loadTerminology, memoizeHits, segmentTerms, preferredTerm, glossaryVersion, maskSpans, glossaryPairs, glossaryPairsReader, type Terminology, type LoadTerminologyOptions, type TermSpan, type GlossaryPair } from './policy.js';
