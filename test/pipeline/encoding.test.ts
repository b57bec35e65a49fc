/**
 * Files people edit are read strictly in the encoding they name (issue 9, item 3): a file in
 * another one is refused with `file:line`, left as it is, and never published or rewritten
 * with U+FFFD; `status` still counts its translations.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf } from '../../src/formats/types.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { emptyProject, filesBelow, hansa } from '../helpers/cli.js';

const paragraph = 'Nowy program dla miasta Gavle.';
const swedish = 'Nyheter för Gävle.';
const replacement = '\ufffd';

async function project(): Promise<string> {
  const dir = await emptyProject();
  await mkdir(path.join(dir, 'content/pl'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl/a.md'), `# Program\n\n${paragraph}\n`);
  await writeFile(path.join(dir, 'content/pl/b.md'), '# Inny program\n\nDrugi tekst.\n');
  expect((await hansa(dir, ['extract', '--to', 'sv,en'])).code).toBe(0);
  return dir;
}

/** A reviewed Swedish translation of the paragraph, saved as `encode` makes it; the line of its target. */
async function saveReviewed(dir: string, encode: (xml: string) => Buffer): Promise<{ file: string; bytes: Buffer; line: number }> {
  const file = path.join(dir, 'translations/sv/a.xlf');
  const store = readXliff2(await readFile(file, 'utf8'), file);
  const xml = writeXliff2(updateSegments(store, (segment) => (segment.source === paragraph ? { ...segment, target: swedish, state: 'reviewed', origin: 'human' } : segment)));
  const bytes = encode(xml);
  await writeFile(file, bytes);
  return { file, bytes, line: xml.split('\n').findIndex((row) => row.includes(swedish)) + 1 };
}

/** Whether any file below `dir` holds U+FFFD. */
async function anyReplacementBelow(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesBelow(dir)) if ((await readFile(path.join(dir, file), 'utf8')).includes(replacement)) found.push(file);
  return found;
}

interface Status {
  languages: { lang: string; reviewed: number; new: number; unreadable: string[] }[];
  errors: { code: string; file: string; line?: number; lang?: string }[];
}

