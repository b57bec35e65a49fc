/**
 * Issue 5 end to end: translators in the loop, through the real `hansa` executable, as a user
 * sees it. Segment files (XLIFF 2.1 below translations/<lang>/), human work that no machine
 * or rerun undoes, changed and deleted sources, `build` with a minimum state, `status`, `qa`,
 * and the exchange formats checked by the tools translators use (xmllint with the OASIS
 * schemas, GNU gettext, translate-toolkit); bad files refused whole, with file:line.
 *
 * Needs `npm run build` first, and the Debian tools test/setup-system.sh installs.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXliff2, writeXliff2 } from '../src/formats/xliff2.js';
import { segmentsOf, type SegmentFile, type StoreSegment, type TranslationState } from '../src/formats/types.js';
import { plainText } from '../src/markdown/tagged.js';
import { filesBelow, hansa, sampleProject, type CliResult } from './helpers/cli.js';
import { startMockOpenAi, type MockOpenAi } from './helpers/mock-openai.js';

// ── the tools these tests drive: missing ones fail the file, they are not skipped ──

const requiredTools = ['xmllint', 'msgfmt', 'pocount', 'po2xliff', 'xliff2po'];
const missingTools = requiredTools.filter((tool) => spawnSync('which', [tool], { encoding: 'utf8' }).status !== 0);
if (missingTools.length > 0) {
  throw new Error(`test/workflow.test.ts needs ${missingTools.join(', ')} (Debian: libxml2-utils, gettext, translate-toolkit); run test/setup-system.sh`);
}
if (!existsSync(path.resolve('build/src/cli/main.js'))) throw new Error('test/workflow.test.ts runs the built hansa: run `npm run build` first');

// shared/ sits beside the checkout, here and in CI.
const validator = path.resolve('../shared/tools/validate-l10n');

/** Run a tool; status and everything it printed. */
function tool(command: string, args: readonly string[], cwd?: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(cwd === undefined ? {} : { cwd }) });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** validate-l10n (xmllint with the OASIS schemas / TMX DTD) on files; fails the test with its output. */
function expectValid(files: readonly string[]): void {
  expect(files.length).toBeGreaterThan(0);
  const result = tool(validator, files);
  expect(result.output).not.toMatch(/fails to validate|error/i);
  expect(result.status, result.output).toBe(0);
}

// ── the sample project ──

const lider = 'aktualnosci/2021-11-10-europejski-lider';
const targi = 'aktualnosci/2022-03-15-targi-pracy';

/** Sentences of the sample article `lider` the tests work on. */
const przerwa = 'Przerwa spowodowana pandemią nieco zatrzymała te działania, ale tylko w ostatnim miesiącu gościliśmy trzy zagraniczne delegacje ciekawe tego, jak funkcjonujemy.';
const przerwaEn = 'The break caused by the pandemic slowed this down a little, yet in the last month alone we hosted three foreign delegations curious about how we work.';
const nine = '9 listopada mieliśmy okazję odebrać statuetkę i podzielić się inspiracjami z innymi instytucjami.';
const nineEn = 'On 9 November we had the opportunity to collect the statuette and share inspiration with other institutions.';
const heading = 'Europejski Lider Aktywizacji Osób Młodych';
const headingEn = 'European Youth Activation Leader';
const centrum = 'Centrum Rozwoju Talentów od początku swojego istnienia budzi zainteresowanie nie tylko na arenie krajowej, ale także międzynarodowej.';
const lastParagraph =
  'Cieszymy się, że jako instytucja publiczna możemy pokazać się na arenie międzynarodowej nie tylko czerpiąc wiedzę od innych, ale przede wszystkim pokazując nasze dobre praktyki w zwiększaniu dostępności do usług poradnictwa zawodowego i innych działań zbliżających młodych ludzi do rynku pracy.';
const lastParagraphEn =
  'We are glad that, as a public institution, we can show ourselves internationally, not only learning from others but above all showing our good practice in widening access to career guidance and other activities that bring young people closer to the labour market.';
/** A sentence of `targi` with a link (a paired code). */
const linked = 'Pełną listę wystawców publikujemy na stronie <pc id="1">Gdańskich Targów Pracy</pc>.';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tracked(dir: Promise<string>): Promise<string> {
  const made = await dir;
  scratch.push(made);
  return made;
}

/** A copy of a prepared project (caches and journal included), for one test to change. */
async function copyOf(base: string): Promise<string> {
  const dir = await tracked(mkdtemp(path.join(tmpdir(), 'hansa-workflow-')));
  await cp(base, dir, { recursive: true });
  return dir;
}

