/**
 * translate-toolkit's `pofilter`, with its default checks, on the PO export of the sample
 * article's reviewed Swedish translation. Every finding is one a reviewer has judged: a
 * convention of Swedish or a translator's choice, listed here with the reason. A new finding
 * (a change in how Hansa writes codes, quotes or escapes into PO, or an edit of the
 * translation) fails the test until someone has judged it too.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePo, writePo } from '../../src/formats/po.js';
import type { SegmentFile } from '../../src/formats/types.js';
import { hansa } from '../helpers/cli.js';

const article = 'aktualnosci/2021-11-10-europejski-lider';

/** Each finding, as `check: start of the msgid`, and why it is right as it is. */
const judged: Readonly<Record<string, string>> = {
  'doublequoting: Nagroda "Europejski Lider': 'Swedish quotes with ”…”, Polish with „…” or straight quotes: the change is the convention',
  'doublequoting: W tym miejscu chcielibyśmy': 'as above: ”…” in Swedish for „…” in Polish',
  'brackets: W tym miejscu chcielibyśmy': "the translator adds the award's Polish name in brackets for Swedish readers",
  'doublequoting: Nagroda w tej kategorii': 'as above: ”…” in Swedish for "…" in Polish',
  'simplecaps: 9 listopada mieliśmy': 'the Polish sentence starts with a number, the Swedish one with "Den 9 november"',
  'acronyms: Współorganizatorem wizyty': 'NORDEN is not an acronym: the association is Föreningen Norden in Swedish (glossary)',
  'unchanged: /Monika Artowska-Janowska/': "the byline: a person's name is the same in every language",
};

describe('pofilter on the reviewed Swedish sample', () => {
  it('finds only what a reviewer has judged, none of it from how Hansa encodes codes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hansa-pofilter-'));
    for (const part of ['content', 'translations', 'glossary', 'hansa.config.json']) await cp(path.resolve(part), path.join(dir, part), { recursive: true });
    const exported = await hansa(dir, ['export', '--format', 'po', '--to', 'sv', '--out', 'export']);
    expect(exported.code, exported.stderr).toBe(0);
    const po = path.join(dir, 'export', 'sv', `${article}.po`);
    const entries = parsePo(await readFile(po, 'utf8'), po).filter((entry) => entry.msgid.value !== '');
    // The whole article is reviewed: every entry translated, none fuzzy.
    expect(entries.length).toBeGreaterThan(20);
    expect(entries.filter((entry) => entry.flags.includes('fuzzy') || entry.msgstr[0]?.value === '')).toEqual([]);

    const out = path.join(dir, 'pofilter.po');
    const run = spawnSync('pofilter', [po, '-o', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const findings = parsePo(await readFile(out, 'utf8'), out)
      .filter((entry) => entry.msgid.value !== '')
      .flatMap((entry) =>
        entry.translatorComments
          .map((comment) => /^\(pofilter\) ([\w-]+):/.exec(comment)?.[1])
          .filter((check): check is string => check !== undefined)
          .map((check) => `${check}: ${entry.msgid.value}`),
      );
    // Each finding as the judged key it matches, or in full when nobody has judged it.
    const named = findings.map((finding) => Object.keys(judged).find((key) => finding.startsWith(key)) ?? finding);
    expect(named.sort()).toEqual(Object.keys(judged).sort());
  });

  it("raises nothing about the inline codes of translations that keep their source's codes", async () => {
    // The sample article has no inline codes; this segment file has bold, links, code, images and breaks.
    const file = JSON.parse(await readFile(path.resolve('test/formats/fixtures/interchange/sample.json'), 'utf8')) as SegmentFile;
    const dir = await mkdtemp(path.join(tmpdir(), 'hansa-pofilter-'));
    const po = path.join(dir, 'codes.po');
    await writeFile(po, writePo(file));
    const out = path.join(dir, 'out.po');
    // Fuzzy entries are offers (a translation of another source, with that source's codes), not translations.
    const run = spawnSync('pofilter', ['--nofuzzy', po, '-o', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const checks = parsePo(await readFile(out, 'utf8'), out).flatMap((entry) => entry.translatorComments.map((comment) => /^\(pofilter\) ([\w-]+):/.exec(comment)?.[1]).filter((check) => check !== undefined));
    for (const codeCheck of ['xmltags', 'escapes', 'printf', 'variables', 'brackets', 'doublespacing']) expect(checks).not.toContain(codeCheck);
  });
});
