/**
 * XLIFF 1.2, PO and TMX: written files checked by the tools translators use (xmllint with
 * the official schemas, msgfmt, pocount, po2xliff/xliff2po), read back losslessly, and bad
 * files refused with file:line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HansaError } from '../../src/errors/index.js';
import { parseTagged, plainText, renderTagged, type Run } from '../../src/markdown/tagged.js';
import type { CodeKind } from '../../src/markdown/types.js';
import { parsePo, poText, readPo, taggedOfPoText, writePo } from '../../src/formats/po.js';
import { readTmx, tmxEntriesOf, writeTmx, type TmxEntry } from '../../src/formats/tmx.js';
import { translationStates, type ImportedTranslation, type SegmentFile, type StoreCode, type StoreSegment, type Suggestion, type TranslationState } from '../../src/formats/types.js';
import { readXliff12, writeXliff12 } from '../../src/formats/xliff12.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'interchange');
// shared/ sits beside the checkout, here and in CI.
const validator = path.resolve('../shared/tools/validate-l10n');
const scratch = mkdtempSync(path.join(tmpdir(), 'hansa-interchange-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sample = JSON.parse(readFileSync(path.join(fixtures, 'sample.json'), 'utf8')) as SegmentFile;
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

/** Run a tool on `text` saved as `name`; status and output. */
function tool(command: string, args: (file: string) => string[], text: string, name: string): { status: number | null; output: string; stdout: string; file: string } {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  const result = spawnSync(command, args(file), { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout, file };
}

const validate = (text: string, name: string) => tool(validator, (file) => [file], text, name);

/** The error `run` throws, as code, file:line and message. */
function failure(run: () => unknown): { code: string; location: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof HansaError) return { code: error.code, location: error.location, message: error.message };
    throw error;
  }
  throw new Error('expected an InputError');
}

const summary = (translations: readonly ImportedTranslation[]) =>
  translations.map(({ id, source, target, state }) => ({ ...(id === undefined ? {} : { id }), source, target, state }));

const xxe = (root: string) =>
  `<?xml version="1.0"?>\n<!DOCTYPE ${root} [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<${root}>&xxe;</${root}>\n`;
const laughs = (root: string) =>
  `<?xml version="1.0"?>\n<!DOCTYPE ${root} [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n<${root}>&lol3;</${root}>\n`;

// ---------------------------------------------------------------------------
// Random segments: tagged text with nested codes and every character that needs care.

type Tree = readonly Node[];
type Node = { readonly text: string } | { readonly ph: true } | { readonly pc: Tree };

const piece = fc.constantFrom(
  '&', '<', '>', '"', "'", '\\', '\n', '\t', '\r', '\r\n', ' ', '  ', 'ą', 'ę', 'Ł', 'ź', 'Ż', '😀', '👩‍💻', '„tak”',
  '&amp;', '&lt;', '&gt;', '&#10;', '&nbsp;', '<pc id="1">', '</pc>', '<ph id="2"/>', '<PC', '<phone>', '<b>', ']]>',
  '#~ ', '#| msgid "x"', 'msgid "', '\\n', '\\"', '%s', 'x', 'Ala ma kota.',
);
const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));

const { tree } = fc.letrec<{ tree: Tree; node: Node }>((tie) => ({
  tree: fc.array(tie('node'), { maxLength: 5 }),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((value) => ({ text: value })),
    fc.constant({ ph: true as const }),
    tie('tree').map((children) => ({ pc: children })),
  ),
}));

/** Tagged text of a tree, ids counted from 1 in order of appearance, and its code kinds. */
function taggedOf(nodes: Tree): { tagged: string; paired: boolean[] } {
  const runs: Run[] = [];
  const paired: boolean[] = [];
  const walk = (list: Tree): void => {
    for (const node of list) {
      if ('text' in node) runs.push({ type: 'text', value: node.text });
      else if ('ph' in node) {
        paired.push(false);
        runs.push({ type: 'ph', id: paired.length });
      } else {
        paired.push(true);
        const id = paired.length;
        runs.push({ type: 'open', id });
        walk(node.pc);
        runs.push({ type: 'close', id });
      }
    }
  };
  walk(nodes);
  return { tagged: renderTagged(runs), paired };
}

const pairedKinds: readonly CodeKind[] = ['strong', 'emphasis', 'delete', 'link', 'linkReference'];
const standaloneKinds: readonly CodeKind[] = ['inlineCode', 'image', 'break', 'html', 'footnoteReference', 'autolink'];

const codesOf = (paired: readonly boolean[]): StoreCode[] =>
  paired.map((isPaired, index) => {
    const kinds = isPaired ? pairedKinds : standaloneKinds;
    return { kind: kinds[index % kinds.length] ?? 'strong', disp: ['**', '`a <b> & "c"`', '<br>', '[x]'][index % 4] ?? '', ...(index % 3 === 0 ? { equiv: '\n' } : {}) };
  });

