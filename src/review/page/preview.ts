/**
 * The rendered preview of the translated article (`GET /api/preview`).
 *
 * The server sanitizes the preview's HTML (rehype-sanitize); this module is the one place on
 * the page that assigns `innerHTML`, and only that sanitized HTML.
 */
import { getPreview } from './api.js';
import { debounce, h, messageOf } from './dom.js';
import { t } from './i18n.js';

/** The preview panel of one article in one language. */
export class PreviewPanel {
  /** The panel (an `<aside>`); hidden until opened. */
  readonly element: HTMLElement;
  readonly #body: HTMLDivElement;
  readonly #status: HTMLSpanElement;
  readonly #file: string;
  readonly #lang: string;
  #stale = true;
  #loading = 0;
  /** Reload soon (after a save); several saves in a row reload once. */
  readonly refreshSoon = debounce(() => this.refresh(), 600);

  constructor(file: string, lang: string) {
    this.#file = file;
    this.#lang = lang;
    this.#status = h('span', { class: 'preview-status' });
    const reload = h('button', { type: 'button', class: 'btn btn-small' }, t('preview.reload'));
    reload.addEventListener('click', () => void this.refresh());
    this.#body = h('div', { class: 'preview-body', lang });
    this.element = h(
      'aside',
      { class: 'preview-panel', 'aria-labelledby': 'preview-title', 'data-testid': 'preview-panel' },
      h('div', { class: 'preview-head' }, h('h2', { id: 'preview-title' }, t('preview.title')), this.#status, reload),
      this.#body,
    );
  }

  /** Whether the panel is shown. */
  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Show or hide the panel; showing loads it when it is out of date. */
  setOpen(open: boolean): void {
    this.element.hidden = !open;
    if (open && this.#stale) void this.refresh();
  }

  /** Mark out of date, and reload if shown. */
  invalidate(): void {
    this.#stale = true;
    if (this.isOpen) this.refreshSoon();
  }

  /** Load the preview now. */
  async refresh(): Promise<void> {
    const ticket = ++this.#loading;
    this.element.setAttribute('aria-busy', 'true');
    try {
      const preview = await getPreview(this.#file, this.#lang);
      if (ticket !== this.#loading) return;
      // Sanitized by the server (see the module comment): the only innerHTML on the page.
      this.#body.innerHTML = preview.html;
      this.#status.textContent = t(`preview.status.${preview.translationStatus}`, { defaultValue: preview.translationStatus });
      this.#status.className = `preview-status preview-status-${preview.translationStatus.replace(/[^a-z]/g, '')}`;
      this.#stale = false;
    } catch (error) {
      if (ticket !== this.#loading) return;
      this.#body.replaceChildren(h('p', { class: 'error-text' }, t('preview.failed', { message: messageOf(error) })));
    } finally {
      if (ticket === this.#loading) this.element.removeAttribute('aria-busy');
    }
  }
}
