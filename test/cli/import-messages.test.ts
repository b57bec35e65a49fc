/**
 * Issue 11, item 3: `hansa import` messages a translator can act on, as the real executable
 * prints them: a code mismatch names the code and the segment's source; every bad segment of
 * a file is listed (up to a cap); a file that holds only some of the document's segments
 * says so; a file that names no target language asks for `--to`. Runs the built `hansa`
 * (`npm run build` first).
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf, type SegmentFile } from '../../src/formats/types.js';
import { hansa, sampleProject, type CliResult } from '../helpers/cli.js';

if (!existsSync(path.resolve('build/src/cli/main.js'))) throw new Error('test/cli/import-messages.test.ts runs the built hansa: run `npm run build` first');

const targi = 'aktualnosci/2022-03-15-targi-pracy';
const document = `content/pl/${targi}.md`;
const segmentFile = `translations/sv/${targi}.xlf`;
const exportedPo = `export/sv/${targi}.po`;
const exportedXliff = `export/sv/${targi}.xliff`;

/** Sentences of `targi` (the start of their PO msgid), and what a translator made of them. */
const linked = 'Pełną listę wystawców publikujemy na stronie <pc id=\\"1\\">';
const linkedSv = 'Hela listan över utställare finns på <pc id="1">Gdańsks arbetsmässas</pc> webbplats.';
const warning = '<pc id=\\"1\\">Uwaga, zmiana terminu!';
const mailto = 'Wystarczy wypełnić';
const italic = 'Do zgłoszenia prosimy';
const address = 'Wszystkie informacje znajdują się';
const registration = 'Stoisko na targach jest bezpłatne.';
const recruitment = 'Przy rekrutacji osób';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The sample project, translating into English and Swedish, extracted and exported as PO and XLIFF 1.2. */
let base: string;
beforeAll(async () => {
  base = await sampleProject();
  scratch.push(base);
  await writeFile(path.join(base, 'hansa.config.json'), `${JSON.stringify({ targetLanguages: ['en', 'sv'] })}\n`);
  await run(base, ['extract']);
  await run(base, ['export', '--format', 'po', '--to', 'sv', '--out', 'export']);
  await run(base, ['export', '--format', 'xliff12', '--to', 'sv', '--out', 'export']);
});

/** A copy of the prepared project for one test to change. */
async function project(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hansa-import-messages-'));
  scratch.push(dir);
  await cp(base, dir, { recursive: true });
  return dir;
}

/** Run hansa and insist on the exit code, showing what it printed when it differs. */
async function run(dir: string, args: readonly string[], code = 0, env?: Record<string, string>): Promise<CliResult> {
  const result = await hansa(dir, args, env === undefined ? {} : { env });
  expect(result.code, `hansa ${args.join(' ')}\n${result.stderr}\n${result.stdout}`).toBe(code);
  return result;
}

/** The lines hansa printed on stderr. */
const linesOf = (result: CliResult): string[] => result.stderr.trimEnd().split('\n');

async function readStore(dir: string): Promise<SegmentFile> {
  return readXliff2(await readFile(path.join(dir, segmentFile), 'utf8'), segmentFile);
}

// ── PO editing, as a translator's editor would ──

/** The PO entries of a file: header first, split at blank lines. */
const entriesOf = (po: string): string[] => po.trimEnd().split('\n\n');

/** The entry whose msgid starts with `start` (as written in the PO file, escapes included). */
function entryWith(po: string, start: string): { id: string; entry: string } {
  const found = entriesOf(po).filter((entry) => entry.includes(`\nmsgid "${start}`));
  if (found.length !== 1) throw new Error(`${found.length} PO entries start with ${start}`);
  const entry = found[0] ?? '';
  return { id: /^msgctxt "(.*)"$/m.exec(entry)?.[1] ?? '', entry };
}

/** `po` with the entry starting with `start` translated (msgstr set, fuzzy dropped). */
function translated(po: string, start: string, target: string): string {
  const { entry } = entryWith(po, start);
  const lines = entry.split('\n');
  const msgstr = lines.findIndex((line) => line.startsWith('msgstr '));
  const edited = [...lines.slice(0, msgstr).filter((line) => line !== '#, fuzzy' && !line.startsWith('#|')), `msgstr ${JSON.stringify(target)}`].join('\n');
  return po.replace(entry, edited);
}

/** The 1-based line of the msgstr of the entry starting with `start`: where the import points. */
function msgstrLine(po: string, start: string): number {
  const { entry } = entryWith(po, start);
  const at = po.indexOf(entry) + entry.indexOf('\nmsgstr ') + 1;
  return po.slice(0, at).split('\n').length;
}

