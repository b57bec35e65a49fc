/**
 * What `hansa build` must write in one language, from the project state: an article whose
 * source, segment file and build options are what its stamp and key say is left as it is.
 *
 * 1. The segment file's current hash is part of an article's inputs, so a translator's save is
 *    published by the next build; the state's record of the segment file itself is not touched
 *    (that is the next `translate`'s to see, for the memory).
 * 2. An article the state does not know gets a record that claims nothing of its segment file
 *    (`inputs: ''`): `translate` and `status` read such a pair again.
 */
import path from 'node:path';
import type { TranslationStatus } from '../publish/index.js';
import { readLanguageState, type LanguageStateData } from '../state/language.js';
import { checkStamp } from '../state/stamp.js';
import { outputKeyOf, recordOutput, stateKeyOf, type LanguagePlan, type RunDocument } from './incremental.js';
import { mapLimited, outputInputs } from './plan.js';
import { cacheRoot, type Project } from './project.js';
import { segmentFilePath } from './store.js';

/** One article to write, with the key of its inputs. */
export interface BuildPair {
  readonly file: string;
  readonly hash: string;
  readonly inputs: string;
}

/** A language's build: the articles to write, and what the skipped ones were published as. */
export interface BuildPlan extends Pick<LanguagePlan, 'lang' | 'key' | 'data' | 'written' | 'outputKey'> {
  readonly due: readonly BuildPair[];
  readonly skipped: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Articles whose stamps were found unchanged. */
  readonly verified: ReadonlySet<string>;
}

/** Check every article of `lang` against the state. */
export async function planOutputs(project: Project, lang: string, documents: readonly RunDocument[]): Promise<BuildPlan> {
  const key = stateKeyOf(project);
  const data: LanguageStateData = await readLanguageState(cacheRoot(project), lang, key);
  const outputKey = outputKeyOf(project, []);
  const outDir = path.resolve(project.cwd, project.config.outDir, lang);
  const checked = await mapLimited(documents, 32, async (document) => {
    const record = data.articles[document.file];
    const segments = await checkStamp(segmentFilePath(project, lang, document.file), record?.segments);
    const segmentHash = segments.status === 'missing' ? undefined : segments.status === 'unreadable' ? 'unknown' : segments.stamp?.hash ?? 'unknown';
    const inputs = outputInputs(outputKey, document.hash, segmentHash);
    const output = record?.output;
    const fresh = segmentHash !== 'unknown' && output !== undefined && output.inputs === inputs && ['same', 'same-content'].includes((await checkStamp(path.join(outDir, document.file), output.stamp)).status);
    return { pair: { file: document.file, hash: document.hash, inputs }, fresh, status: output?.status };
  });
  const byStatus: Record<string, number> = {};
  const verified = new Set<string>();
  for (const item of checked) {
    if (!item.fresh) continue;
    verified.add(item.pair.file);
    if (item.status !== undefined) byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
  }
  return { lang, key, data, written: [], outputKey, due: checked.filter((item) => !item.fresh).map((item) => item.pair), skipped: verified.size, byStatus, verified };
}

/** Record an article the build wrote (or found with the same bytes). */
export function recordBuilt(plan: BuildPlan, pair: BuildPair, written: { absolute: string; text: string; status: TranslationStatus }): void {
  if (plan.data.articles[pair.file] === undefined) {
    plan.data.articles[pair.file] = { source: pair.hash, inputs: '', open: 0, counts: { segments: 0, words: 0, new: 0, translated: 0, reviewed: 0, final: 0, newWords: 0, translatedWords: 0, reviewedWords: 0, finalWords: 0 } };
  }
  recordOutput(plan, pair.file, written, pair.inputs);
}
