/**
 * `hansa.config.json`: what a project says about itself. Validated with zod; every
 * problem names the key and what was expected. Absent file → the defaults below.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors/index.js';
import { decodeText } from '../files/text.js';
import { globMatcher } from '../files/index.js';
import { isKnownLanguage } from './languages.js';
import { defaultMarkdownLimits } from '../markdown/limits.js';

export { canonicalLanguage, isKnownLanguage, languageName } from './languages.js';

const language = z
  .string()
  .refine(isKnownLanguage, { message: 'a known language code (BCP 47, e.g. "en", "sv", "nb")' });

/** A folder below the project: relative, `/`-separated, without `.`, `..` or glob characters. */
const projectFolder = z
  .string()
  .min(1)
  .refine(isProjectFolder, { message: 'a folder below the project, such as "memory" (relative, without "..", "\\" or glob characters)' });

function isProjectFolder(value: string): boolean {
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || /[\\*?[\]{}()!]/.test(value)) return false;
  return value
    .replace(/\/+$/, '')
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * Folder below the project (relative, `/`-separated) where `hansa import` copies TMX files:
 * `memory.importDir` when set; else the folder of the first `memory.files` glob whose files
 * there it covers (`tm/**\/*.tmx` → `tm`); else `memory`. Never the project root: a glob
 * without a folder (`tm.tmx`) names one file, not where memories are kept.
 */
export function memoryImportDir(memory: { readonly files: readonly string[]; readonly importDir?: string | undefined }): string {
  if (memory.importDir !== undefined) return memory.importDir.replace(/\/+$/, '');
  for (const glob of memory.files) {
    const folder = glob.startsWith('!') ? '' : staticFolderOf(glob);
    if (folder !== '' && coversImports(memory.files, folder)) return folder;
  }
  return 'memory';
}

/** Whether a TMX file copied into `folder` is among `files` (so later runs read it). */
export function coversImports(files: readonly string[], folder: string): boolean {
  const copied = `${folder}/imported.tmx`;
  return globMatcher(files)(copied);
}

/** The folders of `glob` before its first segment with a glob character; its last segment is a file. */
function staticFolderOf(glob: string): string {
  const parts = glob.split('/').slice(0, -1);
  const end = parts.findIndex((part) => /[\\*?[\]{}()!]/.test(part));
  return parts.slice(0, end < 0 ? parts.length : end).join('/');
}

const providerName = z.enum(['memory', 'copy', 'pseudo', 'deepl', 'google', 'openai', 'libretranslate', 'azure']);

/** Limits and price of one provider; each overrides the adapter's built-in default. */
const providerLimits = {
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Requests per second. */
  requestsPerSecond: z.number().positive().optional(),
  /** Source characters per minute (sliding window). */
  charactersPerMinute: z.number().int().positive().optional(),
  /** Most segments in one request. */
  maxSegmentsPerRequest: z.number().int().min(1).optional(),
  /** Most source characters in one request. */
  maxCharactersPerRequest: z.number().int().min(1).optional(),
  /** Milliseconds before one attempt is abandoned and retried. */
  timeoutMs: z.number().int().min(100).optional(),
  /** Price in euro per million source characters, for `--dry-run` and the budget. */
  pricePerMillionCharacters: z.number().min(0).optional(),
};

const formality = z.enum(['default', 'more', 'less', 'prefer_more', 'prefer_less']);

