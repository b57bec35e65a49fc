import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeeplProvider, deeplTarget, type DeeplOptions } from '../../src/providers/index.js';
import { deeplFormality, deeplGlossaryEntries, deeplGlossaryName, type DeeplGlossaryEntry } from '../../src/providers/deepl.js';
import { ProviderError, ProviderQueue, QuotaExhaustedError } from '../../src/queue/index.js';
import { filesBelow, hansa, sampleProject } from '../helpers/cli.js';
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

const germanGlossary = [
  { source: 'doradztwo zawodowe', target: 'Berufsberatung' },
  { source: 'NEET', target: 'NEET' },
  // DeepL refuses tabs, line breaks, empty terms and duplicate sources: cleaned or left out.
  { source: 'rynek\tpracy', target: ' Arbeitsmarkt\n' },
  { source: '   ', target: 'leer' },
  { source: 'urząd pracy', target: '' },
  { source: 'doradztwo zawodowe', target: 'Karriereberatung' },
];

/** A glossary loader that counts its calls. */
function glossaryLoader(entries: readonly DeeplGlossaryEntry[]): { load: NonNullable<DeeplOptions['glossary']>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    load: (lang) => {
      calls.push(lang);
      return Promise.resolve(lang === 'de' ? entries : []);
    },
  };
}

