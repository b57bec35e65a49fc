/**
 * The overview (`#/`): progress per language as a picture, and a table of articles ×
 * languages with a stacked bar per cell, filters by state and language, and a search over
 * sources and translations whose results open the editor at the segment.
 *
 * 1. Filters live in module state, so coming back from the editor finds them as they were.
 * 2. The search is debounced and cancels the request it supersedes.
 */
import type { ArticleRow, Overview, Progress, SearchResult } from '../api.js';
import { getOverview, search } from './api.js';
import { append, debounce, h, messageOf } from './dom.js';
import { formatNumber, formatPercent, languageName, sourceLanguage, t } from './i18n.js';
import { countsOf, legend, progressSentence, reviewedShare, stackedBar, stateOrder, stateClass } from './progress.js';
import { editorHref } from './router.js';

/** Which articles the table shows. */
type StateFilter = 'all' | 'hasNew' | 'awaitingReview' | 'reviewed' | 'problems';
const stateFilters: readonly StateFilter[] = ['all', 'hasNew', 'awaitingReview', 'reviewed', 'problems'];

const filters = { state: 'all' as StateFilter, lang: '', query: '' };

/** The overview view. */
export class OverviewView {
  #overview: Overview | undefined;
  #searchAbort: AbortController | undefined;

  readonly #prefetched: Promise<Overview> | undefined;

  /** `prefetched`: the overview, already asked for while the session loaded. */
  constructor(prefetched?: Promise<Overview>) {
    this.#prefetched = prefetched;
  }

  /** Load the overview. */
  async load(): Promise<void> {
    this.#overview = await (this.#prefetched ?? getOverview());
  }

  /** Build the view into `container`. */
  render(container: HTMLElement): void {
    const overview = this.#overview;
    if (!overview) return;
    if (filters.lang && !overview.languages.includes(filters.lang)) filters.lang = '';

    const table = h('div', { class: 'table-wrap' });
    const count = h('p', { class: 'table-count', 'aria-live': 'polite' });
    const renderTable = (): void => {
      const languages = filters.lang ? [filters.lang] : overview.languages;
      const articles = overview.articles.filter((article) => matches(article, languages, filters.state));
      table.replaceChildren(articleTable(overview, articles, languages));
      count.textContent = t('overview.showing', { shown: formatNumber(articles.length), total: formatNumber(overview.articles.length), count: overview.articles.length });
    };

    const stateSelect = h('select', { id: 'state-filter', 'data-testid': 'state-filter' });
    for (const value of stateFilters) stateSelect.append(h('option', { value, selected: value === filters.state }, t(`overview.filter.${value}`)));
    stateSelect.addEventListener('change', () => {
      filters.state = stateSelect.value as StateFilter;
      renderTable();
    });
    const langSelect = h('select', { id: 'lang-filter', 'data-testid': 'lang-filter' }, h('option', { value: '' }, t('overview.allLanguages')));
    for (const lang of overview.languages) langSelect.append(h('option', { value: lang, selected: lang === filters.lang }, `${languageName(lang)} (${lang})`));
    langSelect.addEventListener('change', () => {
      filters.lang = langSelect.value;
      renderTable();
      runSearch();
    });

    const results = h('div', { class: 'search-results', 'aria-live': 'polite', 'data-testid': 'search-results' });
    const searchBox = h('input', {
      id: 'search',
      type: 'search',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: t('overview.searchPlaceholder'),
      'data-testid': 'search-box',
      value: filters.query,
    });
    const runSearch = debounce(() => void this.#search(searchBox.value.trim(), results), 250);
    searchBox.addEventListener('input', () => {
      filters.query = searchBox.value;
      runSearch();
    });
    searchBox.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') runSearch.flush();
    });

    container.replaceChildren(
      h(
        'div',
        { class: 'overview-view' },
        h('div', { class: 'page-head' }, h('h1', {}, t('overview.title')), h('p', { class: 'page-sub' }, t('overview.subtitle', { count: overview.articles.length, languages: overview.languages.length }))),
        languageChart(overview),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'articles-title' },
          h('div', { class: 'card-head' }, h('h2', { id: 'articles-title' }, t('overview.articles')), count),
          h(
            'div',
            { class: 'toolbar', role: 'search' },
            h('div', { class: 'field field-grow' }, h('label', { for: 'search' }, t('overview.search')), searchBox),
            h('div', { class: 'field' }, h('label', { for: 'state-filter' }, t('overview.stateFilter')), stateSelect),
            h('div', { class: 'field' }, h('label', { for: 'lang-filter' }, t('overview.langFilter')), langSelect),
          ),
          results,
          table,
        ),
      ),
    );
    renderTable();
    // A query kept from before (back to the overview, another interface language) is run again.
    if (filters.query.trim()) void this.#search(filters.query.trim(), results);
  }

  async #search(query: string, results: HTMLElement): Promise<void> {
    this.#searchAbort?.abort();
    if (query.length < 2) {
      results.replaceChildren();
      return;
    }
    const abort = new AbortController();
    this.#searchAbort = abort;
    let result: SearchResult;
    try {
      result = await search(query, filters.lang || undefined, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      results.replaceChildren(h('p', { class: 'error-text' }, t('overview.searchFailed', { message: messageOf(error) })));
      return;
    }
    if (abort.signal.aborted) return;
    results.replaceChildren();
    const list = h('ul', { class: 'hits' });
    for (const hit of result.hits) {
      list.append(
        h(
          'li',
          {},
          h(
            'a',
            { href: editorHref(hit.lang, hit.file, hit.segment), class: 'hit' },
            h('span', { class: 'hit-where', title: hit.file }, h('span', { class: 'lang-code' }, hit.lang), ' ', hit.file),
            h('span', { class: 'hit-source', lang: sourceLanguage() }, ...highlight(hit.source, query)),
            hit.target ? h('span', { class: 'hit-target', lang: hit.lang }, ...highlight(hit.target, query)) : h('span', { class: 'hit-target hit-none' }, t('overview.noTarget')),
          ),
        ),
      );
    }
    append(results, [
      h('p', { class: 'hits-count' }, result.hits.length ? t(result.truncated ? 'overview.hitsTruncated' : 'overview.hits', { count: result.hits.length, n: formatNumber(result.hits.length) }) : t('overview.noHits', { query })),
      result.hits.length ? list : null,
    ]);
  }
}

