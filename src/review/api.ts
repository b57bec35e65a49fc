/**
 * The contract between `hansa review`'s server (`server.ts`) and its page (`page/`): the
 * routes and the JSON each one takes and gives. Types only, so the page's bundle takes
 * nothing else from the server's side.
 *
 * 1. Every route but the page's own files (`/`, `/assets/*`) needs the session's token in
 *    the `X-Hansa-Token` header (a cross-site page cannot send a custom header without a
 *    preflight, which the server never grants). The page reads the token from its URL
 *    (`/?token=…`); the server sends `Referrer-Policy: no-referrer`, so it never leaks.
 * 2. Every request must name the server itself in `Host` (`127.0.0.1:PORT`): a DNS-rebound
 *    name is refused. Every write (`POST`) must also carry `Origin: http://127.0.0.1:PORT`.
 * 3. Texts are data, never markup: the page puts every text into the document as text
 *    (`textContent`), and the preview's HTML is sanitized by the server.
 * 4. Source and target travel as `Part` arrays, so the page never parses tagged text: text
 *    runs, and inline codes by their local id (`<pc id="n">` → `open`/`close`, `<ph id="n"/>`
 *    → `ph`). The server turns a saved `Part[]` back into tagged text.
 * 5. A segment's `version` is a hash of what it holds (target, state, origin, reviewer).
 *    A save names the version it was made on; a segment changed since (another tab, a CAT
 *    tool's save, a run) refuses the save with 409 and the segment as it is now.
 *
 * Routes (all JSON unless said):
 * - `GET  /api/session` → `Session`
 * - `GET  /api/overview` → `Overview`
 * - `GET  /api/search?q=TEXT[&lang=L]` → `SearchResult`
 * - `GET  /api/article?file=F&lang=L` → `ArticleView` (`file`: path below the content folder)
 * - `GET  /api/preview?file=F&lang=L` → `Preview`
 * - `POST /api/check` `CheckRequest` → `CheckResult` (writes nothing)
 * - `POST /api/save` `SaveRequest` → 200 `SaveResult` | 409 `Conflict` | 422 `Refused`
 * - any error → `{ error: ErrorCode, message }` with 400/403/404/405/409/413/415/422/500/503
 */

/** A run of text or an inline code, in order. */
export type Part =
  | { readonly text: string }
  /** The opening of paired code `id` (bold, link …); its closing follows later in the same array. */
  | { readonly open: number }
  | { readonly close: number }
  /** A standalone code (image, inline code, line break, HTML, footnote reference). */
  | { readonly ph: number };

/** A text run of the source that a glossary entry matched, by index into `SegmentView.terms`. */
export type SourcePart = Part | { readonly text: string; readonly term: number };

export type State = 'initial' | 'translated' | 'reviewed' | 'final';

/** An inline code as the page shows it on a chip. */
export interface CodeView {
  /** Local id (1-based), as in `Part`. */
  readonly id: number;
  /** `strong`, `emphasis`, `link`, `image`, `inlineCode`, `break`, `html` … */
  readonly kind: string;
  /** Short text for the chip: `**`, `[link]`, `` `npm ci` ``. */
  readonly disp: string;
  /** A pair (`open`/`close`) or a single tag (`ph`). */
  readonly paired: boolean;
}

/** A glossary entry found in the source sentence. */
export interface TermView {
  /** The glossary's source term as written (`doradztwo zawodowe`). */
  readonly term: string;
  /** The text as found in the sentence (`doradztwa zawodowego`). */
  readonly text: string;
  /** Preferred target term(s) in the article's language; empty when the entry has none. */
  readonly preferred: readonly string[];
  /** Target terms the glossary forbids. */
  readonly forbidden: readonly string[];
  /** Do not translate: the source form stays. */
  readonly dnt: boolean;
  readonly note?: string;
}

/** A check's finding on a target (QA, glossary or codes). */
export interface FindingView {
  /** `codes`, `numbers`, `term_missing`, `term_forbidden`, `quotes` … */
  readonly check: string;
  readonly severity: 'error' | 'warning';
  /** In the interface's language where Hansa has the words, else the check's own. */
  readonly message: string;
}

/** A word-level difference between an old and a new source, in order. */
export interface DiffPart {
  readonly op: 'same' | 'added' | 'removed';
  readonly text: string;
}

/** A translation offered beside the target. */
export interface SuggestionView {
  /** `previous` (approved for an earlier source), `memory`, `machine`, `proposal` (sent back by a person). */
  readonly kind: 'previous' | 'memory' | 'machine' | 'proposal';
  readonly source: readonly Part[];
  readonly target: readonly Part[];
  /** `human`, `mt:deepl`, `tm:fuzzy:87` … */
  readonly origin: string;
  /** Similarity of its source to the current source, 0–100. */
  readonly similarity?: number;
  readonly state?: State;
  /** Who sent a proposal, and from which file. */
  readonly author?: string;
  readonly file?: string;
  /** For a suggestion whose source differs from the current one: the word diff old → new. */
  readonly diff?: readonly DiffPart[];
}