async function writeConfig(dir: string, config: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** Run hansa and insist on the exit code, showing what it printed when it differs. */
async function run(dir: string, args: readonly string[], code = 0, env?: Record<string, string>): Promise<CliResult> {
  const result = await hansa(dir, args, env === undefined ? {} : { env });
  expect(result.code, `hansa ${args.join(' ')}\n${result.stderr}\n${result.stdout}`).toBe(code);
  return result;
}

const xlf = (dir: string, lang: string, doc: string): string => path.join(dir, 'translations', lang, `${doc}.xlf`);
const source = (dir: string, doc: string): string => path.join(dir, 'content/pl', `${doc}.md`);

async function readStore(dir: string, lang: string, doc: string): Promise<SegmentFile> {
  return readXliff2(await readFile(xlf(dir, lang, doc), 'utf8'), `${lang}/${doc}.xlf`);
}

/** The one segment whose source is `text` (tagged). */
function segmentWith(file: SegmentFile, text: string): StoreSegment {
  const found = segmentsOf(file).filter((segment) => segment.source === text);
  if (found.length !== 1) throw new Error(`${found.length} segments with the source ${text}`);
  return found[0] as StoreSegment;
}

/** A translator's edit through the store model: read the XLIFF, change segments, write it back. */
async function editStore(dir: string, lang: string, doc: string, change: (segment: StoreSegment) => StoreSegment): Promise<void> {
  const file = await readStore(dir, lang, doc);
  const units = file.units.map((unit) => ({ ...unit, parts: unit.parts.map((part) => ('segment' in part ? { segment: change(part.segment) } : part)) }));
  await writeFile(xlf(dir, lang, doc), writeXliff2({ ...file, units }));
}

/** Set the human translation of the segments whose sources are the keys. */
async function translateAsHuman(dir: string, lang: string, doc: string, targets: Readonly<Record<string, string>>, state: TranslationState = 'reviewed'): Promise<void> {
  const wanted = new Map(Object.entries(targets));
  await editStore(dir, lang, doc, (segment) => {
    const target = wanted.get(segment.source);
    if (target === undefined) return segment;
    wanted.delete(segment.source);
    return { ...segment, target, state, origin: 'human' };
  });
  expect([...wanted.keys()]).toEqual([]);
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A translator's edit in a text editor: the `<target>` added under the `<source>` of the
 * untranslated segment `id`, and its state set.
 */
function addTargetAsText(xml: string, id: string, target: string, state: TranslationState): string {
  const pattern = new RegExp(`(<segment id="${id}") state="initial">\\n( *)(<source[^>]*>.*</source>)\\n`);
  expect(xml).toMatch(pattern);
  return xml.replace(pattern, (_, open: string, pad: string, sourceLine: string) => `${open} state="${state}">\n${pad}${sourceLine}\n${pad}<target>${escapeXml(target)}</target>\n`);
}

/** The `<segment>` element of `id` as written in the file. */
function segmentXml(xml: string, id: string): string {
  const match = new RegExp(`<segment id="${id}"[\\s\\S]*?</segment>`).exec(xml);
  if (match === null) throw new Error(`no segment ${id}`);
  return match[0];
}

/** Every file below `dir/sub` with its bytes (empty when the folder is absent). */
async function snapshot(dir: string, sub = 'translations'): Promise<Map<string, string>> {
  const root = path.join(dir, sub);
  if (!existsSync(root)) return new Map();
  const files = await filesBelow(root);
  return new Map(await Promise.all(files.map(async (file) => [file, await readFile(path.join(root, file), 'latin1')] as const)));
}

/** Segment files of a language, relative to translations/<lang>/. */
async function segmentFilesOf(dir: string, lang: string): Promise<string[]> {
  return (await filesBelow(path.join(dir, 'translations', lang))).filter((file) => file.endsWith('.xlf'));
}

// ── PO editing, as Poedit or a text editor would ──

function poQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Translate the PO entry of segment `id` (found by Hansa's `#. segment:` comment, which
 * survives translate-toolkit): `msgstr` set, and, as a translator who accepts it, `fuzzy`
 * and the `#|` previous source removed.
 */
function translatePoEntry(po: string, id: string, target: string): string {
  const lines = po.split('\n');
  const start = lines.indexOf(`#. segment: ${id}`);
  if (start < 0) throw new Error(`no PO entry for segment ${id}`);
  let end = start;
  while (end < lines.length && lines[end] !== '') end += 1;
  const entry = lines.slice(start, end);
  const msgstr = entry.findIndex((line) => line.startsWith('msgstr '));
  const edited = [...entry.slice(0, msgstr).filter((line) => line !== '#, fuzzy' && !line.startsWith('#|')), `msgstr ${poQuote(target)}`];
  // Comments above the `#. segment:` line (unit name) stay as they were.
  return [...lines.slice(0, start), ...edited, ...lines.slice(end)].join('\n');
}

// ── the mock provider and what it was asked ──

let mock: MockOpenAi;
beforeAll(async () => {
  mock = await startMockOpenAi();
});
afterAll(async () => {
  await mock.close();
});

function openAiEnv(): Record<string, string> {
  return { OPENAI_BASE_URL: mock.url, OPENAI_MODEL: 'test-model', ...(mock.key === undefined ? {} : { OPENAI_API_KEY: mock.key }) };
}

/** The segment texts (plain) sent to the mock since request `from`, by target language name. */
function sentSince(from: number): { language: string; texts: string[] }[] {
  return mock.requests.slice(from).map((request) => {
    const messages = request.body.messages ?? [];
    const system = messages.find((message) => message.role === 'system')?.content ?? '';
    const user = messages.find((message) => message.role === 'user')?.content ?? '{}';
    const segments = (JSON.parse(user) as { segments: { id: string; text: string }[] }).segments;
    const language = /Swedish/.test(system) ? 'sv' : /English/.test(system) ? 'en' : '??';
    return { language, texts: segments.map((segment) => plainText(segment.text)) };
  });
}

// ── prepared projects: the sample content with en and sv, segment files extracted ──

let extracted: string;
beforeAll(async () => {
  extracted = await tracked(sampleProject());
  await writeConfig(extracted, { targetLanguages: ['en', 'sv'] });
  await run(extracted, ['extract']);
});

describe('hansa extract: segment files', () => {
  it('writes one valid XLIFF 2.1 file per document and target language, the same bytes on a rerun and in another checkout', async () => {
    const dir = await tracked(sampleProject());
    // The repository's own configuration: nine target languages.
    const config = JSON.parse(await readFile(path.resolve('hansa.config.json'), 'utf8')) as { targetLanguages: string[] };
    await cp(path.resolve('hansa.config.json'), path.join(dir, 'hansa.config.json'));
    const first = await run(dir, ['extract']);
    expect(first.stderr).toMatch(/segments/);

    const documents = (await filesBelow(path.join(dir, 'content/pl'))).filter((file) => file.endsWith('.md'));
    expect(documents.length).toBe(4);
    const expected = config.targetLanguages.flatMap((lang) => documents.map((doc) => `${lang}/${doc.replace(/\.md$/, '.xlf')}`)).sort();
    expect(await filesBelow(path.join(dir, 'translations'))).toEqual(expected);
    expectValid(expected.map((file) => path.join(dir, 'translations', file)));

    // Each file names its document and languages, and holds that document's segments.
    const file = readXliff2(await readFile(xlf(dir, 'de', lider), 'utf8'), 'de.xlf');
    expect(file).toMatchObject({ original: `content/pl/${lider}.md`, sourceLanguage: 'pl', targetLanguage: 'de' });
    expect(segmentsOf(file).map((segment) => segment.source)).toContain(przerwa);

    const before = await snapshot(dir);
    await run(dir, ['extract']);
    expect(await snapshot(dir)).toEqual(before);
    // Caches gone: the same inputs still give the same bytes.
    await rm(path.join(dir, '.hansa'), { recursive: true, force: true });
    await run(dir, ['extract']);
    expect(await snapshot(dir)).toEqual(before);
    const elsewhere = await tracked(sampleProject());
    await cp(path.resolve('hansa.config.json'), path.join(elsewhere, 'hansa.config.json'));
    await run(elsewhere, ['extract']);
    expect(await snapshot(elsewhere)).toEqual(before);
  });
});

describe('human work is sacred', () => {
  it('keeps reviewed and final translations byte-identical through machine runs, publishes them, and sends nothing twice', async () => {
    const dir = await copyOf(extracted);
    // A translator reviews one sentence through a tool that rewrites the file …
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn });
    await translateAsHuman(dir, 'sv', lider, { [nine]: 'Den 9 november fick vi ta emot statyetten och dela inspiration med andra institutioner.' }, 'final');
    // … and finalises another in a text editor.
    const headingId = segmentWith(await readStore(dir, 'en', lider), heading).id;
    await writeFile(xlf(dir, 'en', lider), addTargetAsText(await readFile(xlf(dir, 'en', lider), 'utf8'), headingId, headingEn, 'final'));
    expectValid([xlf(dir, 'en', lider), xlf(dir, 'sv', lider)]);

    const enBefore = await readStore(dir, 'en', lider);
    const svBefore = await readStore(dir, 'sv', lider);
    const przerwaId = segmentWith(enBefore, przerwa).id;
    const nineId = segmentWith(svBefore, nine).id;
    const enXml = await readFile(xlf(dir, 'en', lider), 'utf8');
    const svXml = await readFile(xlf(dir, 'sv', lider), 'utf8');
    const human = { en: [segmentXml(enXml, przerwaId), segmentXml(enXml, headingId)], sv: [segmentXml(svXml, nineId)] };
    expect(human.en[1]).toBe(`<segment id="${headingId}" state="final">\n        <source>${heading}</source>\n        <target>${headingEn}</target>\n      </segment>`);
    // What was open before the run, per language: only these may be sent.
    const openBefore = new Map<string, Set<string>>();
    for (const lang of ['en', 'sv']) {
      const open = new Set<string>();
      for (const doc of await segmentFilesOf(dir, lang)) {
        for (const segment of segmentsOf(await readStore(dir, lang, doc.replace(/\.xlf$/, '')))) if (segment.target === undefined) open.add(plainText(segment.source));
      }
      openBefore.set(lang, open);
    }

    const from = mock.requests.length;
    await run(dir, ['translate', '--provider', 'openai'], 0, openAiEnv());
    const sent = sentSince(from);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      expect(['en', 'sv']).toContain(request.language);
      for (const text of request.texts) expect(openBefore.get(request.language)?.has(text), `${request.language}: ${text}`).toBe(true);
    }
    const sentTo = (lang: string): string[] => sent.filter((request) => request.language === lang).flatMap((request) => request.texts);
    expect(sentTo('en')).not.toContain(przerwa);
    expect(sentTo('en')).not.toContain(heading);
    expect(sentTo('sv')).not.toContain(nine);
    expect(sentTo('sv')).toContain(przerwa);
    // Each distinct open source went once per language.
    expect(new Set(sentTo('en')).size).toBe(sentTo('en').length);
    expect(new Set(sentTo('en'))).toEqual(openBefore.get('en'));

    // The human segments, byte for byte.
    const enAfterXml = await readFile(xlf(dir, 'en', lider), 'utf8');
    const svAfterXml = await readFile(xlf(dir, 'sv', lider), 'utf8');
    expect([segmentXml(enAfterXml, przerwaId), segmentXml(enAfterXml, headingId)]).toEqual(human.en);
    expect([segmentXml(svAfterXml, nineId)]).toEqual(human.sv);
    expectValid([xlf(dir, 'en', lider), xlf(dir, 'sv', lider)]);

    // Machine answers filled exactly the segments without targets.
    const enAfter = await readStore(dir, 'en', lider);
    const beforeById = new Map(segmentsOf(enBefore).map((segment) => [segment.id, segment]));
    for (const segment of segmentsOf(enAfter)) {
      const earlier = beforeById.get(segment.id);
      expect(earlier).toBeDefined();
      if (earlier?.target !== undefined) {
        expect(segment).toMatchObject({ target: earlier.target, state: earlier.state });
      } else {
        expect(segment.state).toBe('translated');
        expect(segment.origin).toMatch(/^mt:openai/);
        expect(segment.target).toMatch(/^British English: /);
      }
    }
    expect(segmentWith(enAfter, przerwa)).toMatchObject({ target: przerwaEn, state: 'reviewed', origin: 'human' });

    // dist/ shows the human text, the machine text elsewhere.
    const dist = await readFile(path.join(dir, 'dist/en', `${lider}.md`), 'utf8');
    expect(dist).toContain(przerwaEn);
    expect(dist).toContain(`## ${headingEn}`);
    expect(dist).toContain('English: CENTRUM ROZWOJU TALENTÓW');
    expect(await readFile(path.join(dir, 'dist/sv', `${lider}.md`), 'utf8')).toContain('Den 9 november fick vi');

    // A second run: nothing sent, journal and segment files unchanged.
    const requests = mock.requests.length;
    const journal = await readFile(path.join(dir, '.hansa/journal.jsonl'), 'utf8');
    const files = await snapshot(dir);
    await run(dir, ['translate', '--provider', 'openai'], 0, openAiEnv());
    expect(mock.requests.length).toBe(requests);
    expect(await readFile(path.join(dir, '.hansa/journal.jsonl'), 'utf8')).toBe(journal);
    expect(await snapshot(dir)).toEqual(files);
    // Nor does the memory alone change anything.
    await run(dir, ['extract']);
    await run(dir, ['translate']);
    expect(await snapshot(dir)).toEqual(files);
  });
});

