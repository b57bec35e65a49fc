/**
 * Completing segment files (`pipeline/fill.ts`): real documents, real segment files as the
 * extraction drafts them, a real memory index and glossary.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import { segmentsOf, type SegmentFile, type StoreSegment } from '../../src/formats/types.js';
import { loadTerminology, memoizeHits } from '../../src/glossary/index.js';
import { extractDocument, plainText, type Segment } from '../../src/markdown/index.js';
import { MemoryIndex } from '../../src/memory/tm.js';
import { annotate, fillOpen, isFromLocale, refreshable, type AnnotateContext } from '../../src/pipeline/fill.js';
import type { Accepted } from '../../src/pipeline/remote.js';
import { draftFile, updateSegments } from '../../src/pipeline/store.js';

const document = extractDocument('---\ntags: [praca]\n---\n# Rynek pracy rośnie\n\nZapraszamy młodzież na zajęcia. Projekt trwał od 2018 roku.\n');
const draft = draftFile(document, { original: 'content/pl/a.md', sourceLanguage: 'pl', targetLanguage: 'en' });

function sourceOf(words: string): Segment {
  const found = document.segments.find((segment) => plainText(segment.source).includes(words));
  if (found === undefined) throw new Error(`no segment with ${words}`);
  return found;
}

function entryOf(file: SegmentFile, segment: Segment): StoreSegment {
  const found = segmentsOf(file).find((entry) => entry.source === segment.source);
  if (found === undefined) throw new Error(`no entry for ${segment.source}`);
  return found;
}

function withEntry(file: SegmentFile, segment: Segment, change: Partial<StoreSegment>): SegmentFile {
  return updateSegments(file, (entry) => (entry.source === segment.source ? { ...entry, ...change } : entry));
}

const heading = sourceOf('Rynek pracy');
const invitation = sourceOf('Zapraszamy');
const project = sourceOf('Projekt');
const tag = sourceOf('praca');

describe('which segments a run may fill', () => {
  it('open segments and tags that follow the locale resources', () => {
    expect(refreshable({ id: 'a', source: 'x', codes: [], state: 'initial' })).toBe(true);
    expect(refreshable({ id: 'a', source: 'x', codes: [], state: 'translated', target: 'y', origin: 'mt:deepl' })).toBe(false);
    expect(isFromLocale({ id: 'a', source: 'x', codes: [], state: 'translated', target: 'y', origin: 'locale' })).toBe(true);
    expect(isFromLocale({ id: 'a', source: 'x', codes: [], state: 'reviewed', target: 'y', origin: 'locale' })).toBe(false);
    expect(refreshable({ id: 'a', source: 'x', codes: [], state: 'translated', target: 'y', origin: 'locale' })).toBe(true);
  });
});

describe('fillOpen', () => {
  it('fills open segments with what the run accepted and never touches a reviewed one', () => {
    const file = withEntry(draft, heading, { target: 'Labour market grows', state: 'reviewed', origin: 'human' });
    const accepted = new Map<string, Accepted>([
      [heading.id, { target: 'The job market is growing', origin: 'mt:deepl' }],
      [invitation.id, { target: 'We invite young people to classes.', origin: 'tm:exact' }],
    ]);
    const out = fillOpen(file, accepted, new Map());
    expect(entryOf(out, heading)).toMatchObject({ target: 'Labour market grows', state: 'reviewed', origin: 'human' });
    expect(entryOf(out, invitation)).toMatchObject({ target: 'We invite young people to classes.', state: 'translated', origin: 'tm:exact' });
    expect(entryOf(out, project).target).toBeUndefined();
  });

  it('stores no copy or pseudo output', () => {
    const out = fillOpen(draft, new Map([[invitation.id, { target: invitation.source, origin: 'mt:copy', synthetic: true }]]), new Map());
    expect(entryOf(out, invitation)).toEqual(entryOf(draft, invitation));
    expect('suggestions' in entryOf(out, invitation)).toBe(false);
  });

  it('offers fuzzy memory matches as suggestions, replacing the last run\'s', () => {
    const memory = new MemoryIndex({ sourceLanguage: 'pl', targetLanguage: 'en' });
    memory.add({ source: 'Zapraszamy młodzież na warsztaty.', target: 'We invite young people to workshops.', state: 'reviewed', origin: 'human' });
    const matches = memory.lookup({ source: invitation.source });
    expect(matches[0]?.kind).toBe('fuzzy');
    const stale = { kind: 'memory' as const, source: 'Stare.', target: 'Old.', origin: 'tm:fuzzy:80', similarity: 80 };
    const previous = { kind: 'previous' as const, source: 'Dawniej.', target: 'Formerly.', origin: 'human' };
    const out = fillOpen(withEntry(draft, invitation, { suggestions: [stale, previous] }), new Map(), new Map([[invitation.id, matches]]));
    expect(entryOf(out, invitation).suggestions).toEqual([previous, { kind: 'memory', source: 'Zapraszamy młodzież na warsztaty.', target: 'We invite young people to workshops.', origin: `tm:fuzzy:${matches[0]?.score}`, similarity: matches[0]?.score, state: 'reviewed' }]);
  });

  it('lets a tag follow the locale resources, keeping the text it had beside it', () => {
    const file = withEntry(draft, tag, { target: 'jobs', state: 'translated', origin: 'locale' });
    const out = fillOpen(file, new Map([[tag.id, { target: 'work', origin: 'locale' }]]), new Map());
    expect(entryOf(out, tag)).toMatchObject({ target: 'work', state: 'translated', origin: 'locale', suggestions: [{ kind: 'previous', source: tag.source, target: 'jobs', origin: 'locale', state: 'translated' }] });
  });
});

describe('annotate', () => {
  async function context(refusals: ReadonlyMap<string, string> = new Map()): Promise<AnnotateContext> {
    const dir = await mkdtemp(path.join(tmpdir(), 'hansa-fill-'));
    await mkdir(path.join(dir, 'glossary'));
    await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en\nrynek pracy,labour market\n');
    const terminology = await loadTerminology(dir, configSchema.parse({}), { cacheDir: path.join(dir, '.hansa/terms') });
    return { hitsOf: memoizeHits(terminology), terminology, lang: 'en', sourceLanguage: 'pl', lengthRatio: { min: 0.5, max: 2 }, refusals };
  }

  function notesOf(file: SegmentFile, segment: Segment): string[] {
    const id = entryOf(file, segment).id;
    return file.units.flatMap((unit) => unit.notes ?? []).filter((note) => note.segment === id).map((note) => `${note.category}: ${note.text}`);
  }

  it('notes glossary terms, refusals of open segments, memory matches and check findings', async () => {
    const memory = new MemoryIndex({ sourceLanguage: 'pl', targetLanguage: 'en' });
    memory.add({ source: 'Zapraszamy młodzież na warsztaty.', target: 'We invite young people to workshops.', state: 'reviewed', origin: 'human' });
    const matches = memory.lookup({ source: invitation.source });
    const file = fillOpen(withEntry(draft, project, { target: 'The project lasted for years.', state: 'translated', origin: 'mt:deepl' }), new Map(), new Map([[invitation.id, matches]]));
    const out = annotate(file, document, await context(new Map([[invitation.id, 'openai: numbers not carried over'], [project.id, 'openai: not open any more']])));
    expect(notesOf(out, heading)).toEqual(['glossary: Rynek pracy (rynek pracy) → labour market']);
    expect(notesOf(out, invitation)).toEqual(['qa: machine translation refused: openai: numbers not carried over', `memory: ${matches[0]?.score}% memory match`]);
    expect(notesOf(out, project)).toEqual([expect.stringMatching(/^qa: error numbers: /)]);
  });

  it('makes its own notes afresh and keeps everybody else\'s', async () => {
    const unit = draft.units[0]!;
    const file: SegmentFile = { ...draft, units: [{ ...unit, notes: [{ category: 'context', text: 'from the editor' }, { category: 'qa', text: 'stale finding' }] }, ...draft.units.slice(1)] };
    const out = annotate(file, document, { ...(await context()), terminology: undefined, hitsOf: () => [] });
    expect(out.units[0]?.notes).toEqual([{ category: 'context', text: 'from the editor' }]);
    expect(out.units.slice(1).every((item) => !('notes' in item))).toBe(true);
  });
});