describe('deepl glossary resources', () => {
  const request = (targetLanguage: string, ...sources: string[]): Parameters<ReturnType<typeof createDeeplProvider>['translate']>[0] => ({
    sourceLanguage: 'pl',
    targetLanguage,
    segments: sources.map((source, index) => ({ id: `s${index}`, source })),
  });

  it('cleans entries as DeepL requires and names the glossary after its content', () => {
    const entries = deeplGlossaryEntries(germanGlossary);
    expect(entries).toEqual([
      { source: 'NEET', target: 'NEET' },
      { source: 'doradztwo zawodowe', target: 'Berufsberatung' },
      { source: 'rynek pracy', target: 'Arbeitsmarkt' },
    ]);
    const name = deeplGlossaryName('PL', 'DE', entries);
    expect(name).toMatch(/^hansa-pl-de-[0-9a-f]{12}$/);
    expect(deeplGlossaryName('pl', 'de', deeplGlossaryEntries([...germanGlossary].reverse().slice(1).concat(germanGlossary[0]!)))).toBe(name);
    expect(deeplGlossaryName('pl', 'de', entries.slice(1))).not.toBe(name);
    expect(deeplGlossaryName('pl', 'sv', entries)).not.toBe(name);
  });

  it('creates the glossary once, shares it between concurrent requests and reuses it in the next run', async () => {
    const first = glossaryLoader(germanGlossary);
    const run1 = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: first.load });
    const [a, b] = await Promise.all([
      run1.translate(request('de', 'Czym jest doradztwo zawodowe?')),
      run1.translate(request('de', 'Młodzież NEET i <pc id="1">rynek pracy</pc>.')),
    ]);
    expect(a).toEqual([{ id: 's0', target: 'DE: CZYM JEST Berufsberatung?', origin: 'mt:deepl' }]);
    expect(b?.[0]?.target).toBe('DE: MŁODZIEŻ NEET I <pc id="1">Arbeitsmarkt</pc>.');
    expect(mock.glossariesCreated).toBe(1);
    expect(first.calls).toEqual(['de']);
    const [glossary] = [...mock.glossaries.values()];
    expect(glossary?.name).toBe(deeplGlossaryName('pl', 'de', deeplGlossaryEntries(germanGlossary)));
    expect(glossary).toMatchObject({ source_lang: 'pl', target_lang: 'de' });
    expect(Object.fromEntries(glossary?.entries ?? [])).toEqual({ NEET: 'NEET', 'doradztwo zawodowe': 'Berufsberatung', 'rynek pracy': 'Arbeitsmarkt' });
    expect(mock.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v2/glossaries', 'POST /v2/glossaries']);
    expect(mock.calls[1]?.body).toMatchObject({ entries_format: 'tsv', source_lang: 'pl', target_lang: 'de', entries: 'NEET\tNEET\ndoradztwo zawodowe\tBerufsberatung\nrynek pracy\tArbeitsmarkt' });
    for (const sent of mock.requests) expect(sent.body).toMatchObject({ glossary_id: glossary?.glossary_id, source_lang: 'PL', target_lang: 'DE' });

    // Languages without entries go without glossary, and without asking DeepL about one.
    await run1.translate(request('sv', 'Doradztwo zawodowe.'));
    expect(mock.requests.at(-1)?.body['glossary_id']).toBeUndefined();
    expect(mock.calls).toHaveLength(2);

    // Next run (a new process): found by name, not created again.
    const run2 = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: glossaryLoader(germanGlossary).load });
    await run2.translate(request('de', 'Doradztwo zawodowe.'));
    await run2.translate(request('de', 'Rynek pracy.'));
    expect(mock.glossariesCreated).toBe(1);
    expect(mock.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v2/glossaries', 'POST /v2/glossaries', 'GET /v2/glossaries']);
    expect(mock.requests.at(-1)?.body['glossary_id']).toBe(glossary?.glossary_id);
    expect(mock.requests.at(-1)?.body).toMatchObject({ glossary_id: glossary?.glossary_id });
  });

  it('creates a new glossary when the project glossary changes', async () => {
    await createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: glossaryLoader(germanGlossary).load }).translate(request('de', 'Tekst.'));
    const changed = [...germanGlossary, { source: 'pracodawca', target: 'Arbeitgeber' }];
    const results = await createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: glossaryLoader(changed).load }).translate(request('de', 'Pracodawca.'));
    expect(results[0]?.target).toBe('DE: Arbeitgeber.');
    expect(mock.glossariesCreated).toBe(2);
    const names = [...mock.glossaries.values()].map((glossary) => glossary.name);
    expect(new Set(names).size).toBe(2);
    expect(mock.requests.at(-1)?.body['glossary_id']).not.toBe(mock.requests[0]?.body['glossary_id']);
  });

  it('translates without glossary when DeepL refuses the pair, and asks only once per run', async () => {
    mock.glossaryLanguages.delete('de');
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: glossaryLoader(germanGlossary).load });
    expect(await provider.translate(request('de', 'Doradztwo zawodowe.'))).toEqual([{ id: 's0', target: 'DE: DORADZTWO ZAWODOWE.', origin: 'mt:deepl' }]);
    await provider.translate(request('de', 'Rynek pracy.'));
    expect(mock.glossariesCreated).toBe(0);
    expect(mock.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v2/glossaries', 'POST /v2/glossaries']);
    expect(mock.requests.map((sent) => sent.body['glossary_id'])).toEqual([undefined, undefined]);
    // The mock refuses it as DeepL does.
    const refused = await fetch(`${mock.url}/v2/glossaries`, {
      method: 'POST',
      headers: { authorization: `DeepL-Auth-Key ${mock.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', source_lang: 'pl', target_lang: 'de', entries: 'a\tb', entries_format: 'tsv' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: 'Unsupported glossary source and target language pair' });
  });

  it('mock: validates glossary entries like DeepL and deletes glossaries', async () => {
    const post = (entries: string): Promise<Response> =>
      fetch(`${mock.url}/v2/glossaries`, {
        method: 'POST',
        headers: { authorization: `DeepL-Auth-Key ${mock.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'test', source_lang: 'pl', target_lang: 'de', entries, entries_format: 'tsv' }),
      });
    const duplicate = await post('a\tb\na\tc');
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toEqual({ message: 'Invalid glossary entries provided', detail: 'Key with the index 1 (starting at position 4) duplicates key with the index 0 (starting at position 0)' });
    expect(((await (await post('a b')).json()) as { detail: string }).detail).toMatch(/misses tab separator/);
    expect(((await (await post(' a\tb')).json()) as { detail: string }).detail).toMatch(/leading or trailing whitespace/);
    const created = (await (await post('a\tb')).json()) as { glossary_id: string; ready: boolean; entry_count: number };
    expect(created).toMatchObject({ ready: true, entry_count: 1 });
    const pairs = (await (await fetch(`${mock.url}/v2/glossary-language-pairs`, { headers: { authorization: `DeepL-Auth-Key ${mock.key}` } })).json()) as { supported_languages: { source_lang: string; target_lang: string }[] };
    expect(pairs.supported_languages).toContainEqual({ source_lang: 'pl', target_lang: 'nb' });
    const removed = await fetch(`${mock.url}/v2/glossaries/${created.glossary_id}`, { method: 'DELETE', headers: { authorization: `DeepL-Auth-Key ${mock.key}` } });
    expect(removed.status).toBe(204);
    expect(mock.glossaries.size).toBe(0);
    expect(mock.glossariesCreated).toBe(1);
  });

  it('looks the glossary up again when it was deleted since', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: glossaryLoader(germanGlossary).load });
    await provider.translate(request('de', 'Tekst.'));
    mock.glossaries.clear();
    const queue = new ProviderQueue({ provider: 'deepl', baseDelayMs: 0, maxRetries: 2 });
    const results = await queue.run(0, (signal) => provider.translate({ ...request('de', 'Doradztwo zawodowe.'), signal }));
    expect(results[0]?.target).toBe('DE: Berufsberatung.');
    expect(mock.glossariesCreated).toBe(2);
  });
});

