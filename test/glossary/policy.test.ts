/** Glossary policy (`glossary/policy.ts`) over real glossary files in a temporary project. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import { glossaryPairs, glossaryPairsReader, glossaryVersion, loadTerminology, maskSpans, memoizeHits, preferredTerm, segmentTerms, type Terminology } from '../../src/glossary/index.js';
import { capitalizedLike } from '../../src/glossary/policy.js';
import { extractDocument, type Segment } from '../../src/markdown/index.js';

const csv = [
  'pl,en,sv,dnt',
  'rynek pracy,!job market | labour market,arbetsmarknad,no',
  'NEET,,,yes',
  'doradztwo zawodowe,career guidance,,no',
  '!poradnictwo zawodowe | poradnictwo,guidance,,no',
].join('\n');

async function projectWith(text: string | undefined): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hansa-policy-'));
  if (text !== undefined) {
    await mkdir(path.join(dir, 'glossary'));
    await writeFile(path.join(dir, 'glossary/terms.csv'), text);
  }
  return dir;
}

async function terminologyOf(text: string): Promise<Terminology> {
  const dir = await projectWith(text);
  const terminology = await loadTerminology(dir, configSchema.parse({}), { cacheDir: path.join(dir, '.hansa/terms') });
  if (terminology === undefined) throw new Error('no terminology');
  return terminology;
}

function segmentOf(text: string): Segment {
  const segment = extractDocument(`${text}\n`).segments[0];
  if (segment === undefined) throw new Error('no segment');
  return segment;
}

describe('loadTerminology', () => {
  it('is undefined for a project without a glossary', async () => {
    const dir = await projectWith(undefined);
    expect(await loadTerminology(dir, configSchema.parse({}), { cacheDir: path.join(dir, '.hansa/terms') })).toBeUndefined();
  });

  it('indexes the source terms, Polish inflection included, and computes a segment\'s hits once', async () => {
    const terminology = await terminologyOf(csv);
    expect(terminology.entries.size).toBe(4);
    const hitsOf = memoizeHits(terminology);
    const segment = segmentOf('Rynek pracy potrzebuje doradztwa zawodowego dla grupy NEET.');
    const hits = hitsOf(segment);
    expect(hits.map((hit) => [hit.term, hit.text])).toEqual([['rynek pracy', 'Rynek pracy'], ['doradztwo zawodowe', 'doradztwa zawodowego'], ['NEET', 'NEET']]);
    expect(hitsOf(segment)).toBe(hits);
    expect(memoizeHits(undefined)(segment)).toEqual([]);
  });
});

describe('what a language gets of a segment\'s terms', () => {
  it('tells a provider the preferred target term, or to keep the term', async () => {
    const terminology = await terminologyOf(csv);
    const hits = memoizeHits(terminology)(segmentOf('Rynek pracy potrzebuje doradztwa zawodowego dla grupy NEET.'));
    expect(segmentTerms(hits, terminology, 'en')).toEqual([
      { source: 'rynek pracy', text: 'Rynek pracy', doNotTranslate: false, target: 'labour market' },
      { source: 'doradztwo zawodowe', text: 'doradztwa zawodowego', doNotTranslate: false, target: 'career guidance' },
      { source: 'NEET', text: 'NEET', doNotTranslate: true },
    ]);
    expect(segmentTerms(hits, terminology, 'sv').map((term) => term.target)).toEqual(['arbetsmarknad', undefined, undefined]);
    expect(segmentTerms(hits, undefined, 'en')).toEqual([]);
  });

  it('masks terms with the target term in the case of the text, and do-not-translate terms as found', async () => {
    const terminology = await terminologyOf(csv);
    const hits = memoizeHits(terminology)(segmentOf('Rynek pracy potrzebuje doradztwa zawodowego dla grupy NEET.'));
    expect(maskSpans(hits, terminology, 'en').map((span) => span.replacement)).toEqual(['Labour market', 'career guidance', 'NEET']);
    expect(maskSpans(hits, terminology, 'sv').map((span) => span.replacement)).toEqual(['Arbetsmarknad', 'NEET']);
    expect(maskSpans(hits, undefined, 'en')).toEqual([]);
  });

  it('capitalises a target term only where the text it replaces is, and never lowers one', () => {
    expect(capitalizedLike('Rynek pracy', 'labour market')).toBe('Labour market');
    expect(capitalizedLike('rynku pracy', 'labour market')).toBe('labour market');
    expect(capitalizedLike('rynku', 'EU labour market')).toBe('EU labour market');
    expect(capitalizedLike('', 'labour market')).toBe('labour market');
  });

  it('prefers the first term that is not deprecated', async () => {
    const terminology = await terminologyOf(csv);
    const entry = [...terminology.entries.values()][0]!;
    expect(preferredTerm(entry, 'en')).toBe('labour market');
    expect(preferredTerm(entry, 'en-GB')).toBe('labour market');
    expect(preferredTerm(entry, 'de')).toBeUndefined();
  });
});

describe('glossaryVersion', () => {
  it('changes when what the glossary says for the pair changes, and only then', async () => {
    const base = await terminologyOf(csv);
    const version = glossaryVersion(base, 'pl', 'en');
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(glossaryVersion(await terminologyOf(csv), 'pl', 'en')).toBe(version);
    expect(glossaryVersion(await terminologyOf(csv.replace('arbetsmarknad', 'arbetsmarknaden')), 'pl', 'en')).toBe(version);
    expect(glossaryVersion(await terminologyOf(csv.replace('career guidance', 'vocational guidance')), 'pl', 'en')).not.toBe(version);
    expect(glossaryVersion(undefined, 'pl', 'en')).toBeUndefined();
  });
});

describe('glossaryPairs', () => {
  it('gives each source term not deprecated its target term, and do-not-translate terms themselves', async () => {
    const { glossary } = await terminologyOf(csv);
    expect(glossaryPairs(glossary, 'pl', 'en')).toEqual([
      { source: 'rynek pracy', target: 'labour market' },
      { source: 'NEET', target: 'NEET' },
      { source: 'doradztwo zawodowe', target: 'career guidance' },
      { source: 'poradnictwo', target: 'guidance' },
    ]);
    expect(glossaryPairs(glossary, 'pl', 'sv')).toEqual([{ source: 'rynek pracy', target: 'arbetsmarknad' }, { source: 'NEET', target: 'NEET' }]);
  });

  it('reads the glossary files when first asked, not before', async () => {
    const dir = await projectWith(undefined);
    const pairsOf = glossaryPairsReader(dir, configSchema.parse({}));
    await mkdir(path.join(dir, 'glossary'));
    await writeFile(path.join(dir, 'glossary/terms.csv'), csv);
    expect(await pairsOf('sv')).toEqual([{ source: 'rynek pracy', target: 'arbetsmarknad' }, { source: 'NEET', target: 'NEET' }]);
  });
});
