/**
 * Issue 9 item 2, DESIGN §8.7: a text a translator sends back that cannot replace a reviewed
 * translation is stored beside it as a proposal (its own subType, the file it came from), the
 * import says where it went and how a reviewer accepts it, and later runs keep it.
 * Runs the built `hansa` (`npm run build` first) and validate-l10n (libxml2-utils).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { readTmx } from '../../src/formats/tmx.js';
import { segmentsOf } from '../../src/formats/types.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { oneArticleProject, poFile, read, run, scratchProject, segmentFile, segmentWith } from '../helpers/one-article.js';

const validator = path.resolve('../shared/tools/validate-l10n');

const title = 'Warsztaty';
const first = 'Centrum Rozwoju Talentów zaprasza młodzież na warsztaty.';
const second = 'Zapisy trwają do piątku.';
const third = 'Udział jest bezpłatny.';
const reviewed: Readonly<Record<string, string>> = {
  [title]: 'Workshoppar',
  [first]: 'Centrum Rozwoju Talentów bjuder in ungdomar till workshoppar.',
  [second]: 'Anmälan pågår till fredag.',
};
const correction = 'Centrum Rozwoju Talentów bjuder in unga till workshoppar.';

/** A project with one article, its Swedish segment file reviewed except for `third`. */
function project(): Promise<string> {
  return oneArticleProject(title, [first, second, third], (s) => (reviewed[s.source] === undefined ? s : { ...s, target: reviewed[s.source], state: 'reviewed', origin: 'human' }));
}

function expectValid(files: readonly string[]): void {
  const result = spawnSync(validator, files, { encoding: 'utf8' });
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/fails to validate|error/i);
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
}

const quote = (text: string): string => JSON.stringify(text);

/** The exported PO with `msgstr` of the entry for `source` replaced, saved as Poedit does (translator and date in the header). */
function editPo(po: string, source: string, target: string): string {
  const from = `msgid ${quote(source)}\nmsgstr `;
  const at = po.indexOf(from);
  expect(at).toBeGreaterThan(0);
  const end = po.indexOf('\n', at + from.length);
  return `${po.slice(0, at)}${from}${quote(target)}${po.slice(end)}`
    .replace('"PO-Revision-Date: \\n"', '"PO-Revision-Date: 2024-05-02 10:15+0200\\n"')
    .replace('"Last-Translator: \\n"', '"Last-Translator: Anna Svensson <anna@example.se>\\n"');
}

interface Report {
  imported: number;
  unchanged: number;
  keptReviewed: number;
  proposals: number;
  waiting: number;
  into: string[];
}

async function importJson(dir: string, args: readonly string[]): Promise<{ report: Report; stderr: string }> {
  const result = await run(dir, ['import', ...args, '--json']);
  const parsed = JSON.parse(result.stdout) as { imported: Report[]; failed: unknown[] };
  expect(parsed.failed).toEqual([]);
  return { report: parsed.imported[0] as Report, stderr: result.stderr };
}