/** Write `text` as `name` in `dir` and import it with `args`. */
async function importAs(dir: string, name: string, text: string, args: readonly string[] = [], code = 2, env?: Record<string, string>): Promise<CliResult> {
  await writeFile(path.join(dir, name), text);
  return run(dir, ['import', ...args, name], code, env);
}

describe('a target whose inline codes do not match its source', () => {
  it('names the code and shows the segment\'s source', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    const { id } = entryWith(po, linked);
    const bad = translated(po, linked, 'Hela listan över utställare finns på Gdańsks arbetsmässas webbplats.');
    const before = await readFile(path.join(dir, segmentFile), 'utf8');
    const result = await importAs(dir, 'codes.po', bad);
    expect(linesOf(result)).toEqual([
      `codes.po:${msgstrLine(bad, linked)}: error: segment ${id} “Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy.”: the link around ‘Gdańskich Targów Pracy’ is missing`,
      'codes.po: error: 1 segment cannot be imported, so nothing was imported from this file',
    ]);
    expect(await readFile(path.join(dir, segmentFile), 'utf8')).toBe(before);
  });

  it('from XLIFF 2 as from PO: the importer names the code, not the reader', async () => {
    const dir = await project();
    const xliff = await readFile(path.join(dir, segmentFile), 'utf8');
    const segment = /<segment id="([0-9a-f]+)" state="initial">(\s*<source>Pełną listę wystawców[^\n]*<\/source>)/.exec(xliff);
    if (segment === null) throw new Error('no open segment with the link in the segment file');
    const bad = xliff.replace(segment[0], `<segment id="${segment[1] ?? ''}" state="translated">${segment[2] ?? ''}\n<target>Hela listan över utställare finns på mässans webbplats.</target>`);
    const line = bad.slice(0, bad.indexOf('<target>Hela listan')).split('\n').length;
    const result = await importAs(dir, 'codes.xlf', bad);
    expect(linesOf(result)).toEqual([
      `codes.xlf:${line}: error: segment ${segment[1] ?? ''} “Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy.”: the link around ‘Gdańskich Targów Pracy’ is missing`,
      'codes.xlf: error: 1 segment cannot be imported, so nothing was imported from this file',
    ]);
  });

  it('in Polish too', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    const { id } = entryWith(po, linked);
    const bad = translated(po, linked, 'Hela listan över utställare finns på Gdańsks arbetsmässas webbplats.');
    const result = await importAs(dir, 'codes.po', bad, [], 2, { LANG: 'pl_PL.UTF-8' });
    expect(linesOf(result)).toEqual([
      `codes.po:${msgstrLine(bad, linked)}: błąd: segment ${id} „Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy.”: link wokół „Gdańskich Targów Pracy” nie występuje w tłumaczeniu`,
      'codes.po: błąd: 1 segmentu nie można zaimportować, więc z tego pliku nie zaimportowano niczego',
    ]);
  });

  it('lists every bad segment of the file, each with its own problem, and imports none of the file', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    let bad = translated(po, linked, linkedSv); // a good entry: not imported either
    bad = translated(bad, warning, '<pc id="1">Obs, nytt datum!</pc> <pc id="2">Viktigt</pc>');
    bad = translated(bad, mailto, 'Fyll i <pc id="1">formuläret</pc> eller mejla <ph id="2"/> eller <ph id="2"/> med ämnet <ph id="3"/>.');
    bad = translated(bad, italic, 'Bifoga en kort beskrivning av företaget och <ph id="1"/> minst ett aktuellt jobberbjudande.');
    bad = translated(bad, address, 'All information finns på <pc id="1">webbplatsen</pc>.');
    bad = translated(bad, recruitment, 'Vid rekrytering av personer med funktionsnedsättning hjälper teamet för yrkesaktivering<ph id="5"/> på vår myndighet.');
    const ids = [warning, mailto, address, italic, recruitment].map((start) => entryWith(po, start).id);
    const result = await importAs(dir, 'several.po', bad, ['--json']);
    expect(linesOf(result)).toEqual([
      `several.po:${msgstrLine(bad, warning)}: error: segment ${ids[0]} “Uwaga, zmiana terminu!”: a pair of tags that the source does not have was added (code 2)`,
      `several.po:${msgstrLine(bad, mailto)}: error: segment ${ids[1]} “Wystarczy wypełnić formularz zgłoszeniowy albo wysłać e-mail na adres…”: the web address ‘doradztwo@example.org’ appears 2 times; the source has it once`,
      `several.po:${msgstrLine(bad, address)}: error: segment ${ids[2]} “Wszystkie informacje znajdują się na stronie https://example.org/targi-pracy-20…”: the web address ‘https://example.org/targi-pracy-2022/wy…’ must be a single tag, not a pair around text`,
      `several.po:${msgstrLine(bad, italic)}: error: segment ${ids[3]} “Do zgłoszenia prosimy dołączyć krótki opis firmy i przynajmniej jedną aktualną…”: the italic span around ‘przynajmniej jedną’ must be a pair of tags around its text, not a single tag`,
      `several.po:${msgstrLine(bad, recruitment)}: error: segment ${ids[4]} “Przy rekrutacji osób z niepełnosprawnościami wsparcia udzieli zespół ds.…”: the bold span around ‘zespół ds. aktywizacji zawodowej’ is missing; a tag that the source does not have was added (code 5)`,
      'several.po: error: 5 segments cannot be imported, so nothing was imported from this file',
    ]);
    const json = JSON.parse(result.stdout) as { imported: unknown[]; failed: { file: string; code: string; line: number; problems: unknown[] }[] };
    expect(json.imported).toEqual([]);
    expect(json.failed).toHaveLength(1);
    expect(json.failed[0]).toMatchObject({ file: 'several.po', code: 'import_invalid', line: msgstrLine(bad, warning) });
    expect(json.failed[0]?.problems).toHaveLength(5);
    expect(json.failed[0]?.problems[1]).toEqual({
      code: 'code_mismatch',
      segment: ids[1],
      line: msgstrLine(bad, mailto),
      source: 'Wystarczy wypełnić formularz zgłoszeniowy albo wysłać e-mail na adres…',
      codes: [{ problem: 'duplicated', id: 2, kind: 'autolink', text: 'doradztwo@example.org', paired: false, count: 2 }],
      message: 'the web address ‘doradztwo@example.org’ appears 2 times; the source has it once',
    });
    expect(segmentsOf(await readStore(dir)).some((segment) => segment.target === linkedSv)).toBe(false);
  });

  it('lists at most 50 bad segments of a file and counts the others', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    // Every entry with a code the source does not have.
    const [header, ...entries] = entriesOf(po);
    const bad = `${[header, ...entries.map((entry) => entry.replace(/^msgstr .*$/m, 'msgstr "Text <ph id=\\"99\\"/>"'))].join('\n\n')}\n`;
    const result = await importAs(dir, 'many.po', bad);
    const lines = linesOf(result);
    expect(entries.length).toBeGreaterThan(50);
    expect(lines).toHaveLength(52);
    expect(lines.slice(0, 50).every((line) => /^many\.po:\d+: error: segment [0-9a-f-]+ “.*”: .*a tag that the source does not have was added \(code 99\)$/.test(line)), lines.join('\n')).toBe(true);
    expect(lines.slice(50)).toEqual([`many.po: … and ${entries.length - 50} more segments with problems`, `many.po: error: ${entries.length} segments cannot be imported, so nothing was imported from this file`]);
  });
});

