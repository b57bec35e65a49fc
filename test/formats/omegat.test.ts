/**
 * Round trips through a real CAT tool: Debian's OmegaT 3.6, run headless
 * (`omegat PROJECT --mode=console-translate`) on a project whose `tm/auto/` holds a memory.
 * OmegaT fills what its memory knows, leaves the rest, and writes the translated files; Hansa
 * imports them. Per exchange format: the memory's sentences arrive as translations by a
 * person, untouched segments stay open, nothing Polish is counted or published as a
 * translation, and the article is `partial`.
 *
 * `npm test` installs omegat when dpkg does not report it installed (test/setup-system.sh).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeXmlText } from '../../src/xml/index.js';
import { hansa, sampleProject } from '../helpers/cli.js';

const article = 'aktualnosci/2022-03-15-targi-pracy';

/** Two sentences of the article (no inline codes) and the Swedish a translator's memory has for them. */
const memory: readonly (readonly [string, string])[] = [
  ['Gdańskie Targi Pracy 2022 – ponad 80 pracodawców i bezpłatne doradztwo zawodowe', 'Gdańsks jobbmässa 2022 – över 80 arbetsgivare och kostnadsfri yrkesvägledning'],
  [
    'Zaproszenie na Gdańskie Targi Pracy 2022 organizowane przez Gdański Urząd Pracy i Centrum Rozwoju Talentów.',
    'Inbjudan till Gdańsks jobbmässa 2022, anordnad av Gdańsks arbetsförmedling och Centrum för talangutveckling.',
  ],
];

function omegatProject(): string {
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<omegat>',
    '  <project version="1.0">',
    ...['source_dir', 'target_dir', 'tm_dir', 'glossary_dir', 'glossary_file', 'dictionary_dir'].map((key) => `    <${key}>__DEFAULT__</${key}>`),
    '    <source_lang>pl</source_lang>',
    '    <target_lang>sv</target_lang>',
    // Hansa's segments are sentences already: OmegaT keeps each as it is.
    '    <sentence_seg>false</sentence_seg>',
    '    <support_default_translations>true</support_default_translations>',
    '    <remove_tags>false</remove_tags>',
    '  </project>',
    '</omegat>',
    '',
  ].join('\n');
}

function memoryTmx(): string {
  const units = memory.map(([pl, sv]) => `    <tu>\n      <tuv xml:lang="pl"><seg>${escapeXmlText(pl)}</seg></tuv>\n      <tuv xml:lang="sv"><seg>${escapeXmlText(sv)}</seg></tuv>\n    </tu>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<tmx version="1.4">',
    '  <header creationtool="hansa-test" creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="pl" datatype="plaintext"/>',
    '  <body>',
    ...units,
    '  </body>',
    '</tmx>',
    '',
  ].join('\n');
}

interface LanguageStatus {
  readonly lang: string;
  readonly segments: number;
  readonly new: number;
  readonly translated: number;
  readonly reviewed: number;
}

async function svStatus(dir: string): Promise<LanguageStatus> {
  const result = await hansa(dir, ['--json', 'status']);
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { languages: LanguageStatus[] };
  const sv = report.languages.find((item) => item.lang === 'sv');
  if (sv === undefined) throw new Error(`no sv in ${result.stdout}`);
  return sv;
}

/**
 * The sample project in Swedish with segment files and nothing translated by a provider,
 * the article exported in `format`, translated by OmegaT with the memory, and imported.
 */
async function roundTrip(format: 'xliff12' | 'po' | 'xliff2', extension: string) {
  const dir = await sampleProject();
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify({ sourceLanguage: 'pl', targetLanguages: ['sv'], providers: ['memory'] }, null, 2)}\n`);
  expect((await hansa(dir, ['extract'])).code).toBe(0);
  const before = await svStatus(dir);
  const exported = await hansa(dir, ['export', '--format', format, '--to', 'sv', '--out', 'export']);
  expect(exported.code, exported.stderr).toBe(0);

  const project = path.join(dir, 'omegat');
  for (const folder of ['source', 'target', 'tm/auto', 'glossary', 'dictionary', 'omegat']) await mkdir(path.join(project, folder), { recursive: true });
  await writeFile(path.join(project, 'omegat.project'), omegatProject());
  await writeFile(path.join(project, 'tm', 'auto', 'memory.tmx'), memoryTmx());
  const name = `${path.basename(article)}${extension}`;
  await copyFile(path.join(dir, 'export', 'sv', `${article}${extension}`), path.join(project, 'source', name));
  const run = spawnSync('omegat', [project, '--mode=console-translate'], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, HOME: dir } });
  expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  const translated = path.join(project, 'target', name);

  const imported = await hansa(dir, ['--json', 'import', translated]);
  const after = await svStatus(dir);
  const segmentFile = await readFile(path.join(dir, 'translations', 'sv', `${article}.xlf`), 'utf8');
  expect((await hansa(dir, ['build'])).code).toBe(0);
  const published = await readFile(path.join(dir, 'dist', 'sv', `${article}.md`), 'utf8');
  return { before, after, imported, segmentFile, published, sent: await readFile(translated, 'utf8') };
}