describe('a correction of a reviewed segment', () => {
  it('PO, the only change in the file: stored as a proposal, said where, valid; not stored twice; shown in later exports', async () => {
    const dir = await project();
    await run(dir, ['export', '--format', 'po', '--to', 'sv']);
    const po = await readFile(path.join(dir, poFile), 'utf8');
    await writeFile(path.join(dir, poFile), editPo(po, first, correction));

    const { report, stderr } = await importJson(dir, [poFile]);
    expect(report).toMatchObject({ imported: 0, keptReviewed: 1, proposals: 1, waiting: 0, into: [segmentFile] });
    expect(stderr).toContain(`1 stored as a proposal beside the current translation in ${segmentFile}`);
    expect(stderr).toContain(`hansa import --reviewed ${poFile}`);

    const segment = segmentWith(await read(dir), first);
    expect(segment).toMatchObject({ target: reviewed[first], state: 'reviewed', origin: 'human' });
    expect(segment.suggestions).toEqual([
      // The state the file gave it: a PO entry is a person's translation, not a review.
      { kind: 'proposal', source: first, target: correction, origin: 'human', state: 'translated', file: poFile, author: 'Anna Svensson <anna@example.se>', date: '2024-05-02 10:15+0200' },
    ]);
    const xml = await readFile(path.join(dir, segmentFile), 'utf8');
    expect(xml).toMatch(/<mtc:match ref="#[^"]+" type="other" subType="hansa:proposal" origin="human">/);
    expect(xml).toContain(`<mda:meta type="file">${poFile}</mda:meta>`);
    expectValid([path.join(dir, segmentFile)]);

    // The same file again: the proposal is already there, nothing is written.
    const bytes = await readFile(path.join(dir, segmentFile));
    const again = await importJson(dir, [poFile]);
    expect(again.report).toMatchObject({ imported: 0, keptReviewed: 1, proposals: 0, waiting: 1 });
    expect(again.stderr).toContain(`1 already waiting as a proposal in ${segmentFile}`);
    expect(await readFile(path.join(dir, segmentFile))).toEqual(bytes);

    // Exports show it to the next translator and reviewer.
    await run(dir, ['export', '--format', 'po', '--to', 'sv', '--out', 'again']);
    expect(await readFile(path.join(dir, 'again/sv/a.po'), 'utf8')).toContain(
      `#. proposal: (human, translated, from ${poFile}, Anna Svensson <anna@example.se>, 2024-05-02 10:15+0200) ${correction}`,
    );
    await run(dir, ['export', '--format', 'xliff12', '--to', 'sv', '--out', 'again']);
    const xliff12 = await readFile(path.join(dir, 'again/sv/a.xliff'), 'utf8');
    expect(xliff12).toMatch(new RegExp(`<alt-trans origin="${poFile}" alttranstype="proposal" xml:space="preserve">\\s*<source>${first}</source>\\s*<target state="translated">${correction}</target>`));
    await run(dir, ['export', '--format', 'xliff2', '--to', 'sv', '--out', 'again']);
    expectValid([path.join(dir, 'again/sv/a.xliff'), path.join(dir, 'again/sv/a.xlf')]);
  });

  it('XLIFF 1.2 signed-off, the only change in the file: stored as a proposal', async () => {
    const dir = await project();
    await run(dir, ['export', '--format', 'xliff12', '--to', 'sv']);
    const file = path.join(dir, 'export/sv/a.xliff');
    const xml = await readFile(file, 'utf8');
    const original = `<target state="signed-off">${reviewed[second] ?? ''}</target>`;
    expect(xml).toContain(original);
    await writeFile(file, xml.replace(original, '<target state="signed-off">Anmälan är öppen till fredag.</target>'));
    expectValid([file]);

    const { report, stderr } = await importJson(dir, ['export/sv/a.xliff']);
    expect(report).toMatchObject({ imported: 0, proposals: 1 });
    expect(stderr).toContain(`stored as a proposal beside the current translation in ${segmentFile}`);
    const segment = segmentWith(await read(dir), second);
    expect(segment).toMatchObject({ target: reviewed[second], state: 'reviewed' });
    expect(segment.suggestions).toEqual([{ kind: 'proposal', source: second, target: 'Anmälan är öppen till fredag.', origin: 'human', state: 'reviewed', file: 'export/sv/a.xliff' }]);
    expectValid([path.join(dir, segmentFile)]);
  });

  it('beside a new translation in the same file: the new one is imported, the correction is a proposal (not `previous`)', async () => {
    const dir = await project();
    await run(dir, ['export', '--format', 'po', '--to', 'sv']);
    const po = await readFile(path.join(dir, poFile), 'utf8');
    await writeFile(path.join(dir, poFile), editPo(editPo(po, first, correction), third, 'Deltagandet är gratis.'));
    const { report } = await importJson(dir, [poFile]);
    expect(report).toMatchObject({ imported: 1, proposals: 1 });
    const store = await read(dir);
    expect(segmentWith(store, third)).toMatchObject({ target: 'Deltagandet är gratis.', origin: 'human' });
    expect(segmentWith(store, first).suggestions?.map((item) => [item.kind, item.target])).toEqual([['proposal', correction]]);
    expect(await readFile(path.join(dir, segmentFile), 'utf8')).not.toContain('hansa:previous');
    expectValid([path.join(dir, segmentFile)]);
  });
});

