import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeeplProvider, deeplTarget } from '../../src/providers/index.js';
import { QuotaExhaustedError } from '../../src/queue/index.js';
import { hansa, sampleProject } from '../helpers/cli.js';
import { startMockDeepl, type MockDeepl } from '../helpers/mock-deepl.js';

let mock: MockDeepl;
beforeEach(async () => {
  mock = await startMockDeepl();
});
afterEach(async () => {
  await mock.close();
});

async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => readFile(path.join(entry.parentPath, entry.name), 'utf8')));
  return texts.join('\n');
}

describe('deepl adapter', () => {
  it('sends XML-tagged texts with the key in the header and reads the translations back in order', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url });
    const results = await provider.translate({
      sourceLanguage: 'pl',
      targetLanguage: 'en',
      segments: [
        { id: 'a', source: 'Zobacz <pc id="1">stronę</pc>.' },
        { id: 'b', source: 'Wpisz <ph id="1"/> teraz.' },
      ],
    });
    expect(results).toEqual([
      { id: 'a', target: 'EN-GB: ZOBACZ <pc id="1">STRONĘ</pc>.', origin: 'mt:deepl' },
      { id: 'b', target: 'EN-GB: WPISZ <ph id="1"/> TERAZ.', origin: 'mt:deepl' },
    ]);
    expect(mock.requests[0]).toMatchObject({
      authorization: `DeepL-Auth-Key ${mock.key}`,
      body: { source_lang: 'PL', target_lang: 'EN-GB', tag_handling: 'xml', split_sentences: '0' },
    });
  });

  it('maps our languages to DeepL codes', () => {
    expect(['en', 'sv', 'nb', 'no', 'de', 'fi', 'xx'].map((lang) => deeplTarget(lang))).toEqual(['EN-GB', 'SV', 'NB', 'NB', 'DE', 'FI', undefined]);
  });

  it('turns 456 into a quota error and a short answer into a retryable one', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url });
    mock.quota = 3;
    await expect(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [{ id: 'a', source: 'Długie zdanie.' }] })).rejects.toBeInstanceOf(QuotaExhaustedError);
    mock.quota = Number.POSITIVE_INFINITY;
    mock.faults.push({ kind: 'short' });
    await expect(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [{ id: 'a', source: 'A.' }, { id: 'b', source: 'B.' }] })).rejects.toMatchObject({ kind: 'transient' });
  });
});

describe('hansa translate --provider deepl', () => {
  const env = (): Record<string, string> => ({ DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url });

  it('translates through the mock, journals every answer and never buys a segment twice', async () => {
    const dir = await sampleProject();
    const first = await hansa(dir, ['translate', '--provider', 'deepl', '--to', 'en,sv', '--json'], { env: env() });
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { languages: { lang: string; untranslated: number }[] };
    expect(summary.languages.map((language) => [language.lang, language.untranslated])).toEqual([
      ['en', 0],
      ['sv', 0],
    ]);
    const article = await readFile(path.join(dir, 'dist/sv/aktualnosci/2021-11-10-europejski-lider.md'), 'utf8');
    expect(article).toContain('SV: CENTRUM ROZWOJU TALENTÓW OD POCZĄTKU');
    expect(article).toContain('translationStatus: machine');
    const requests = mock.requests.length;
    expect(requests).toBeGreaterThan(0);
    expect([...mock.translated.values()].every((count) => count === 1)).toBe(true);

    const again = await hansa(dir, ['translate', '--provider', 'deepl', '--to', 'en,sv'], { env: env() });
    expect(again.code).toBe(0);
    expect(mock.requests.length).toBe(requests);
    expect(await readFile(path.join(dir, 'dist/sv/aktualnosci/2021-11-10-europejski-lider.md'), 'utf8')).toBe(article);

    // The key is nowhere: not in outputs, caches, journal, or what was printed.
    const everything = `${await allText(dir)}\n${first.stdout}\n${first.stderr}\n${again.stdout}\n${again.stderr}`;
    expect(everything).not.toContain(mock.key);
    expect(everything).not.toContain('fake-deepl-key');
  });

  it('retries a 429 and fails over to the next provider when the quota runs out', async () => {
    const dir = await sampleProject();
    mock.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    mock.quota = 8000;
    const result = await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'en', '--json'], { env: env() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; byOrigin: Record<string, number> }[] };
    expect(summary.languages[0]?.untranslated).toBe(0);
    expect(summary.languages[0]?.byOrigin['mt:deepl']).toBeGreaterThan(0);
    expect(summary.languages[0]?.byOrigin['mt:pseudo']).toBeGreaterThan(0);
  });

  it('refuses answers whose codes were dropped and leaves those segments to the next provider', async () => {
    const dir = await sampleProject();
    for (let i = 0; i < 40; i++) mock.faults.push({ kind: 'drop-tags' });
    const result = await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'de', '--json'], { env: env() });
    const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; byOrigin: Record<string, number> }[] };
    expect(summary.languages[0]?.untranslated).toBe(0);
    expect(summary.languages[0]?.byOrigin['mt:pseudo']).toBeGreaterThan(0);
    const output = await readFile(path.join(dir, 'dist/de/aktualnosci/2022-03-15-targi-pracy.md'), 'utf8');
    expect(output).toContain('](https://example.org/targi-pracy-2022/zapisy');
  });

  it('refuses machine output that does not keep the glossary and hands those segments on', async () => {
    const dir = await sampleProject();
    const { cp } = await import('node:fs/promises');
    await cp(path.resolve('glossary'), path.join(dir, 'glossary'), { recursive: true });
    const result = await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'en', '--json'], { env: env() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; byOrigin: Record<string, number> }[]; findings: { code: string; message: string }[] };
    const [language] = summary.languages;
    // The mock only upper-cases, so every segment with a glossary term fails the gate.
    expect(language?.byOrigin['mt:deepl']).toBeGreaterThan(50);
    expect(language?.byOrigin['mt:pseudo']).toBeGreaterThan(10);
    expect(language?.untranslated).toBe(0);
    expect(summary.findings.filter((finding) => finding.code === 'glossary_not_kept').length).toBe(language?.byOrigin['mt:pseudo']);
    expect(result.stderr).toMatch(/^deepl: warning: deepl's translation was not used, it does not keep the glossary \(term_missing: /m);
    // Refused answers were paid for: they stay in the journal and are not bought again.
    const requests = mock.requests.length;
    await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'en'], { env: env() });
    expect(mock.requests.length).toBe(requests);
  });

  it('estimates a dry run without a key and without calling anything', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'deepl', '--to', 'en,sv', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { languages: { characters: number; requests: number; estimatedCost: number }[] };
    for (const language of summary.languages) {
      expect(language.requests).toBeGreaterThan(0);
      expect(language.estimatedCost).toBeCloseTo((language.characters / 1_000_000) * 20, 6);
    }
    expect(mock.requests).toHaveLength(0);
  });

  it('says which variable is missing, with exit 2', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'deepl']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DEEPL_AUTH_KEY');
  });
});