describe('segments a file has that the document does not', () => {
  it('lists unknown segment ids and stale sources together', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    const registrationId = entryWith(po, registration).id;
    let bad = translated(po, linked, linkedSv).replace(`msgctxt "${entryWith(po, linked).id}"`, 'msgctxt "ffffffffffffffffffff"');
    bad = translated(bad, registration, 'Montern på mässan är gratis.').replace(`msgid "${registration}`, 'msgid "Stoisko na targach jest płatne.');
    const result = await importAs(dir, 'stale.po', bad);
    expect(linesOf(result)).toEqual([
      `stale.po:${msgstrLine(bad, linked)}: error: segment ffffffffffffffffffff “Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy.”: not in ${document} (its sentence was changed or removed after the export, or the file is for another document)`,
      `stale.po:${msgstrLine(bad, 'Stoisko na targach jest płatne.')}: error: segment ${registrationId} “Stoisko na targach jest płatne.”: translated from an older source text (the document now has “Stoisko na targach jest bezpłatne.”); export the file again`,
      'stale.po: error: 2 segments cannot be imported, so nothing was imported from this file',
    ]);
  });

  it('says which entry has no segment id at all', async () => {
    const dir = await project();
    const po = translated(await readFile(path.join(dir, exportedPo), 'utf8'), linked, linkedSv);
    const { id } = entryWith(po, linked);
    // Neither msgctxt nor Hansa's `#. segment:` comment: a hand-made entry.
    const bad = po.replace(`#. segment: ${id}\n`, '').replace(`msgctxt "${id}"\n`, '');
    const result = await importAs(dir, 'noid.po', bad);
    expect(linesOf(result)).toEqual([
      `noid.po:${msgstrLine(bad, linked)}: error: an entry with no segment id (“Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy.”): Hansa cannot tell which segment of ${document} it translates`,
      'noid.po: error: 1 segment cannot be imported, so nothing was imported from this file',
    ]);
  });
});