/** The segment of the segment file whose source is `source`: its state and target. */
function segmentOf(xliff: string, source: string): { state: string; subState: string | undefined; target: string | undefined } {
  const at = xliff.indexOf(`<source>${escapeXmlText(source)}</source>`);
  expect(at, source).toBeGreaterThan(0);
  const open = xliff.lastIndexOf('<segment ', at);
  const tag = xliff.slice(open, xliff.indexOf('>', open));
  const end = xliff.indexOf('</segment>', at);
  const target = /<target>([\s\S]*?)<\/target>/.exec(xliff.slice(at, end))?.[1];
  return { state: /state="([^"]+)"/.exec(tag)?.[1] ?? 'initial', subState: /subState="([^"]+)"/.exec(tag)?.[1], target };
}

describe('OmegaT 3.6 as a real client', () => {
  for (const [format, extension] of [
    ['xliff12', '.xliff'],
    ['po', '.po'],
  ] as const) {
    it(`${format}: the memory's sentences come back as translations, the rest stays open, the article is partial`, async () => {
      const { before, after, imported, segmentFile, published, sent } = await roundTrip(format, extension);
      expect(imported.code, imported.stderr).toBe(0);
      // OmegaT really filled them: the memory's Swedish is in the file it wrote.
      for (const [, sv] of memory) expect(sent).toContain(sv);
      const report = JSON.parse(imported.stdout) as { imported: { imported: number }[] };
      expect(report.imported[0]?.imported).toBe(memory.length);
      for (const [pl, sv] of memory) {
        expect(segmentOf(segmentFile, pl)).toEqual({ state: 'translated', subState: 'hansa:human', target: escapeXmlText(sv) });
      }
      // Nothing else moved: untouched segments (sent back as the Polish copy, or empty) stay open.
      expect(after.segments).toBe(before.segments);
      expect(after.translated).toBe(before.translated + memory.length);
      expect(after.reviewed).toBe(before.reviewed);
      expect(after.new).toBe(before.new - memory.length);
      expect(after.new).toBeGreaterThan(0);
      expect(published).toMatch(/^translationStatus: partial$/m);
      expect(published).toContain(memory[0]![1]);
    }, 240_000);
  }

  it('xliff2: OmegaT 3.6 has no XLIFF 2 filter; the file it copies back imports as no change', async () => {
    const { before, after, imported, published } = await roundTrip('xliff2', '.xlf');
    expect(imported.code, imported.stderr).toBe(0);
    const report = JSON.parse(imported.stdout) as { imported: { imported: number; sourceCopies: number }[] };
    expect(report.imported[0]).toMatchObject({ imported: 0, sourceCopies: 0 });
    expect(after).toEqual(before);
    expect(published).toMatch(/^translationStatus: partial$/m);
  }, 240_000);
});
