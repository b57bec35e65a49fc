/**
 * The source sentence with its glossary hits: each hit is a focusable `<mark>`, and one shared
 * tooltip shows the entry (preferred target terms, forbidden ones, do-not-translate, note)
 * on hover and on focus.
 *
 * 1. One tooltip for the whole page (not one per hit), so a 1,000-segment article stays light;
 *    every mark points at it with `aria-describedby`, and it is filled before it shows.
 * 2. It follows WCAG 1.4.13: Escape hides it, and it stays while the pointer is over it.
 */
import type { CodeView, SourcePart, TermView } from '../api.js';
import { chipElement } from './chips.js';
import { h } from './dom.js';
import { sourceLanguage, t } from './i18n.js';

const tooltipId = 'term-tooltip';
let tooltip: HTMLDivElement | undefined;
let hideTimer: ReturnType<typeof setTimeout> | undefined;
const termsOf = new WeakMap<HTMLElement, TermView>();

/** Render a source's parts into `root`: text, chips, and glossary hits as marks. */
export function renderSource(root: HTMLElement, parts: readonly SourcePart[], codes: readonly CodeView[], terms: readonly TermView[]): void {
  const fragment = document.createDocumentFragment();
  for (const part of parts) {
    if ('term' in part) {
      const term = terms[part.term];
      if (!term) {
        fragment.append(part.text);
        continue;
      }
      const mark = h('mark', { class: term.dnt ? 'term term-dnt' : 'term', tabindex: 0, 'aria-describedby': tooltipId }, part.text);
      termsOf.set(mark, term);
      fragment.append(mark);
    } else if ('text' in part) {
      fragment.append(part.text);
    } else {
      fragment.append(chipElement(part, codes, false));
    }
  }
  root.replaceChildren(fragment);
}

/** Create the shared tooltip and listen for hits under `container` (once per page). */
export function installTermTooltip(container: HTMLElement): void {
  if (!tooltip) {
    tooltip = h('div', { id: tooltipId, role: 'tooltip', class: 'term-tooltip', hidden: true });
    tooltip.addEventListener('mouseenter', () => clearTimeout(hideTimer));
    tooltip.addEventListener('mouseleave', () => scheduleHide());
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && tooltip && !tooltip.hidden) hide();
    });
  }
  // Inside the view (a landmark), with no positioned ancestor: placed in document coordinates.
  tooltip.hidden = true;
  container.append(tooltip);
  const markOf = (target: EventTarget | null): HTMLElement | undefined => {
    const mark = target instanceof Element ? target.closest<HTMLElement>('mark.term') : null;
    return mark && termsOf.has(mark) ? mark : undefined;
  };
  container.addEventListener('mouseover', (event) => {
    const mark = markOf(event.target);
    if (mark) show(mark);
  });
  container.addEventListener('mouseout', (event) => {
    if (markOf(event.target)) scheduleHide();
  });
  container.addEventListener('focusin', (event) => {
    const mark = markOf(event.target);
    if (mark) show(mark);
  });
  container.addEventListener('focusout', (event) => {
    if (markOf(event.target)) hide();
  });
}

function fill(term: TermView): void {
  if (!tooltip) return;
  const rows: HTMLElement[] = [h('div', { class: 'tip-head' }, h('strong', { lang: sourceLanguage() }, term.term))];
  if (term.dnt) rows.push(h('div', { class: 'tip-dnt' }, t('term.dnt')));
  if (term.preferred.length) {
    rows.push(h('div', {}, h('span', { class: 'tip-label' }, t('term.preferred')), ' ', h('span', { class: 'tip-preferred' }, term.preferred.join(', '))));
  } else if (!term.dnt) {
    rows.push(h('div', { class: 'tip-muted' }, t('term.noPreferred')));
  }
  if (term.forbidden.length) {
    rows.push(h('div', {}, h('span', { class: 'tip-label' }, t('term.forbidden')), ' ', h('s', { class: 'tip-forbidden' }, term.forbidden.join(', '))));
  }
  if (term.note) rows.push(h('div', { class: 'tip-note' }, term.note));
  tooltip.replaceChildren(...rows);
}

function show(mark: HTMLElement): void {
  const term = termsOf.get(mark);
  if (!tooltip || !term) return;
  clearTimeout(hideTimer);
  fill(term);
  tooltip.hidden = false;
  const box = mark.getBoundingClientRect();
  const tip = tooltip.getBoundingClientRect();
  const left = Math.max(8, Math.min(box.left, window.innerWidth - tip.width - 8));
  const below = box.bottom + 6;
  const top = below + tip.height > window.innerHeight - 8 ? box.top - tip.height - 6 : below;
  // CSSOM positioning is allowed under the page's CSP (no inline style attribute).
  tooltip.style.left = `${left + window.scrollX}px`;
  tooltip.style.top = `${top + window.scrollY}px`;
}

function scheduleHide(): void {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hide, 200);
}

function hide(): void {
  if (tooltip) tooltip.hidden = true;
}