describe('deepl formality and usage', () => {
  it('sends formality only to targets that have it', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, formality: 'more' });
    for (const lang of ['de', 'sv', 'en', 'nb']) await provider.translate({ sourceLanguage: 'pl', targetLanguage: lang, segments: [{ id: 'a', source: 'Dzień dobry.' }] });
    expect(mock.requests.map((sent) => [sent.body['target_lang'], sent.body['formality']])).toEqual([
      ['DE', 'more'],
      ['SV', undefined],
      ['EN-GB', undefined],
      ['NB', undefined],
    ]);
    expect(['DE', 'SV', 'PL', 'PT-BR'].map((target) => deeplFormality(target, 'prefer_less'))).toEqual(['prefer_less', undefined, 'prefer_less', 'prefer_less']);
    expect(deeplFormality('DE', 'default')).toBeUndefined();
    expect(provider.capabilities.formality).toBe(true);
    // What DeepL (and the mock) answers when it is sent anyway.
    const refused = await fetch(`${mock.url}/v2/translate`, {
      method: 'POST',
      headers: { authorization: `DeepL-Auth-Key ${mock.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: ['a'], target_lang: 'SV', formality: 'less' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: "'formality' is not supported for given 'target_lang'." });
  });

  it('reads /v2/usage', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url });
    mock.usage.characterCount = 180_118;
    mock.usage.characterLimit = 500_000;
    expect(await provider.usage?.()).toEqual({ characterCount: 180_118, characterLimit: 500_000 });
    await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [{ id: 'a', source: 'Dziesięć.' }] });
    expect(await provider.usage?.()).toEqual({ characterCount: 180_127, characterLimit: 500_000 });
  });
});

describe('deepl over a hung connection', () => {
  const segments = [
    { id: 'a', source: 'Pierwsze zdanie.' },
    { id: 'b', source: 'Drugie zdanie.' },
  ];
  const limits = { maxSegments: 50, maxCharacters: 30_000 };

  it('gives up the attempt at its timeout and retries it', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url, glossary: glossaryLoader(germanGlossary).load });
    mock.faults.push({ kind: 'hang' });
    mock.glossaryFaults.push({ kind: 'hang' });
    const queue = new ProviderQueue({ provider: 'deepl', timeoutMs: 300, baseDelayMs: 0, maxRetries: 3 });
    const started = Date.now();
    const outcome = await queue.translateBatches((batch, signal) => provider.translate({ sourceLanguage: 'pl', targetLanguage: 'de', segments: batch, signal }), segments, limits);
    expect(outcome.failures).toEqual([]);
    expect(outcome.results.map((result) => result.target)).toEqual(['DE: PIERWSZE ZDANIE.', 'DE: DRUGIE ZDANIE.']);
    // Hung glossary list, then hung translation, then the answer.
    expect(queue.retries).toBe(2);
    expect(mock.glossariesCreated).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('fails the segments over when every attempt hangs, with no key in the error', async () => {
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url });
    mock.faults.push({ kind: 'hang' }, { kind: 'hang' });
    const queue = new ProviderQueue({ provider: 'deepl', timeoutMs: 200, baseDelayMs: 0, maxRetries: 1 });
    const outcome = await queue.translateBatches((batch, signal) => provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: batch, signal }), segments, limits);
    expect(outcome.results).toEqual([]);
    expect(outcome.failures.map((failure) => [failure.id, failure.code])).toEqual([
      ['a', 'transient'],
      ['b', 'transient'],
    ]);
    expect(outcome.failures[0]?.error.message).toMatch(/timed out after 200 ms/);
    expect(mock.requests).toHaveLength(2);
  });

  it('never puts the key in an error', async () => {
    const errors: unknown[] = [];
    const capture = async (promise: Promise<unknown> | undefined): Promise<void> => {
      try {
        await promise;
      } catch (error) {
        errors.push(error);
      }
    };
    const wrongKey = 'wrong-secret-key-77aa:fx';
    await capture(createDeeplProvider({ authKey: wrongKey, apiUrl: mock.url, glossary: glossaryLoader(germanGlossary).load }).translate({ sourceLanguage: 'pl', targetLanguage: 'de', segments: [{ id: 'a', source: 'A.' }] }));
    const provider = createDeeplProvider({ authKey: mock.key, apiUrl: mock.url });
    mock.quota = 0;
    await capture(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [{ id: 'a', source: 'A.' }] }));
    mock.faults.push({ kind: 'status', status: 500, body: { message: 'Internal error' } });
    mock.quota = Number.POSITIVE_INFINITY;
    await capture(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [{ id: 'a', source: 'A.' }] }));
    await capture(createDeeplProvider({ authKey: mock.key, apiUrl: 'http://127.0.0.1:1' }).translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [{ id: 'a', source: 'A.' }] }));
    await capture(createDeeplProvider({ authKey: mock.key, apiUrl: 'http://127.0.0.1:1' }).usage?.());
    expect(errors).toHaveLength(5);
    expect(errors.every((error) => error instanceof ProviderError)).toBe(true);
    const described = errors.map((error) => {
      const { message, stack, cause } = error as ProviderError;
      return `${message}\n${stack ?? ''}\n${String(cause)}\n${JSON.stringify(error)}\n${JSON.stringify((error as ProviderError).data ?? {})}`;
    });
    for (const text of described) {
      expect(text).not.toContain(mock.key);
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain('secret');
    }
  });
});

describe('hansa translate --provider deepl', () => {
  const env = (): Record<string, string> => ({ DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url });

  it('a dry run counts the requests the real run sends (code points and bytes, not UTF-16 units)', async () => {
    const dir = await sampleProject();
    // 20 paragraphs of Polish letters and emoji: over DeepL's 30,000 characters counted in
    // UTF-16 units, under it in code points, and under 128 KiB in UTF-8 bytes: one request.
    const paragraphs = Array.from({ length: 20 }, (_, n) => `Akapit ${n + 1}: ${'ż😀'.repeat(500)}.`);
    await writeFile(path.join(dir, 'content/pl/emoji.md'), `${paragraphs.join('\n\n')}\n`);
    const dry = await hansa(dir, ['translate', 'emoji.md', '--provider', 'deepl', '--to', 'en', '--dry-run', '--json'], { env: env() });
    expect(dry.code, dry.stderr).toBe(0);
    const counted = (JSON.parse(dry.stdout) as { languages: { requests: number }[] }).languages[0]?.requests;
    const real = await hansa(dir, ['translate', 'emoji.md', '--provider', 'deepl', '--to', 'en'], { env: env() });
    expect(real.code, real.stderr).toBe(0);
    expect(mock.requests.length).toBe(1);
    expect(counted).toBe(mock.requests.length);
  });

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

    // The key is nowhere: not in dist/, the segment files, caches, journal, or what was printed.
    expect((await filesBelow(dir)).filter((file) => file.startsWith('translations/sv/')).length).toBeGreaterThan(0);
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
    await cp(path.resolve('glossary'), path.join(dir, 'glossary'), { recursive: true });
    // Without the DeepL glossary resource, so that the mock's output misses the terms.
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { deepl: { glossary: false } } }));
    const result = await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'en', '--json'], { env: env() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; byOrigin: Record<string, number> }[]; findings: { code: string; message: string }[] };
    const [language] = summary.languages;
    // The mock only upper-cases, so every segment with a glossary term fails the gate; the
    // stricter second request (terms masked as codes) saves most, the rest go to pseudo.
    expect(language?.byOrigin['mt:deepl']).toBeGreaterThan(50);
    expect(language?.byOrigin['mt:pseudo']).toBeGreaterThan(0);
    expect(language?.untranslated).toBe(0);
    expect(summary.findings.filter((finding) => finding.code === 'glossary_not_kept').length).toBe(language?.byOrigin['mt:pseudo']);
    expect(result.stderr).toMatch(/^content\/pl\/[^:]+\.md: warning: deepl's translation was not used, it does not keep the glossary \(term_missing: /m);
    // Refused answers were paid for: they stay in the journal and are not bought again.
    const requests = mock.requests.length;
    await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'en'], { env: env() });
    expect(mock.requests.length).toBe(requests);
    // No glossary calls; only the usage check before the first run sent anything.
    expect(mock.calls.filter((call) => call.path !== '/v2/usage')).toEqual([]);
    expect(mock.requests.every((request) => request.body['glossary_id'] === undefined)).toBe(true);
  });

  it('turns the project glossary into DeepL glossaries, created once and used by every run', async () => {
    const projectWithGlossary = async (): Promise<string> => {
      const dir = await sampleProject();
      await cp(path.resolve('glossary'), path.join(dir, 'glossary'), { recursive: true });
      await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { deepl: { formality: 'less' } } }));
      return dir;
    };
    const dir = await projectWithGlossary();
    const first = await hansa(dir, ['translate', '--provider', 'deepl', '--to', 'de,en', '--json'], { env: env() });
    expect(first.code).toBe(0);
    expect(mock.glossariesCreated).toBe(2);
    const glossaries = [...mock.glossaries.values()];
    expect(glossaries.map((glossary) => glossary.name).sort()).toEqual([expect.stringMatching(/^hansa-pl-de-[0-9a-f]{12}$/), expect.stringMatching(/^hansa-pl-en-[0-9a-f]{12}$/)]);
    const german = glossaries.find((glossary) => glossary.target_lang === 'de');
    // Preferred targets, do-not-translate terms kept, entries without a German term left out.
    expect(german?.entries.get('rynek pracy')).toBe('Arbeitsmarkt');
    expect(german?.entries.get('doradca zawodowy')).toBe('Berufsberater');
    expect(german?.entries.get('doradczyni zawodowa')).toBe('Berufsberater');
    expect(german?.entries.get('NEET')).toBe('NEET');
    expect(german?.entries.has('Centrum Rozwoju Talentów')).toBe(false);
    for (const sent of mock.requests) {
      const glossary = glossaries.find((candidate) => candidate.glossary_id === sent.body['glossary_id']);
      expect(glossary?.target_lang).toBe(String(sent.body['target_lang']).toLowerCase().split('-')[0]);
      expect(sent.body['formality']).toBe(sent.body['target_lang'] === 'DE' ? 'less' : undefined);
    }
    const germanText = await allText(path.join(dir, 'dist/de'));
    expect(germanText).toContain('Arbeitsmarkt');
    expect(germanText).toContain('Berufsberatung');
    expect(await allText(path.join(dir, 'dist/en'))).toContain('Talent Development Centre');

    // Another checkout with the same glossary: the glossaries are found, not created again.
    const other = await projectWithGlossary();
    const requests = mock.requests.length;
    const second = await hansa(other, ['translate', '--provider', 'deepl', '--to', 'de,en'], { env: env() });
    expect(second.code).toBe(0);
    expect(mock.requests.length).toBeGreaterThan(requests);
    expect(mock.glossariesCreated).toBe(2);
    expect(new Set(mock.requests.slice(requests).map((sent) => sent.body['glossary_id']))).toEqual(new Set(glossaries.map((glossary) => glossary.glossary_id)));

    // A changed glossary makes a new one for the languages it changed.
    await writeFile(path.join(other, 'glossary/extra.csv'), 'pl,de\nwizyta partnerów,Partnerbesuch\n');
    const article = path.join(other, 'content/pl/aktualnosci/2022-10-12-wizyta-partnerow-baltyckich.md');
    await writeFile(article, `${await readFile(article, 'utf8')}\nWizyta partnerów była udana.\n`);
    const third = await hansa(other, ['translate', '--provider', 'deepl', '--to', 'de,en'], { env: env() });
    expect(third.code).toBe(0);
    expect(mock.glossariesCreated).toBe(3);
    expect(await readFile(path.join(other, 'dist/de/aktualnosci/2022-10-12-wizyta-partnerow-baltyckich.md'), 'utf8')).toContain('DE: Partnerbesuch BYŁA UDANA.');
    const everything = `${await allText(dir)}\n${await allText(other)}\n${first.stdout}\n${first.stderr}\n${second.stdout}\n${second.stderr}`;
    expect(everything).not.toContain(mock.key);
  });

  it('times out a hung request after the configured timeoutMs and sends it again', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { deepl: { timeoutMs: 1500 } } }));
    mock.faults.push({ kind: 'hang' });
    const result = await hansa(dir, ['translate', '--provider', 'deepl,pseudo', '--to', 'sv', '--json'], { env: env() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; requests: number; byOrigin: Record<string, number> }[] };
    expect(summary.languages[0]?.untranslated).toBe(0);
    expect(summary.languages[0]?.byOrigin['mt:pseudo']).toBeUndefined();
    // Every text was answered once, although one request was sent twice.
    expect([...mock.translated.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(mock.requests.map((sent) => JSON.stringify(sent.body['text']))).size).toBe(mock.requests.length - 1);
    expect(`${result.stdout}\n${result.stderr}`).not.toContain(mock.key);
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