describe('a changed source', () => {
  it('makes the edited sentence new, with the old reviewed translation and old source as a suggestion', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn, [nine]: nineEn });
    const edited = przerwa.replace('trzy zagraniczne delegacje', 'cztery zagraniczne delegacje');
    const text = await readFile(source(dir, lider), 'utf8');
    await writeFile(source(dir, lider), text.replace(przerwa, edited));
    await run(dir, ['extract']);

    const file = await readStore(dir, 'en', lider);
    const segment = segmentWith(file, edited);
    expect(segment.target).toBeUndefined();
    expect(segment.state).toBe('initial');
    expect(segment.suggestions?.[0]).toMatchObject({ kind: 'previous', source: przerwa, target: przerwaEn, origin: 'human', state: 'reviewed' });
    expect(segmentsOf(file).some((item) => item.source === przerwa)).toBe(false);
    // The unchanged sentence keeps its translation.
    expect(segmentWith(file, nine)).toMatchObject({ target: nineEn, state: 'reviewed', origin: 'human' });

    // In the XLIFF: a Translation Candidates match of type hansa:previous, with the old source.
    const xml = await readFile(xlf(dir, 'en', lider), 'utf8');
    expect(segmentXml(xml, segment.id)).not.toContain('<target>');
    const match = new RegExp(`<mtc:match ref="#${segment.id}"[^>]*>[\\s\\S]*?</mtc:match>`).exec(xml)?.[0] ?? '';
    expect(match).toContain('subType="hansa:previous"');
    expect(match).toContain('origin="human"');
    expect(match).toContain(`<source>${przerwa}</source>`);
    expect(match).toContain(`<target>${przerwaEn}</target>`);
    expect(match).toMatch(/<mda:meta type="state">reviewed<\/mda:meta>/);
    expectValid([xlf(dir, 'en', lider)]);
    expect(existsSync(path.join(dir, 'translations/en/retired.tmx'))).toBe(false);

    // status counts it as new; a machine run fills it and the suggestion stays for the reviewer.
    const status = JSON.parse((await run(dir, ['status', '--json', '--to', 'en'])).stdout) as { languages: { new: number; reviewed: number }[] };
    expect(status.languages[0]?.reviewed).toBe(1);
    await run(dir, ['translate', `content/pl/${lider}.md`, '--provider', 'openai', '--to', 'en'], 0, openAiEnv());
    const after = segmentWith(await readStore(dir, 'en', lider), edited);
    expect(after).toMatchObject({ state: 'translated', target: expect.stringMatching(/^British English: /) as unknown });
    expect(after.suggestions?.[0]).toMatchObject({ kind: 'previous', source: przerwa, target: przerwaEn });
    expect(segmentWith(await readStore(dir, 'en', lider), nine)).toMatchObject({ target: nineEn, state: 'reviewed' });
  });

  it('retires the translation of a deleted paragraph to translations/<lang>/retired.tmx and offers it again when the text comes back', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [lastParagraph]: lastParagraphEn });
    const original = await readFile(source(dir, lider), 'utf8');
    await writeFile(source(dir, lider), original.replace(`${lastParagraph}\n\n`, ''));
    await run(dir, ['extract']);

    expect(segmentsOf(await readStore(dir, 'en', lider)).some((segment) => segment.source === lastParagraph)).toBe(false);
    const retired = path.join(dir, 'translations/en/retired.tmx');
    const tmx = await readFile(retired, 'utf8');
    expect(tmx).toContain(lastParagraph);
    expect(tmx).toContain(lastParagraphEn);
    expect(tmx).toContain('<prop type="x-hansa-state">reviewed</prop>');
    expectValid([retired]);
    // sv had no translation of it: nothing to retire.
    expect(existsSync(path.join(dir, 'translations/sv/retired.tmx'))).toBe(false);

    // The text comes back (in another article): the memory gives the retired translation.
    const elsewhere = await readFile(source(dir, targi), 'utf8');
    await writeFile(source(dir, targi), `${elsewhere.trimEnd()}\n\n${lastParagraph}\n`);
    await run(dir, ['extract']);
    expect(segmentWith(await readStore(dir, 'en', targi), lastParagraph)).toMatchObject({ target: lastParagraphEn, state: 'translated', origin: 'tm:exact' });
    await writeFile(source(dir, lider), original);
    await run(dir, ['extract']);
    expect(segmentWith(await readStore(dir, 'en', lider), lastParagraph)).toMatchObject({ target: lastParagraphEn, origin: expect.stringMatching(/^tm:/) as unknown });
    expectValid([retired, xlf(dir, 'en', lider), xlf(dir, 'en', targi)]);
  });

  it('offers the old translation in exported PO and XLIFF 1.2 (fuzzy, #| msgid, alt-trans); accepted in PO it comes back translated by a person', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn });
    const edited = przerwa.replace('trzy zagraniczne delegacje', 'cztery zagraniczne delegacje');
    await writeFile(source(dir, lider), (await readFile(source(dir, lider), 'utf8')).replace(przerwa, edited));
    await run(dir, ['extract']);
    const id = segmentWith(await readStore(dir, 'en', lider), edited).id;
    await run(dir, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
    await run(dir, ['export', '--format', 'xliff12', '--to', 'en', '--out', 'export']);

    const poFile = path.join(dir, 'export/en', `${lider}.po`);
    const po = await readFile(poFile, 'utf8');
    const entry = po.slice(po.indexOf(`#. segment: ${id}`)).split('\n\n')[0] ?? '';
    expect(entry).toContain('#, fuzzy');
    expect(entry).toContain(`#| msgid ${poQuote(przerwa)}`);
    expect(entry).toContain(`msgid ${poQuote(edited)}`);
    expect(entry).toContain(`msgstr ${poQuote(przerwaEn)}`);
    const checked = tool('msgfmt', ['-c', '--check-format', '-o', '/dev/null', poFile]);
    expect(checked.status, checked.output).toBe(0);
    const xliff12 = await readFile(path.join(dir, 'export/en', `${lider}.xliff`), 'utf8');
    expect(xliff12).toMatch(new RegExp(`<alt-trans origin="human"[^>]*alttranstype="previous-version"[^>]*>\\s*<source>${przerwa}</source>\\s*<target state="signed-off">${przerwaEn}</target>`));
    expectValid([path.join(dir, 'export/en', `${lider}.xliff`)]);

    // Left fuzzy, the offer is not a translation: importing changes nothing.
    const before = await snapshot(dir);
    await run(dir, ['import', poFile]);
    expect(await snapshot(dir)).toEqual(before);
    // Accepted (fuzzy and #| removed, the text adapted): translated, by a person.
    const adapted = przerwaEn.replace('three', 'four');
    await writeFile(poFile, translatePoEntry(po, id, adapted));
    await run(dir, ['import', poFile]);
    expect(segmentWith(await readStore(dir, 'en', lider), edited)).toMatchObject({ target: adapted, state: 'translated', origin: 'human' });
    expectValid([xlf(dir, 'en', lider)]);
  });

  it('an import after the author deleted a paragraph (no extract between) retires its translation, not loses it', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [lastParagraph]: lastParagraphEn });
    const original = await readFile(source(dir, lider), 'utf8');
    await writeFile(source(dir, lider), original.replace(`${lastParagraph}\n\n`, ''));
    // The translator exports, translates one sentence and imports, all before anyone runs extract.
    await run(dir, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
    const poFile = path.join(dir, 'export/en', `${lider}.po`);
    const id = segmentWith(await readStore(dir, 'en', lider), przerwa).id;
    await writeFile(poFile, translatePoEntry(await readFile(poFile, 'utf8'), id, przerwaEn));
    await run(dir, ['import', poFile]);
    expect(segmentWith(await readStore(dir, 'en', lider), przerwa)).toMatchObject({ target: przerwaEn, state: 'translated' });

    const retired = path.join(dir, 'translations/en/retired.tmx');
    expect(existsSync(retired)).toBe(true);
    expect(await readFile(retired, 'utf8')).toContain(lastParagraphEn);
    expectValid([retired]);
    // And the memory still has it when the text comes back.
    await writeFile(source(dir, lider), original);
    await run(dir, ['extract']);
    expect(segmentWith(await readStore(dir, 'en', lider), lastParagraph)).toMatchObject({ target: lastParagraphEn });
  });
});

