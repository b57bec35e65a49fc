/**
 * State badges and stacked progress bars, shared by the overview and the editor.
 *
 * 1. States are never shown by colour alone: a badge carries its word, a bar carries an
 *    accessible label (`role="img"`) and a legend.
 * 2. Bar widths are set through the CSSOM (`element.style.width`), which the page's CSP
 *    allows; no inline `style` attribute is ever written.
 */
import type { Progress, State } from '../api.js';
import { h } from './dom.js';
import { formatNumber, formatPercent, t } from './i18n.js';

/** The bar's order, from done to not done. */
export const stateOrder: readonly State[] = ['final', 'reviewed', 'translated', 'initial'];

/** A state's class suffix (`initial` shows as "new"). */
export function stateClass(state: State): string {
  return state === 'initial' ? 'new' : state;
}

/** A badge with the state's word. */
export function stateBadge(state: State): HTMLSpanElement {
  return h('span', { class: `badge badge-${stateClass(state)}` }, t(`state.${state}`));
}

/** Words (or segments) per state of a `Progress`. */
export function countsOf(progress: Progress, unit: 'words' | 'segments'): Record<State, number> {
  return unit === 'words'
    ? { initial: progress.newWords, translated: progress.translatedWords, reviewed: progress.reviewedWords, final: progress.finalWords }
    : { initial: progress.new, translated: progress.translated, reviewed: progress.reviewed, final: progress.final };
}

/** Reviewed or final, as a share of all words (0 when there are none). */
export function reviewedShare(progress: Progress): number {
  return progress.words ? (progress.reviewedWords + progress.finalWords) / progress.words : 0;
}

/** The accessible sentence for a cell: "sv: 12 of 40 segments reviewed (5 translated, 23 new)". */
export function progressSentence(lang: string, progress: Progress): string {
  return t('progress.sentence', {
    lang,
    done: formatNumber(progress.reviewed + progress.final),
    total: formatNumber(progress.segments),
    count: progress.segments,
    translated: formatNumber(progress.translated),
    new: formatNumber(progress.new),
  });
}

/** A stacked bar by words, final → new, labelled with `label`. */
export function stackedBar(progress: Progress, label: string, size: 'small' | 'large'): HTMLDivElement {
  const bar = h('div', { class: `bar bar-${size}`, role: 'img', 'aria-label': label, title: label });
  const counts = countsOf(progress, 'words');
  const total = progress.words || 1;
  for (const state of stateOrder) {
    const value = counts[state];
    if (!value) continue;
    const fill = h('span', { class: `fill fill-${stateClass(state)}` });
    fill.style.width = `${(value / total) * 100}%`;
    if (size === 'large' && value / total >= 0.08) fill.append(h('span', { class: 'fill-label', 'aria-hidden': 'true' }, formatPercent(value / total)));
    bar.append(fill);
  }
  if (!progress.words) bar.classList.add('bar-empty');
  return bar;
}

/** The legend for stacked bars. */
export function legend(): HTMLUListElement {
  return h(
    'ul',
    { class: 'legend', 'aria-label': t('progress.legend') },
    ...stateOrder.map((state) => h('li', {}, h('span', { class: `swatch fill-${stateClass(state)}`, 'aria-hidden': 'true' }), t(`state.${state}`))),
  );
}

/** A `Progress` counted from segments (the editor's own, kept current after saves). */
export function progressOf(segments: Iterable<{ readonly state: State; readonly words: number }>): Progress {
  const p = { segments: 0, words: 0, new: 0, translated: 0, reviewed: 0, final: 0, newWords: 0, translatedWords: 0, reviewedWords: 0, finalWords: 0 };
  for (const { state, words } of segments) {
    p.segments += 1;
    p.words += words;
    if (state === 'initial') {
      p.new += 1;
      p.newWords += words;
    } else if (state === 'translated') {
      p.translated += 1;
      p.translatedWords += words;
    } else if (state === 'reviewed') {
      p.reviewed += 1;
      p.reviewedWords += words;
    } else {
      p.final += 1;
      p.finalWords += words;
    }
  }
  return p;
}
