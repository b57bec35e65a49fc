import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HansaError } from '../../src/errors/index.js';
import type { SegmentFile, StoreCode, StoreNote, StoreSegment, StoreUnit, Suggestion, TranslationState, UnitPart } from '../../src/formats/types.js';
import { translationStates } from '../../src/formats/types.js';
import { readXliff2, readXliff2Import, writeXliff2 } from '../../src/formats/xliff2.js';
import { renderTagged, type Run } from '../../src/markdown/tagged.js';
import { pairedKinds, type CodeKind } from '../../src/markdown/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'xliff2');
// shared/ sits beside the checkout, here and in CI.
const validator = path.resolve('../shared/tools/validate-l10n');
const scratch = mkdtempSync(path.join(tmpdir(), 'hansa-xliff2-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `validate-l10n` on each text written to a file of its own: exit status and output. */
function validate(texts: readonly string[]): { status: number | null; output: string } {
  const files = texts.map((text, index) => {
    const file = path.join(scratch, `file-${index}.xlf`);
    writeFileSync(file, text);
    return file;
  });
  const result = spawnSync(validator, files, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The error `run` throws, as code, `file:line` and message. */
function failure(run: () => unknown): { code: string; location: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof HansaError) return { code: error.code, location: error.location, message: error.message };
    throw error;
  }
  throw new Error('expected a HansaError');
}

const allKinds: readonly CodeKind[] = [
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
  'autolink',
  'inlineCode',
  'image',
  'imageReference',
  'break',
  'html',
  'footnoteReference',
];

/** A store with every feature: all code kinds, notes, suggestions, states, gaps, frontmatter units. */
const sample: SegmentFile = {
  original: 'content/pl/aktualności/doradztwo & "kariera".md',
  sourceLanguage: 'pl',
  targetLanguage: 'en',
  sourceHash: '5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  units: [
    {
      id: 'u1',
      name: 'title',
      parts: [{ segment: { id: 'a1f0000000000000000a', source: 'Doradztwo zawodowe w Gdańsku', codes: [], target: 'Career guidance in Gdańsk', state: 'final', origin: 'human' } }],
    },
    {
      id: 'u2',
      name: 'tags[0]',
      parts: [{ segment: { id: 'a2f0000000000000000a', source: 'NEET', codes: [], target: 'NEET', state: 'translated', origin: 'tm:exact' } }],
    },
    {
      id: 'u3',
      name: 'paragraph',
      notes: [
        { category: 'context', text: 'Akapit wstępny <intro> & "cytat"' },
        { category: 'glossary', text: 'doradztwo zawodowe → career guidance', segment: 'b1f0000000000000000b' },
        { category: 'qa', text: 'number 2024 missing', segment: 'b2f0000000000000000b' },
      ],
      parts: [
        {
          segment: {
            id: 'b1f0000000000000000b',
            source: 'Ala ma <pc id="1">kota</pc>, <pc id="2">psa <pc id="3">i</pc></pc> <ph id="4"/> oraz <pc id="5">link</pc>.',
            codes: [
              { kind: 'strong', disp: '**' },
              { kind: 'emphasis', disp: '_' },
              { kind: 'delete', disp: '~~' },
              { kind: 'inlineCode', disp: '`npm ci`', equiv: 'npm ci' },
              { kind: 'link', disp: '[link]' },
            ],
            target: 'Ala has a <pc id="1">cat</pc>, <pc id="2">a dog <pc id="3">and</pc></pc> <ph id="4"/> and a <pc id="5">link</pc>.',
            state: 'translated',
            origin: 'mt:deepl',
            suggestions: [
              {
                kind: 'previous',
                source: 'Ala ma <pc id="1">kota</pc>.',
                target: 'Ala has a <pc id="1">cat</pc>.',
                origin: 'human',
                similarity: 72,
                state: 'reviewed',
              },
              { kind: 'memory', source: 'Ala ma kota &amp; psa.', target: 'Ala has a cat &amp; a dog.', origin: 'tm:fuzzy:81', similarity: 81.5 },
            ],
          },
        },
        { gap: ' ' },
        {
          segment: {
            id: 'b2f0000000000000000b',
            source: 'Zobacz <ph id="1"/>, <ph id="2"/>, <pc id="3">ref</pc> i <ph id="4"/><ph id="5"/>w 2024 r.<ph id="6"/><ph id="7"/>',
            codes: [
              { kind: 'image', disp: '![logo]', equiv: 'logo' },
              { kind: 'imageReference', disp: '![mapa][m]' },
              { kind: 'linkReference', disp: '[ref][r]' },
              { kind: 'autolink', disp: '<https://example.org>', equiv: 'https://example.org' },
              { kind: 'break', disp: '\\n' },
              { kind: 'html', disp: '<sup>' },
              { kind: 'footnoteReference', disp: '[^1]' },
            ],
            target: 'See <ph id="1"/>, <ph id="2"/>, <pc id="3">ref</pc> and <ph id="4"/><ph id="5"/>in 2024.<ph id="6"/><ph id="7"/>',
            state: 'reviewed',
            origin: 'mt:openai:gpt-4o-mini',
            suggestions: [{ kind: 'machine', source: 'Zobacz <ph id="1"/>.', target: 'See <ph id="1"/>.', origin: 'mt:google' }],
          },
        },
        { gap: '\n' },
        { segment: { id: 'b3f0000000000000000b', source: '  Puste   miejsca\tna końcach ', codes: [], state: 'initial' } },
        { gap: ' ' },
        { segment: { id: 'b3f0000000000000000b-2', source: 'Pusty przekład.', codes: [], target: '', state: 'translated', origin: 'human' } },
      ],
    },
    {
      id: 'u4',
      name: 'image alt',
      parts: [{ segment: { id: 'c1f0000000000000000c', source: 'Logo <pc id="1">urzędu</pc> 😀', codes: [{ kind: 'emphasis', disp: '*' }], state: 'initial' } }],
    },
  ],
};

describe('writing', () => {
  it('writes the sample as the fixture, byte for byte, twice the same', () => {
    const written = writeXliff2(sample);
    // WRITE_FIXTURE=1 rewrites the fixture after a deliberate change of the format (then read the diff).
    if (process.env['WRITE_FIXTURE'] === '1') writeFileSync(path.join(fixtures, 'sample.xlf'), written);
    expect(written).toBe(readFileSync(path.join(fixtures, 'sample.xlf'), 'utf8'));
    expect(writeXliff2(sample)).toBe(written);
  });

  it('writes files that validate against the XLIFF 2.1 schemas with all modules', () => {
    const emptyDocument: SegmentFile = { original: 'content/pl/pusty.md', sourceLanguage: 'pl', targetLanguage: 'sv', units: [] };
    const result = validate([writeXliff2(sample), writeXliff2(emptyDocument)]);
    expect(result.output).not.toContain('fails');
    expect(result.status).toBe(0);
  });

  it('reads back what it wrote', () => {
    expect(readXliff2(writeXliff2(sample), 'sample.xlf')).toEqual(sample);
  });

  it('writes similarity to two decimals', () => {
    const suggestions: Suggestion[] = [{ kind: 'memory', source: 'Tak', target: 'Yes', origin: 'tm:fuzzy:87', similarity: 87.456 }];
    const written = writeXliff2(oneSegment({ id: 's1', source: 'Tak.', codes: [], state: 'initial', suggestions }));
    expect(written).toContain('similarity="87.46"');
  });

  it('writes characters XML cannot hold as <cp>, and reads them back', () => {
    const source = 'a\u0001b \ud800 😀 \uffff\u001f.';
    const file = oneSegment({ id: 's1', source, codes: [], target: `${source} \udc00`, state: 'translated' });
    const written = writeXliff2(file);
    expect(written).toContain('<source>a<cp hex="0001"/>b <cp hex="D800"/> 😀 <cp hex="FFFF"/><cp hex="001F"/>.</source>');
    expect(written).toContain('<cp hex="DC00"/></target>');
    expect(readXliff2(written, 'a.xlf')).toEqual(file);
  });

  it('writes an empty target of an untranslated segment as none', () => {
    const file = oneSegment({ id: 's1', source: 'Tak.', codes: [], target: '', state: 'initial' });
    const written = writeXliff2(file);
    expect(written).not.toContain('<target');
    expect(readXliff2(written, 'a.xlf').units[0]?.parts[0]).toEqual({ segment: { id: 's1', source: 'Tak.', codes: [], state: 'initial' } });
  });

  it('refuses a store it could not read back', () => {
    const cases: [StoreSegment, RegExp][] = [
      [{ id: 'bad id', source: 'a', codes: [], state: 'initial' }, /not an XML name token/],
      [{ id: 's1', source: 'a <pc id="1">b</pc>', codes: [{ kind: 'strong', disp: '**' }], target: 'a b', state: 'translated' }, /codes/],
      [{ id: 's1', source: '<ph id="2"/><ph id="1"/>', codes: [{ kind: 'break', disp: '' }, { kind: 'break', disp: '' }], state: 'initial' }, /order of appearance/],
      [{ id: 's1', source: 'a <ph id="1"/>', codes: [], state: 'initial' }, /code list/],
      [{ id: 's1', source: 'a', codes: [], state: 'reviewed' }, /no target/],
      [{ id: 's1', source: 'a <b>', codes: [], state: 'initial' }, /tagged text/],
      [{ id: '1-1', source: 'a <ph id="1"/>', codes: [{ kind: 'break', disp: '' }], state: 'initial' }, /clashes/],
    ];
    for (const [segment, reason] of cases) {
      const error = failure(() => writeXliff2(oneSegment(segment)));
      expect(error.code).toBe('segment_file_invalid');
      expect(error.message).toMatch(reason);
    }
    const twice = { ...sample, units: [...sample.units, { ...(sample.units[0] as StoreUnit), id: 'u9' }] };
    expect(failure(() => writeXliff2(twice)).message).toMatch(/segment id a1f0000000000000000a is used twice/);
  });
});

function oneSegment(segment: StoreSegment): SegmentFile {
  return { original: 'content/pl/a.md', sourceLanguage: 'pl', targetLanguage: 'en', units: [{ id: 'u1', parts: [{ segment }] }] };
}

// ─── property: random stores survive write → read ───

/** Text pieces that are hard for XML and for whitespace handling. */
const textPiece = fc.constantFrom(
  'a',
  'Zażółć',
  'gęślą jaźń',
  'ŁÓDŹ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '&',
  '&amp;',
  '<',
  '>',
  '"',
  "'",
  ']]>',
  '<pc id="1">',
  '😀',
  '👩‍👩‍👧',
  '\u00a0',
  '\u2028',
  'x.',
);
const text = fc.array(textPiece, { maxLength: 6 }).map((pieces) => pieces.join(''));
const attributeText = fc.array(fc.constantFrom('*', '**', '[', ']', '(', 'url', '"', '&', '<', '>', '\t', '\n', ' ', 'ż', '😀'), { maxLength: 4 }).map((p) => p.join(''));
const pairedKindList = allKinds.filter((kind) => pairedKinds.has(kind));
const standaloneKindList = allKinds.filter((kind) => !pairedKinds.has(kind));

/** Inline content as a tree, before code ids are given. */
type Tree = { readonly text: string } | { readonly ph: StoreCode } | { readonly pc: StoreCode; readonly children: readonly Tree[] };

const code = (kinds: readonly CodeKind[]): fc.Arbitrary<StoreCode> =>
  fc.record({ kind: fc.constantFrom(...kinds), disp: attributeText, equiv: fc.option(attributeText, { nil: undefined }) }).map(({ equiv, ...rest }) =>
    equiv === undefined ? rest : { ...rest, equiv },
  );

const trees: fc.Arbitrary<Tree[]> = fc.letrec<{ tree: Tree; forest: Tree[] }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ text }),
    fc.record({ ph: code(standaloneKindList) }),
    fc.record({ pc: code(pairedKindList), children: tie('forest') }),
  ),
  forest: fc.array(tie('tree'), { maxLength: 4 }),
})).forest;