describe('hansa build: minimum state and fallback', () => {
  let machine: string;
  beforeAll(async () => {
    machine = await copyOf(extracted);
    await run(machine, ['translate', '--provider', 'openai'], 0, openAiEnv());
  });

  const frontmatterStatus = (markdown: string): string | undefined => /^translationStatus: (\S+)$/m.exec(markdown)?.[1];

  it('publishes only reviewed text, else the source or the machine text, and says so in translationStatus', async () => {
    const dir = await copyOf(machine);
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn }, 'reviewed');
    await editStore(dir, 'en', lider, (segment) => (segment.source === nine ? { ...segment, target: nineEn, state: 'final', origin: 'human' } : segment));
    const output = path.join(dir, 'dist/en', `${lider}.md`);

    await writeConfig(dir, { targetLanguages: ['en', 'sv'], build: { minState: 'reviewed', fallback: 'source' } });
    await run(dir, ['build']);
    let dist = await readFile(output, 'utf8');
    expect(dist).toContain(przerwaEn);
    expect(dist).toContain(nineEn);
    expect(dist).toContain(centrum);
    expect(dist).not.toMatch(/English: /);
    expect(frontmatterStatus(dist)).toBe('partial');
    expect(frontmatterStatus(await readFile(path.join(dir, 'dist/sv', `${lider}.md`), 'utf8'))).toBe('partial');

    await writeConfig(dir, { targetLanguages: ['en', 'sv'], build: { minState: 'reviewed', fallback: 'machine' } });
    await run(dir, ['build']);
    dist = await readFile(output, 'utf8');
    expect(dist).toContain(przerwaEn);
    expect(dist).toContain(nineEn);
    expect(dist).not.toContain(centrum);
    expect(dist).toContain(`English: ${centrum.toUpperCase()}`);
    expect(frontmatterStatus(dist)).toBe('machine');

    // Every segment of the article reviewed: the article is reviewed, whatever the fallback.
    await editStore(dir, 'en', lider, (segment) => (segment.state === 'final' ? segment : { ...segment, state: 'reviewed' }));
    await run(dir, ['build']);
    dist = await readFile(output, 'utf8');
    expect(frontmatterStatus(dist)).toBe('reviewed');
    expect(dist).toContain(`English: ${centrum.toUpperCase()}`);
    await writeConfig(dir, { targetLanguages: ['en', 'sv'], build: { minState: 'reviewed', fallback: 'source' } });
    const summary = JSON.parse((await run(dir, ['build', '--json'])).stdout) as { languages: { lang: string; byStatus: Record<string, number> }[] };
    expect(frontmatterStatus(await readFile(output, 'utf8'))).toBe('reviewed');
    expect(summary.languages.find((language) => language.lang === 'en')?.byStatus).toEqual({ reviewed: 1, partial: 3 });
    expect(summary.languages.find((language) => language.lang === 'sv')?.byStatus).toEqual({ partial: 4 });
    // The segment files are not touched by a build.
    const files = await snapshot(dir);
    await run(dir, ['build']);
    expect(await snapshot(dir)).toEqual(files);
  });
});

describe('hansa status and hansa qa', () => {
  interface LanguageCounts {
    lang: string;
    words?: number;
    files: number;
    segments: number;
    new: number;
    translated: number;
    reviewed: number;
    final: number;
    percentTranslated: number;
    percentReviewed: number;
  }

  /** The counts `hansa status` should show, from the segment files themselves. */
  async function countsFromFiles(dir: string, lang: string): Promise<LanguageCounts> {
    const counts = { lang, files: 0, segments: 0, new: 0, translated: 0, reviewed: 0, final: 0 };
    for (const file of await segmentFilesOf(dir, lang)) {
      counts.files += 1;
      for (const segment of segmentsOf(await readStore(dir, lang, file.replace(/\.xlf$/, '')))) {
        counts.segments += 1;
        if (segment.target === undefined || segment.state === 'initial') counts.new += 1;
        else if (segment.state === 'final') counts.final += 1;
        else if (segment.state === 'reviewed') counts.reviewed += 1;
        else counts.translated += 1;
      }
    }
    const percent = (part: number): number => Math.round((1000 * part) / counts.segments) / 10;
    return { ...counts, percentTranslated: percent(counts.segments - counts.new), percentReviewed: percent(counts.reviewed + counts.final) };
  }

  it('status: the table and --json count what the segment files hold', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn, [nine]: nineEn }, 'reviewed');
    await translateAsHuman(dir, 'en', lider, { [heading]: headingEn, [lastParagraph]: lastParagraphEn }, 'final');
    await translateAsHuman(dir, 'en', targi, { [linked]: 'We publish the full list of exhibitors on the <pc id="1">Gdańsk Job Fair</pc> website.' }, 'translated');
    await translateAsHuman(dir, 'sv', lider, { [przerwa]: 'Pausen orsakad av pandemin bromsade detta något.' }, 'final');
    // A draft a CAT tool left in state initial (the source copied in): not a translation yet.
    const centrumId = segmentWith(await readStore(dir, 'sv', lider), centrum).id;
    await writeFile(xlf(dir, 'sv', lider), addTargetAsText(await readFile(xlf(dir, 'sv', lider), 'utf8'), centrumId, centrum, 'initial'));
    expect(segmentWith(await readStore(dir, 'sv', lider), centrum)).toMatchObject({ target: centrum, state: 'initial' });

    const report = JSON.parse((await run(dir, ['status', '--json'])).stdout) as { languages: LanguageCounts[]; errors: unknown[] };
    expect(report.errors).toEqual([]);
    const en = await countsFromFiles(dir, 'en');
    const sv = await countsFromFiles(dir, 'sv');
    expect(en).toMatchObject({ reviewed: 2, final: 2, files: 4 });
    expect(en.translated).toBe((await countsFromFiles(extracted, 'en')).translated + 1);
    expect(sv).toMatchObject({ reviewed: 0, final: 1, new: (await countsFromFiles(extracted, 'sv')).new - 1 });
    expect(report.languages.map((language) => language.lang)).toEqual(['en', 'sv']);
    expect(report.languages[0]).toMatchObject(en);
    expect(report.languages[1]).toMatchObject(sv);

    // The table is human text: stderr (DESIGN §3); stdout is for --json only.
    const shown = await run(dir, ['status']);
    expect(shown.stdout).toBe('');
    const table = shown.stderr.trimEnd().split('\n');
    expect(table).toHaveLength(3);
    expect(table[0]?.split(/\s{2,}/).slice(0, 7)).toEqual(['language', 'segments', 'words', 'new', 'translated', 'reviewed', 'final']);
    for (const [index, counts] of [en, sv].entries()) {
      const cells = table[index + 1]?.trim().split(/\s+/) ?? [];
      expect(cells).toEqual([counts.lang, String(counts.segments), String(report.languages[index]?.words), String(counts.new), String(counts.translated), String(counts.reviewed), String(counts.final), `${counts.percentTranslated}%`, `${counts.percentReviewed}%`]);
    }
  });

  it('qa: exit 1 when a human translation breaks a check, with severity, segment, file and message in --json; exit 0 once fixed', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn, [nine]: nineEn }, 'reviewed');
    let result = await run(dir, ['qa', '--json'], 0);
    let report = JSON.parse(result.stdout) as { checked: number; findings: { severity: string; segment: string; file: string; message: string; code: string }[] };
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    const checked = report.checked;

    // The reviewed translation loses its number.
    await translateAsHuman(dir, 'en', lider, { [nine]: 'In November we had the opportunity to collect the statuette and share inspiration with other institutions.' }, 'reviewed');
    const id = segmentWith(await readStore(dir, 'en', lider), nine).id;
    result = await run(dir, ['qa', '--json'], 1);
    report = JSON.parse(result.stdout) as typeof report;
    expect(report.checked).toBe(checked);
    const errors = report.findings.filter((finding) => finding.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({ severity: 'error', code: 'numbers', segment: id, file: `translations/en/${lider}.xlf`, message: expect.stringContaining('9') as unknown })]);
    // Human text on stderr too.
    const human = await run(dir, ['qa'], 1);
    expect(human.stderr).toContain(`translations/en/${lider}.xlf`);
    expect(human.stderr).toContain(id);
    expect(human.stderr).toMatch(/1 error/);

    // Other languages' files are not the problem.
    await run(dir, ['qa', '--to', 'sv'], 0);
    await translateAsHuman(dir, 'en', lider, { [nine]: nineEn }, 'reviewed');
    await run(dir, ['qa'], 0);
  });
});

