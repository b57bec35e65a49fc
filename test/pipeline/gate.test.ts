/**
 * The validation gate and the run's limits, through the real `hansa` executable against the
 * OpenAI-compatible mock on 127.0.0.1.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesBelow, hansa, sampleProject } from '../helpers/cli.js';
import { startMockOpenAi, type MockOpenAi } from '../helpers/mock-openai.js';

let mock: MockOpenAi;
beforeEach(async () => {
  mock = await startMockOpenAi();
});
afterEach(async () => {
  await mock.close();
});

const article = 'aktualnosci/2021-11-10-europejski-lider.md';

function env(): Record<string, string> {
  return { OPENAI_BASE_URL: mock.url, OPENAI_MODEL: 'test-model', ...(mock.key === undefined ? {} : { OPENAI_API_KEY: mock.key }) };
}

interface Summary {
  readonly languages: readonly { readonly translated: number; readonly untranslated: number; readonly requests: number; readonly characters: number }[];
  readonly findings: readonly { readonly code: string; readonly segment?: string }[];
}

function userSegments(index: number): { id: string; text: string }[] {
  const messages = mock.requests[index]?.body.messages ?? [];
  const user = messages.find((message) => message.role === 'user')?.content ?? '{}';
  return (JSON.parse(user) as { segments: { id: string; text: string }[] }).segments;
}

describe('validation gate', () => {
  it('sends a refused answer once more, stricter, and accepts the stricter answer', async () => {
    const dir = await sampleProject();
    mock.faults.push({ kind: 'drop-numbers' });
    const result = await hansa(dir, ['translate', article, '--provider', 'openai', '--to', 'en', '--json'], { env: env() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.languages[0]?.untranslated).toBe(0);
    expect(mock.requests.length).toBe(2);
    // Only the segments with numbers were refused and asked again, with the numbers masked as codes.
    const retried = userSegments(1);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((segment) => /<ph id="\d+"\/>/.test(segment.text) && !/\d{4}/.test(segment.text.replace(/<[^>]*>/g, '')))).toBe(true);
    const prompt = mock.requests[1]?.body.messages?.find((message) => message.role === 'system')?.content ?? '';
    expect(prompt).toContain('numbers not carried over');
    const output = await readFile(path.join(dir, 'dist/en', article), 'utf8');
    expect(output).toContain('2021');
    expect(output).toContain('2018');
  });

  it('sends the stricter retry through the same queue: it keeps the provider\'s rate limit', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ targetLanguages: ['en'], providerOptions: { openai: { requestsPerSecond: 0.5 } } }));
    mock.faults.push({ kind: 'drop-numbers' });
    const result = await hansa(dir, ['translate', article, '--provider', 'openai', '--to', 'en'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(mock.requests.length).toBe(2);
    // Half a request per second: the retry may start no sooner than two seconds after the first
    // request (a fresh queue for the retry pass would send it at once).
    const [first, second] = mock.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
  });

  it('leaves a segment untranslated, with a finding, when the stricter answer fails too', async () => {
    const dir = await sampleProject();
    mock.faults.push({ kind: 'drop-tags' }, { kind: 'drop-tags' });
    await writeFile(path.join(dir, 'content/pl', 'one.md'), 'Zobacz <https://example.org> i **to**.\n');
    const result = await hansa(dir, ['translate', 'one.md', '--provider', 'openai', '--to', 'en', '--json'], { env: env() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.languages[0]?.untranslated).toBe(1);
    expect(summary.findings.map((finding) => finding.code)).toContain('codes');
    expect(mock.requests.length).toBe(2);
    expect(await readFile(path.join(dir, 'dist/en/one.md'), 'utf8')).toContain('Zobacz <https://example.org> i **to**.');
  });
});

describe('limits from the config', () => {
  it('packs requests under providerOptions.<name>.maxSegmentsPerRequest', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { openai: { maxSegmentsPerRequest: 5 } } }));
    const result = await hansa(dir, ['translate', article, '--provider', 'openai', '--to', 'en', '--json'], { env: env() });
    expect(result.code).toBe(0);
    expect(mock.requests.length).toBeGreaterThan(3);
    for (let index = 0; index < mock.requests.length; index += 1) expect(userSegments(index).length).toBeLessThanOrEqual(5);
  });

  it('stops before the budget would be exceeded, sending nothing', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ budget: 0.01, providerOptions: { openai: { pricePerMillionCharacters: 100 } } }));
    const dry = await hansa(dir, ['translate', '--provider', 'openai', '--dry-run', '--json'], { env: env() });
    const estimate = (JSON.parse(dry.stdout) as Summary).languages.reduce((sum, language) => sum + language.characters, 0) * 100e-6;
    expect(estimate).toBeGreaterThan(0.01);
    const result = await hansa(dir, ['translate', '--provider', 'openai'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/budget of 0.01 €/);
    expect(mock.requests.length).toBe(0);
    expect((await filesBelow(dir)).filter((file) => file.startsWith('dist/'))).toEqual([]);
  });

  it('runs within a budget that covers the run', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ budget: 5, providerOptions: { openai: { pricePerMillionCharacters: 100 } } }));
    const result = await hansa(dir, ['translate', article, '--provider', 'openai', '--to', 'en'], { env: env() });
    expect(result.code).toBe(0);
  });
});

describe('provider usage', () => {
  it('skips a provider whose remaining quota cannot cover the language, before sending anything', async () => {
    const { startMockDeepl } = await import('../helpers/mock-deepl.js');
    const deepl = await startMockDeepl();
    try {
      deepl.usage.characterCount = deepl.usage.characterLimit - 100;
      const dir = await sampleProject();
      const result = await hansa(dir, ['translate', article, '--provider', 'deepl,pseudo', '--to', 'de', '--json'], { env: { DEEPL_AUTH_KEY: deepl.key, DEEPL_API_URL: deepl.url } });
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as Summary & { languages: { byOrigin: Record<string, number> }[] };
      expect(Object.keys(summary.languages[0]?.byOrigin ?? {})).not.toContain('mt:deepl');
      expect(summary.findings.some((finding) => finding.code === 'provider_failed')).toBe(true);
      expect(deepl.calls.filter((call) => call.path === '/v2/translate')).toEqual([]);
    } finally {
      await deepl.close();
    }
  });
});

describe('journal key', () => {
  it('asks again when the model or the glossary changes, and never otherwise', async () => {
    const dir = await sampleProject();
    const glossary = 'pl,en\nCentrum Rozwoju Talentów,Talent Development Centre\n';
    await mkdir(path.join(dir, 'glossary'), { recursive: true });
    await writeFile(path.join(dir, 'glossary/terms.csv'), glossary);
    const run = (model = 'test-model') => hansa(dir, ['translate', article, '--provider', 'openai', '--to', 'en'], { env: { ...env(), OPENAI_MODEL: model } });
    const sentSegments = (): number => mock.requests.reduce((sum, _, index) => sum + userSegments(index).length, 0);
    expect((await run()).code).toBe(0);
    const first = sentSegments();
    expect(first).toBeGreaterThan(0);
    // Segment files hold the answers now; without them the journal alone must serve the rerun.
    await rm(path.join(dir, 'translations'), { recursive: true });
    expect((await run()).code).toBe(0);
    expect(sentSegments()).toBe(first);
    await rm(path.join(dir, 'translations'), { recursive: true });
    await writeFile(path.join(dir, 'glossary/terms.csv'), `${glossary}Gdański Urząd Pracy,Gdańsk Labour Office\n`);
    expect((await run()).code).toBe(0);
    expect(sentSegments()).toBeGreaterThanOrEqual(2 * first);
    await rm(path.join(dir, 'translations'), { recursive: true });
    const beforeModel = sentSegments();
    expect((await run('other-model')).code).toBe(0);
    expect(sentSegments()).toBeGreaterThanOrEqual(beforeModel + first);
  });
});

describe('openai settings from the config', () => {
  it('takes the model and temperature from providerOptions, and names the English variant in the prompt', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { openai: { model: 'config-model', temperature: 0.3 } } }));
    const withoutModel = Object.fromEntries(Object.entries(env()).filter(([name]) => name !== 'OPENAI_MODEL'));
    const result = await hansa(dir, ['translate', article, '--provider', 'openai', '--to', 'en'], { env: withoutModel });
    expect(result.code).toBe(0);
    const sent = mock.requests[0]?.body;
    expect(sent).toMatchObject({ model: 'config-model', temperature: 0.3 });
    expect(sent?.messages?.find((message) => message.role === 'system')?.content).toContain('British English (en-GB)');
  });
});

describe('dry run and budget', () => {
  it('warns in a dry run that the real run would stop at the budget', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ budget: 0.01, providerOptions: { openai: { pricePerMillionCharacters: 100 } } }));
    const dry = await hansa(dir, ['translate', '--provider', 'openai', '--dry-run', '--json'], { env: env() });
    expect(dry.code).toBe(0);
    expect((JSON.parse(dry.stdout) as Summary).findings.map((finding) => finding.code)).toContain('budget_exceeded');
    expect(dry.stderr).toMatch(/over the budget of 0.01 €/);
    expect(mock.requests.length).toBe(0);
  });
});
