/**
 * The review page's entry: the shell (skip link, header with breadcrumb and language switch,
 * main, live region) and the hash router that shows the overview or an editor.
 *
 * 1. Nothing renders before the session is known: its `uiLanguage` picks the words.
 * 2. `document.body.dataset.ready` names the view once it has rendered (`overview`,
 *    `editor`); tests and the benchmark wait for it.
 * 3. Leaving an editor saves its edited segments; closing the tab with unsaved edits asks first.
 */
import type { ArticleView, Overview, Session } from '../api.js';
import { getArticle, getOverview, getSession } from './api.js';
import { h, messageOf } from './dom.js';
import { EditorView } from './editor.js';
import { initI18n, setSourceLanguage, setUiLanguage, t, uiLanguage, uiLanguages, type UiLanguage } from './i18n.js';
import { OverviewView } from './overview.js';
import { type Route, overviewHref, parseRoute } from './router.js';
import { announce, liveRegion } from './status.js';

let session: Session;
let current: OverviewView | EditorView | undefined;
let currentRoute: Route = { view: 'overview' };
let generation = 0;
let views = 0;
let prefetch: { readonly route: Route; readonly data: Promise<ArticleView | Overview> } | undefined;

const header = h('header', { class: 'app-header' });
const main = h('main', { id: 'main', class: 'app-main', tabindex: -1 });

async function start(): Promise<void> {
  const skip = h('a', { href: '#main', class: 'skip-link' });
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  document.body.replaceChildren(skip, header, main, liveRegion());
  // The first view's data is asked for together with the session, not after it.
  const first = parseRoute(location.hash);
  const firstData = first.view === 'editor' ? getArticle(first.file, first.lang) : getOverview();
  firstData.catch(() => {}); // Reported by the view that awaits it.
  prefetch = { route: first, data: firstData };
  try {
    session = await getSession();
  } catch (error) {
    initI18n(navigator.language.startsWith('pl') ? 'pl' : 'en');
    skip.textContent = t('app.skip');
    renderHeader();
    showError(t('app.noSession', { message: messageOf(error) }));
    return;
  }
  initI18n(session.uiLanguage);
  setSourceLanguage(session.sourceLanguage);
  skip.textContent = t('app.skip');
  renderHeader();
  window.addEventListener('hashchange', () => void route());
  window.addEventListener('beforeunload', (event) => {
    if (current instanceof EditorView && current.hasUnsaved) event.preventDefault();
  });
  await route();
}

function renderHeader(): void {
  const crumbs = h('ol', { class: 'crumbs' }, h('li', {}, h('a', { href: overviewHref(), 'aria-current': currentRoute.view === 'overview' ? 'page' : undefined }, t('nav.overview'))));
  if (current instanceof EditorView && currentRoute.view === 'editor') {
    crumbs.append(h('li', {}, h('span', { 'aria-current': 'page' }, `${current.title} · ${currentRoute.lang}`)));
  }
  const langSelect = h('select', { id: 'ui-lang', 'data-testid': 'ui-language' });
  for (const lng of uiLanguages) langSelect.append(h('option', { value: lng, selected: lng === uiLanguage(), lang: lng }, t(`app.uiLanguage.${lng}`, { lng })));
  langSelect.addEventListener('change', () => {
    setUiLanguage(langSelect.value as UiLanguage);
    const skip = document.querySelector('.skip-link');
    if (skip) skip.textContent = t('app.skip');
    renderHeader();
    if (current) {
      current.render(main);
      document.title = titleOf();
    }
    document.getElementById('ui-lang')?.focus();
  });
  header.replaceChildren(
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'H'), h('span', { class: 'brand-name' }, 'Hansa'), h('span', { class: 'brand-sub' }, t('app.review'))),
    h('nav', { class: 'app-nav', 'aria-label': t('nav.label') }, crumbs),
    h(
      'div',
      { class: 'header-end' },
      session?.reviewer ? h('span', { class: 'reviewer' }, t('app.reviewer', { name: session.reviewer })) : null,
      h('label', { for: 'ui-lang', class: 'ui-lang-label' }, t('app.language')),
      langSelect,
    ),
  );
}

function titleOf(): string {
  return current instanceof EditorView ? `${current.title} (${current.lang}) — ${t('app.title')}` : t('app.title');
}

async function route(): Promise<void> {
  const next = parseRoute(location.hash);
  const ticket = ++generation;
  // The same article: only move to the segment.
  if (next.view === 'editor' && current instanceof EditorView && current.file === next.file && current.lang === next.lang) {
    currentRoute = next;
    if (next.segment !== undefined) current.focusSegment(next.segment);
    return;
  }
  if (current instanceof EditorView && current.hasUnsaved) await current.flush();
  delete document.body.dataset.ready;
  currentRoute = next;
  main.setAttribute('aria-busy', 'true');
  // The view shown is gone: coming back to it before the next one loads must load it anew.
  current = undefined;
  main.replaceChildren(h('p', { class: 'loading' }, t('app.loading')));
  const pre = prefetch;
  prefetch = undefined;
  const view =
    next.view === 'editor'
      ? new EditorView(session, next.lang, next.file, pre?.route.view === 'editor' && pre.route.file === next.file && pre.route.lang === next.lang ? (pre.data as Promise<ArticleView>) : undefined)
      : new OverviewView(pre?.route.view === 'overview' ? (pre.data as Promise<Overview>) : undefined);
  try {
    await view.load();
  } catch (error) {
    if (ticket !== generation) return;
    current = undefined;
    main.removeAttribute('aria-busy');
    renderHeader();
    showError(t('app.loadFailed', { message: messageOf(error) }));
    return;
  }
  if (ticket !== generation) return;
  current = view;
  view.render(main);
  main.removeAttribute('aria-busy');
  renderHeader();
  document.title = titleOf();
  document.body.dataset.ready = next.view;
  performance.mark(`hansa:ready:${next.view}`);
  const isFirst = views === 0;
  views += 1;
  if (next.view === 'editor' && next.segment !== undefined && view instanceof EditorView) view.focusSegment(next.segment);
  // After the first view, move the focus to the new content (the first load keeps it at the top, for the skip link).
  else if (!isFirst) main.focus({ preventScroll: true });
  if (next.view === 'overview') window.scrollTo(0, 0);
}

function showError(message: string): void {
  main.replaceChildren(h('div', { class: 'error-page', role: 'alert' }, h('h1', {}, t('app.errorTitle')), h('p', {}, message), h('p', {}, h('a', { href: overviewHref() }, t('nav.back')))));
  announce(message, 'error');
  document.body.dataset.ready = 'error';
}

void start();
