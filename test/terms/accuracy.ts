/**
 * Precision and recall of term matching on our hand-made case sets:
 * `pl-cases.json` (source side) and `target-cases.json` (target-side check).
 */
import { readFile } from 'node:fs/promises';
import { TerminologyChecker, createTermIndex, loadGlossaries, type Glossary } from '../../src/glossary/index.js';

interface SourceCase {
  readonly text: string;
  readonly hits: readonly { readonly term: string; readonly text: string }[];
  readonly trap?: string;
}

interface TargetCase {
  readonly lang: string;
  readonly sourceTerm: string;
  readonly target: string;
  readonly expected: 'ok' | 'missing' | 'forbidden';
  readonly note?: string;
}

/** Scores of a case set. */
export interface Scores {
  readonly cases: number;
  readonly correctCases: number;
  readonly precision: number;
  readonly recall: number;
  /** Cases that went wrong, for reading. */
  readonly failures: readonly { readonly text: string; readonly expected: unknown; readonly actual: unknown; readonly trap?: string }[];
}

import { existsSync } from 'node:fs';

/** The project root, whether this runs from `test/` or from `build/test/`. */
const root = [new URL('../../', import.meta.url), new URL('../../../', import.meta.url)].find((url) => existsSync(new URL('package.json', url))) ?? new URL('../../', import.meta.url);

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(new URL(path, root), 'utf8')) as T;
}

/** The project's glossary, as the CLI reads it. */
export function projectGlossary(): Promise<Glossary> {
  return loadGlossaries(new URL('.', root).pathname, { files: ['glossary/hansa.csv'], sourceLanguage: 'pl' });
}

/** Source-side matching against `test/terms/pl-cases.json`. */
export async function measureSourceMatching(): Promise<Scores> {
  const glossary = await projectGlossary();
  const cases = await readJson<SourceCase[]>('test/terms/pl-cases.json');
  const plain = await createTermIndex(glossary, 'pl');
  const folded = await createTermIndex(glossary, 'pl', { ignoreDiacritics: true });
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  const failures: Scores['failures'][number][] = [];
  for (const item of cases) {
    const index = item.trap === 'no-diacritics' ? folded : plain;
    const actual = index.match(item.text).map((hit) => `${hit.term} ⇒ ${hit.text}`);
    const expected = item.hits.map((hit) => `${hit.term} ⇒ ${hit.text}`);
    const remaining = [...actual];
    let caseTp = 0;
    for (const hit of expected) {
      const at = remaining.indexOf(hit);
      if (at >= 0) {
        remaining.splice(at, 1);
        caseTp += 1;
      }
    }
    tp += caseTp;
    fp += remaining.length;
    fn += expected.length - caseTp;
    if (caseTp === expected.length && remaining.length === 0) correct += 1;
    else failures.push({ text: item.text, expected, actual, ...(item.trap === undefined ? {} : { trap: item.trap }) });
  }
  return { cases: cases.length, correctCases: correct, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), failures };
}

/** Target-side check against `test/terms/target-cases.json`, per language. */
export async function measureTargetCheck(lang: string): Promise<Scores> {
  const glossary = await projectGlossary();
  const cases = (await readJson<TargetCase[]>('test/terms/target-cases.json')).filter((item) => item.lang === lang);
  const checker = await TerminologyChecker.create(glossary, lang);
  const source = await createTermIndex(glossary, 'pl');
  // Precision and recall of problems found: a "missing" or "forbidden" case is a positive.
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  const failures: Scores['failures'][number][] = [];
  for (const item of cases) {
    const hits = source.match(item.sourceTerm);
    const findings = checker.check(hits, item.target);
    const actual = findings.some((finding) => finding.code === 'term_forbidden')
      ? 'forbidden'
      : findings.some((finding) => finding.code === 'term_missing' || finding.code === 'dnt_missing')
        ? 'missing'
        : 'ok';
    if (actual === item.expected) correct += 1;
    else failures.push({ text: `${item.sourceTerm} → ${item.target}`, expected: item.expected, actual, ...(item.note === undefined ? {} : { trap: item.note }) });
    if (item.expected !== 'ok' && actual === item.expected) tp += 1;
    else if (item.expected === 'ok' && actual !== 'ok') fp += 1;
    else if (item.expected !== 'ok' && actual !== item.expected) fn += 1;
  }
  return { cases: cases.length, correctCases: correct, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), failures };
}