describe('a file that holds only some of the document\'s segments', () => {
  it('imports what is there and says how many of the document\'s segments it held', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    const [header, ...entries] = entriesOf(translated(po, linked, linkedSv));
    // The first eleven entries and the translated one, as a tool that saves only some entries would.
    const kept = entries.filter((entry, index) => index < 11 || entry.includes(linkedSv.slice(0, 20)));
    expect(kept).toHaveLength(12);
    const result = await importAs(dir, 'part.po', `${[header, ...kept].join('\n\n')}\n`, ['--json'], 0);
    const lines = linesOf(result);
    // (How many entries count as unchanged is the state rules' business, not this message's.)
    expect(lines[0]).toMatch(new RegExp(`^part\\.po → ${segmentFile}: 1 imported, \\d+ unchanged, 0 kept as proposals$`));
    expect(lines.slice(1)).toEqual([`  held 12 of ${entries.length} segments of ${document}; the other ${entries.length - 12} were not in the file and are unchanged`]);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [{ file: 'part.po', imported: 1, segmentsInFile: 12, segmentsInDocument: entries.length, document }], failed: [] });
    expect(segmentsOf(await readStore(dir)).filter((segment) => segment.target === linkedSv)).toHaveLength(1);
  });

  it('says nothing more of a file that holds them all', async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, exportedPo), 'utf8');
    const result = await importAs(dir, 'whole.po', translated(po, linked, linkedSv), ['--json'], 0);
    const lines = linesOf(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^whole\\.po → ${segmentFile}: 1 imported, \\d+ unchanged, 0 kept as proposals$`));
    const [report] = (JSON.parse(result.stdout) as { imported: { segmentsInFile: number; segmentsInDocument: number }[] }).imported;
    expect(report?.segmentsInFile).toBe(report?.segmentsInDocument);
  });
});

describe('a file that names no target language', () => {
  /** The XLIFF 1.2 export with the link sentence translated and no target-language, as some tools write it. */
  async function withoutLanguage(dir: string): Promise<string> {
    const xml = await readFile(path.join(dir, exportedXliff), 'utf8');
    const id = entryWith(await readFile(path.join(dir, exportedPo), 'utf8'), linked).id;
    const unit = new RegExp(`(<trans-unit id="${id}"[^>]*>\\s*<source>.*</source>)(\\s*<target[^>]*>.*</target>)?`);
    expect(xml).toMatch(unit);
    expect(xml).toContain(' target-language="sv"');
    return xml.replace(' target-language="sv"', '').replace(unit, '$1\n          <target state="translated">Hela listan över utställare finns på <g id="1" ctype="link">Gdańsks arbetsmässas</g> webbplats.</target>');
  }

  it('asks for --to, naming a language to use', async () => {
    const dir = await project();
    const result = await importAs(dir, 'nolang.xliff', await withoutLanguage(dir), ['--json']);
    expect(linesOf(result)).toEqual(['nolang.xliff:1: error: the file names no target language, so nothing was imported from it: say which with --to LANG, e.g. hansa import --to en nolang.xliff']);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: [], failed: [{ file: 'nolang.xliff', code: 'import_wrong_language', problems: [] }] });
  });

  it('asks for one language when --to gives several', async () => {
    const dir = await project();
    const result = await importAs(dir, 'nolang.xliff', await withoutLanguage(dir), ['--to', 'sv,en']);
    expect(linesOf(result)).toEqual(['nolang.xliff:1: error: the file names no target language and --to gives several (sv, en), so nothing was imported from it: say which with one --to LANG, e.g. hansa import --to sv nolang.xliff']);
  });

  it('imports it for the one language --to gives', async () => {
    const dir = await project();
    const result = await importAs(dir, 'nolang.xliff', await withoutLanguage(dir), ['--to', 'sv'], 0);
    expect(linesOf(result)[0]).toMatch(new RegExp(`^nolang\\.xliff → ${segmentFile}: 1 imported, \\d+ unchanged, 0 kept as proposals$`));
    expect(segmentsOf(await readStore(dir)).find((segment) => segment.target === linkedSv)).toMatchObject({ state: 'translated', origin: 'human' });
  });
});