const state = fc.constantFrom(...translationStates);
const origin = fc.constantFrom(undefined, 'human', 'mt:deepl', 'mt:openai:meta/llama-3', 'tm:exact', 'tm:in-context', 'tm:fuzzy:87', 'locale');

const suggestion: fc.Arbitrary<Suggestion> = fc.record({
  kind: fc.constantFrom('previous' as const, 'memory' as const, 'machine' as const),
  source: tree.map((t) => taggedOf(t).tagged),
  target: tree.map((t) => taggedOf(t).tagged),
  origin: fc.constantFrom('human', 'tm:fuzzy:80', 'mt:deepl'),
  similarity: fc.integer({ min: 0, max: 100 }),
  state: state,
});

const segment = (id: string): fc.Arbitrary<StoreSegment> =>
  fc
    .record({ source: tree, target: fc.option(tree, { nil: undefined }), state, origin, suggestions: fc.array(suggestion, { maxLength: 2 }) })
    .map(({ source, target, state: st, origin: from, suggestions }) => {
      const tagged = taggedOf(source);
      return {
        id,
        source: tagged.tagged,
        codes: codesOf(tagged.paired),
        ...(target === undefined ? {} : { target: taggedOf(target).tagged }),
        state: st,
        ...(from === undefined ? {} : { origin: from }),
        ...(suggestions.length === 0 ? {} : { suggestions }),
      };
    });

/** A segment file of random segments, two to a unit, with notes that try to break out of comments. */
const segmentFile: fc.Arbitrary<SegmentFile> = fc
  .tuple(fc.array(fc.tuple(segment('x'), fc.option(segment('y'), { nil: undefined })), { minLength: 1, maxLength: 4 }), text, fc.constantFrom('en', 'sv', 'nb', 'pt-BR'))
  .map(([pairs, note, targetLanguage]) => ({
    original: 'content/pl/a & b/"c".md',
    sourceLanguage: 'pl',
    targetLanguage,
    units: pairs.map(([first, second], index) => {
      const a = { ...first, id: `${index}a0f` };
      const b = second === undefined ? undefined : { ...second, id: `${index}b0f-2` };
      return {
        id: `u${index}`,
        name: `paragraph ${note}`,
        notes: [{ category: 'glossary', text: note, segment: a.id }, { category: 'context', text: `unit ${note}` }],
        parts: b === undefined ? [{ segment: a }] : [{ segment: a }, { gap: ' \n' }, { segment: b }],
      };
    }),
  }));

const segmentsIn = (file: SegmentFile): StoreSegment[] => file.units.flatMap((unit) => unit.parts.flatMap((part) => ('segment' in part ? [part.segment] : [])));

// ---------------------------------------------------------------------------