describe('export and import round trips', () => {
  const exported = (dir: string, lang: string, doc: string, extension: string): string => path.join(dir, 'export', lang, `${doc}${extension}`);

  it('PO: msgfmt -c and pocount accept it; a translated entry comes back translated by a person, also after po2xliff and xliff2po', async () => {
    const dir = await copyOf(extracted);
    await run(dir, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
    const files = (await filesBelow(path.join(dir, 'export'))).map((file) => path.join(dir, 'export', file));
    expect(files).toHaveLength(4);
    for (const file of files) {
      const checked = tool('msgfmt', ['-c', '--check-format', '-o', '/dev/null', file]);
      expect(checked.status, checked.output).toBe(0);
    }
    const counted = tool('pocount', [exported(dir, 'en', lider, '.po')]);
    expect(counted.status, counted.output).toBe(0);
    expect(counted.output).toMatch(/Total:\s+\d+/);

    const store = await readStore(dir, 'en', lider);
    const przerwaId = segmentWith(store, przerwa).id;
    const nineId = segmentWith(store, nine).id;
    const po = exported(dir, 'en', lider, '.po');
    const poText = await readFile(po, 'utf8');
    expect(poText).toContain(`msgctxt "${przerwaId}"`);
    await writeFile(po, translatePoEntry(poText, przerwaId, przerwaEn));
    expect(tool('msgfmt', ['-c', '--check-format', '-o', '/dev/null', po]).status).toBe(0);
    const result = await run(dir, ['import', po, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ format: 'po', lang: 'en', into: [`translations/en/${lider}.xlf`], imported: 1, keptReviewed: 0 }], failed: [] });
    // PO keeps no states: a translation is a person's, reviewed only from a reviewer's file (--reviewed).
    expect(segmentWith(await readStore(dir, 'en', lider), przerwa)).toMatchObject({ target: przerwaEn, state: 'translated', origin: 'human' });
    expectValid([xlf(dir, 'en', lider)]);

    // translate-toolkit: PO → XLIFF → PO loses msgctxt; the segment comment keeps the ids.
    const roundTrip = path.join(dir, 'roundtrip');
    const toXliff = tool('po2xliff', [po, `${roundTrip}.xlf`]);
    expect(toXliff.status, toXliff.output).toBe(0);
    const toPo = tool('xliff2po', [`${roundTrip}.xlf`, `${roundTrip}.po`]);
    expect(toPo.status, toPo.output).toBe(0);
    const travelled = await readFile(`${roundTrip}.po`, 'utf8');
    expect(travelled).not.toContain('msgctxt');
    await writeFile(`${roundTrip}.po`, translatePoEntry(travelled, nineId, nineEn));
    const again = await run(dir, ['import', `${roundTrip}.po`, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: [{ imported: 1, keptReviewed: 0 }], failed: [] });
    const after = await readStore(dir, 'en', lider);
    expect(segmentWith(after, nine)).toMatchObject({ target: nineEn, state: 'translated', origin: 'human' });
    // The first import survived the round trip untouched.
    expect(segmentWith(after, przerwa)).toMatchObject({ target: przerwaEn, state: 'translated', origin: 'human' });

    // A fuzzy machine/locale draft confirmed in PO (fuzzy removed, text kept) is no news from a
    // translator; from a reviewer's file (--reviewed) it becomes reviewed, its origin kept.
    const tag = segmentsOf(after).find((segment) => segment.origin === 'locale');
    expect(tag).toBeDefined();
    await run(dir, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
    const fresh = await readFile(po, 'utf8');
    await writeFile(po, translatePoEntry(fresh, tag?.id ?? '', tag?.target ?? ''));
    await run(dir, ['import', po]);
    expect(segmentWith(await readStore(dir, 'en', lider), tag?.source ?? '')).toMatchObject({ target: tag?.target, state: 'translated', origin: 'locale' });
    await run(dir, ['import', '--reviewed', po]);
    expect(segmentWith(await readStore(dir, 'en', lider), tag?.source ?? '')).toMatchObject({ target: tag?.target, state: 'reviewed', origin: 'locale' });
  });

  it('a document with every kind of code, escapes and a repeated sentence survives every format and translate-toolkit', async () => {
    const dir = await copyOf(extracted);
    const doc = 'trudny';
    await writeFile(
      source(dir, doc),
      [
        '---',
        `title: 'Cytat "w cudzysłowie" & R&D < 5%'`,
        '---',
        '',
        'Ala ma **kota** i `npm ci` oraz <https://example.org>.',
        '',
        'Ala ma **kota** i `npm ci` oraz <https://example.org>.',
        '',
        'Tekst z &amp; i &lt;pc id="1"&gt; oraz znak \\ backslash i „polskie” cudzysłowy.',
        '',
        'Linia pierwsza  ',
        'linia druga z [linkiem](https://example.org/a "Tytuł linku").',
        '',
        '| Kolumna A | Kolumna B |',
        '| --- | --- |',
        '| Komórka *z kursywą* | 10 000 zł |',
        '',
        'Przypis[^1] w tekście <br> z HTML.',
        '',
        '[^1]: Treść przypisu.',
        '',
      ].join('\n'),
    );
    await run(dir, ['extract', `content/pl/${doc}.md`, '--to', 'en']);
    // Machine drafts for every open segment, codes where the source has them.
    await editStore(dir, 'en', doc, (segment) => (segment.target === undefined ? { ...segment, target: `EN ${segment.source}`, state: 'translated', origin: 'mt:openai:test-model' } : segment));
    const drafted = await readStore(dir, 'en', doc);
    expect(segmentWith(drafted, 'Treść przypisu.').target).toBe('EN Treść przypisu.');
    expect(segmentsOf(drafted).filter((segment) => segment.id.endsWith('-2'))).toHaveLength(1);
    expectValid([xlf(dir, 'en', doc)]);

    for (const format of ['po', 'xliff12', 'xliff2', 'tmx']) await run(dir, ['export', '--format', format, '--to', 'en', '--out', 'export']);
    const po = exported(dir, 'en', doc, '.po');
    expectValid([exported(dir, 'en', doc, '.xliff'), exported(dir, 'en', doc, '.xlf'), path.join(dir, 'export/pl-en.tmx')]);
    const checked = tool('msgfmt', ['-c', '--check-format', '-o', '/dev/null', po]);
    expect(checked.status, checked.output).toBe(0);
    expect(tool('pocount', [po]).status).toBe(0);

    // Every untouched export imports as "nothing new".
    const before = await snapshot(dir);
    for (const file of [po, exported(dir, 'en', doc, '.xliff'), exported(dir, 'en', doc, '.xlf')]) {
      const result = await run(dir, ['import', file, '--json']);
      expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ imported: 0, keptReviewed: 0 }], failed: [] });
    }
    expect(await snapshot(dir)).toEqual(before);

    // Through translate-toolkit and back, every draft accepted by a reviewer (--reviewed): the texts are the same, now reviewed.
    const roundTrip = path.join(dir, 'trudny-roundtrip');
    expect(tool('po2xliff', [po, `${roundTrip}.xlf`]).status).toBe(0);
    expect(tool('xliff2po', [`${roundTrip}.xlf`, `${roundTrip}.po`]).status).toBe(0);
    const accepted = (await readFile(`${roundTrip}.po`, 'utf8')).split('\n').filter((line) => line !== '#, fuzzy').join('\n');
    await writeFile(`${roundTrip}.po`, accepted);
    const result = await run(dir, ['import', '--reviewed', `${roundTrip}.po`, '--json']);
    const report = (JSON.parse(result.stdout) as { imported: { imported: number }[] }).imported[0];
    const after = await readStore(dir, 'en', doc);
    const draftedById = new Map(segmentsOf(drafted).map((segment) => [segment.id, segment]));
    for (const segment of segmentsOf(after)) {
      const earlier = draftedById.get(segment.id);
      expect(segment.target).toBe(earlier?.target);
      // xliff2po merges the repeated sentence into one entry: its second occurrence stays a draft.
      if (segment.id.endsWith('-2') || earlier?.origin === 'locale') continue;
      expect(segment.state, segment.source).toBe('reviewed');
    }
    expect(report?.imported).toBe(segmentsOf(after).filter((segment) => segment.state === 'reviewed').length);
    expectValid([xlf(dir, 'en', doc)]);
  });

  it('XLIFF 1.2: validates; a target signed off in a CAT tool comes back reviewed', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [przerwa]: przerwaEn }, 'final');
    await run(dir, ['export', '--format', 'xliff12', '--to', 'en,sv', '--out', 'export']);
    const files = (await filesBelow(path.join(dir, 'export'))).map((file) => path.join(dir, 'export', file));
    expect(files).toHaveLength(8);
    expectValid(files);

    const file = exported(dir, 'en', targi, '.xliff');
    const store = await readStore(dir, 'en', targi);
    const id = segmentWith(store, linked).id;
    const xml = await readFile(file, 'utf8');
    // An open segment goes out with its source copied into the target, for the tool to translate.
    const unit = new RegExp(`(<trans-unit id="${id}"[^>]*>\\n *<source>(.*)</source>\\n *)(<target [^>]*>.*</target>)`).exec(xml);
    expect(unit?.[2]).toBe('Pełną listę wystawców publikujemy na stronie <g id="1" ctype="link">Gdańskich Targów Pracy</g>.');
    expect(unit?.[3]).toBe(`<target state="needs-translation" phase-name="hansa-source-copy">${unit?.[2] ?? ''}</target>`);
    const target = 'We publish the full list of exhibitors on the <g id="1" ctype="link">Gdańsk Job Fair</g> website.';
    await writeFile(file, xml.replace(unit?.[0] ?? '', `${unit?.[1] ?? ''}<target state="signed-off">${target}</target>`));
    expectValid([file]);
    const result = await run(dir, ['import', file, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ format: 'xliff12', lang: 'en', imported: 1 }], failed: [] });
    expect(segmentWith(await readStore(dir, 'en', targi), linked)).toMatchObject({
      target: 'We publish the full list of exhibitors on the <pc id="1">Gdańsk Job Fair</pc> website.',
      state: 'reviewed',
      origin: 'human',
    });
    // Re-importing the untouched export of another file changes nothing.
    const before = await snapshot(dir);
    await run(dir, ['import', exported(dir, 'en', lider, '.xliff')]);
    expect(await snapshot(dir)).toEqual(before);
    expect(segmentWith(await readStore(dir, 'en', lider), przerwa)).toMatchObject({ target: przerwaEn, state: 'final' });
  });

  it('TMX: the export validates; an imported memory fills open segments with the same source as tm:exact', async () => {
    const dir = await copyOf(extracted);
    await translateAsHuman(dir, 'en', lider, { [nine]: nineEn }, 'reviewed');
    await run(dir, ['export', '--format', 'tmx', '--out', 'export']);
    const files = ['pl-en.tmx', 'pl-sv.tmx'].map((name) => path.join(dir, 'export', name));
    expect((await readdir(path.join(dir, 'export'))).sort()).toEqual(['pl-en.tmx', 'pl-sv.tmx']);
    expectValid(files);
    const exportedTmx = await readFile(files[0] ?? '', 'utf8');
    expect(exportedTmx).toContain(`<seg>${nineEn}</seg>`);

    // A memory from another tool: one unit matches an open segment (with its link), one matches nothing.
    const memory = path.join(dir, 'agency.tmx');
    await writeFile(
      memory,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        '  <header creationtool="Agency CAT" creationtoolversion="7" segtype="sentence" o-tmf="acat" adminlang="en-GB" srclang="pl-PL" datatype="plaintext"/>',
        '  <body>',
        `    <tu tuid="1"><tuv xml:lang="pl-PL"><seg>${przerwa}</seg></tuv><tuv xml:lang="en-GB"><seg>${przerwaEn}</seg></tuv></tu>`,
        '    <tu tuid="2"><tuv xml:lang="pl-PL"><seg>Pełną listę wystawców publikujemy na stronie <bpt i="1" x="1">[</bpt>Gdańskich Targów Pracy<ept i="1">]</ept>.</seg></tuv>',
        '      <tuv xml:lang="en-GB"><seg>The full list of exhibitors is on the <bpt i="1" x="1">[</bpt>Gdańsk Job Fair<ept i="1">]</ept> site.</seg></tuv></tu>',
        '    <tu tuid="3"><tuv xml:lang="pl-PL"><seg>Zdanie, którego nie ma w żadnym artykule.</seg></tuv><tuv xml:lang="en-GB"><seg>A sentence no article has.</seg></tuv></tu>',
        '  </body>',
        '</tmx>',
        '',
      ].join('\n'),
    );
    expectValid([memory]);
    const svBefore = await snapshot(dir, 'translations/sv');
    const result = await run(dir, ['import', memory, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ format: 'tmx', lang: 'en', imported: 2 }], failed: [] });
    expect(segmentWith(await readStore(dir, 'en', lider), przerwa)).toMatchObject({ target: przerwaEn, state: 'translated', origin: 'tm:exact' });
    expect(segmentWith(await readStore(dir, 'en', targi), linked)).toMatchObject({
      target: 'The full list of exhibitors is on the <pc id="1">Gdańsk Job Fair</pc> site.',
      state: 'translated',
      origin: 'tm:exact',
    });
    // Reviewed work is not replaced by a memory, and the other language is untouched.
    expect(segmentWith(await readStore(dir, 'en', lider), nine)).toMatchObject({ target: nineEn, state: 'reviewed' });
    expect(await snapshot(dir, 'translations/sv')).toEqual(svBefore);
    // The memory joined the project.
    expect(await readFile(path.join(dir, 'memory/agency.tmx'), 'utf8')).toBe(await readFile(memory, 'utf8'));
    expectValid([xlf(dir, 'en', lider), xlf(dir, 'en', targi)]);

    // The memory serves later runs: a segment file made afresh gets the match again.
    await rm(path.join(dir, 'translations/en', `${lider}.xlf`));
    await run(dir, ['extract', '--to', 'en']);
    expect(segmentWith(await readStore(dir, 'en', lider), przerwa)).toMatchObject({ target: przerwaEn, origin: 'tm:exact' });

    // A multilingual memory from another agency, under the same file name: every project
    // language in it is used (German is not a target: ignored), and the first memory is kept.
    const other = path.join(dir, 'from-other/agency.tmx');
    await mkdir(path.dirname(other));
    await writeFile(
      other,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        '  <header creationtool="Other CAT" creationtoolversion="2" segtype="sentence" o-tmf="ocat" adminlang="en" srclang="pl" datatype="plaintext"/>',
        '  <body>',
        `    <tu><tuv xml:lang="pl"><seg>${heading}</seg></tuv><tuv xml:lang="en"><seg>${headingEn}</seg></tuv><tuv xml:lang="sv"><seg>Europeisk ledare för ungas aktivering</seg></tuv><tuv xml:lang="de"><seg>Europäischer Leader</seg></tuv></tu>`,
        '  </body>',
        '</tmx>',
        '',
      ].join('\n'),
    );
    const multi = await run(dir, ['import', 'from-other/agency.tmx', '--json']);
    expect(JSON.parse(multi.stdout)).toMatchObject({ imported: [{ format: 'tmx', imported: 2 }], failed: [] });
    expect(segmentWith(await readStore(dir, 'en', lider), heading)).toMatchObject({ target: headingEn, origin: 'tm:exact' });
    expect(segmentWith(await readStore(dir, 'sv', lider), heading)).toMatchObject({ target: 'Europeisk ledare för ungas aktivering', origin: 'tm:exact' });
    expect(await readFile(path.join(dir, 'memory/agency.tmx'), 'utf8')).toBe(await readFile(memory, 'utf8'));
    expect(await readFile(path.join(dir, 'memory/agency-2.tmx'), 'utf8')).toBe(await readFile(other, 'utf8'));
    // Importing the same memory again adds no copy.
    await run(dir, ['import', 'from-other/agency.tmx']);
    expect((await readdir(path.join(dir, 'memory'))).sort()).toEqual(['agency-2.tmx', 'agency.tmx']);
  });

  it('XLIFF 2: a file rewritten by a CAT tool (attributes reordered, reindented, foreign namespace) comes back', async () => {
    const dir = await copyOf(extracted);
    await run(dir, ['export', '--format', 'xliff2', '--to', 'en', '--out', 'export']);
    const file = exported(dir, 'en', targi, '.xlf');
    const original = await readFile(file, 'utf8');
    expect(original).toBe(await readFile(xlf(dir, 'en', targi), 'utf8'));
    const store = await readStore(dir, 'en', targi);
    const id = segmentWith(store, linked).id;
    const pc = /<source>Pełną listę wystawców publikujemy na stronie (<pc [^>]*>)Gdańskich Targów Pracy<\/pc>\.<\/source>/.exec(original)?.[1] ?? '';
    expect(pc).not.toBe('');
    let xml = addTargetAsText(original, id, 'PLACEHOLDER', 'reviewed');
    xml = xml.replace('<target>PLACEHOLDER</target>', `<target>We publish the full list of exhibitors on the ${pc}Gdańsk Job Fair</pc> website.</target>`);
    // What a CAT tool does on saving.
    xml = xml
      .replace(/<segment id="([^"]+)" state="([^"]+)"/g, '<segment state="$2" id="$1"')
      .replace(/<unit id="([^"]+)" name="([^"]+)"/g, '<unit name="$2" cat:seen="yes" id="$1"')
      .replace(/^( +)/gm, (pad: string) => '\t'.repeat(pad.length / 2))
      .replace('<xliff ', '<xliff xmlns:cat="urn:example:cat-tool" ')
      .replace(/(<unit [^>]*>)/g, '$1\n\t\t\t<cat:props><cat:prop name="locked">no</cat:prop></cat:props>')
      .replace('<file id="f1"', '<file cat:project="Baltic" id="f1"');
    expect(xml).toContain(`<segment state="reviewed" id="${id}"`);
    await writeFile(file, xml);
    expectValid([file]);
    const result = await run(dir, ['import', file, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ format: 'xliff2', lang: 'en', into: [`translations/en/${targi}.xlf`], imported: 1, keptReviewed: 0 }], failed: [] });
    const after = await readStore(dir, 'en', targi);
    expect(segmentWith(after, linked)).toMatchObject({ target: 'We publish the full list of exhibitors on the <pc id="1">Gdańsk Job Fair</pc> website.', state: 'reviewed', origin: 'human' });
    // Nothing else changed, and the segment file is Hansa's own shape again.
    const others = segmentsOf(after).filter((segment) => segment.id !== id);
    expect(others).toEqual(segmentsOf(store).filter((segment) => segment.id !== id));
    const written = await readFile(xlf(dir, 'en', targi), 'utf8');
    expect(written).not.toContain('cat:');
    expect(written).toBe(writeXliff2(after));
    expectValid([xlf(dir, 'en', targi)]);
  });
});