describe('a reviewer accepts a proposal', () => {
  it('with hansa import --reviewed: the text becomes the reviewed translation and the proposal goes', async () => {
    const dir = await project();
    await run(dir, ['export', '--format', 'po', '--to', 'sv']);
    await writeFile(path.join(dir, poFile), editPo(await readFile(path.join(dir, poFile), 'utf8'), first, correction));
    await importJson(dir, [poFile]);
    const { report } = await importJson(dir, ['--reviewed', poFile]);
    expect(report).toMatchObject({ imported: 1, proposals: 0, waiting: 0 });
    const segment = segmentWith(await read(dir), first);
    expect(segment).toMatchObject({ target: correction, state: 'reviewed', origin: 'human' });
    expect(segment.suggestions).toBeUndefined();
    expectValid([path.join(dir, segmentFile)]);
  });

  it('--reviewed does not put a reviewed text over a final one', async () => {
    const dir = await project();
    const store = await read(dir);
    await writeFile(path.join(dir, segmentFile), writeXliff2(updateSegments(store, (s) => (s.source === first ? { ...s, state: 'final' } : s))));
    await run(dir, ['export', '--format', 'po', '--to', 'sv']);
    await writeFile(path.join(dir, poFile), editPo(await readFile(path.join(dir, poFile), 'utf8'), first, correction));
    const { report } = await importJson(dir, ['--reviewed', poFile]);
    expect(report).toMatchObject({ imported: 0, proposals: 1 });
    expect(segmentWith(await read(dir), first)).toMatchObject({ target: reviewed[first], state: 'final' });
  });

  it('in the segment file itself: the next run drops the proposal that is now the target', async () => {
    const dir = await project();
    await run(dir, ['export', '--format', 'po', '--to', 'sv']);
    await writeFile(path.join(dir, poFile), editPo(await readFile(path.join(dir, poFile), 'utf8'), first, correction));
    await importJson(dir, [poFile]);
    const store = await read(dir);
    expect(segmentWith(store, first).suggestions?.map((item) => item.kind)).toEqual(['proposal']);
    await writeFile(path.join(dir, segmentFile), writeXliff2(updateSegments(store, (s) => (s.source === first ? { ...s, target: correction } : s))));
    await run(dir, ['translate', '--to', 'sv']);
    const segment = segmentWith(await read(dir), first);
    expect(segment).toMatchObject({ target: correction, state: 'reviewed' });
    expect(segment.suggestions).toBeUndefined();
  });
});

describe('proposals through later runs', () => {
  async function withProposal(): Promise<string> {
    const dir = await project();
    await run(dir, ['export', '--format', 'po', '--to', 'sv']);
    await writeFile(path.join(dir, poFile), editPo(await readFile(path.join(dir, poFile), 'utf8'), first, correction));
    await importJson(dir, [poFile]);
    expect(segmentWith(await read(dir), first).suggestions?.map((item) => item.kind)).toEqual(['proposal']);
    return dir;
  }

  it('an unchanged source keeps it; status does not count it; the memory does not offer it as a translation', async () => {
    const dir = await withProposal();
    const before = await readFile(path.join(dir, segmentFile), 'utf8');
    await run(dir, ['translate', '--to', 'sv']);
    expect(await readFile(path.join(dir, segmentFile), 'utf8')).toBe(before);
    const status = JSON.parse((await run(dir, ['status', '--json', '--to', 'sv'])).stdout) as { languages: { reviewed: number; translated: number; new: number }[] };
    expect(status.languages[0]).toMatchObject({ reviewed: 3, translated: 0, new: 1 });
  });

  it('a changed source carries it with the old source; a deleted one retires it as a draft the memory never uses', async () => {
    const dir = await withProposal();
    const article = path.join(dir, 'content/pl/a.md');
    const text = await readFile(article, 'utf8');
    const edited = first.replace('młodzież', 'młodych ludzi');
    await writeFile(article, text.replace(first, edited));
    await run(dir, ['translate', '--to', 'sv']);
    const moved = segmentWith(await read(dir), edited);
    expect(moved.suggestions?.map((item) => [item.kind, item.source, item.target])).toEqual([
      ['previous', first, reviewed[first]],
      ['proposal', first, correction],
    ]);
    expectValid([path.join(dir, segmentFile)]);

    await writeFile(article, text.replace(`${first} `, ''));
    await run(dir, ['translate', '--to', 'sv']);
    const retiredFile = path.join(dir, 'translations/sv/retired.tmx');
    expect(existsSync(retiredFile)).toBe(true);
    const retired = readTmx(await readFile(retiredFile, 'utf8'), 'retired.tmx', { sourceLanguage: 'pl', targetLanguage: 'sv' }).translations;
    expect(retired.find((entry) => entry.target === correction)).toMatchObject({ source: first, state: 'initial', origin: `proposal:${poFile}` });
    expect(retired.find((entry) => entry.target === reviewed[first])).toMatchObject({ source: first, state: 'reviewed' });
    expectValid([retiredFile]);

    // The sentence comes back: the memory gives it the reviewed translation, never the proposal.
    await writeFile(article, text);
    await run(dir, ['translate', '--to', 'sv']);
    expect(segmentWith(await read(dir), first)).toMatchObject({ target: reviewed[first] });
  });
});

