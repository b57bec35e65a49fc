/**
 * A segment's suggestions (translation memory, machine, an earlier approved version, a
 * person's proposal), each with its similarity and origin, and a button to use it.
 *
 * 1. A suggestion made for a different source shows that old source as a word diff against
 *    the current one (`<del>` removed, `<ins>` added), so the reviewer sees what changed.
 * 2. "Use" hands the suggestion's target parts to the editor, which keeps the segment's codes.
 */
import type { CodeView, DiffPart, Part, SuggestionView } from '../api.js';
import { renderParts } from './chips.js';
import { h } from './dom.js';
import { sourceLanguage, t } from './i18n.js';

/** The list of suggestions, or null when there are none. */
export function renderSuggestions(
  suggestions: readonly SuggestionView[],
  codes: readonly CodeView[],
  targetLang: string,
  segmentLabel: string,
  use: (parts: readonly Part[]) => void,
): HTMLElement | null {
  if (!suggestions.length) return null;
  const list = h('ul', { class: 'suggestions', 'aria-label': t('suggestion.list', { segment: segmentLabel }) });
  suggestions.forEach((suggestion, index) => {
    const head = h(
      'div',
      { class: 'sugg-head' },
      h('span', { class: `sugg-kind sugg-kind-${suggestion.kind}` }, t(`suggestion.kind.${suggestion.kind}`)),
      suggestion.similarity !== undefined
        ? h('span', { class: 'sugg-score', title: t('suggestion.similarity') }, t('suggestion.score', { score: Math.round(suggestion.similarity) }))
        : null,
      h('span', { class: 'sugg-origin' }, suggestion.origin),
      suggestion.author ? h('span', { class: 'sugg-author' }, t('suggestion.author', { author: suggestion.author })) : null,
      suggestion.file ? h('span', { class: 'sugg-file' }, suggestion.file) : null,
    );
    const target = h('div', { class: 'sugg-target', lang: targetLang });
    renderParts(target, suggestion.target, codes, false);
    const button = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'use-suggestion' }, t('suggestion.use'));
    button.setAttribute('aria-label', t('suggestion.useLabel', { n: index + 1, segment: segmentLabel }));
    button.addEventListener('click', () => use(suggestion.target));
    list.append(
      h(
        'li',
        { class: `sugg sugg-${suggestion.kind}` },
        h('div', { class: 'sugg-body' }, head, suggestion.diff?.length ? renderDiff(suggestion.diff) : null, target),
        button,
      ),
    );
  });
  return list;
}

/** The old source against the new, word by word. */
export function renderDiff(diff: readonly DiffPart[]): HTMLElement {
  const body = h('span', { class: 'diff-text' });
  for (const part of diff) {
    if (part.op === 'same') body.append(part.text);
    else if (part.op === 'added') body.append(h('ins', {}, part.text));
    else body.append(h('del', {}, part.text));
  }
  return h('div', { class: 'sugg-diff', lang: sourceLanguage() }, h('span', { class: 'sugg-diff-label' }, t('suggestion.diff')), ' ', body);
}