/** Tagged text of a forest with codes numbered in order of appearance, and the codes. */
function taggedOf(forest: readonly Tree[], texts?: readonly string[], reverse = false): { tagged: string; codes: StoreCode[] } {
  const codes: StoreCode[] = [];
  const runs: Run[] = [];
  let textIndex = 0;
  const ids = new Map<Tree, number>();
  const number = (nodes: readonly Tree[]): void => {
    for (const node of nodes) {
      if ('text' in node) continue;
      codes.push('ph' in node ? node.ph : node.pc);
      ids.set(node, codes.length);
      if ('pc' in node) number(node.children);
    }
  };
  number(forest);
  const render = (nodes: readonly Tree[]): void => {
    for (const node of reverse ? [...nodes].reverse() : nodes) {
      if ('text' in node) {
        const value = texts === undefined ? node.text : (texts[textIndex++ % Math.max(texts.length, 1)] ?? '');
        runs.push({ type: 'text', value });
      } else if ('ph' in node) runs.push({ type: 'ph', id: ids.get(node) ?? 0 });
      else {
        runs.push({ type: 'open', id: ids.get(node) ?? 0 });
        render(node.children);
        runs.push({ type: 'close', id: ids.get(node) ?? 0 });
      }
    }
  };
  render(forest);
  return { tagged: renderTagged(runs), codes };
}