describe('two translators, one segment', () => {
  it('a text that replaces another person\'s translation keeps theirs beside it', async () => {
    const dir = await project();
    // Two XLIFF 2.1 exports handed to two translators; the third sentence is open in both.
    await run(dir, ['export', '--format', 'xliff2', '--to', 'sv', '--out', 'a']);
    await run(dir, ['export', '--format', 'xliff2', '--to', 'sv', '--out', 'b']);
    const translate = async (folder: string, text: string): Promise<void> => {
      const file = path.join(dir, folder, 'sv/a.xlf');
      const exported = readXliff2(await readFile(file, 'utf8'), file);
      await writeFile(file, writeXliff2(updateSegments(exported, (s) => (s.source === third ? { ...s, target: text, state: 'translated' } : s))));
    };
    await translate('b', 'Deltagandet är gratis.');
    await translate('a', 'Det kostar inget att delta.');
    await run(dir, ['import', 'b/sv/a.xlf']);
    // The older export comes back last: it is in force now, but B's text is not lost.
    await run(dir, ['import', 'a/sv/a.xlf']);
    const segment = segmentWith(await read(dir), third);
    expect(segment).toMatchObject({ target: 'Det kostar inget att delta.', state: 'translated', origin: 'human' });
    expect(segment.suggestions).toEqual([expect.objectContaining({ kind: 'previous', target: 'Deltagandet är gratis.', state: 'translated', origin: 'human' })]);
    expectValid([path.join(dir, segmentFile)]);
  });
});

describe('tags translated from the locale resources', () => {
  it('a person\'s edit of a tag in the segment file is kept beside the resources\' text, not dropped', async () => {
    const dir = await scratchProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), '---\ntitle: Targi pracy\ntags:\n  - Aktualności\n---\n\nTekst artykułu.\n');
    await mkdir(path.join(dir, 'locales/de'), { recursive: true });
    await writeFile(path.join(dir, 'locales/de/content.json'), JSON.stringify({ tags: { 'Aktualności': 'Aktuelles' } }));
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ targetLanguages: ['de'] }));
    await run(dir, ['extract']);
    const file = path.join(dir, 'translations/de/a.xlf');
    const xml = await readFile(file, 'utf8');
    expect(xml).toContain('<target>Aktuelles</target>');
    // Edited in the file as a CAT tool would, the state left as it was.
    await writeFile(file, xml.replace('<target>Aktuelles</target>', '<target>Neuigkeiten</target>'));
    await run(dir, ['extract']);
    const tag = segmentsOf(readXliff2(await readFile(file, 'utf8'), file)).find((segment) => segment.source === 'Aktualności');
    expect(tag).toMatchObject({ target: 'Aktuelles', origin: 'locale' });
    expect(tag?.suggestions).toEqual([expect.objectContaining({ kind: 'previous', target: 'Neuigkeiten' })]);
  });
});
