/**
 * Issue 11 item 2: states from tools that keep none. A translation imported from PO (or from
 * XLIFF without a state) is `translated` by a person; it is `reviewed` only when the file
 * says so or the import is told so (`--reviewed`), and never when the file itself still marks
 * it for review. The source sent back as a target is never a translation.
 * Runs the built `hansa` (`npm run build` first).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneArticleProject, poFile, read, run, segmentFile, segmentWith } from '../helpers/one-article.js';

const title = 'Warsztaty';
const first = 'Centrum Rozwoju Talentów zaprasza młodzież na warsztaty.';
const second = 'Zapisy trwają do piątku.';
const third = 'Udział jest bezpłatny dla wszystkich uczestników.';
const machine = 'Anmälan pågår till fredag.';

/** One article in Swedish: `second` machine-translated, the rest open; exported as PO. */
async function project(): Promise<string> {
  const dir = await oneArticleProject(title, [first, second, third], (s) => (s.source === second ? { ...s, target: machine, state: 'translated', origin: 'mt:deepl' } : s));
  await run(dir, ['export', '--format', 'po', '--to', 'sv']);
  return dir;
}

/** The PO with the entry of `source` given `target`, as a PO editor saves it (its flags as they were). */
async function editPo(dir: string, source: string, target: string): Promise<void> {
  const file = path.join(dir, poFile);
  const po = await readFile(file, 'utf8');
  const from = `msgid ${JSON.stringify(source)}\nmsgstr `;
  const at = po.indexOf(from);
  expect(at).toBeGreaterThan(0);
  const end = po.indexOf('\n', at + from.length);
  await writeFile(file, `${po.slice(0, at)}${from}${JSON.stringify(target)}${po.slice(end)}`);
}

interface Report {
  readonly imported: number;
  readonly unchanged: number;
  readonly sourceCopies: number;
}

async function importJson(dir: string, args: readonly string[]): Promise<Report> {
  const result = await run(dir, ['--json', 'import', ...args]);
  const parsed = JSON.parse(result.stdout) as { imported: Report[]; failed: unknown[] };
  expect(parsed.failed).toEqual([]);
  return parsed.imported[0] as Report;
}

describe('a PO file keeps no states', () => {
  it("a translator's entry is translated by a person, not reviewed", async () => {
    const dir = await project();
    await editPo(dir, third, 'Deltagandet är kostnadsfritt för alla.');
    expect(await importJson(dir, [poFile])).toMatchObject({ imported: 1, sourceCopies: 0 });
    expect(segmentWith(await read(dir), third)).toMatchObject({ target: 'Deltagandet är kostnadsfritt för alla.', state: 'translated', origin: 'human' });
  });

  it("--reviewed: a reviewer's entries are reviewed, but a draft the file still marks fuzzy is only a proposal", async () => {
    const dir = await project();
    const po = await readFile(path.join(dir, poFile), 'utf8');
    // The machine's text went out as a draft for review.
    expect(po).toContain(`#, fuzzy\nmsgctxt`);
    await editPo(dir, third, 'Deltagandet är kostnadsfritt för alla.');
    await editPo(dir, second, 'Anmälan pågår fram till fredag.');
    expect(await importJson(dir, ['--reviewed', poFile])).toMatchObject({ imported: 1, proposals: 1 });
    const store = await read(dir);
    expect(segmentWith(store, third)).toMatchObject({ state: 'reviewed', origin: 'human' });
    // Still fuzzy in the file: a draft, which the reviewer has not vouched for. It waits beside
    // the machine's text as a proposal and replaces nothing (DESIGN §9).
    const draft = segmentWith(store, second);
    expect(draft).toMatchObject({ target: machine, state: 'translated', origin: 'mt:deepl' });
    expect(draft.suggestions).toEqual([expect.objectContaining({ kind: 'proposal', target: 'Anmälan pågår fram till fredag.', state: 'initial' })]);
  });

  it('the Polish text sent back as a translation is not one: the segment stays open and is never published', async () => {
    const dir = await project();
    await editPo(dir, third, third);
    const result = await run(dir, ['import', poFile]);
    expect(result.stderr).toContain('1 target was the source text itself (left as the tool got it): not a translation, the segment stays open');
    expect(segmentWith(await read(dir), third)).toMatchObject({ state: 'initial' });
    expect(segmentWith(await read(dir), third).target).toBeUndefined();
    // One word may well be the same in Swedish (a name, a loanword): that one is taken.
    await editPo(dir, title, title);
    expect(await importJson(dir, [poFile])).toMatchObject({ imported: 1, sourceCopies: 1 });
  });
});

describe('an XLIFF 1.2 export sent back untouched', () => {
  it('changes nothing: its source copies are not translations', async () => {
    const dir = await project();
    await run(dir, ['export', '--format', 'xliff12', '--to', 'sv']);
    const before = await readFile(path.join(dir, segmentFile), 'utf8');
    expect(await importJson(dir, ['export/sv/a.xliff'])).toMatchObject({ imported: 0, sourceCopies: 0 });
    expect(await readFile(path.join(dir, segmentFile), 'utf8')).toBe(before);
  });
});