/** A source, and a target with the same codes (maybe in another order) and other text. */
const sourceAndTarget = fc.record({ forest: trees, texts: fc.array(text, { maxLength: 4 }), reverse: fc.boolean() }).map(({ forest, texts, reverse }) => {
  const source = taggedOf(forest);
  return { source: source.tagged, codes: source.codes, target: taggedOf(forest, texts, reverse).tagged };
});

const origins = fc.constantFrom('human', 'mt:deepl', 'mt:openai:gpt-4o-mini', 'tm:exact', 'tm:in-context', 'tm:fuzzy:87', 'locale');
const state = fc.constantFrom(...translationStates);

const suggestion: fc.Arbitrary<Suggestion> = fc
  .record({
    kind: fc.constantFrom('previous' as const, 'memory' as const, 'machine' as const, 'proposal' as const),
    texts: sourceAndTarget,
    origin: fc.oneof(origins, fc.constant('')),
    // Similarities are written to two decimals.
    similarity: fc.option(fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100), { nil: undefined }),
    state: fc.option(state, { nil: undefined }),
    // Where a proposal came from (DESIGN §8.7), as `mda:meta` items.
    file: fc.option(fc.constantFrom('export/sv/a.po', 'tłumacze/łódź & "sopot" <1>.xliff'), { nil: undefined }),
    author: fc.option(fc.constantFrom('Anna Svensson <anna@example.se>', 'Jörg & Co'), { nil: undefined }),
    date: fc.option(fc.constant('2024-05-02 10:15+0200'), { nil: undefined }),
  })
  .map(({ texts, similarity, state: suggestionState, file, author, date, ...rest }) => ({
    ...rest,
    source: texts.source,
    target: texts.target,
    ...(similarity === undefined ? {} : { similarity }),
    ...(suggestionState === undefined ? {} : { state: suggestionState }),
    ...(file === undefined ? {} : { file }),
    ...(author === undefined ? {} : { author }),
    ...(date === undefined ? {} : { date }),
  }));

