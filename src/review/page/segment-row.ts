/**
 * One segment in the editor: the source beside its editable target, with findings,
 * suggestions, state badge, and save/approve.
 *
 * 1. While typing, the target is checked (`POST /api/check`, debounced 300 ms); findings show
 *    under it, and a blocked target disables Save and Approve with the reason.
 * 2. Saves of one segment run one after another (blur, Ctrl+S, Ctrl+Enter can overlap), each
 *    on the version the previous one returned.
 * 3. A conflict (409) never overwrites: the segment's current text replaces the editor's and
 *    the reviewer's own text is kept below, to copy or put back. A refusal (422) shows why.
 */
import type { FindingView, Part, SegmentView } from '../api.js';
import { ApiError, check, save } from './api.js';
import { renderParts, repairParts, sameParts } from './chips.js';
import { append, debounce, h, messageOf, uniqueId } from './dom.js';
import { sourceLanguage, t } from './i18n.js';
import { stateBadge, stateClass } from './progress.js';
import { announce } from './status.js';
import { renderSuggestions } from './suggestions.js';
import { TargetEditor } from './target-editor.js';
import { renderSource } from './terms.js';

/** What a row needs from its editor view. */
export interface RowContext {
  readonly file: string;
  readonly lang: string;
  readonly approveState: 'reviewed' | 'final';
  /** Id of the hidden "Translation (Swedish)" text that, with the row's number, names each target. */
  readonly targetLabelId: string;
  /** After a save: update progress, refresh the preview. */
  saved(row: SegmentRow): void;
  /** After an approval: move on. */
  approved(row: SegmentRow): void;
}

/** A segment's row and its state. */
export class SegmentRow {
  readonly element: HTMLDivElement;
  readonly editor: TargetEditor;
  /** 1-based position in the article. */
  readonly number: number;
  #segment: SegmentView;
  #saved: readonly Part[];
  #blocked: FindingView | undefined;
  #checked: readonly Part[] | undefined;
  #checkTicket = 0;
  #checking: Promise<void> | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #context: RowContext;
  readonly #meta: HTMLDivElement;
  readonly #findings: HTMLUListElement;
  readonly #conflict: HTMLDivElement;
  readonly #saveButton: HTMLButtonElement;
  readonly #approveButton: HTMLButtonElement;
  readonly #reason: HTMLParagraphElement;
  readonly #suggestions: HTMLDivElement;
  #suggestionsShown = false;
  readonly #scheduleCheck = debounce(() => void this.check(), 300);

