/**
 * Code problems in words a translator can act on ("the link around ‘Gdańskich Targów Pracy’
 * is missing"), in the interface language: for `hansa import`'s refusals and the review
 * page's findings alike. Imports only types, so the CLI's startup stays small.
 */
import type { TFunction } from 'i18next';
import type { CodeKind } from '../markdown/types.js';
import type { CodeProblem } from '../pipeline/code-problems.js';

/** One code problem, naming the code by its kind and what it shows: "the link around ‘Gdańskich Targów Pracy’ is missing". */
export function codeProblemText(problem: CodeProblem, t: TFunction): string {
  switch (problem.problem) {
    case 'missing':
      return t('import.code.missing', { code: codeName(problem, t) });
    case 'duplicated':
      return t('import.code.duplicated', { code: codeName(problem, t), count: problem.count });
    case 'added':
      return t(problem.paired ? 'import.code.addedPair' : 'import.code.added', { id: problem.id });
    case 'changed':
      // Named as the source has it: the other form than the target's.
      return t(problem.paired ? 'import.code.changedToPair' : 'import.code.changedToSingle', { code: codeName({ ...problem, paired: !problem.paired }, t) });
    case 'unbalanced':
      if (problem.id !== undefined) return t('import.code.unclosed', { code: codeName({ ...problem, paired: true }, t), id: problem.id });
      return problem.after === undefined || problem.after === '' ? t('import.code.strayAtStart') : t('import.code.stray', { after: problem.after });
    case 'unknown_markup':
      return t('import.code.unknownMarkup', { markup: problem.markup });
  }
}

/** A code as a translator sees it: "the link around ‘…’", "the image ‘logo.png’", "the line break". */
function codeName(code: { readonly kind?: CodeKind; readonly text: string; readonly paired: boolean }, t: TFunction): string {
  const kind = t(`import.code.kinds.${code.kind ?? 'unknown'}`);
  if (code.text === '') return t('import.code.name', { kind });
  return t('import.code.name', { kind, text: code.text, context: code.paired ? 'around' : 'named' });
}
