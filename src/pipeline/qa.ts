/**
 * `hansa qa`: the checks of DESIGN §6 over every translation in the segment files,
 * human ones included. Errors make the command exit 1.
 */
import path from 'node:path';
import { plainText } from '../markdown/tagged.js';
import type { Segment } from '../markdown/types.js';
import { TerminologyChecker, loadTerminology, memoizeHits } from '../glossary/index.js';
import { checkSegment } from '../qa/checks.js';
import { segmentsOf } from '../formats/types.js';
import { cacheRoot, type Project } from './project.js';
import type { Finding } from '../errors/index.js';
import { loadWorkspace } from './workspace.js';
import { damagedCacheFinding } from './extract.js';
import { segmentHash } from './store.js';

export interface QaReport {
  /** Segments checked (those with a translation). */
  readonly checked: number;
  readonly findings: readonly Finding[];
  readonly errors: readonly Finding[];
  /** Warnings that are not about a translation: links not followed, damaged cache entries rebuilt. */
  readonly warnings: readonly Finding[];
}

/** Check every translated segment of `languages`. */
export async function projectQa(project: Project, languages: readonly string[] = project.config.targetLanguages): Promise<QaReport> {
  const { config } = project;
  const workspace = await loadWorkspace(project, languages);
  const warnings: Finding[] = [...workspace.warnings];
  const onCacheDamaged = (file: string, reason: string): void => void warnings.push(damagedCacheFinding(project, file, reason));
  const terminology = await loadTerminology(project.cwd, config, { cacheDir: path.join(cacheRoot(project), 'terms'), onCacheDamaged });
  const hitsOf = memoizeHits(terminology);
  const findings: Finding[] = [];
  let checked = 0;
  for (const lang of languages) {
    const checker = terminology === undefined ? undefined : await TerminologyChecker.create(terminology.glossary, lang, { cacheDir: terminology.cacheDir, onCacheDamaged });
    for (const file of workspace.files.filter((item) => item.lang === lang)) {
      const byHash = new Map<string, Segment>(file.document.segments.map((segment) => [segment.id, segment]));
      for (const segment of segmentsOf(file.current)) {
        if (segment.target === undefined || segment.target === '') continue;
        checked += 1;
        const base = { file: file.display, lang, segment: segment.id };
        for (const finding of checkSegment(segment.source, segment.target, { sourceLanguage: config.sourceLanguage, targetLanguage: lang, lengthRatio: config.qa.lengthRatio })) {
          findings.push({ ...base, code: finding.check, severity: finding.severity, message: finding.message });
        }
        const source = byHash.get(segmentHash(segment.id));
        if (checker === undefined || source === undefined) continue;
        for (const finding of checker.check(hitsOf(source), plainText(segment.target))) {
          // A forbidden or missing term is an error: the glossary is the organisation's decision.
          findings.push({ ...base, code: finding.code, severity: 'error', message: `${finding.code}: ${finding.term}`, data: { term: finding.term, expected: (finding.expected ?? []).join(' | '), found: finding.found ?? '' } });
        }
      }
    }
  }
  return { checked, findings, errors: workspace.errors, warnings };
}