describe('bad input: exit 2, file:line and a reason, nothing imported', () => {
  let dir: string;
  let clean: Map<string, string>;
  let po: string;
  let xliff: string;
  let xliff12: string;
  let przerwaId: string;
  let nineId: string;
  let linkedId: string;
  beforeAll(async () => {
    dir = await copyOf(extracted);
    await run(dir, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
    await run(dir, ['export', '--format', 'xliff2', '--to', 'en', '--out', 'export']);
    po = await readFile(path.join(dir, 'export/en', `${lider}.po`), 'utf8');
    xliff = await readFile(path.join(dir, 'export/en', `${lider}.xlf`), 'utf8');
    await run(dir, ['export', '--format', 'xliff12', '--to', 'en', '--out', 'export']);
    xliff12 = await readFile(path.join(dir, 'export/en', `${lider}.xliff`), 'utf8');
    const store = await readStore(dir, 'en', lider);
    przerwaId = segmentWith(store, przerwa).id;
    nineId = segmentWith(store, nine).id;
    linkedId = segmentWith(await readStore(dir, 'en', targi), linked).id;
    clean = await snapshot(dir);
  });

  /** The good part every bad file also carries: had anything been imported, it would show. */
  const goodPo = (): string => translatePoEntry(po, przerwaId, przerwaEn);
  const goodXliff = (): string => addTargetAsText(xliff, przerwaId, przerwaEn, 'reviewed');
  const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

  const cases: { name: string; file: string; content: () => Promise<string | Buffer> | string | Buffer; line?: (text: string) => number; reason: () => RegExp }[] = [
    {
      name: 'malformed XML',
      file: 'malformed.xlf',
      content: () => goodXliff().replace(/<\/unit>\n(\s*)<unit/, '</unitt>\n$1<unit'),
      line: (text) => lineOf(text, '</unitt>'),
      reason: () => /invalid XML/,
    },
    {
      name: 'XXE: a DOCTYPE with an external entity',
      file: 'xxe.xlf',
      content: () => goodXliff().replace('<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xliff [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n').replace(przerwaEn, `${przerwaEn} &xxe;`),
      reason: () => /DTDs are not accepted/,
    },
    {
      name: 'billion laughs',
      file: 'laughs.tmx',
      content: () =>
        [
          '<?xml version="1.0"?>',
          '<!DOCTYPE tmx [',
          ' <!ENTITY lol "lol">',
          ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
          ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">',
          ' <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">',
          ']>',
          '<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="pl" datatype="plaintext"/>',
          `<body><tu><tuv xml:lang="pl"><seg>${przerwa}</seg></tuv><tuv xml:lang="en"><seg>&lol4;</seg></tuv></tu></body></tmx>`,
          '',
        ].join('\n'),
      reason: () => /DTDs are not accepted/,
    },
    {
      name: 'a PO whose X-Hansa-Original names another document',
      file: 'other-document.po',
      content: () => goodPo().replaceAll(`content/pl/${lider}.md`, 'content/pl/aktualnosci/nie-ma-takiego.md'),
      line: () => 1,
      reason: () => /content\/pl\/aktualnosci\/nie-ma-takiego\.md/,
    },
    {
      name: 'a PO for another existing document (its ids are not there)',
      file: 'swapped-document.po',
      content: () => goodPo().replaceAll(`content/pl/${lider}.md`, `content/pl/${targi}.md`),
      // The first entry already names a segment that document lacks.
      line: (text) => text.split('\n').findIndex((row, index) => index > 3 && row.startsWith('msgstr ')) + 1,
      reason: () => new RegExp(`segment [0-9a-f]+ “[^”]*”: not in content/pl/${targi}\\.md`),
    },
    {
      name: 'an XLIFF whose original names another document',
      file: 'other-document.xlf',
      content: () => goodXliff().replace(`original="content/pl/${lider}.md"`, 'original="content/pl/inny.md"'),
      line: () => 1,
      reason: () => /content\/pl\/inny\.md/,
    },
    {
      name: 'a PO for a language the project does not translate into',
      file: 'german.po',
      content: () => goodPo().replace('"Language: en\\n"', '"Language: de\\n"'),
      line: () => 1,
      reason: () => /language de/,
    },
    {
      name: 'an XLIFF for a language the project does not translate into',
      file: 'finnish.xlf',
      content: () => goodXliff().replace('trgLang="en"', 'trgLang="fi"'),
      line: () => 1,
      reason: () => /language fi/,
    },
    {
      name: 'a TMX memory with no language the project translates into',
      file: 'german.tmx',
      content: () =>
        [
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="pl" datatype="plaintext"/>',
          `<body><tu><tuv xml:lang="pl"><seg>${przerwa}</seg></tuv><tuv xml:lang="de"><seg>Die Pause.</seg></tuv></tu></body></tmx>`,
          '',
        ].join('\n'),
      line: () => 1,
      reason: () => /language de/,
    },
    {
      name: 'a PO saved in another encoding than UTF-8',
      file: 'latin2.po',
      content: () => Buffer.from(goodPo().replace(/[\u0080-\uffff]/g, (char) => ('ąćęłńóśźżĄĆĘŁŃÓŚŹŻ'.includes(char) ? String.fromCharCode(0xb1) : '?')), 'latin1'),
      line: (text) => text.split('\n').findIndex((row) => /[\u0080-\uffff]/.test(row)) + 1,
      reason: () => /not UTF-8/,
    },
    {
      name: 'an XLIFF 1.2 file with an unknown trans-unit id',
      file: 'unknown-id.xliff',
      content: () => xliff12.replace(`<trans-unit id="${przerwaId}"`, '<trans-unit id="ffffffffffffffffffff"').replace(/(<trans-unit id="ffffffffffffffffffff"[^>]*>\n *<source>.*<\/source>\n)/, `$1          <target state="signed-off">${przerwaEn}</target>\n`),
      line: (text) => lineOf(text, `<target state="signed-off">${przerwaEn}`),
      reason: () => /segment ffffffffffffffffffff “[^”]*”: not in/,
    },
    {
      name: 'an unknown segment id next to a good entry',
      file: 'unknown-id.po',
      content: () => translatePoEntry(goodPo(), nineId, nineEn).replace(`msgctxt "${nineId}"`, 'msgctxt "0123456789abcdef0123"'),
      line: (text) => lineOf(text, `msgstr ${poQuote(nineEn)}`),
      reason: () => /segment 0123456789abcdef0123 “[^”]*”: not in/,
    },
    {
      name: 'a source that is not the segment\'s (stale file)',
      file: 'stale-source.po',
      content: () => translatePoEntry(goodPo(), nineId, nineEn).replace(`msgid ${poQuote(nine)}`, `msgid ${poQuote(nine.replace('9', '10'))}`),
      line: (text) => lineOf(text, `msgstr ${poQuote(nineEn)}`),
      reason: () => new RegExp(`segment ${nineId} “[^”]*”: translated from an older source text`),
    },
    {
      name: 'a PO target whose inline codes do not match (a link dropped)',
      file: 'codes.po',
      content: async () => {
        await run(dir, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
        const text = await readFile(path.join(dir, 'export/en', `${targi}.po`), 'utf8');
        return translatePoEntry(text, linkedId, 'We publish the full list of exhibitors on the Gdańsk Job Fair website.');
      },
      line: (text) => lineOf(text, 'msgstr "We publish the full list'),
      reason: () => /the link around ‘Gdańskich Targów Pracy’ is missing/,
    },
    {
      name: 'an XLIFF target whose inline codes do not match (an extra code)',
      file: 'codes.xlf',
      content: () => goodXliff().replace(`<target>${przerwaEn}</target>`, `<target>${przerwaEn}<ph id="9" disp="x"/></target>`),
      line: (text) => lineOf(text, `<target>${przerwaEn}<ph`),
      reason: () => /code/,
    },
    {
      name: 'a PO with a broken tag in one entry and a good one in another',
      file: 'broken-tag.po',
      content: () => translatePoEntry(goodPo(), nineId, 'On <pc id="1">9 November we had the opportunity.'),
      line: (text) => lineOf(text, 'msgstr "On <pc'),
      reason: () => /never closed|broken tag|codes/,
    },
  ];

  it.each(cases)('$name', async ({ file, content, line, reason }) => {
    const bytes = await content();
    const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
    const target = path.join(dir, file);
    await writeFile(target, bytes);
    const result = await hansa(dir, ['import', file]);
    expect(result.code, result.stderr).toBe(2);
    const location = new RegExp(`${file.replace('.', '\\.')}:(\\d+)`).exec(result.stderr);
    expect(location, result.stderr).not.toBeNull();
    if (line !== undefined) expect(Number(location?.[1]), result.stderr).toBe(line(text));
    expect(result.stderr).toMatch(reason());
    expect(result.stderr).not.toMatch(/root:/);
    expect(await snapshot(dir)).toEqual(clean);
    expect(existsSync(path.join(dir, 'memory'))).toBe(false);
  });

  it('one bad file among good ones: the good ones are imported, the bad one not at all, exit 2', async () => {
    const copy = await copyOf(dir);
    await writeFile(path.join(copy, 'good.po'), goodPo());
    await writeFile(path.join(copy, 'bad.po'), translatePoEntry(po, nineId, nineEn).replace(`msgctxt "${nineId}"`, 'msgctxt "ffffffffffffffffffff"'));
    const result = await hansa(copy, ['import', 'bad.po', 'good.po', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.po:\d+/);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ file: 'good.po', imported: 1 }], failed: [{ file: 'bad.po' }] });
    const store = await readStore(copy, 'en', lider);
    // A PO entry is a person's translation; reviewed only from a reviewer's file (--reviewed).
    expect(segmentWith(store, przerwa)).toMatchObject({ target: przerwaEn, state: 'translated', origin: 'human' });
    expect(segmentWith(store, nine).target).toBeUndefined();
  });

  it('never replaces a reviewed translation: the import reports it as kept, beside it as a proposal (DESIGN §8.7)', async () => {
    const copy = await copyOf(dir);
    await translateAsHuman(copy, 'en', lider, { [nine]: nineEn }, 'reviewed');
    await translateAsHuman(copy, 'en', targi, { [linked]: 'We publish the full list of exhibitors on the <pc id="1">Gdańsk Job Fair</pc> website.' }, 'final');
    await run(copy, ['export', '--format', 'po', '--to', 'en', '--out', 'export']);
    await run(copy, ['export', '--format', 'xliff12', '--to', 'en', '--out', 'export']);
    const before = await snapshot(copy);

    // PO: the reviewed entry changed by someone else.
    const poFile = path.join(copy, 'export/en', `${lider}.po`);
    await writeFile(poFile, translatePoEntry(await readFile(poFile, 'utf8'), nineId, 'On 9 November we collected the statuette.'));
    const fromPo = await run(copy, ['import', poFile, '--json']);
    expect(JSON.parse(fromPo.stdout)).toMatchObject({ imported: [{ imported: 0, keptReviewed: 1, proposals: 1 }], failed: [] });
    expect(fromPo.stderr).toMatch(/1 kept/);
    expect(fromPo.stderr).toContain(`1 stored as a proposal beside the current translation in translations/en/${lider}.xlf`);

    // XLIFF 1.2: the final target changed and set back to "translated".
    const xliffFile = path.join(copy, 'export/en', `${targi}.xliff`);
    const xml = await readFile(xliffFile, 'utf8');
    const changed = xml.replace(/<target state="final">We publish the full list of exhibitors on the (<g [^>]*>)Gdańsk Job Fair<\/g> website\.<\/target>/, '<target state="translated">The exhibitors are listed on the $1Job Fair</g> site.</target>');
    expect(changed).not.toBe(xml);
    await writeFile(xliffFile, changed);
    const fromXliff = await run(copy, ['import', xliffFile, '--json']);
    expect(JSON.parse(fromXliff.stdout)).toMatchObject({ imported: [{ imported: 0, keptReviewed: 1, proposals: 1 }], failed: [] });

    // Only the two segment files changed: each holds the other text as a proposal.
    const after = await snapshot(copy);
    expect([...after.keys()].filter((file) => after.get(file) !== before.get(file)).sort()).toEqual([`en/${lider}.xlf`, `en/${targi}.xlf`]);
    const reviewedNine = segmentWith(await readStore(copy, 'en', lider), nine);
    expect(reviewedNine).toMatchObject({ target: nineEn, state: 'reviewed', origin: 'human' });
    expect(reviewedNine.suggestions).toMatchObject([{ kind: 'proposal', target: 'On 9 November we collected the statuette.', file: `export/en/${lider}.po` }]);
    const finalLinked = segmentWith(await readStore(copy, 'en', targi), linked);
    expect(finalLinked).toMatchObject({ state: 'final', target: 'We publish the full list of exhibitors on the <pc id="1">Gdańsk Job Fair</pc> website.' });
    expect(finalLinked.suggestions).toMatchObject([{ kind: 'proposal', target: 'The exhibitors are listed on the <pc id="1">Job Fair</pc> site.', file: `export/en/${targi}.xliff` }]);
    expectValid([xlf(copy, 'en', lider), xlf(copy, 'en', targi)]);
  });
});
