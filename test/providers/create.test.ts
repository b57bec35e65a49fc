/** The provider chain by name (`providers/create.ts`): credentials, capabilities, DeepL's glossary. */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import { InputError } from '../../src/errors/index.js';
import { createProviders, providerNames } from '../../src/providers/index.js';
import { startMockDeepl } from '../helpers/mock-deepl.js';

const config = configSchema.parse({});
const env = {
  DEEPL_AUTH_KEY: 'k:fx',
  OPENAI_MODEL: 'm',
  LIBRETRANSLATE_URL: 'http://127.0.0.1:9',
  GOOGLE_TRANSLATE_API_KEY: 'g',
  AZURE_TRANSLATOR_KEY: 'a',
};

describe('createProviders', () => {
  it('builds the chain in the order given, local providers declared so', () => {
    const providers = createProviders(providerNames, { config, env });
    expect(providers.map((provider) => provider.name)).toEqual([...providerNames]);
    expect(Object.fromEntries(providers.map((provider) => [provider.name, [provider.capabilities.isLocal, provider.capabilities.isSynthetic]]))).toEqual({
      memory: [true, false],
      copy: [true, true],
      pseudo: [true, true],
      deepl: [false, false],
      google: [false, false],
      openai: [false, false],
      libretranslate: [false, false],
      azure: [false, false],
    });
  });

  it('names the missing variable, except in a dry run', () => {
    const failure = (() => {
      try {
        createProviders(['copy', 'deepl'], { config, env: {} });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(InputError);
    expect(failure).toMatchObject({ code: 'provider_unconfigured', data: { provider: 'deepl', variable: 'DEEPL_AUTH_KEY' } });
    expect(() => createProviders(['google'], { config: configSchema.parse({ providerOptions: { google: { api: 'v3' } } }), env: { GOOGLE_ACCESS_TOKEN: 't' } })).toThrow(expect.objectContaining({ data: { provider: 'google', variable: 'GOOGLE_PROJECT_ID' } }));
    expect(createProviders(['deepl', 'openai', 'libretranslate', 'google', 'azure'], { config, env: {}, dryRun: true })).toHaveLength(5);
  });

  it('takes the model from OPENAI_MODEL over the config', () => {
    const configured = configSchema.parse({ providerOptions: { openai: { model: 'from-config' } } });
    expect(createProviders(['openai'], { config: configured, env: {} })[0]?.model).toBe('from-config');
    expect(createProviders(['openai'], { config: configured, env: { OPENAI_MODEL: 'from-env' } })[0]?.model).toBe('from-env');
  });

  it('hands DeepL the glossary entries of the target, unless the config turns them off', async () => {
    const mock = await startMockDeepl();
    try {
      const asked: string[] = [];
      const glossaryEntries = (lang: string): Promise<{ source: string; target: string }[]> => {
        asked.push(lang);
        return Promise.resolve([{ source: 'rynek pracy', target: 'Arbeitsmarkt' }]);
      };
      const request = { sourceLanguage: 'pl', targetLanguage: 'de', segments: [{ id: 's1', source: 'Rynek pracy rośnie.' }] };
      const [deepl] = createProviders(['deepl'], { config, env: { DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url }, glossaryEntries });
      expect(asked).toEqual([]);
      await deepl?.translate(request);
      expect(asked).toEqual(['de']);
      expect([...mock.glossaries.values()].map((glossary) => Object.fromEntries(glossary.entries))).toEqual([{ 'rynek pracy': 'Arbeitsmarkt' }]);
      expect(mock.requests.at(-1)?.body['glossary_id']).toBeDefined();

      const off = configSchema.parse({ providerOptions: { deepl: { glossary: false } } });
      const [plain] = createProviders(['deepl'], { config: off, env: { DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url }, glossaryEntries });
      await plain?.translate(request);
      expect(asked).toEqual(['de']);
      expect(mock.requests.at(-1)?.body['glossary_id']).toBeUndefined();
    } finally {
      await mock.close();
    }
  });
});
