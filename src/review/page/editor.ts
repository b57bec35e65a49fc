/**
 * The editor view (`#/article/<lang>/<file>`): every segment of one article in one language,
 * source beside target, with the article's progress, a filter, and the preview beside it.
 *
 * 1. One request loads the whole article; rows are built into a DocumentFragment and appended
 *    once, and CSS `content-visibility` keeps layout cheap, so 1,000 segments open in well
 *    under a second. Checks are made only for segments being edited.
 * 2. Approving (Ctrl+Enter) moves the focus to the next segment that still needs a review.
 * 3. Unsaved edits survive a change of the interface language (the view re-renders from
 *    drafts) and are saved when the reviewer leaves the view.
 */
import type { ArticleView, Part, Session } from '../api.js';
import { getArticle } from './api.js';
import { h } from './dom.js';
import { formatPercent, languageName, sourceLanguage, t } from './i18n.js';
import { PreviewPanel } from './preview.js';
import { legend, progressOf, progressSentence, reviewedShare, stackedBar } from './progress.js';
import { SegmentRow, type RowContext } from './segment-row.js';
import { announce } from './status.js';
import { editingEvents } from './target-editor.js';
import { installTermTooltip } from './terms.js';

/** Which segments the editor shows. */
type SegmentFilter = 'all' | 'needsReview' | 'new' | 'translated' | 'findings' | 'done';
const filters: readonly SegmentFilter[] = ['all', 'needsReview', 'new', 'translated', 'findings', 'done'];
const previewKey = 'hansa.review.preview';

/** The editor of one article in one language. */
export class EditorView {
  readonly file: string;
  readonly lang: string;
  #article: ArticleView | undefined;
  #rows: SegmentRow[] = [];
  #filter: SegmentFilter = 'all';
  #preview: PreviewPanel | undefined;
  #progress: HTMLElement | undefined;
  readonly #session: Session;

  readonly #prefetched: Promise<ArticleView> | undefined;

  /** `prefetched`: the article, already asked for while the session loaded. */
  constructor(session: Session, lang: string, file: string, prefetched?: Promise<ArticleView>) {
    this.#session = session;
    this.lang = lang;
    this.file = file;
    this.#prefetched = prefetched;
  }

  /** Load the article. */
  async load(): Promise<void> {
    this.#article = await (this.#prefetched ?? getArticle(this.file, this.lang));
  }

  /** The article's title, once loaded. */
  get title(): string {
    return this.#article?.title ?? this.file;
  }

  /** Whether any segment holds an edit not yet saved. */
  get hasUnsaved(): boolean {
    return this.#rows.some((row) => row.isDirty);
  }