/** One segment in the editor. */
export interface SegmentView {
  readonly id: string;
  readonly source: readonly SourcePart[];
  /** Absent: no translation yet. */
  readonly target?: readonly Part[];
  readonly state: State;
  readonly origin?: string;
  readonly reviewer?: string;
  readonly codes: readonly CodeView[];
  readonly terms: readonly TermView[];
  readonly suggestions: readonly SuggestionView[];
  readonly findings: readonly FindingView[];
  /** Words of the source. */
  readonly words: number;
  /** See principle 5. */
  readonly version: string;
}

/** A translatable block: heading, paragraph, table cell, frontmatter value. */
export interface UnitView {
  readonly id: string;
  /** `title`, `paragraph`, `heading`, `image alt` … */
  readonly name?: string;
  readonly segments: readonly SegmentView[];
}

/** The editor's article in one language. */
export interface ArticleView {
  /** Path below the content folder (`aktualnosci/nagroda.md`). */
  readonly file: string;
  readonly lang: string;
  /** Project-relative source path (`content/pl/aktualnosci/nagroda.md`). */
  readonly sourcePath: string;
  /** Project-relative segment file (`translations/sv/aktualnosci/nagroda.xlf`). */
  readonly segmentFile: string;
  /** The source's frontmatter title, else the file name. */
  readonly title: string;
  readonly units: readonly UnitView[];
}

/** Counts by state, in segments and in words. */
export interface Progress {
  readonly segments: number;
  readonly words: number;
  readonly new: number;
  readonly translated: number;
  readonly reviewed: number;
  readonly final: number;
  readonly newWords: number;
  readonly translatedWords: number;
  readonly reviewedWords: number;
  readonly finalWords: number;
}

export interface ArticleRow {
  readonly file: string;
  readonly title: string;
  readonly words: number;
  /** By target language; a language whose segment file cannot be read is absent, with an entry in `problems`. */
  readonly languages: Readonly<Record<string, Progress>>;
  readonly problems?: readonly string[];
}

export interface Overview {
  readonly sourceLanguage: string;
  readonly languages: readonly string[];
  /** Totals per language. */
  readonly totals: Readonly<Record<string, Progress>>;
  readonly articles: readonly ArticleRow[];
}

export interface SearchHit {
  readonly file: string;
  readonly lang: string;
  readonly segment: string;
  /** Plain text. */
  readonly source: string;
  readonly target?: string;
}

export interface SearchResult {
  readonly query: string;
  /** At most 200, in article order. */
  readonly hits: readonly SearchHit[];
  /** More matched than `hits` holds. */
  readonly truncated: boolean;
}

export interface Preview {
  /** Sanitized HTML of the translated article as `hansa build` would publish it now. */
  readonly html: string;
  /** `complete`, `partial`, `machine` or `reviewed`, as the published frontmatter says. */
  readonly translationStatus: string;
}

export interface Session {
  /** Language of the interface (`en`, `pl`): `--ui-lang`, else `LANG`. */
  readonly uiLanguage: 'en' | 'pl';
  readonly sourceLanguage: string;
  readonly languages: readonly string[];
  /** The state an approval gives: `reviewed`, or `final` where the project wants it (`review.approve` in the config). */
  readonly approveState: 'reviewed' | 'final';
  /** `--reviewer NAME`, stored with every save. */
  readonly reviewer?: string;
}

export interface CheckRequest {
  readonly file: string;
  readonly lang: string;
  readonly segment: string;
  readonly target: readonly Part[];
}

export interface CheckResult {
  readonly findings: readonly FindingView[];
  /** The gate would refuse this target (codes that differ from the source's, empty …). */
  readonly blocked: boolean;
}

export interface SaveRequest extends CheckRequest {
  /** The `version` of the segment the edit was made on. */
  readonly version: string;
  /** Approve (the session's `approveState`) or keep as `translated`. */
  readonly approve: boolean;
}

export interface SaveResult {
  readonly segment: SegmentView;
}

/** `busy` (503): a run (`hansa translate` …) held the project lock for longer than a save waits; try again. */
export type ErrorCode = 'bad_request' | 'forbidden' | 'not_found' | 'conflict' | 'refused' | 'busy' | 'internal';

export interface ErrorBody {
  readonly error: ErrorCode;
  readonly message: string;
}

/** 409: the segment changed since the page loaded it; `current` is what it holds now. */
export interface Conflict extends ErrorBody {
  readonly error: 'conflict';
  readonly current: SegmentView;
}

/** 422: the gate refuses the target; nothing was written. */
export interface Refused extends ErrorBody {
  readonly error: 'refused';
  readonly findings: readonly FindingView[];
}