/** Per-provider settings. Credentials are never here: they come from the environment. */
const providerOptionsSchema = z
  .object({
    deepl: z
      .object({
        ...providerLimits,
        /** Formality for languages that have it (DeepL: de, nl, fr, it, es, pl, pt, ja, ru). Default `default`. */
        formality: formality.optional(),
        /** Create a DeepL glossary resource from the project glossary. Default true. */
        glossary: z.boolean().optional(),
      })
      .strict()
      .optional(),
    google: z
      .object({
        ...providerLimits,
        /** `v2` (basic, API key) or `v3` (advanced, OAuth token, glossaries). Default `v2`. */
        api: z.enum(['v2', 'v3']).optional(),
        /** Google Cloud project for v3. */
        projectId: z.string().min(1).optional(),
        /** v3 location; glossaries need a region such as `us-central1`. Default `global`. */
        location: z.string().min(1).optional(),
        /** Full name or id of a v3 glossary to use (`glossaryConfig`). */
        glossaryId: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    azure: z.object({ ...providerLimits }).strict().optional(),
    libretranslate: z.object({ ...providerLimits }).strict().optional(),
    openai: z
      .object({
        ...providerLimits,
        /** Model name; `OPENAI_MODEL` wins over it. */
        model: z.string().min(1).optional(),
        /** Sampling temperature. Default 0. */
        temperature: z.number().min(0).max(2).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Options of a provider, as the config gives them (all optional). */
export type ProviderOptions = z.infer<typeof providerOptionsSchema>;

/** The configuration file's shape. Unknown keys are errors, so typos are caught. */
export const configSchema = z
  .object({
    /** Language of the source articles. Default `pl`. */
    sourceLanguage: language.default('pl'),
    /** Languages to translate into. Default `en`, `sv`. */
    targetLanguages: z.array(language).min(1).default(['en', 'sv']),
    /** Folder of source articles; `{lang}` stands for the source language. Default `content/{lang}`. */
    contentDir: z.string().min(1).default('content/{lang}'),
    /** Globs of articles below `contentDir`. Default `**\/*.md`. */
    include: z.array(z.string().min(1)).min(1).default(['**/*.md']),
    /** Globs below `contentDir` left out. Default none. */
    exclude: z.array(z.string().min(1)).default([]),
    /** Where translated articles go. Default `dist`. */
    outDir: z.string().min(1).default('dist'),
    /** Provider chain, tried in order. Default `["memory"]`. */
    providers: z.array(providerName).min(1).default(['memory']),
    /** Settings per provider: limits, prices, formality, Google project … */
    providerOptions: providerOptionsSchema.default({}),
    /**
     * Regional variant each target language is sent to providers as (`en` → `en-GB`,
     * `pt` → `pt-PT`). Default English is British: the EU institutions' usage.
     */
    languageVariants: z.record(z.string(), z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'a variant such as "en-GB"')).default({ en: 'en-GB' }),
    /** Most a `hansa translate` run may spend, in euro, by the providers' prices; the run stops before it would. Default no limit. */
    budget: z.number().min(0).optional(),
    /** Folder of the XLIFF segment files, one per document and language. Default `translations`. */
    translationsDir: z.string().min(1).default('translations'),
    build: z
      .object({
        /** Lowest state a translation needs to be published. Default `translated`. */
        minState: z.enum(['translated', 'reviewed', 'final']).default('translated'),
        /**
         * What a segment below `minState` shows: `source` (the original text) or `machine`
         * (its machine or memory translation, with `translationStatus: machine`). Default `machine`.
         */
        fallback: z.enum(['source', 'machine']).default('machine'),
      })
      .strict()
      .default({ minState: 'translated', fallback: 'machine' }),
    memory: z
      .object({
        /** Lowest fuzzy-match score (0–100) offered to translators. Default 75. */
        fuzzyThreshold: z.number().int().min(50).max(100).default(75),
        /** TMX files below the project added to the memory. Default `memory/**\/*.tmx`. */
        files: z.array(z.string().min(1)).default(['memory/**/*.tmx']),
        /**
         * Folder below the project where `hansa import` copies TMX files; `files` must cover
         * it, or an imported memory would never be read again. Default: see `memoryImportDir`.
         */
        importDir: projectFolder.optional(),
      })
      .strict()
      .superRefine((memory, context) => {
        // An import folder set by hand that no glob reads is a contradiction in the config.
        // Left unset, the default folder is checked when a TMX is imported (`hansa import`):
        // a project with one fixed memory file (`["tm.tmx"]`) that never imports is fine.
        if (memory.importDir === undefined || coversImports(memory.files, memoryImportDir(memory))) return;
        const glob = `${memoryImportDir(memory)}/**/*.tmx`;
        context.addIssue({ code: 'custom', path: ['importDir'], message: `a folder memory.files covers, or imported TMX files are never read (add "${glob}" to memory.files)` });
      })
      .default({ fuzzyThreshold: 75, files: ['memory/**/*.tmx'] }),
    qa: z
      .object({
        /** Target/source length ratio outside which a finding is raised; `min` no greater than `max`. Default 0.5–2.0. */
        lengthRatio: z
          .object({ min: z.number().positive(), max: z.number().positive() })
          .strict()
          .refine((ratio) => ratio.min <= ratio.max, {
            error: (issue) => {
              const ratio = issue.input as { min: number; max: number };
              return `qa.lengthRatio.min no greater than qa.lengthRatio.max (got min ${ratio.min}, max ${ratio.max})`;
            },
          })
          .default({ min: 0.5, max: 2 }),
      })
      .strict()
      .default({ lengthRatio: { min: 0.5, max: 2 } }),
    frontmatter: z
      .object({
        /** Frontmatter keys whose values are translated. Default `title`, `description`, `summary`, `tags`. */
        translatable: z.array(z.string().min(1)).default(['title', 'description', 'summary', 'tags']),
      })
      .strict()
      .default({ translatable: ['title', 'description', 'summary', 'tags'] }),
    /** Worker threads for extraction: a number from 1, or `auto` (one a core beside the main thread's, at most 4; one thread on two cores or fewer). Default `auto`. */
    workers: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
    /**
     * What one source article may ask of Hansa; an article over a limit is refused with its
     * `file:line` and the limit's name, before it is parsed or anything is sent. The defaults
     * are far above any real article (of some 900 real Markdown files the largest has 365 KB,
     * the deepest nests 10 levels, the longest segment has 852 characters).
     */
    limits: z
      .object({
        /** Most bytes of one article, checked before it is read whole. Default 2 MiB (2097152); at most 256 MiB. */
        maxFileBytes: z.number().int().min(1).max(256 * 1024 * 1024).default(2 * 1024 * 1024),
        /**
         * Most levels of nesting: block quotes, list items and footnotes in each other, brackets,
         * emphasis in emphasis. Default 32; at most 1000 (deeper overflows the parser's stack).
         */
        maxNesting: z.number().int().min(1).max(1000).default(defaultMarkdownLimits.maxNesting),
        /** Most characters of one segment (a sentence, a title, an alt text): a segment is never cut. Default 5000. */
        maxSegmentCharacters: z.number().int().min(1).default(defaultMarkdownLimits.maxSegmentCharacters),
        /**
         * Most inline markers (`*`, `_`, `~`, `` ` ``, `[`, `]`) in one paragraph: the parser's time
         * grows with the square of their number in a paragraph. Default 1000.
         */
        maxInlineMarkers: z.number().int().min(1).max(100_000).default(defaultMarkdownLimits.maxInlineMarkers),
      })
      .strict()
      .default({ maxFileBytes: 2 * 1024 * 1024, ...defaultMarkdownLimits }),
    glossary: z
      .object({
        /** Globs of glossary files (CSV, TBX) below the project. Default `glossary/**\/*.{csv,tbx}`. */
        files: z.array(z.string().min(1)).default(['glossary/**/*.{csv,tbx}']),
        /** Match source terms in text written without diacritics too (`mlodziez`). Default false. */
        ignoreDiacritics: z.boolean().default(false),
      })
      .strict()
      .default({ files: ['glossary/**/*.{csv,tbx}'], ignoreDiacritics: false }),
    review: z
      .object({
        /** The state an approval in the review page (`hansa review`) gives: `reviewed` or `final`. Default `reviewed`. */
        approve: z.enum(['reviewed', 'final']).default('reviewed'),
      })
      .strict()
      .default({ approve: 'reviewed' }),
    feed: z
      .object({
        /** Title of each language's JSON feed. Default `Hansa`. */
        title: z.string().default('Hansa'),
        /** Public URL the `dist/` folder is served from; feed item URLs are built on it. Default none. */
        baseUrl: z.url().optional(),
      })
      .strict()
      .default({ title: 'Hansa' }),
  })
  .strict();

/** A validated configuration with defaults applied. */
export type HansaConfig = z.infer<typeof configSchema>;

/** Names of the configuration file looked for in the project folder. */
export const configFileName = 'hansa.config.json';

/** The defaults: what a project without a config file gets. */
export function defaultConfig(): HansaConfig {
  return configSchema.parse({});
}

/**
 * Load and validate the configuration. With no `file`, `hansa.config.json` in `cwd`
 * is read when it exists, else the defaults apply.
 */
export async function loadConfig(cwd: string, file?: string): Promise<{ config: HansaConfig; file: string | undefined }> {
  const target = file === undefined ? path.join(cwd, configFileName) : path.resolve(cwd, file);
  let bytes: Buffer;
  try {
    bytes = await readFile(target);
  } catch (error) {
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { config: defaultConfig(), file: undefined };
    throw new InputError('config_unreadable', `cannot read ${target}`, { file: target, cause: error, data: { reason: (error as Error).message } });
  }
  const shown = path.relative(cwd, target) || target;
  // Strict UTF-8 (or UTF-16 with a BOM): a stray Latin-1 byte is refused at its line, not read as U+FFFD.
  return { config: parseConfig(decodeText(bytes, shown, { kind: 'plain' }), shown), file: target };
}

/** Validate configuration text; the first problem becomes an `InputError` with key and line. */
export function parseConfig(text: string, file: string): HansaConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const line = position === undefined ? 1 : lineOf(text, Number(position));
    throw new InputError('config_invalid', `invalid JSON: ${(error as Error).message}`, { file, line, data: { key: '(file)', expected: `valid JSON (${(error as Error).message})` } });
  }
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keyPath = issue === undefined ? [] : issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  const key = keyPath.map(String).join('.') || '(root)';
  const expected = issue === undefined ? 'a valid value' : describeIssue(issue);
  throw new InputError('config_invalid', `${key}: ${expected}`, { file, line: lineOfKey(text, keyPath), data: { key, expected } });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key (known keys: ${knownKeys(issue.path).join(', ')})`;
  return issue.message;
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  let shape: z.ZodType = configSchema;
  for (const key of path) {
    const inner = unwrap(shape);
    if (!(inner instanceof z.ZodObject)) return [];
    const next = (inner.shape as Record<string, z.ZodType>)[String(key)];
    if (next === undefined) return [];
    shape = next;
  }
  const inner = unwrap(shape);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Line of the last key of `keyPath` that can be found in the JSON text. */
function lineOfKey(text: string, keyPath: readonly PropertyKey[]): number {
  let from = 0;
  let line = 1;
  for (const key of keyPath) {
    if (typeof key !== 'string') continue;
    const at = text.indexOf(`"${key}"`, from);
    if (at < 0) break;
    from = at;
    line = lineOf(text, at);
  }
  return line;
}