describe('XLIFF 1.2', () => {
  it('writes the sample as the strict 1.2 schema wants, with states, codes, notes and alt-trans', () => {
    const xliff = writeXliff12(sample);
    expect(validate(xliff, 'sample.xlf')).toMatchObject({ status: 0 });
    expect(xliff).toContain('<file original="content/pl/aktualnosci/targi-pracy.md" source-language="pl" target-language="en" datatype="x-markdown">');
    expect(xliff).toContain('<trans-unit id="a1b2c3" xml:space="preserve" approved="yes">');
    expect(xliff).toContain('<target state="signed-off">Job fair in Gdańsk</target>');
    expect(xliff).toContain('<source>Zapraszamy do <g id="1" ctype="bold">Urzędu Pracy</g> &amp; partnerów.</source>');
    expect(xliff).toContain('<target state="needs-review-translation" state-qualifier="leveraged-mt">Visit the <g id="1" ctype="bold">Job Centre</g> &amp; partners.</target>');
    expect(xliff).toContain('<x id="1" ctype="x-inlineCode"/> i <g id="2" ctype="link">strona</g>');
    expect(xliff).toContain('<x id="1" ctype="lb" equiv-text="&#10;"/>');
    expect(xliff).toContain('<target state="final">');
    expect(xliff).toContain('<alt-trans origin="human" match-quality="80" alttranstype="previous-version" xml:space="preserve">');
    expect(xliff).toContain('<note from="hansa:glossary">Urząd Pracy → Job Centre</note>');
    // Untranslated: the source copied into the target, in Hansa's declared copy phase, so that
    // tools which translate only existing targets (OmegaT) offer it; read back, it is no translation.
    expect(xliff).toContain('<phase-group>\n        <phase phase-name="hansa-source-copy" process-name="copy-source" tool-id="hansa"/>\n      </phase-group>');
    expect(xliff).toMatch(/<trans-unit id="77aa88" xml:space="preserve">\s*<source>Nowe zdanie\.<\/source>\s*<target state="needs-translation" phase-name="hansa-source-copy">Nowe zdanie\.<\/target>\s*<\/trans-unit>/);
    expect(writeXliff12(sample)).toBe(xliff);
  });

  it('reads the sample back with the same texts and states', () => {
    const read = readXliff12(writeXliff12(sample), 'sample.xlf');
    expect(read).toMatchObject({ format: 'xliff12', original: sample.original, sourceLanguage: 'pl', targetLanguage: 'en' });
    expect(summary(read.translations)).toEqual(
      segmentsIn(sample).map((s) => ({ id: s.id, source: s.source, target: s.target ?? '', state: s.target === undefined ? 'initial' : s.state })),
    );
    expect(read.translations.map((t) => t.line)).toEqual([14, 22, 29, 39, 45]);
  });

  it('round-trips random segments: texts exact, states as mapped, and every file validates', () => {
    fc.assert(
      fc.property(segmentFile, (file) => {
        const read = readXliff12(writeXliff12(file), 'r.xlf');
        expect(summary(read.translations)).toEqual(
          segmentsIn(file).map((s) => ({ id: s.id, source: s.source, target: s.target ?? '', state: s.target === undefined || s.target === '' ? 'initial' : s.state })),
        );
      }),
      { numRuns: 300 },
    );
    const many = fc.sample(segmentFile, { numRuns: 25, seed: 42 });
    const big: SegmentFile = { ...many[0]!, units: many.flatMap((file, index) => file.units.map((unit) => ({ ...unit, id: `${unit.id}-${index}`, parts: unit.parts.map((part) => ('segment' in part ? { segment: { ...part.segment, id: `${part.segment.id}-${index}` } } : part)) }))) };
    const result = validate(writeXliff12(big), 'random.xlf');
    expect(result.output).toContain('validates');
    expect(result.status).toBe(0);
  });

  it('reads its source copies back: untouched is no translation, changed is translated even when the state stayed', () => {
    const open: SegmentFile = {
      original: 'content/pl/a.md',
      sourceLanguage: 'pl',
      targetLanguage: 'sv',
      units: [
        {
          id: 'u1',
          parts: [
            { segment: { id: 's1', source: 'Ala ma <pc id="1">kota</pc>.', codes: [{ kind: 'strong', disp: '**' }], state: 'initial' } },
            { gap: ' ' },
            { segment: { id: 's2', source: 'Urząd Pracy zaprasza.', codes: [], state: 'initial' } },
            { gap: ' ' },
            { segment: { id: 's3', source: 'Nowy tekst.', codes: [], state: 'initial' } },
          ],
        },
      ],
    };
    const sent = writeXliff12(open);
    expect(summary(readXliff12(sent, 'sent.xlf').translations).map((t) => t.target)).toEqual(['', '', '']);
    // What OmegaT does: the target's text replaced, every attribute left as it was.
    const back = sent
      .replace('>Ala ma <g id="1" ctype="bold">kota</g>.</target>', '>Ala har <g id="1" ctype="bold">en katt</g>.</target>')
      .replace(/(<target state=")needs-translation(" phase-name="hansa-source-copy">)Nowy tekst\./, '$1translated$2Ny text.');
    expect(summary(readXliff12(back, 'back.xlf').translations)).toEqual([
      { id: 's1', source: 'Ala ma <pc id="1">kota</pc>.', target: 'Ala har <pc id="1">en katt</pc>.', state: 'translated' },
      { id: 's2', source: 'Urząd Pracy zaprasza.', target: '', state: 'initial' },
      { id: 's3', source: 'Nowy tekst.', target: 'Ny text.', state: 'translated' },
    ]);
    expect(validate(back, 'back.xlf')).toMatchObject({ status: 0 });
  });

  it("reads another tool's file: bx/ex, bpt/ept, ph, mrk, CDATA, groups, states and approved", () => {
    const read = readXliff12(fixture('other-tool.xlf'), 'other-tool.xlf');
    expect(read).toMatchObject({ original: 'content/pl/a.md', sourceLanguage: 'pl-PL', targetLanguage: 'sv-SE' });
    expect(summary(read.translations)).toEqual([
      { id: 's1', source: 'Ala ma <pc id="1">kota</pc>.', target: 'Ala har <pc id="1">en katt</pc>.', state: 'reviewed' },
      { id: 's2', source: 'Zobacz <pc id="1">stronę</pc> <ph id="2"/>.', target: 'Se <pc id="1">sidan</pc> <ph id="2"/>.', state: 'translated' },
      { id: 's3', source: 'Bez stanu &amp; &lt;b&gt;', target: 'Utan tillstånd &amp; &lt;b&gt;', state: 'translated' },
      { id: 's4', source: 'Nowy', target: 'Ny', state: 'initial' },
      { id: 's5', source: 'Do tłumaczenia', target: '', state: 'initial' },
      { id: 's7', source: 'Zatwierdzony', target: 'Godkänd', state: 'reviewed' },
      { id: 's8', source: 'Ostateczny', target: 'Slutlig', state: 'final' },
      { id: 's9', source: 'Nowy, ale zatwierdzony', target: 'Ny men godkänd', state: 'reviewed' },
    ]);
    expect(read.translations[0]?.line).toBe(10);
  });

  it('refuses bad files with file:line', () => {
    const file = (body: string, attributes = 'source-language="pl" target-language="en"') =>
      `<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file original="a.md" datatype="x-markdown" ${attributes}>\n<body>\n${body}\n</body>\n</file>\n</xliff>\n`;
    const read = (text: string) => failure(() => readXliff12(text, 'bad.xlf'));
    expect(read(file('<trans-unit id="1"><source>a</source><target>b</targte></trans-unit>'))).toMatchObject({ code: 'xml_invalid', location: 'bad.xlf:5' });
    expect(read(xxe('xliff'))).toMatchObject({ code: 'xml_dtd_refused', location: 'bad.xlf:2' });
    expect(read(laughs('xliff'))).toMatchObject({ code: 'xml_dtd_refused', location: 'bad.xlf:2' });
    expect(read(file('', 'target-language="en"'))).toMatchObject({ code: 'import_invalid', location: 'bad.xlf:3', message: expect.stringContaining('source-language') });
    expect(read(file('\n<trans-unit id="1"><target>b</target></trans-unit>'))).toMatchObject({ code: 'import_invalid', location: 'bad.xlf:6' });
    expect(read(file('<trans-unit id="1"><source>a</source>\n<target state="done">b</target></trans-unit>'))).toMatchObject({ code: 'import_invalid', location: 'bad.xlf:6', message: expect.stringContaining('"done"') });
    expect(read(file('<trans-unit id="1"><source>a <g id="x">b</g></source></trans-unit>'))).toMatchObject({ code: 'import_invalid', location: 'bad.xlf:5' });
    expect(read(file('<trans-unit id="1"><source>a <bx id="1"/>b</source></trans-unit>'))).toMatchObject({ code: 'import_invalid', message: expect.stringContaining('never closed') });
    expect(read(file('<trans-unit id="1"><source>a <b>b</b></source></trans-unit>'))).toMatchObject({ code: 'import_invalid', message: expect.stringContaining('<b>') });
    expect(read('<?xml version="1.0"?>\n<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="pl"/>')).toMatchObject({ code: 'import_invalid', location: 'bad.xlf:2' });
    expect(read('<tmx version="1.4"/>')).toMatchObject({ code: 'import_invalid', location: 'bad.xlf:1' });
  });
});