describe('a segment file in another encoding than it names', () => {
  it('is refused with file:line and left untouched by build, translate, extract and import; status still counts it', async () => {
    const dir = await project();
    expect((await hansa(dir, ['export', '--format', 'po', '--to', 'sv'])).code).toBe(0);
    // The reproduction: a CAT tool saved the reviewed target as Latin-1 bytes under the UTF-8 declaration.
    const { file, bytes, line } = await saveReviewed(dir, (xml) => Buffer.from(xml, 'latin1'));
    const refusal = new RegExp(`^translations/sv/a\\.xlf:${line}: error: the file is not UTF-8`, 'm');

    const built = await hansa(dir, ['build']);
    expect(built.code).toBe(2);
    expect(built.stderr).toMatch(refusal);
    // The other languages and the other files of the language are still built.
    expect(await filesBelow(path.join(dir, 'dist'))).toEqual(['en/a.md', 'en/b.md', 'en/index.json', 'sv/b.md', 'sv/index.json']);
    expect(await anyReplacementBelow(path.join(dir, 'dist'))).toEqual([]);
    expect(await readFile(file)).toEqual(bytes);

    const status = await hansa(dir, ['status', '--json']);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(refusal);
    const report = JSON.parse(status.stdout) as Status;
    expect(report.languages.find((language) => language.lang === 'sv')).toMatchObject({ reviewed: 1, new: 3, unreadable: ['translations/sv/a.xlf'] });
    expect(report.languages.find((language) => language.lang === 'en')).toMatchObject({ reviewed: 0, unreadable: [] });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'not_utf8', file: 'translations/sv/a.xlf', line, lang: 'sv' })]);
    expect((await hansa(dir, ['status', '--ui-lang', 'pl'])).stderr).toMatch(new RegExp(`^translations/sv/a\\.xlf:${line}: błąd: plik nie jest zapisany w UTF-8`, 'm'));

    // The next source edit: every other file follows it, the refused one stays as the translator left it.
    await writeFile(path.join(dir, 'content/pl/a.md'), `# Program\n\n${paragraph}\n\nZapisy do piatku.\n`);
    const translated = await hansa(dir, ['translate', '--provider', 'pseudo']);
    expect(translated.code).toBe(2);
    expect(translated.stderr).toMatch(refusal);
    expect(await readFile(file)).toEqual(bytes);
    expect(await readFile(path.join(dir, 'translations/en/a.xlf'), 'utf8')).toContain('Zapisy do piatku.');
    expect(await anyReplacementBelow(path.join(dir, 'dist'))).toEqual([]);

    const extracted = await hansa(dir, ['extract']);
    expect(extracted.code).toBe(2);
    expect(extracted.stderr).toMatch(refusal);
    expect(await readFile(file)).toEqual(bytes);

    const imported = await hansa(dir, ['import', 'export/sv/a.po']);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(refusal);
    expect(await readFile(file)).toEqual(bytes);
  });

  it('is read in the encoding its XML declaration names, and rewritten as UTF-8', async () => {
    const dir = await project();
    const { file } = await saveReviewed(dir, (xml) => Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1'));
    expect((await hansa(dir, ['build'])).code).toBe(0);
    expect(await readFile(path.join(dir, 'dist/sv/a.md'), 'utf8')).toContain(swedish);
    const report = JSON.parse((await hansa(dir, ['status', '--json'])).stdout) as Status;
    expect(report.languages.find((language) => language.lang === 'sv')).toMatchObject({ reviewed: 1, unreadable: [] });

    await writeFile(path.join(dir, 'content/pl/a.md'), `# Program\n\n${paragraph}\n\nZapisy do piatku.\n`);
    expect((await hansa(dir, ['translate', '--provider', 'pseudo'])).code).toBe(0);
    const rewritten = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
    expect(rewritten.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(segmentsOf(readXliff2(rewritten, file)).find((segment) => segment.source === paragraph)).toMatchObject({ target: swedish, state: 'reviewed' });
    expect(await readFile(path.join(dir, 'dist/sv/a.md'), 'utf8')).toContain(swedish);
  });

  it('is refused when its declaration contradicts its bytes or names an encoding Hansa does not read', async () => {
    const dir = await project();
    // Re-saved as UTF-8 by an editor that left the old declaration alone.
    const { file, bytes, line } = await saveReviewed(dir, (xml) => Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'utf8'));
    const built = await hansa(dir, ['build']);
    expect(built.code).toBe(2);
    expect(built.stderr).toMatch(new RegExp(`^translations/sv/a\\.xlf:${line}: error: the file names the encoding ISO-8859-1, but it is UTF-8`, 'm'));
    expect(await readFile(file)).toEqual(bytes);

    await writeFile(file, bytes.toString('utf8').replace('encoding="ISO-8859-1"', 'encoding="Shift_JIS"'));
    const polish = await hansa(dir, ['build', '--ui-lang', 'pl']);
    expect(polish.code).toBe(2);
    expect(polish.stderr).toMatch(/^translations\/sv\/a\.xlf:1: błąd: plik jest w kodowaniu Shift_JIS, którego Hansa nie czyta/m);
  });
});

