import { mkdir, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProject, filesBelow, hansa } from '../helpers/cli.js';

/**
 * A small project with a glossary, translated once with the memory (so `.hansa/` holds
 * extracted documents, the extraction manifest and compiled terms of pl and en).
 */
async function translatedProject(): Promise<{ dir: string; outputs: Record<string, string> }> {
  const dir = await emptyProject();
  await mkdir(path.join(dir, 'content/pl/news'), { recursive: true });
  await mkdir(path.join(dir, 'glossary'));
  await writeFile(path.join(dir, 'content/pl/news/a.md'), '---\ntitle: Doradztwo zawodowe\n---\n\n# Nowości\n\nDoradztwo zawodowe dla młodzieży. Ala ma kota.\n');
  await writeFile(path.join(dir, 'content/pl/b.md'), '# Targi pracy\n\nTargi odbyły się w maju. Było doradztwo zawodowe.\n');
  await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en\ndoradztwo zawodowe,career guidance\n');
  const first = await hansa(dir, ['translate', '--to', 'en']);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).not.toContain('warning');
  return { dir, outputs: await outputsOf(dir) };
}

/** Every file Hansa writes for the user (dist/ and segment files), by path. */
async function outputsOf(dir: string): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  for (const folder of ['dist', 'translations']) {
    for (const file of await filesBelow(path.join(dir, folder))) outputs[`${folder}/${file}`] = await readFile(path.join(dir, folder, file), 'utf8');
  }
  return outputs;
}

/** The cache files of one kind, relative to the project. */
async function cacheFiles(dir: string, folder: string): Promise<string[]> {
  return (await readdir(path.join(dir, '.hansa', folder))).filter((name) => name.endsWith('.json')).map((name) => `.hansa/${folder}/${name}`).sort();
}

/** Cut a file in half, as a full disk or a kill in the middle of a plain write leaves it. */
async function cutShort(file: string): Promise<void> {
  const size = (await readFile(file)).length;
  await truncate(file, Math.floor(size / 2));
}

/** Whether a cache file holds JSON again. */
/**
 * Forget the project state, so the next run needs every document and term index again (a run
 * the state says has nothing to do reads neither, damaged or not).
 */
async function forgetState(dir: string): Promise<void> {
  await rm(path.join(dir, '.hansa/state'), { recursive: true, force: true });
}