/** The text with each occurrence of `query` (any case) in a `<mark>`, as text nodes. */
function highlight(text: string, query: string): Array<string | HTMLElement> {
  const pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
  const result: Array<string | HTMLElement> = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (!match[0]) break;
    result.push(text.slice(last, at), h('mark', { class: 'hit-mark' }, match[0]));
    last = at + match[0].length;
  }
  result.push(text.slice(last));
  return result;
}

function matches(article: ArticleRow, languages: readonly string[], filter: StateFilter): boolean {
  const progress = languages.map((lang) => article.languages[lang]).filter((p): p is Progress => p !== undefined);
  switch (filter) {
    case 'all':
      return true;
    case 'hasNew':
      return progress.some((p) => p.new > 0);
    case 'awaitingReview':
      return progress.some((p) => p.translated > 0);
    case 'reviewed':
      return progress.length > 0 && progress.every((p) => p.new === 0 && p.translated === 0);
    case 'problems':
      return (article.problems?.length ?? 0) > 0 || progress.length < languages.length;
  }
}

/** One horizontal stacked bar per language, by words, with percentages and a legend. */
function languageChart(overview: Overview): HTMLElement {
  const rows = overview.languages.map((lang) => {
    const progress = overview.totals[lang];
    if (!progress) return null;
    const words = countsOf(progress, 'words');
    const name = `${languageName(lang)} (${lang})`;
    const detail = stateOrder
      .filter((state) => words[state] > 0)
      .map((state) => `${t(`state.${state}`)} ${formatPercent(words[state] / (progress.words || 1))}`)
      .join(', ');
    return h(
      'li',
      { class: 'chart-row' },
      h('span', { class: 'chart-lang' }, h('span', { class: 'lang-code' }, lang), ' ', languageName(lang)),
      stackedBar(progress, t('overview.chartBar', { lang: name, detail }), 'large'),
      h('span', { class: 'chart-share' }, h('strong', {}, formatPercent(reviewedShare(progress))), ' ', t('overview.reviewedShort')),
    );
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'chart-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'chart-title' }, t('overview.chartTitle')), h('p', { class: 'card-note' }, t('overview.chartNote'))),
    h('ul', { class: 'chart' }, ...rows),
    legend(),
  );
}

function articleTable(overview: Overview, articles: readonly ArticleRow[], languages: readonly string[]): HTMLElement {
  if (!articles.length) return h('p', { class: 'empty' }, t('overview.noArticles'));
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', class: 'col-article' }, t('overview.article')),
    h('th', { scope: 'col', class: 'col-num' }, t('overview.words')),
    ...languages.map((lang) => h('th', { scope: 'col', class: 'col-lang' }, h('abbr', { title: languageName(lang) }, lang))),
  );
  const body = document.createDocumentFragment();
  for (const article of articles) {
    const cells = languages.map((lang) => {
      const progress = article.languages[lang];
      if (!progress) return h('td', { class: 'cell-missing' }, h('span', { class: 'cell-problem' }, t('overview.unreadable')));
      const sentence = progressSentence(lang, progress);
      const bar = stackedBar(progress, sentence, 'small');
      // The bar's label repeats the link's text; the link names itself by the sentence.
      bar.setAttribute('aria-hidden', 'true');
      bar.removeAttribute('role');
      const link = h(
        'a',
        { href: editorHref(lang, article.file), class: `cell-link cell-${cellState(progress)}`, 'data-testid': 'cell' },
        bar,
        h('span', { class: 'cell-text', 'aria-hidden': 'true' }, `${formatNumber(progress.reviewed + progress.final)}/${formatNumber(progress.segments)}`),
        h('span', { class: 'sr-only' }, `${article.title} — ${sentence}`),
      );
      return h('td', { class: 'cell' }, link);
    });
    body.append(
      h(
        'tr',
        {},
        h(
          'th',
          { scope: 'row', class: 'col-article' },
          h('span', { class: 'article-title' }, article.title),
          h('span', { class: 'article-file' }, article.file),
          article.problems?.length ? h('span', { class: 'article-problems' }, article.problems.join('; ')) : null,
        ),
        h('td', { class: 'col-num' }, formatNumber(article.words)),
        ...cells,
      ),
    );
  }
  return h('table', { class: 'articles' }, h('caption', { class: 'sr-only' }, t('overview.tableCaption')), h('thead', {}, head), h('tbody', {}, body));
}

function cellState(progress: Progress): string {
  if (progress.new > 0) return stateClass('initial');
  if (progress.translated > 0) return 'translated';
  return progress.final === progress.segments ? 'final' : 'reviewed';
}