describe('exchange files, memories, glossaries and the config in another encoding', () => {
  it('imports a PO in the charset its header names, and refuses one whose bytes are not in it', async () => {
    const dir = await project();
    expect((await hansa(dir, ['export', '--format', 'po', '--to', 'sv'])).code).toBe(0);
    // Latin-1 holds no arrow: the header comment's `pl → sv` becomes `pl -> sv`.
    const po = (await readFile(path.join(dir, 'export/sv/a.po'), 'utf8')).replace('→', '->').replace(`msgid "${paragraph}"\nmsgstr ""`, `msgid "${paragraph}"\nmsgstr "${swedish}"`);
    const line = po.split('\n').indexOf(`msgstr "${swedish}"`) + 1;
    await writeFile(path.join(dir, 'mislabelled.po'), Buffer.from(po, 'latin1'));
    const refused = await hansa(dir, ['import', 'mislabelled.po']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^mislabelled\\.po:${line}: error: the file is not UTF-8`, 'm'));

    await writeFile(path.join(dir, 'latin1.po'), Buffer.from(po.replace('charset=UTF-8', 'charset=ISO-8859-1'), 'latin1'));
    expect((await hansa(dir, ['import', 'latin1.po'])).code).toBe(0);
    const store = readXliff2(await readFile(path.join(dir, 'translations/sv/a.xlf'), 'utf8'), 'a.xlf');
    expect(segmentsOf(store).find((segment) => segment.source === paragraph)).toMatchObject({ target: swedish });
  });

  it('refuses a TMX memory (and the retired memory) with bytes not in its encoding, naming file and line', async () => {
    const dir = await project();
    const tmx = (encoding: string): string =>
      [
        `<?xml version="1.0" encoding="${encoding}"?>`,
        '<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="pl" datatype="plaintext"/><body>',
        `<tu><tuv xml:lang="pl"><seg>${paragraph}</seg></tuv><tuv xml:lang="sv"><seg>${swedish}</seg></tuv></tu>`,
        '</body></tmx>',
        '',
      ].join('\n');
    await mkdir(path.join(dir, 'memory'), { recursive: true });
    await writeFile(path.join(dir, 'memory/tm.tmx'), Buffer.from(tmx('UTF-8'), 'latin1'));
    const refused = await hansa(dir, ['translate', '--to', 'sv']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^memory\/tm\.tmx:3: error: the file is not UTF-8/m);
    expect(await anyReplacementBelow(path.join(dir, 'translations'))).toEqual([]);

    // Declared properly, the same bytes are a memory like any other.
    await writeFile(path.join(dir, 'memory/tm.tmx'), Buffer.from(tmx('ISO-8859-1'), 'latin1'));
    expect((await hansa(dir, ['translate', '--to', 'sv'])).code).toBe(0);
    expect(await readFile(path.join(dir, 'translations/sv/a.xlf'), 'utf8')).toContain(`<target>${swedish}</target>`);

    await writeFile(path.join(dir, 'translations/sv/retired.tmx'), Buffer.from(tmx('UTF-8'), 'latin1'));
    const retired = await hansa(dir, ['translate', '--to', 'sv']);
    expect(retired.code).toBe(2);
    expect(retired.stderr).toMatch(/^translations\/sv\/retired\.tmx:3: error: the file is not UTF-8/m);
  });

  it('reads a TBX in the encoding it declares and a CSV with a UTF-16 byte order mark, and refuses bad bytes with file:line', async () => {
    const dir = await project();
    await mkdir(path.join(dir, 'glossary'), { recursive: true });
    const tbx = (encoding: string): string =>
      [
        `<?xml version="1.0" encoding="${encoding}"?>`,
        '<martif type="TBX-Basic" xml:lang="pl"><text><body>',
        '<termEntry id="t1"><langSet xml:lang="pl"><tig><term>program</term></tig></langSet>',
        '<langSet xml:lang="sv"><tig><term>Gävleprogram</term></tig></langSet></termEntry>',
        '</body></text></martif>',
        '',
      ].join('\n');
    await writeFile(path.join(dir, 'glossary/terms.tbx'), Buffer.from(tbx('ISO-8859-1'), 'latin1'));
    const read = await hansa(dir, ['glossary', '--format', 'csv']);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('Gävleprogram');
    await writeFile(path.join(dir, 'glossary/terms.tbx'), Buffer.from(tbx('UTF-8'), 'latin1'));
    const refusedTbx = await hansa(dir, ['translate', '--to', 'sv']);
    expect(refusedTbx.code).toBe(2);
    expect(refusedTbx.stderr).toMatch(/^glossary\/terms\.tbx:4: error: the file is not UTF-8/m);
    await writeFile(path.join(dir, 'glossary/terms.tbx'), tbx('UTF-8'));

    // Excel's "Unicode" CSV: UTF-16 LE with a byte order mark.
    await writeFile(path.join(dir, 'glossary/terms.csv'), Buffer.from('\ufeffpl,sv\nmiasto,Gävlestad\n', 'utf16le'));
    const csv = await hansa(dir, ['glossary', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain('Gävlestad');
    await writeFile(path.join(dir, 'glossary/terms.csv'), Buffer.from('pl,sv\nmiasto,Gävlestad\n', 'latin1'));
    const refusedCsv = await hansa(dir, ['translate', '--to', 'sv']);
    expect(refusedCsv.code).toBe(2);
    expect(refusedCsv.stderr).toMatch(/^glossary\/terms\.csv:2: error: the file is not UTF-8/m);
  });

  it('refuses a config with bytes that are not UTF-8, naming file and line, and writes nothing', async () => {
    const dir = await project();
    await writeFile(path.join(dir, 'hansa.config.json'), Buffer.from('{\n  "targetLanguages": ["sv"],\n  "feed": { "title": "Nyheter från Gävle" }\n}\n', 'latin1'));
    const result = await hansa(dir, ['build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hansa\.config\.json:3: error: the file is not UTF-8/m);
    expect(await filesBelow(dir)).not.toContain('dist/sv/index.json');
  });
});

describe('status of a segment file refused for its encoding', () => {
  it('counts its translations under their segments even where the sources hold letters the bad bytes spoil', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    const sources = ['Spotkanie w Gdańsku.', 'Doradztwo zawodowe dla młodzieży.', 'Udział jest bezpłatny.', 'Zapraszamy do współpracy.'];
    await writeFile(path.join(dir, 'content/pl/a.md'), `${sources.join('\n\n')}\n`);
    expect((await hansa(dir, ['extract', '--to', 'sv'])).code).toBe(0);
    const file = path.join(dir, 'translations/sv/a.xlf');
    const store = readXliff2(await readFile(file, 'utf8'), file);
    const xml = writeXliff2(updateSegments(store, (segment) => ({ ...segment, target: `Granskad: ${segment.source.length}`, state: 'reviewed', origin: 'human' })));
    // Saved by a tool as Latin-1: ó, ł, ń … become single bytes (or `?`), nothing reads as UTF-8 there.
    await writeFile(file, Buffer.from(xml, 'latin1'));
    const status = await hansa(dir, ['status', '--json', '--to', 'sv']);
    expect(status.code).toBe(2);
    const report = JSON.parse(status.stdout) as Status;
    expect(report.languages[0]).toMatchObject({ reviewed: 4, new: 0, unreadable: ['translations/sv/a.xlf'] });
  });
});

describe('export with a segment file refused for its encoding', () => {
  it('names the file, leaves it out, and exports every other file and language (exit 2)', async () => {
    const dir = await project();
    const { line } = await saveReviewed(dir, (xml) => Buffer.from(xml, 'latin1'));
    const result = await hansa(dir, ['export', '--format', 'po', '--to', 'sv,en', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^translations/sv/a\\.xlf:${line}: error: the file is not UTF-8`, 'm'));
    expect(await filesBelow(path.join(dir, 'export'))).toEqual(['en/a.po', 'en/b.po', 'sv/b.po']);
    expect((JSON.parse(result.stdout) as { errors: { file: string }[] }).errors).toEqual([expect.objectContaining({ file: 'translations/sv/a.xlf' })]);
  });
});

describe('status of a segment file that is not XLIFF at all', () => {
  it('counts its document\'s segments as new, so the totals and percentages stay whole', async () => {
    const dir = await project();
    const before = JSON.parse((await hansa(dir, ['status', '--json', '--to', 'sv'])).stdout) as Status;
    await writeFile(path.join(dir, 'translations/sv/a.xlf'), '');
    const status = await hansa(dir, ['status', '--json', '--to', 'sv']);
    expect(status.code).toBe(2);
    const report = JSON.parse(status.stdout) as Status & { languages: { segments: number }[] };
    expect(report.languages[0]).toMatchObject({ segments: (before.languages[0] as unknown as { segments: number }).segments, unreadable: ['translations/sv/a.xlf'] });
  });
});
