/**
 * The page's announcements: one `aria-live` region that screen readers hear and that shows
 * as a small toast, for save results, conflicts and errors.
 */
import { h } from './dom.js';

/** How an announcement looks. */
export type Tone = 'info' | 'success' | 'error';

let region: HTMLDivElement | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The live region, created once. */
export function liveRegion(): HTMLDivElement {
  region ??= h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'live-region' });
  return region;
}

/** Announce a message (and show it for a few seconds). */
export function announce(message: string, tone: Tone = 'info'): void {
  const el = liveRegion();
  el.className = `toast toast-${tone} toast-visible`;
  // Clear first, so the same message twice is announced twice.
  el.textContent = '';
  requestAnimationFrame(() => {
    el.textContent = message;
  });
  clearTimeout(timer);
  timer = setTimeout(() => el.classList.remove('toast-visible'), tone === 'error' ? 10000 : 4000);
}