async function isJson(file: string): Promise<boolean> {
  try {
    JSON.parse(await readFile(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

describe('a damaged cache entry is a miss: rebuilt, with a warning naming it', () => {
  it('an extracted document cut short: translate, build and extract go on as without the damage', { timeout: 120_000 }, async () => {
    const { dir, outputs } = await translatedProject();
    const docs = await cacheFiles(dir, 'extract/docs');
    expect(docs).toHaveLength(2);
    for (const command of [['translate', '--to', 'en'], ['build', '--to', 'en'], ['extract', '--to', 'en']]) {
      for (const doc of docs) await cutShort(path.join(dir, doc));
      await forgetState(dir);
      const run = await hansa(dir, command);
      const said = `${command[0]}: ${run.stderr}`;
      expect(run.code, said).toBe(0);
      for (const doc of docs) {
        expect(run.stderr.split(`${doc}: warning: damaged cache file (`), said).toHaveLength(2);
        expect(await isJson(path.join(dir, doc)), doc).toBe(true);
      }
      expect(await outputsOf(dir)).toEqual(outputs);
      // Rebuilt: the next run has nothing to say.
      await forgetState(dir);
      expect((await hansa(dir, command)).stderr).not.toContain('warning');
    }
    const json = JSON.parse((await hansa(dir, ['translate', '--to', 'en', '--json'])).stdout) as { findings: unknown[] };
    expect(json.findings).toEqual([]);
  });

  it('an extracted document of the wrong shape, or of another source, is damaged too', { timeout: 60_000 }, async () => {
    const { dir, outputs } = await translatedProject();
    const [first, second] = await cacheFiles(dir, 'extract/docs');
    if (first === undefined || second === undefined) throw new Error('expected two cached documents');
    await writeFile(path.join(dir, first), JSON.stringify({ sourceHash: 'x', meta: {}, units: [], segments: [] }));
    await writeFile(path.join(dir, second), JSON.stringify({ segments: 'none' }));
    await forgetState(dir);
    const run = await hansa(dir, ['translate', '--to', 'en', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const findings = (JSON.parse(run.stdout) as { findings: { code: string; severity: string; file: string }[] }).findings;
    expect([...findings].sort((a, b) => (a.file < b.file ? -1 : 1))).toEqual([
      expect.objectContaining({ code: 'cache_damaged', severity: 'warning', file: first }),
      expect.objectContaining({ code: 'cache_damaged', severity: 'warning', file: second }),
    ]);
    expect(await outputsOf(dir)).toEqual(outputs);
  });

  it('the extraction manifest cut short: a warning, everything extracted again, the same outputs', { timeout: 60_000 }, async () => {
    const { dir, outputs } = await translatedProject();
    const manifest = '.hansa/extract/manifest.json';
    await cutShort(path.join(dir, manifest));
    const run = await hansa(dir, ['translate', '--to', 'en']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${manifest}: warning: damaged cache file (`);
    expect(await isJson(path.join(dir, manifest))).toBe(true);
    expect(await outputsOf(dir)).toEqual(outputs);
    const again = await hansa(dir, ['translate', '--to', 'en']);
    expect(again.stderr).not.toContain('warning');
    expect(again.stderr).toContain('0 parsed');
  });

  it('compiled terms cut short or garbled: a warning each, compiled again, the same outputs', { timeout: 60_000 }, async () => {
    const { dir, outputs } = await translatedProject();
    // qa compiles the target checks of en (a translate with nothing to check leaves them be).
    await hansa(dir, ['qa', '--to', 'en']);
    const terms = await cacheFiles(dir, 'terms');
    // The source index (pl), and the target checks of en (allowed and deprecated terms).
    expect(terms).toHaveLength(3);
    const cut = terms.find((file) => file.startsWith('.hansa/terms/pl-'));
    const garbled = terms.filter((file) => file !== cut);
    if (cut === undefined) throw new Error('expected the term cache of pl');
    await cutShort(path.join(dir, cut));
    for (const file of garbled) await writeFile(path.join(dir, file), '[{"entryId": 1}]');
    await forgetState(dir);
    const run = await hansa(dir, ['translate', '--to', 'en']);
    expect(run.code, run.stderr).toBe(0);
    // translate matches sources against the glossary; the target checks of en are loaded only
    // where a translation is to be checked (none from the memory here), and qa checks them all.
    expect(run.stderr).toContain(`${cut}: warning: damaged cache file (`);
    expect(await outputsOf(dir)).toEqual(outputs);
    const checked = await hansa(dir, ['qa', '--to', 'en']);
    for (const file of garbled) expect(checked.stderr).toContain(`${file}: warning: damaged cache file (`);
    for (const file of terms) expect(Array.isArray(JSON.parse(await readFile(path.join(dir, file), 'utf8'))), file).toBe(true);
    expect((await hansa(dir, ['qa', '--to', 'en'])).stderr).not.toContain('damaged');
    // `terms` and `qa` read the same caches and say the same.
    await cutShort(path.join(dir, cut));
    const matched = await hansa(dir, ['terms', '--lang', 'pl'], { input: 'Doradztwa zawodowego nie ma.' });
    expect(matched.code, matched.stderr).toBe(0);
    expect(JSON.parse(matched.stdout)).toEqual([{ term: 'doradztwo zawodowe', text: 'Doradztwa zawodowego', start: 0, end: 20 }]);
    expect(matched.stderr).toContain(`${cut}: warning: damaged cache file (`);
    for (const file of garbled) await writeFile(path.join(dir, file), '{');
    const qa = await hansa(dir, ['qa', '--to', 'en']);
    expect(qa.code, qa.stderr).toBe(0);
    for (const file of garbled) expect(qa.stderr).toContain(`${file}: warning: damaged cache file (`);
  });
});