  /** Save every edited segment (when leaving the view). */
  async flush(): Promise<void> {
    await Promise.all(this.#rows.filter((row) => row.isDirty).map((row) => row.save(false, 'blur')));
  }

  /** Build the view into `container`, keeping the drafts of an earlier render. */
  render(container: HTMLElement): void {
    const article = this.#article;
    if (!article) return;
    const drafts = new Map<string, Part[]>();
    for (const row of this.#rows) if (row.isDirty) drafts.set(row.segment.id, row.editor.parts);
    const previewWasOpen = this.#preview?.isOpen;

    const context: RowContext = {
      file: article.file,
      lang: article.lang,
      approveState: this.#session.approveState,
      targetLabelId: 'target-label',
      saved: () => this.#saved(),
      approved: (row) => this.#focusNext(row),
    };
    const fragment = document.createDocumentFragment();
    const rows: SegmentRow[] = [];
    let number = 0;
    for (const unit of article.units) {
      unit.segments.forEach((segment, index) => {
        number += 1;
        const row = new SegmentRow(segment, number, index === 0 ? unit.name : undefined, context, drafts.get(segment.id));
        rows.push(row);
        fragment.append(row.element);
      });
    }
    this.#rows = rows;
    const byId = new Map(rows.map((row) => [row.segment.id, row]));

    const targetName = languageName(article.lang);
    const list = h(
      'section',
      { class: 'segments', 'aria-labelledby': 'segments-title' },
      h('h2', { id: 'segments-title', class: 'sr-only' }, t('editor.segments')),
      h('span', { id: 'target-label', hidden: true }, t('editor.targetColumn', { lang: targetName })),
      h(
        'div',
        { class: 'seg-columns', 'aria-hidden': 'true' },
        h('span', {}, '#'),
        h('span', {}, t('editor.sourceColumn', { lang: languageName(sourceLanguage()) })),
        h('span', {}, t('editor.targetColumn', { lang: targetName })),
      ),
      h('div', { class: 'seg-list' }, fragment),
      rows.length ? null : h('p', { class: 'empty' }, t('editor.empty')),
    );
    installTermTooltip(list);
    // One listener per event type for all segments (a long article has a thousand targets).
    const delegate = (event: Event): void => {
      const node = event.target instanceof Element ? event.target : event.target instanceof Node ? event.target.parentElement : null;
      const id = node?.closest<HTMLElement>('[data-segment]')?.dataset.segment;
      if (id !== undefined) byId.get(id)?.handleEvent(event);
    };
    for (const type of [...editingEvents, 'focusout', 'click']) list.addEventListener(type, delegate);

    const preview = new PreviewPanel(article.file, article.lang);
    this.#preview = preview;
    const previewToggle = h('button', { type: 'button', class: 'btn', 'aria-controls': 'preview-panel', 'data-testid': 'preview-toggle' }, t('editor.preview'));
    preview.element.id = 'preview-panel';
    const body = h('div', { class: 'editor-body' }, list, preview.element);
    const setPreview = (open: boolean): void => {
      preview.setOpen(open);
      previewToggle.setAttribute('aria-expanded', String(open));
      body.classList.toggle('with-preview', open);
      try {
        localStorage.setItem(previewKey, open ? '1' : '0');
      } catch {
        // Not remembered.
      }
    };
    previewToggle.addEventListener('click', () => setPreview(!preview.isOpen));

    const filterId = 'segment-filter';
    const filter = h('select', { id: filterId, 'data-testid': 'segment-filter' });
    for (const value of filters) filter.append(h('option', { value, selected: value === this.#filter }, t(`editor.filter.${value}`)));
    filter.addEventListener('change', () => {
      this.#filter = filter.value as SegmentFilter;
      this.#applyFilter();
    });

    this.#progress = h('div', { class: 'editor-progress' });
    const head = h(
      'div',
      { class: 'editor-head' },
      h(
        'div',
        { class: 'editor-title' },
        h('h1', {}, article.title, ' ', h('span', { class: 'lang-pill' }, `${targetName} · ${article.lang}`)),
        h('p', { class: 'editor-path' }, h('code', {}, article.sourcePath), ' → ', h('code', {}, article.segmentFile)),
      ),
      this.#progress,
      h(
        'div',
        { class: 'editor-tools' },
        h('label', { for: filterId }, t('editor.show')),
        filter,
        previewToggle,
      ),
      h(
        'p',
        { class: 'help', id: 'shortcuts' },
        h('span', { class: 'help-title' }, t('help.title')),
        ' ',
        ...shortcut('Ctrl+Enter', t('help.approve', { state: t(`state.${this.#session.approveState}`) })),
        ...shortcut('Ctrl+S', t('help.save')),
        ...shortcut('Alt+←/→', t('help.moveChip')),
        ...shortcut('Ctrl+Z', t('help.undo')),
        ...shortcut('Esc', t('help.tooltip')),
      ),
    );

    container.replaceChildren(h('div', { class: 'editor-view' }, head, body));
    this.#renderProgress();
    this.#applyFilter();
    let open = previewWasOpen;
    if (open === undefined) {
      let stored: string | null = null;
      try {
        stored = localStorage.getItem(previewKey);
      } catch {
        // Default below.
      }
      open = stored === null ? window.innerWidth >= 1280 : stored === '1';
    }
    setPreview(open);
    this.#showSuggestions(rows);
  }

  /** Suggestions for the first rows now, the rest in chunks that leave the page responsive. */
  #showSuggestions(rows: readonly SegmentRow[]): void {
    const first = 60;
    for (const row of rows.slice(0, first)) row.showSuggestions();
    let next = first;
    const chunk = (): void => {
      if (this.#rows !== rows) return; // Re-rendered meanwhile: the new rows have their own.
      const end = Math.min(rows.length, next + 150);
      for (; next < end; next += 1) rows[next]?.showSuggestions();
      if (next < rows.length) later(chunk);
    };
    if (next < rows.length) later(chunk);
  }

  /** Scroll to a segment and put the caret into its target. */
  focusSegment(id: string): void {
    const row = this.#rows.find((r) => r.segment.id === id);
    if (!row) {
      announce(t('editor.noSegment', { id }), 'error');
      return;
    }
    row.element.hidden = false;
    row.showSuggestions();
    focusRow(row);
    row.element.classList.add('seg-highlight');
    setTimeout(() => row.element.classList.remove('seg-highlight'), 2000);
  }

  #saved(): void {
    this.#renderProgress();
    this.#preview?.invalidate();
  }

  #renderProgress(): void {
    if (!this.#progress || !this.#article) return;
    const progress = progressOf(this.#rows.map((row) => row.segment));
    const sentence = progressSentence(languageName(this.#article.lang), progress);
    this.#progress.replaceChildren(
      stackedBar(progress, sentence, 'small'),
      h('span', { class: 'editor-progress-text' }, t('editor.progress', { share: formatPercent(reviewedShare(progress)), done: progress.reviewed + progress.final, total: progress.segments })),
      legend(),
    );
  }

  #applyFilter(): void {
    for (const row of this.#rows) row.element.hidden = !matches(row, this.#filter);
  }

  #focusNext(from: SegmentRow): void {
    const index = this.#rows.indexOf(from);
    const order = [...this.#rows.slice(index + 1), ...this.#rows.slice(0, index)];
    const next = order.find((row) => row.needsReview && !row.element.hidden);
    if (next) focusRow(next);
    else announce(t('editor.allReviewed'), 'success');
  }
}

/** Run when the browser is idle (after the first paint), else soon. */
function later(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 500 });
  else setTimeout(fn, 16);
}

function matches(row: SegmentRow, filter: SegmentFilter): boolean {
  const state = row.segment.state;
  switch (filter) {
    case 'all':
      return true;
    case 'needsReview':
      return row.needsReview;
    case 'new':
      return state === 'initial';
    case 'translated':
      return state === 'translated';
    case 'findings':
      return row.hasFindings;
    case 'done':
      return !row.needsReview;
  }
}

function focusRow(row: SegmentRow): void {
  const target = row.editor.element;
  target.focus({ preventScroll: true });
  row.element.scrollIntoView({ block: 'center' });
  const selection = document.getSelection();
  if (selection) {
    selection.selectAllChildren(target);
    selection.collapseToEnd();
  }
}

function shortcut(keys: string, what: string): Array<Node | string> {
  return [h('kbd', {}, keys), ' ', what, h('span', { class: 'help-sep', 'aria-hidden': 'true' }, ' · ')];
}