  constructor(segment: SegmentView, number: number, unitName: string | undefined, context: RowContext, draft?: readonly Part[]) {
    this.#segment = segment;
    this.#saved = segment.target ?? [];
    this.number = number;
    this.#context = context;
    const labelId = `seg-${number}`;
    const reasonId = uniqueId('reason');
    const lang = context.lang;

    this.#meta = h('div', { class: 'seg-meta' });
    const source = h('div', { class: 'seg-source', lang: sourceLanguage() });
    renderSource(source, segment.source, segment.codes, segment.terms);

    const target = h('div', {
      class: 'seg-target',
      role: 'textbox',
      'aria-multiline': 'false',
      'aria-labelledby': `${labelId} ${context.targetLabelId}`,
      'aria-describedby': reasonId,
      lang,
      'data-testid': 'target',
    });
    this.editor = new TargetEditor(target, segment.codes, draft ?? this.#saved);
    this.editor.onChange = () => this.#changed();

    this.#findings = h('ul', { class: 'findings', 'data-testid': 'findings' });
    this.#reason = h('p', { class: 'blocked-reason', id: reasonId });
    this.#conflict = h('div', { class: 'conflict', role: 'alert', 'data-testid': 'conflict-message', hidden: true });
    this.#saveButton = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'save-button', 'data-action': 'save', 'aria-describedby': reasonId }, t('segment.save'));
    this.#approveButton = h(
      'button',
      { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'approve-button', 'data-action': 'approve', 'aria-describedby': reasonId },
      t('segment.approve'),
    );

    this.#suggestions = h('div', { class: 'seg-suggestions' });

    this.element = h(
      'div',
      { class: 'seg', role: 'group', 'aria-labelledby': labelId, 'data-segment': segment.id },
      this.#meta,
      h('div', { class: 'seg-col seg-col-source' }, source),
      h(
        'div',
        { class: 'seg-col seg-col-target' },
        target,
        this.#findings,
        h('div', { class: 'seg-actions' }, this.#reason, this.#saveButton, this.#approveButton),
        this.#conflict,
        this.#suggestions,
      ),
    );
    this.#renderMeta(labelId, unitName);
    this.#renderFindings(segment.findings);
    this.#updateDirty(draft !== undefined);
  }

  /** Handle an event inside the row (the editor view delegates them; see `TargetEditor.handleEvent`). */
  handleEvent(event: Event): void {
    const target = event.target instanceof Node ? event.target : null;
    if (target && this.editor.element.contains(target)) {
      this.editor.handleEvent(event);
      if (event.type === 'keydown') this.#keydown(event as KeyboardEvent);
      // Focus moving to the row's own Save or Approve: that button saves, once.
      else if (event.type === 'focusout' && this.isDirty && !this.element.contains((event as FocusEvent).relatedTarget as Node | null)) void this.save(false, 'blur');
      return;
    }
    if (event.type === 'click' && target instanceof Element) {
      const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
      if (action === 'save' || action === 'approve') void this.save(action === 'approve', 'button');
    }
  }

  /**
   * Build the suggestions (once). The editor view calls this for the first rows at once and
   * for the rest in chunks right after the first paint, so a long article opens fast.
   */
  showSuggestions(): void {
    if (this.#suggestionsShown) return;
    this.#suggestionsShown = true;
    const segment = this.#segment;
    const list = renderSuggestions(segment.suggestions, segment.codes, this.#context.lang, String(this.number), (parts) => {
      this.editor.setParts(parts);
      this.editor.element.focus();
      announce(t('suggestion.used', { n: this.number }));
    });
    if (list) this.#suggestions.append(list);
  }

  /** The segment as last loaded or saved. */
  get segment(): SegmentView {
    return this.#segment;
  }

  /** Whether the target differs from what was last saved. */
  get isDirty(): boolean {
    return !sameParts(this.editor.parts, this.#savedShown());
  }

  /**
   * What was last saved as the editor shows it: with exactly the segment's codes, so that an
   * untranslated segment (its chips only) or a stored target the editor repaired is not an edit.
   */
  #savedShown(): Part[] {
    return repairParts(this.#saved, this.#segment.codes);
  }

  /** Whether the segment still needs a review. */
  get needsReview(): boolean {
    return this.#segment.state !== 'reviewed' && this.#segment.state !== 'final';
  }

  /** Whether its current findings include errors or warnings. */
  get hasFindings(): boolean {
    return this.#findings.childElementCount > 0;
  }

  /** Check the current target now (also what the debounce calls). */
  check(): Promise<void> {
    this.#scheduleCheck.cancel();
    const parts = this.editor.parts;
    const ticket = ++this.#checkTicket;
    const run = (async () => {
      try {
        const result = await check({ file: this.#context.file, lang: this.#context.lang, segment: this.#segment.id, target: parts });
        if (ticket !== this.#checkTicket) return;
        this.#checked = parts;
        this.#renderFindings(result.findings);
        this.#setBlocked(result.blocked ? (result.findings.find((f) => f.severity === 'error') ?? { check: 'blocked', severity: 'error', message: t('segment.blocked') }) : undefined);
      } catch (error) {
        if (ticket !== this.#checkTicket) return;
        if (error instanceof ApiError && error.status === 400) {
          // The server refuses to check a target it cannot read (codes that do not pair up):
          // as good as a blocking finding, with its reason.
          const finding: FindingView = { check: 'codes', severity: 'error', message: error.message };
          this.#checked = parts;
          this.#renderFindings([finding]);
          this.#setBlocked(finding);
        } else {
          announce(t('segment.checkFailed', { n: this.number, message: messageOf(error) }), 'error');
        }
      }
    })();
    this.#checking = run;
    return run;
  }

  /** Save the target (`approve`: with the session's approve state); queued behind earlier saves. */
  save(approve: boolean, trigger: 'blur' | 'key' | 'button'): Promise<void> {
    const run = this.#queue.then(() => this.#save(approve, trigger));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #save(approve: boolean, trigger: 'blur' | 'key' | 'button'): Promise<void> {
    const parts = this.editor.parts;
    const unchanged = sameParts(parts, this.#savedShown());
    if (!approve && unchanged) {
      if (trigger !== 'blur') announce(t('segment.unchanged', { n: this.number }));
      return;
    }
    const state = this.#segment.state;
    if (approve && unchanged && (state === 'final' || state === this.#context.approveState)) {
      // Already approved: just move on.
      this.#context.approved(this);
      return;
    }
    // The gate's verdict on exactly this text: check first unless it already was.
    if (!this.#checked || !sameParts(this.#checked, parts)) await this.check();
    else if (this.#checking) await this.#checking;
    if (this.#blocked) {
      if (trigger !== 'blur') announce(t('segment.blockedAnnounce', { n: this.number, reason: this.#blocked.message }), 'error');
      return;
    }
    this.element.classList.add('seg-saving');
    try {
      const outcome = await save({
        file: this.#context.file,
        lang: this.#context.lang,
        segment: this.#segment.id,
        target: parts,
        version: this.#segment.version,
        approve,
      });
      if (outcome.kind === 'saved') {
        this.#conflict.hidden = true;
        this.#apply(outcome.result.segment, parts);
        announce(t(approve ? 'segment.approved' : 'segment.saved', { n: this.number, state: t(`state.${outcome.result.segment.state}`) }), 'success');
        this.#context.saved(this);
        if (approve) this.#context.approved(this);
      } else if (outcome.kind === 'conflict') {
        this.#showConflict(outcome.conflict.current, parts);
        this.#context.saved(this);
      } else {
        this.#renderFindings(outcome.refused.findings);
        const reason = outcome.refused.findings.find((f) => f.severity === 'error') ?? { check: 'refused', severity: 'error' as const, message: outcome.refused.message };
        this.#setBlocked(reason);
        announce(t('segment.refused', { n: this.number, reason: reason.message }), 'error');
      }
    } catch (error) {
      announce(t('segment.saveFailed', { n: this.number, message: messageOf(error) }), 'error');
    } finally {
      this.element.classList.remove('seg-saving');
    }
  }

  /** Take a segment as the server has it now; the editor follows unless typed into since `sent`. */
  #apply(segment: SegmentView, sent: readonly Part[]): void {
    this.#segment = segment;
    this.#saved = segment.target ?? [];
    if (sameParts(this.editor.parts, sent)) this.editor.setParts(this.#saved, { undoable: false });
    this.#scheduleCheck.cancel();
    this.#checked = undefined;
    this.#renderMeta();
    this.#renderFindings(segment.findings);
    this.#setBlocked(undefined);
    this.#updateDirty();
  }

  #showConflict(current: SegmentView, mine: readonly Part[]): void {
    this.#segment = current;
    this.#saved = current.target ?? [];
    this.editor.setParts(this.#saved);
    this.#scheduleCheck.cancel();
    this.#checked = undefined;
    this.#renderMeta();
    this.#renderFindings(current.findings);
    this.#setBlocked(undefined);
    this.#updateDirty();
    const yours = h('div', { class: 'conflict-mine', lang: this.#context.lang });
    renderParts(yours, mine, current.codes, false);
    const putBack = h('button', { type: 'button', class: 'btn btn-small' }, t('conflict.putBack'));
    putBack.addEventListener('click', () => {
      this.editor.setParts(mine);
      this.editor.element.focus();
    });
    const dismiss = h('button', { type: 'button', class: 'btn btn-small btn-quiet' }, t('conflict.dismiss'));
    dismiss.addEventListener('click', () => {
      this.#conflict.hidden = true;
      this.editor.element.focus();
    });
    this.#conflict.replaceChildren(
      h('p', { class: 'conflict-text' }, t('conflict.message')),
      h('p', { class: 'conflict-label' }, t('conflict.yours')),
      yours,
      h('div', { class: 'conflict-actions' }, putBack, dismiss),
    );
    this.#conflict.hidden = false;
    announce(t('conflict.announce', { n: this.number }), 'error');
  }

  #keydown(event: KeyboardEvent): void {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key === 'Enter') {
      event.preventDefault();
      void this.save(true, 'key');
    } else if (mod && (event.key === 's' || event.key === 'S')) {
      event.preventDefault();
      void this.save(false, 'key');
    }
  }

  #changed(): void {
    this.#updateDirty();
    this.#scheduleCheck();
  }

  #updateDirty(dirty = this.isDirty): void {
    this.element.classList.toggle('seg-dirty', dirty);
    this.#saveButton.disabled = !dirty || this.#blocked !== undefined;
    // Nothing to approve: no text yet, or already in the approve state (or final) and unchanged.
    const state = this.#segment.state;
    const approved = state === 'final' || state === this.#context.approveState;
    this.#approveButton.disabled = this.#blocked !== undefined || (!dirty && (this.#saved.length === 0 || approved));
  }

  #setBlocked(finding: FindingView | undefined): void {
    this.#blocked = finding;
    this.#reason.textContent = finding ? t('segment.blockedReason', { reason: finding.message }) : '';
    this.#reason.title = this.#reason.textContent;
    this.element.classList.toggle('seg-blocked', finding !== undefined);
    this.#updateDirty();
  }

  #renderFindings(findings: readonly FindingView[]): void {
    const items = findings.map((finding) =>
      h(
        'li',
        { class: `finding finding-${finding.severity} finding-${finding.check.replace(/[^a-z_]/gi, '')}` },
        h('span', { class: 'finding-severity' }, t(`finding.${finding.severity}`)),
        ' ',
        h('span', { class: 'finding-check' }, t(`check.${finding.check}`, { defaultValue: finding.check })),
        ' ',
        h('span', { class: 'finding-message' }, finding.message),
      ),
    );
    this.#findings.replaceChildren(...items);
    this.#findings.hidden = items.length === 0;
    this.element.classList.toggle('seg-has-findings', items.length > 0);
  }

  #renderMeta(labelId?: string, unitName?: string): void {
    const segment = this.#segment;
    const id = labelId ?? `seg-${this.number}`;
    const unit = unitName ?? this.#meta.dataset.unit;
    if (unit) this.#meta.dataset.unit = unit;
    this.element.dataset.state = stateClass(segment.state);
    this.#meta.replaceChildren();
    append(this.#meta, [
      h('span', { class: 'seg-number', id, title: segment.id }, h('span', { class: 'sr-only' }, t('segment.label')), String(this.number)),
      stateBadge(segment.state),
      unit ? h('span', { class: 'seg-unit' }, unitLabel(unit)) : null,
      segment.origin ? h('span', { class: 'seg-origin', title: t('segment.origin') }, segment.origin) : null,
      segment.reviewer ? h('span', { class: 'seg-reviewer', title: t('segment.reviewer') }, segment.reviewer) : null,
    ]);
  }
}

/** A unit's name in the interface's words (`frontmatter tags.1` → "Tag"), else as the server gives it. */
function unitLabel(name: string): string {
  return t(`unit.${name.replace(/\.\d+$/, '').replace(/\./g, ' ')}`, { defaultValue: name });
}