// ---------------------------------------------------------------------------

const poSegment = (id: string, source: string, target: string | undefined, st: TranslationState): { segment: StoreSegment } => ({
  segment: { id, source, codes: [], ...(target === undefined ? {} : { target }), state: st },
});

/** A file whose words pocount and a plain split agree on: letters only, tags glued to words. */
const countable: SegmentFile = {
  original: 'content/pl/liczenie.md',
  sourceLanguage: 'pl',
  targetLanguage: 'lt',
  units: [
    {
      id: 'u1',
      parts: [
        poSegment('c1', 'Ala ma <pc id="1">kota</pc> i psa', 'Ala turi <pc id="1">katę</pc> ir šunį', 'reviewed'),
        { gap: ' ' },
        poSegment('c2', 'Urząd pracy zaprasza <ph id="1"/>bezrobotnych', 'Užimtumo tarnyba kviečia <ph id="1"/>bedarbius', 'final'),
        { gap: ' ' },
        poSegment('c3', 'Szkolenia dla młodzieży', 'Mokymai jaunimui', 'translated'),
        { gap: ' ' },
        poSegment('c4', 'Doradztwo zawodowe online', undefined, 'initial'),
        { gap: ' ' },
        poSegment('c5', 'Nowe przepisy od stycznia', 'Nauji teisės aktai', 'initial'),
      ],
    },
  ],
};

const words = (tagged: string) => plainText(tagged).split(/\s+/).filter((word) => word !== '').length;

/** pocount's CSV numbers for one file. */
function pocount(po: string): Record<string, number> {
  const result = tool('pocount', (file) => ['--csv', file], po, 'count.po');
  expect(result.status).toBe(0);
  const [header = '', row = ''] = result.stdout.trim().split('\n').slice(-2);
  const names = header.split(',').map((name) => name.trim());
  const values = row.split(',').map((value) => value.trim());
  return Object.fromEntries(names.slice(1).map((name, index) => [name, Number(values[index + 1])]));
}