/** A segment without its id (given later, unique in the file). */
const segmentBody = fc
  .record({
    texts: sourceAndTarget,
    translated: fc.boolean(),
    state,
    origin: fc.option(origins, { nil: undefined }),
    suggestions: fc.option(fc.array(suggestion, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map(({ texts, translated, state: segmentState, origin, suggestions }) => ({
    source: texts.source,
    codes: texts.codes,
    ...(translated ? { target: texts.target } : {}),
    state: translated ? segmentState : ('initial' as TranslationState),
    ...(origin === undefined ? {} : { origin }),
    ...(suggestions === undefined ? {} : { suggestions }),
  }));

const unitBody = fc.record({
  name: fc.option(fc.constantFrom('title', 'tags[0]', 'paragraph', 'heading', 'image alt', 'table cell & "x"'), { nil: undefined }),
  parts: fc.array(fc.oneof(segmentBody.map((segment) => ({ segment })), text.map((gap) => ({ gap }))), { minLength: 1, maxLength: 4 }),
  notes: fc.option(
    fc.array(fc.record({ category: fc.constantFrom('glossary', 'qa', 'memory', 'context', ''), text, about: fc.option(fc.nat(), { nil: undefined }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    { nil: undefined },
  ),
});

const segmentFiles: fc.Arbitrary<SegmentFile> = fc
  .record({
    original: fc.constantFrom('content/pl/a.md', 'content/pl/aktualności/łódź & "sopot".md'),
    targetLanguage: fc.constantFrom('en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb'),
    sourceHash: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), { nil: undefined }),
    units: fc.array(unitBody, { maxLength: 4 }),
    repeats: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
  })
  .map(({ original, targetLanguage, sourceHash, units, repeats }) => {
    let count = 0;
    const built = units.map((unit, unitIndex): StoreUnit => {
      const parts = unit.parts.map((part): UnitPart => {
        if ('gap' in part) return part;
        count += 1;
        // Hash-like ids, some with the `-2` of a repeated source.
        const id = `${count.toString(16).padStart(20, '0')}${repeats[count % 16] ? '-2' : ''}`;
        return { segment: { id, ...part.segment } };
      });
      const segmentIds = parts.flatMap((part) => ('segment' in part ? [part.segment.id] : []));
      const notes = unit.notes?.map(({ about, ...note }): StoreNote => {
        const segment = about === undefined || segmentIds.length === 0 ? undefined : segmentIds[about % segmentIds.length];
        return segment === undefined ? note : { ...note, segment };
      });
      return { id: `u${unitIndex + 1}`, ...(unit.name === undefined ? {} : { name: unit.name }), parts, ...(notes === undefined ? {} : { notes }) };
    });
    return { original, sourceLanguage: 'pl', targetLanguage, ...(sourceHash === undefined ? {} : { sourceHash }), units: built };
  });

/** What a store reads back as: an empty target of an untranslated segment is none. */
function normalized(file: SegmentFile): SegmentFile {
  return {
    ...file,
    units: file.units.map((unit) => ({
      ...unit,
      parts: unit.parts.map((part) => {
        if (!('segment' in part) || part.segment.target !== '' || part.segment.state !== 'initial') return part;
        return { segment: Object.fromEntries(Object.entries(part.segment).filter(([key]) => key !== 'target')) as StoreSegment };
      }),
    })),
  };
}

describe('property', () => {
  it('random stores read back as written, write again to the same bytes, and validate', () => {
    const written: string[] = [];
    fc.assert(
      fc.property(segmentFiles, (file) => {
        const text = writeXliff2(file);
        if (written.length < 30) written.push(text);
        const read = readXliff2(text, 'random.xlf');
        expect(read).toEqual(normalized(file));
        expect(writeXliff2(read)).toBe(text);
      }),
      { numRuns: 300 },
    );
    const result = validate(written);
    expect(result.output).not.toContain('fails');
    expect(result.status).toBe(0);
  });
});

// ─── what CAT tools do to a file ───

/** Reverse the attributes of every start tag. */
function reorderAttributes(xml: string): string {
  return xml.replace(/<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")+)(\s*\/?)>/g, (_whole, name: string, attributes: string, end: string) => {
    const list = attributes.match(/[\w:.-]+="[^"]*"/g) ?? [];
    return `<${name} ${list.reverse().join(' ')}${end}>`;
  });
}

/** Core elements under an `xlf:` prefix, modules under other prefixes than Hansa's. */
function changePrefixes(xml: string): string {
  return xml
    .replace('xmlns="urn:oasis:names:tc:xliff:document:2.0"', 'xmlns:xlf="urn:oasis:names:tc:xliff:document:2.0"')
    .replace(/<(\/?)(?=[A-Za-z])(?![A-Za-z]+:)/g, '<$1xlf:')
    .replace(/xmlns:mtc=/g, 'xmlns:m=')
    .replace(/<(\/?)mtc:/g, '<$1m:')
    .replace(/xmlns:mda=/g, 'xmlns:meta=')
    .replace(/<(\/?)mda:/g, '<$1meta:');
}

/** Tabs for indentation, CRLF line ends, empty elements written out. */
function reformat(xml: string): string {
  return xml
    .replace(/^( +)</gm, (_whole, spaces: string) => `${'\t'.repeat(spaces.length / 2)}<`)
    .replace(/<((?:xlf:)?(?:target|ph)\b[^>]*?)\/>/g, (_whole, inner: string) => `<${inner}></${inner.split(/\s/)[0] ?? ''}>`)
    .replace(/\n/g, '\r\n');
}

/** `file` with some segments changed, by id. */
function withSegments(file: SegmentFile, changes: Readonly<Record<string, Partial<StoreSegment>>>): SegmentFile {
  return {
    ...file,
    units: file.units.map((unit) => ({
      ...unit,
      parts: unit.parts.map((part) => ('segment' in part ? { segment: { ...part.segment, ...changes[part.segment.id] } } : part)),
    })),
  };
}

describe('a file rewritten by a CAT tool', () => {
  it('reads back with the translator’s targets and states', () => {
    let xml = writeXliff2(sample);
    // The translator fills in the untranslated segment, with sc/ec codes and other-tool states.
    xml = xml.replace(
      '<segment id="c1f0000000000000000c" state="initial">\n        <source>Logo <pc id="1-1" type="fmt" subType="xlf:i" dispStart="*" dispEnd="*" canOverlap="no">urzędu</pc> 😀</source>',
      '<segment id="c1f0000000000000000c" state="translated" subState="okp:edited" xmlns:okp="okapi-framework:xliff-extensions" okp:changed="yes">\n' +
        '        <source>Logo <pc id="1-1" type="fmt" subType="xlf:i" dispStart="*" dispEnd="*" canOverlap="no">urzędu</pc> 😀</source>\n' +
        '        <target><![CDATA[The ]]><sc id="1-1" type="fmt" subType="xlf:i" disp="*" okp:x="1"/>office<ec startRef="1-1"/>&apos;s logo 😀<okp:comment>checked</okp:comment></target>',
    );
    // Reviews the machine translation; adds a target to an untranslated one with a term marker.
    xml = xml.replace('<segment id="b1f0000000000000000b" state="translated" subState="hansa:mt:deepl">', '<segment state="reviewed" id="b1f0000000000000000b" subState="hansa:mt:deepl">');
    xml = xml.replace(
      /(<segment id="b3f0000000000000000b" state=")initial(">\n\s*<source[^\n]*<\/source>)/,
      '$1final$2\n        <target xml:space="preserve">  Blank   spaces\tat <mrk id="m1" type="term">the ends</mrk> </target>',
    );
    // Renumbers the codes of one unit, the same in source and target.
    xml = xml.replace(/id="2-([1-7])"/g, (_whole, n: string) => `id="${Number(n) + 10}"`);
    // Adds its own extension data to a unit and the file.
    xml = xml.replace('<unit id="u2" name="tags[0]">', '<unit id="u2" name="tags[0]">\n      <okp:foo xmlns:okp="okapi-framework:xliff-extensions"><okp:bar/>text</okp:foo>');
    xml = xml.replace('<file id="f1"', '<file xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0" id="f1"');
    xml = reformat(reorderAttributes(changePrefixes(xml)));

    expect(xml).toContain('<xlf:segment');
    expect(xml).toContain('<m:match');
    const read = readXliff2(xml, 'rewritten.xlf');

    expect(read).toEqual(
      withSegments(sample, {
        b1f0000000000000000b: { state: 'reviewed' },
        b3f0000000000000000b: { target: '  Blank   spaces\tat the ends ', state: 'final' },
        c1f0000000000000000c: { target: 'The <pc id="1">office</pc>\'s logo 😀', state: 'translated' },
      }),
    );
  });

  it('reads a hand-written file from another tool: xlf prefix, groups, sc/ec, CDATA, comments, no Hansa extras', () => {
    const read = readXliff2(readFileSync(path.join(fixtures, 'other-tool.xlf'), 'utf8'), 'other-tool.xlf');
    expect(read).toEqual({
      original: 'content/pl/a.md',
      sourceLanguage: 'pl',
      targetLanguage: 'de',
      units: [
        {
          id: 'u1',
          parts: [
            {
              segment: {
                id: 's1',
                source: 'Kliknij <pc id="1">tutaj</pc> <ph id="2"/>',
                codes: [
                  { kind: 'link', disp: '' },
                  { kind: 'break', disp: '<br>' },
                ],
                target: 'Klicken Sie <pc id="1">hier</pc> <ph id="2"/>',
                state: 'reviewed',
                suggestions: [{ kind: 'machine', source: 'Kliknij tutaj', target: 'Hier klicken', origin: 'Some MT', similarity: 90 }],
              },
            },
          ],
          notes: [{ category: '', text: 'Translator: check the link' }],
        },
        {
          id: 'u2',
          name: 'nested',
          parts: [{ segment: { id: 's2', source: 'A &amp; B', codes: [], target: 'A &amp; B', state: 'final' } }],
        },
      ],
    });
  });

  it('takes line ends and indentation inside content without xml:space="preserve" as formatting', () => {
    const text = document(
      [
        '<segment id="s1" state="translated">',
        '  <source>',
        '    Kliknij <pc id="1">tutaj</pc>',
        '    i <ph id="2"/>',
        '  </source>',
        '  <target>',
        '    <pc id="1">',
        '      Click here',
        '    </pc>',
        '    <ph id="2"/>',
        '  </target>',
        '</segment>',
        '<segment id="s2" state="translated">',
        '  <source xml:space="preserve">',
        'Kept </source>',
        '  <target xml:space="preserve">  Kept\t</target>',
        '</segment>',
      ].join('\n'),
    );
    const segments = (readXliff2(text, 'a.xlf').units[0]?.parts ?? []).map((part) => ('segment' in part ? part.segment : undefined));
    expect(segments.map((segment) => [segment?.source, segment?.target])).toEqual([
      ['Kliknij <pc id="1">tutaj</pc> i <ph id="2"/>', '<pc id="1">Click here</pc><ph id="2"/>'],
      ['\nKept ', '  Kept\t'],
    ]);
  });

  it('reads an empty target a tool added to an untranslated segment as none, codes or not', () => {
    const text = document('<segment id="s1"><source>a <ph id="1"/></source><target/></segment>\n<segment id="s2" state="initial"><source>b</source><target></target></segment>');
    const parts = readXliff2(text, 'a.xlf').units[0]?.parts;
    expect(parts).toEqual([
      { segment: { id: 's1', source: 'a <ph id="1"/>', codes: [{ kind: 'html', disp: '' }], state: 'initial' } },
      { segment: { id: 's2', source: 'b', codes: [], state: 'initial' } },
    ]);
  });

  it('reads XLIFF 2.0 and 2.2 files too', () => {
    const v20 = writeXliff2(sample).replace('version="2.1"', 'version="2.0"');
    expect(readXliff2(v20, 'a.xlf')).toEqual(sample);
    const v22 = writeXliff2(sample).replace('version="2.1"', 'version="2.2"').replace('document:2.0"', 'document:2.2"');
    expect(readXliff2(v22, 'a.xlf')).toEqual(sample);
  });
});

// ─── import ───

describe('import', () => {
  it('gives every translated segment with the line of its target', () => {
    const imported = readXliff2Import(writeXliff2(sample), 'sample.xlf');
    expect(imported.format).toBe('xliff2');
    expect(imported.original).toBe(sample.original);
    expect(imported.sourceLanguage).toBe('pl');
    expect(imported.targetLanguage).toBe('en');
    expect(imported.translations.map((translation) => translation.id)).toEqual([
      'a1f0000000000000000a',
      'a2f0000000000000000a',
      'b1f0000000000000000b',
      'b2f0000000000000000b',
      'b3f0000000000000000b-2',
    ]);
    const lines = writeXliff2(sample).split('\n');
    for (const translation of imported.translations) {
      expect(lines[translation.line - 1]).toMatch(/^\s*<target/);
    }
    expect(imported.translations[2]).toMatchObject({
      source: 'Ala ma <pc id="1">kota</pc>, <pc id="2">psa <pc id="3">i</pc></pc> <ph id="4"/> oraz <pc id="5">link</pc>.',
      state: 'translated',
      origin: 'mt:deepl',
    });
  });

  it('takes files without segment ids, original or trgLang', () => {
    const text = [
      '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="pl">',
      ' <file id="x">',
      '  <unit id="1">',
      '   <segment state="translated">',
      '    <source>Tak</source>',
      '    <target>Yes</target>',
      '   </segment>',
      '   <segment><source>Nie</source><target/></segment>',
      '  </unit>',
      ' </file>',
      '</xliff>',
    ].join('\n');
    expect(readXliff2Import(text, 'x.xlf')).toEqual({
      format: 'xliff2',
      sourceLanguage: 'pl',
      segmentIds: [],
      translations: [{ source: 'Tak', target: 'Yes', state: 'translated', line: 6 }],
    });
    expect(failure(() => readXliff2(text, 'x.xlf')).location).toBe('x.xlf:1');
  });

  it("takes a target without a state as a person's translation, not XLIFF's default initial", () => {
    const text = [
      '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="pl" trgLang="sv">',
      ' <file id="x" original="content/pl/a.md">',
      '  <unit id="1">',
      '   <segment id="s1"><source>Tak</source><target>Ja</target></segment>',
      '   <segment id="s2" state="initial"><source>Nie</source><target>Nej</target></segment>',
      '   <segment id="s3"><source>Może</source><target/></segment>',
      '  </unit>',
      ' </file>',
      '</xliff>',
    ].join('\n');
    expect(readXliff2Import(text, 'x.xlf').translations.map(({ id, target, state }) => ({ id, target, state }))).toEqual([
      { id: 's1', target: 'Ja', state: 'translated' },
      // An explicit state is the tool's word: a draft stays a draft.
      { id: 's2', target: 'Nej', state: 'initial' },
    ]);
  });
});

// ─── bad input ───

/** A one-unit document around `body`, starting at line 1; the unit's content starts on line 4. */
function document(body: string, root = '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="pl" trgLang="en">'): string {
  return [root, '<file id="f1" original="content/pl/a.md">', '<unit id="u1">', body, '</unit>', '</file>', '</xliff>'].join('\n');
}

describe('bad input', () => {
  const cases: [string, string, string, string, RegExp][] = [
    ['malformed XML', document('<segment id="s1"><source>a</segment>'), 'xml_invalid', 'bad.xlf:4', /malformed/],
    ['an undefined entity', document('<segment id="s1"><source>&nbsp;</source></segment>'), 'xml_invalid', 'bad.xlf:4', /malformed/],
    ['a DTD', `<?xml version="1.0"?>\n<!DOCTYPE xliff [\n<!ELEMENT xliff ANY>\n]>\n${document('')}`, 'xml_dtd_refused', 'bad.xlf:2', /DTD/],
    [
      'an external entity',
      `<?xml version="1.0"?>\n<!DOCTYPE xliff [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n${document('<segment id="s1"><source>&xxe;</source></segment>')}`,
      'xml_dtd_refused',
      'bad.xlf:2',
      /DTD/,
    ],
    [
      'billion laughs',
      `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n${document('<segment id="s1"><source>&lol2;</source></segment>')}`,
      'xml_dtd_refused',
      'bad.xlf:2',
      /DTD/,
    ],
    ['an entity declared without a DOCTYPE', document('<!ENTITY x "y">'), 'xml_dtd_refused', 'bad.xlf:4', /DTD/],
    ['not XLIFF', '<?xml version="1.0"?>\n<tmx version="1.4"><header/><body/></tmx>', 'segment_file_invalid', 'bad.xlf:2', /not an XLIFF 2 document/],
    [
      'XLIFF 1.2',
      '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n<file original="a" source-language="pl" datatype="plaintext"><body/></file></xliff>',
      'segment_file_invalid',
      'bad.xlf:1',
      /XLIFF 1\.2/,
    ],
    ['XLIFF 2 without its namespace', document('', '<xliff version="2.1" srcLang="pl" trgLang="en">'), 'segment_file_invalid', 'bad.xlf:1', /not an XLIFF 2 document/],
    [
      'a wrong version',
      document('', '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="3.0" srcLang="pl" trgLang="en">'),
      'segment_file_invalid',
      'bad.xlf:1',
      /version "3.0"/,
    ],
    ['no srcLang', document('', '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" trgLang="en">'), 'segment_file_invalid', 'bad.xlf:1', /srcLang/],
    ['no trgLang', document('', '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="pl">'), 'segment_file_invalid', 'bad.xlf:1', /trgLang/],
    [
      'a duplicate segment id',
      document('<segment id="s1"><source>a</source></segment>\n<segment id="s1"><source>b</source></segment>'),
      'segment_file_invalid',
      'bad.xlf:5',
      /segment id s1 is used twice/,
    ],
    ['an unknown state', document('\n<segment id="s1" state="approved"><source>a</source></segment>'), 'segment_file_invalid', 'bad.xlf:5', /unknown state "approved"/],
    ['a translated segment without target', document('<segment id="s1" state="translated"><source>a</source></segment>'), 'segment_file_invalid', 'bad.xlf:4', /no target/],
    [
      'a target missing a code',
      document('<segment id="s1" state="translated">\n<source>a <ph id="1"/> <pc id="2">b</pc></source>\n<target>a b</target></segment>'),
      'segment_file_invalid',
      'bad.xlf:6',
      /segment s1 does not have the codes of its source: expected pc2, ph1, found none/,
    ],
    [
      'a target with a code its source lacks',
      document('<segment id="s1" state="translated">\n<source>a</source>\n<target>a <ph id="9"/></target></segment>'),
      'segment_file_invalid',
      'bad.xlf:6',
      /segment s1 has code id 9/,
    ],
    [
      'a target with a paired code as standalone',
      document('<segment id="s1" state="translated">\n<source><pc id="1">a</pc></source>\n<target><ph id="1"/></target></segment>'),
      'segment_file_invalid',
      'bad.xlf:6',
      /standalone/,
    ],
    ['overlapping sc/ec', document('<segment id="s1"><source>\n<sc id="1"/><sc id="2"/>a<ec startRef="1"/><ec startRef="2"/></source></segment>'), 'segment_file_invalid', 'bad.xlf:5', /innermost/],
    ['an isolated code', document('<segment id="s1"><source>\n<sc id="1" isolated="yes"/>a</source></segment>'), 'segment_file_invalid', 'bad.xlf:5', /isolated/],
    ['an unclosed sc', document('<segment id="s1">\n<source><sc id="1"/>a</source></segment>'), 'segment_file_invalid', 'bad.xlf:5', /no <ec>/],
    ['an unknown inline element', document('<segment id="s1"><source>a\n<b>x</b></source></segment>'), 'segment_file_invalid', 'bad.xlf:5', /<b> is not allowed/],
    ['a segment without id', document('<segment><source>a</source></segment>'), 'segment_file_invalid', 'bad.xlf:4', /no id/],
    ['a duplicate code id in a source', document('<segment id="s1"><source><ph id="1"/>\n<ph id="1"/></source></segment>'), 'segment_file_invalid', 'bad.xlf:5', /used twice/],
    [
      'two units with one id',
      document('<segment id="s1"><source>a</source></segment>\n</unit>\n<unit id="u1"><segment id="s2"><source>a</source></segment>'),
      'segment_file_invalid',
      'bad.xlf:6',
      /unit id u1 is used twice/,
    ],
    [
      'a bad similarity',
      document('<mtc:matches xmlns:mtc="urn:oasis:names:tc:xliff:matches:2.0">\n<mtc:match ref="#s1" similarity="high"><source>a</source><target>b</target></mtc:match></mtc:matches>\n<segment id="s1"><source>a</source></segment>'),
      'segment_file_invalid',
      'bad.xlf:5',
      /similarity "high"/,
    ],
  ];

  it.each(cases)('refuses %s, naming file and line', (_name, text, code, location, message) => {
    const error = failure(() => readXliff2(text, 'bad.xlf'));
    expect(error).toMatchObject({ code, location });
    expect(error.message).toMatch(message);
  });

  it('reports the same problems as import_invalid when importing, but for what a translator\'s file may lack', () => {
    // What a translator's file may lack, the candidates an import does not read, and codes
    // the importer checks against the project itself (naming each code, in every segment).
    const mayLack = new Set(['no trgLang', 'a segment without id', 'a bad similarity', 'a target missing a code']);
    for (const [name, text, code, location] of cases) {
      if (mayLack.has(name)) expect(() => readXliff2Import(text, 'bad.xlf')).not.toThrow();
      else expect(failure(() => readXliff2Import(text, 'bad.xlf'))).toMatchObject({ code: code === 'segment_file_invalid' ? 'import_invalid' : code, location });
    }
  });
});