describe('PO', () => {
  it('writes the sample so that msgfmt -c accepts it, deterministically, with the agreed header and entries', () => {
    const po = writePo(sample);
    const checked = tool('msgfmt', (file) => ['-c', '--check-format', '-o', '/dev/null', file], po, 'sample.po');
    expect(checked).toMatchObject({ status: 0, output: '' });
    expect(po).toBe(writePo(sample));
    expect(po).not.toMatch(/\d{4}-\d\d-\d\d/);
    expect(po).toContain('"Language: en\\n"\n');
    expect(po).toContain('"X-Generator: Hansa\\n"\n"X-Hansa-Original: content/pl/aktualnosci/targi-pracy.md\\n"\n');
    expect(po).toContain(
      [
        '#. unit u2 (paragraph)',
        '#. segment: d4e5f6',
        '#. <pc id="1"> = ** (strong)',
        '#. origin: mt:deepl',
        '#. glossary: Urząd Pracy → Job Centre',
        '#. context: Pierwszy akapit artykułu',
        '#, fuzzy',
        'msgctxt "d4e5f6"',
        'msgid "Zapraszamy do <pc id=\\"1\\">Urzędu Pracy</pc> & partnerów."',
        'msgstr "Visit the <pc id=\\"1\\">Job Centre</pc> & partners."',
      ].join('\n'),
    );
    // The previous translation is offered, msgmerge style.
    expect(po).toContain('#, fuzzy\n#| msgid "Szczegóły: <ph id=\\"1\\"/>."\nmsgctxt "0a0b0c"\n');
    expect(po).toContain('msgid "Wynik < 5 „tak” \\"x\\" \\\\ koniec <ph id=\\"1\\"/>"\nmsgstr "Result < 5 “yes” \\"x\\" \\\\ end <ph id=\\"1\\"/>"\n');
  });

  it('reads the sample back: ids, texts, and states as PO can say them', () => {
    const read = readPo(writePo(sample), 'sample.po');
    expect(read).toMatchObject({ format: 'po', original: sample.original, sourceLanguage: 'pl', targetLanguage: 'en' });
    expect(summary(read.translations)).toEqual([
      // PO has no level above "translated": a reviewed text sent back unchanged stays reviewed in the project.
      { id: 'a1b2c3', source: 'Targi pracy w Gdańsku', target: 'Job fair in Gdańsk', state: 'translated' },
      // The machine's text went out fuzzy, for review: it comes back a draft (sent back as it was, no news).
      { id: 'd4e5f6', source: 'Zapraszamy do <pc id="1">Urzędu Pracy</pc> &amp; partnerów.', target: 'Visit the <pc id="1">Job Centre</pc> &amp; partners.', state: 'initial' },
      { id: '0a0b0c', source: 'Szczegóły: <ph id="1"/> i <pc id="2">strona</pc>.', target: 'Details: <ph id="1"/>.', state: 'initial' },
      { id: '0a0b0c-2', source: 'Wynik &lt; 5 „tak” "x" \\ koniec <ph id="1"/>', target: 'Result &lt; 5 “yes” "x" \\ end <ph id="1"/>', state: 'translated' },
      { id: '77aa88', source: 'Nowe zdanie.', target: '', state: 'initial' },
    ]);
    // Lines point at msgstr.
    const lines = writePo(sample).split('\n');
    for (const translation of read.translations) expect(lines[translation.line - 1]).toMatch(/^msgstr /);
  });

  it('is counted right by pocount: units, words, translated/fuzzy/untranslated', () => {
    const counts = pocount(writePo(countable));
    const segments = segmentsIn(countable);
    expect(counts['Total Message']).toBe(segments.length);
    expect(counts['Total Source Words']).toBe(segments.reduce((sum, s) => sum + words(s.source), 0));
    // Reviewed, final and a person's translation are done; only the draft is fuzzy.
    expect(counts['Translated Messages']).toBe(3);
    expect(counts['Translated Source Words']).toBe(words(segments[0]!.source) + words(segments[1]!.source) + words(segments[2]!.source));
    expect(counts['Translated Target Words']).toBe(words(segments[0]!.target!) + words(segments[1]!.target!) + words(segments[2]!.target!));
    expect(counts['Fuzzy Messages']).toBe(1);
    expect(counts['Untranslated Messages']).toBe(1);
  });

  it('survives translate-toolkit: po2xliff then xliff2po keeps msgid, msgstr, fuzzy and (through the comment) the ids', () => {
    for (const file of [sample, countable]) {
      const po = writePo(file);
      const xliff = tool('po2xliff', (f) => [f, `${f}.xlf`], po, 'toolkit.po');
      expect(xliff.status).toBe(0);
      const back = spawnSync('xliff2po', [`${xliff.file}.xlf`, `${xliff.file}.back.po`], { encoding: 'utf8' });
      expect(back.status).toBe(0);
      const returned = readFileSync(`${xliff.file}.back.po`, 'utf8');
      // translate-toolkit drops msgctxt and #| (translate/translate#268); everything else is kept.
      const strip = (entries: ReturnType<typeof parsePo>) =>
        entries.filter((e) => e.msgid.value !== '').map((e) => ({ msgid: e.msgid.value, msgstr: e.msgstr.map((m) => m.value), fuzzy: e.flags.includes('fuzzy') }));
      expect(strip(parsePo(returned, 'back.po'))).toEqual(strip(parsePo(po, 'sent.po')));
      expect(summary(readPo(returned, 'back.po').translations)).toEqual(summary(readPo(po, 'sent.po').translations));
      expect(tool('msgfmt', (f) => ['-c', '--check-format', '-o', '/dev/null', f], returned, 'back.po').status).toBe(0);
    }
  });

  it('round-trips random segments: texts exact, states as mapped', () => {
    fc.assert(
      fc.property(segmentFile, (file) => {
        const read = readPo(writePo(file), 'r.po');
        expect(read.targetLanguage).toBe(file.targetLanguage);
        expect(summary(read.translations)).toEqual(segmentsIn(file).map(expectedPo));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps tags unambiguous: text that looks like a tag or an escape stays text', () => {
    fc.assert(
      fc.property(tree, (nodes) => {
        const { tagged } = taggedOf(nodes);
        const parsed = taggedOfPoText(poText(runsOf(tagged)));
        expect(parsed).toEqual({ tagged });
      }),
      { numRuns: 500 },
    );
    expect(poText(runsOf('a &lt;pc id="1"&gt; &amp;lt; &amp; &lt;b&gt; <pc id="1">x</pc>'))).toBe('a &lt;pc id="1"> &amp;lt; & <b> <pc id="1">x</pc>');
  });

  it("reads a translator's file: CRLF, BOM, multi-line strings, comments, flags, previous msgid, obsolete entries", () => {
    const read = readPo(`\ufeff${fixture('poedit.po')}`, 'poedit.po');
    expect(read).toMatchObject({ original: 'content/pl/a.md', targetLanguage: 'nb-NO' });
    expect(read.sourceLanguage).toBeUndefined();
    expect(summary(read.translations)).toEqual([
      { id: 's1', source: 'Pierwsza linia\ndruga linia', target: 'Første linje\nandre linje', state: 'initial' },
      { id: 's2', source: 'Tab\there, "quotes", back\\slash, R&amp;D <pc id="1">x</pc> &lt;pc', target: 'Tab\there, "sitat", bak\\strek, R&amp;D <pc id="1">x</pc> &lt;pc', state: 'translated' },
      { id: 's3', source: 'Zmieniony', target: 'Endret', state: 'translated' },
      { id: 's4', source: 'Nowy tekst', target: 'Gammel tekst', state: 'initial' },
      { id: 's5', source: 'Pusty', target: '', state: 'initial' },
    ]);
    expect(read.translations.map((t) => t.line)).toEqual([18, 24, 28, 36, 44]);
    const entries = parsePo(fixture('poedit.po'), 'poedit.po');
    expect(entries[1]).toMatchObject({ translatorComments: ['translator comment'], extractedComments: ['segment: s1'], references: ['content/pl/a.md:3'], flags: ['c-format', 'fuzzy'] });
    expect(entries[4]?.previous).toEqual({ msgctxt: 's4-old', msgid: 'Stary tekst' });
  });

  it('refuses bad files with file:line', () => {
    const read = (text: string) => failure(() => readPo(text, 'bad.po'));
    const entry = (lines: string) => `msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n${lines}\n`;
    expect(read(entry('msgctxt "a"\nmsgid "abc\nmsgstr ""'))).toMatchObject({ code: 'import_invalid', location: 'bad.po:5', message: expect.stringContaining('unterminated') });
    expect(read(entry('msgid "a\\qb"\nmsgstr ""'))).toMatchObject({ location: 'bad.po:4', message: expect.stringContaining('\\q') });
    expect(read(entry('msgid "a" "b"\nmsgstr ""'))).toMatchObject({ location: 'bad.po:4', message: expect.stringContaining('after the closing quote') });
    expect(read(entry('msgid abc\nmsgstr ""'))).toMatchObject({ location: 'bad.po:4' });
    expect(read(entry('msgid "a\\"\nmsgstr ""'))).toMatchObject({ location: 'bad.po:4', message: expect.stringContaining('unterminated') });
    expect(read(entry('msgstr "x"'))).toMatchObject({ location: 'bad.po:4', message: expect.stringContaining('without msgid') });
    expect(read(entry('msgid "a"\n\nmsgid "b"\nmsgstr ""'))).toMatchObject({ location: 'bad.po:4', message: expect.stringContaining('without msgstr') });
    expect(read(entry('msgid "a"\nmsgstr "b"\nmsgstr "c"'))).toMatchObject({ location: 'bad.po:6', message: expect.stringContaining('twice') });
    expect(read(entry('msgid "a"\nmsgtxt "b"'))).toMatchObject({ location: 'bad.po:5', message: expect.stringContaining('unexpected') });
    expect(read(entry('"orphan"'))).toMatchObject({ location: 'bad.po:4' });
    expect(read(entry('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"'))).toMatchObject({ location: 'bad.po:5', message: expect.stringContaining('plural') });
    // Broken tags in a translation: the line of the msgstr.
    expect(read(entry('msgctxt "a"\nmsgid "x <pc id=\\"1\\">y</pc>"\nmsgstr ""\n"x <pc id=1>y</pc>"'))).toMatchObject({ location: 'bad.po:6', message: expect.stringContaining('broken tag') });
    expect(read(entry('msgid "x"\nmsgstr "y</pc>"'))).toMatchObject({ location: 'bad.po:5', message: expect.stringContaining('</pc>') });
    expect(read(entry('msgid "x"\nmsgstr "<pc id=\\"1\\">y"'))).toMatchObject({ location: 'bad.po:5', message: expect.stringContaining('never closed') });
  });
});

/** What PO gives back for a segment (see po.ts). */
function expectedPo(s: StoreSegment): { id: string; source: string; target: string; state: TranslationState } {
  if (s.target !== undefined) {
    // A plain entry is "translated" (`reviewed` is for `import --reviewed` to say); a fuzzy one, a
    // draft: drafts and machine or memory texts go out fuzzy.
    const fuzzy = s.state === 'initial' || (s.state === 'translated' && s.origin !== undefined && s.origin !== 'human');
    const st: TranslationState = s.target === '' || fuzzy ? 'initial' : 'translated';
    return { id: s.id, source: s.source, target: s.target, state: st };
  }
  const suggestions = s.suggestions ?? [];
  const offered = suggestions.find((x) => x.kind === 'previous') ?? [...suggestions].sort((a, b) => (b.similarity ?? 0) - (a.similarity ?? 0))[0];
  return { id: s.id, source: s.source, target: offered?.target ?? '', state: 'initial' };
}

function runsOf(tagged: string): Run[] {
  const parsed = parseTagged(tagged);
  if ('problem' in parsed) throw new Error(`bad tagged text ${tagged}`);
  return parsed.runs;
}

// ---------------------------------------------------------------------------

describe('TMX', () => {
  it('writes memory entries the TMX 1.4 DTD accepts, with native codes, props and no dates', () => {
    const tmx = writeTmx(tmxEntriesOf([sample, sample]), { toolVersion: '0.1.0' });
    expect(validate(tmx, 'sample.tmx')).toMatchObject({ status: 0, output: '' });
    expect(tmx).toContain('<header creationtool="Hansa" creationtoolversion="0.1.0" segtype="sentence" o-tmf="hansa" adminlang="en" srclang="pl" datatype="plaintext"/>');
    expect(tmx).toContain('<seg>Zapraszamy do <bpt i="1" x="1" type="bold">**</bpt>Urzędu Pracy<ept i="1">**</ept> &amp; partnerów.</seg>');
    expect(tmx).toContain('<ph x="1" type="lb">&lt;br&gt;</ph>');
    expect(tmx).toContain('<prop type="x-hansa-origin">mt:deepl</prop>');
    expect(tmx).not.toMatch(/creationdate|\d{8}T\d{6}Z/);
    // Untranslated segments are not memory; the same pair twice is one unit.
    expect(tmx.match(/<tu[ >]/g)).toHaveLength(3);
    expect(writeTmx(tmxEntriesOf([sample], 'reviewed')).match(/<tu[ >]/g)).toHaveLength(2);
  });

  it('round-trips random entries: texts exact, state and origin kept, every file valid', () => {
    const entry: fc.Arbitrary<TmxEntry> = fc
      .record({ source: tree, target: tree, state: fc.option(state, { nil: undefined }), origin, withCodes: fc.boolean() })
      .map(({ source, target, state: st, origin: from, withCodes }) => {
        const s = taggedOf(source);
        return {
          source: s.tagged,
          target: taggedOf(target).tagged,
          sourceLanguage: 'pl',
          targetLanguage: 'fi',
          ...(st === undefined ? {} : { state: st }),
          ...(from === undefined ? {} : { origin: from }),
          ...(withCodes ? { codes: codesOf(s.paired) } : {}),
        };
      });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
        const read = readTmx(writeTmx(entries), 'r.tmx');
        expect(read.translations.map(({ source, target, state: st, origin: from, targetLanguage }) => ({ source, target, state: st, origin: from, targetLanguage }))).toEqual(
          entries.map((e) => ({ source: e.source, target: e.target, state: e.target === '' ? 'initial' : (e.state ?? 'translated'), origin: e.origin, targetLanguage: 'fi' })),
        );
      }),
      { numRuns: 300 },
    );
    const result = validate(writeTmx(fc.sample(entry, { numRuns: 100, seed: 7 })), 'random.tmx');
    expect(result).toMatchObject({ status: 0, output: '' });
  });

  it("reads another tool's memory: lang, region tags, hi, it, ut, overlapping codes, several targets", () => {
    const read = readTmx(fixture('other-tool.tmx'), 'other.tmx');
    expect(read.sourceLanguage).toBe('PL-pl');
    expect(read.targetLanguage).toBeUndefined();
    const pairs = read.translations.map(({ source, target, state: st, targetLanguage, line }) => ({ source, target, state: st, targetLanguage, line }));
    expect(pairs).toEqual([
      { source: 'Ala ma <pc id="1">kota</pc>.', target: 'Ala has <pc id="1">a cat</pc>.', state: 'translated', targetLanguage: 'en-GB', line: 7 },
      { source: 'Ala ma <pc id="1">kota</pc>.', target: 'Ala har <pc id="1">en katt</pc>.', state: 'translated', targetLanguage: 'sv-SE', line: 8 },
      { source: 'Zdjęcie <ph id="1"/> i urząd pracy <ph id="2"/>kursywa', target: '<ph id="2"/>Italics, job centre and picture <ph id="1"/>', state: 'translated', targetLanguage: 'en-GB', line: 12 },
      // b and i overlap: i stays paired, b's two ends become standalone codes; <ut> too.
      { source: '<ph id="1"/>A<pc id="2">B<ph id="3"/>C</pc> <ph id="4"/>', target: '<ph id="1"/>A<pc id="2">B<ph id="3"/>C</pc> <ph id="4"/>', state: 'translated', targetLanguage: 'en-GB', line: 16 },
    ]);
    const swedish = readTmx(fixture('other-tool.tmx'), 'other.tmx', { targetLanguage: 'sv' });
    expect(swedish.targetLanguage).toBe('sv-SE');
    expect(swedish.translations).toHaveLength(1);
    const fromGerman = readTmx(fixture('other-tool.tmx'), 'other.tmx', { sourceLanguage: 'de' });
    expect(fromGerman.translations.map((t) => t.target)).toEqual(['Only German and English']);
  });

  it('refuses bad files with file:line', () => {
    const tmx = (header: string, body: string) => `<?xml version="1.0"?>\n<tmx version="1.4">\n${header}\n<body>\n${body}\n</body>\n</tmx>\n`;
    const header = '<header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="pl" datatype="plaintext"/>';
    const read = (text: string) => failure(() => readTmx(text, 'bad.tmx'));
    expect(read(tmx(header, '<tu><tuv xml:lang="pl"><seg>a</seg></tuv>\n<tuv xml:lang="en"><seg>b</sge></tuv></tu>'))).toMatchObject({ code: 'xml_invalid', location: 'bad.tmx:6' });
    expect(read(xxe('tmx'))).toMatchObject({ code: 'xml_dtd_refused', location: 'bad.tmx:2' });
    expect(read(laughs('tmx'))).toMatchObject({ code: 'xml_dtd_refused', location: 'bad.tmx:2' });
    expect(read(tmx(header.replace(' srclang="pl"', ''), ''))).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:3', message: expect.stringContaining('srclang') });
    const anyLanguage = header.replace('"pl"', '"*all*"');
    expect(read(tmx(anyLanguage, '<tu><tuv xml:lang="pl"><seg>a</seg></tuv></tu>'))).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:3' });
    expect(readTmx(tmx(anyLanguage, ''), 'empty.tmx').translations).toEqual([]);
    expect(read(tmx(header, '<tu>\n<tuv xml:lang="pl"><seg>a</seg></tuv>\n<tuv><seg>b</seg></tuv>\n</tu>'))).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:7', message: expect.stringContaining('xml:lang') });
    expect(read(tmx(header, '<tu>\n<tuv xml:lang="pl"><seg>a <b>x</b></seg></tuv>\n</tu>'))).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:6' });
    expect(read(tmx(header, '<tu>\n<prop type="x-hansa-state">done</prop>\n<tuv xml:lang="pl"><seg>a</seg></tuv>\n<tuv xml:lang="en"><seg>b</seg></tuv>\n</tu>'))).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:8' });
    expect(read(tmx(header, '<tu>\n<tuv xml:lang="pl"></tuv>\n</tu>'))).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:6' });
    expect(read('<tmx version="1.4"><body/></tmx>')).toMatchObject({ code: 'import_invalid', location: 'bad.tmx:1', message: expect.stringContaining('header') });
  });
});
