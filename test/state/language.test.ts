import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { languageStateSchema, languageStateText, readLanguageState, type LanguageStateData } from '../../src/state/language.js';

const hash = fc.stringMatching(/^[0-9a-f]{8}$/);
const stamp = fc.record(
  { size: fc.nat(), mtimeMs: fc.double({ min: 0, max: 2e12, noNaN: true }), ctimeMs: fc.double({ min: 0, max: 2e12, noNaN: true }), ino: fc.nat(), hash, racy: fc.constant(true) },
  { requiredKeys: ['size', 'mtimeMs', 'ctimeMs', 'ino', 'hash'] },
);
const counts = fc.record({ segments: fc.nat(), words: fc.nat(), new: fc.nat(), translated: fc.nat(), reviewed: fc.nat(), final: fc.nat(), newWords: fc.nat(), translatedWords: fc.nat(), reviewedWords: fc.nat(), finalWords: fc.nat() });
const article = fc.record(
  {
    source: hash,
    inputs: hash,
    segments: stamp,
    open: fc.nat(),
    counts,
    output: fc.record({ inputs: hash, stamp, status: fc.constantFrom('complete' as const, 'partial' as const, 'machine' as const, 'reviewed' as const) }, { requiredKeys: ['inputs', 'stamp'] }),
  },
  { requiredKeys: ['source', 'inputs', 'open', 'counts'] },
);
const files = <T>(value: fc.Arbitrary<T>) => fc.dictionary(fc.stringMatching(/^[a-z]{1,3}\/[a-z]{1,4}\.md$/), value, { maxKeys: 4 });
const state: fc.Arbitrary<LanguageStateData> = fc.record(
  {
    version: fc.constant(2 as const),
    key: hash,
    articles: files(article),
    orphans: files(stamp),
    memoryFiles: files(stamp),
    glossary: fc.record({ files: files(stamp), version: hash }),
    feed: stamp,
    feedKey: hash,
    feedItems: files(fc.tuple(fc.nat(), fc.nat(), fc.option(fc.string(), { nil: null }), hash)),
    foreign: files(stamp),
    memory: hash,
  },
  { requiredKeys: ['version', 'key', 'articles', 'orphans', 'memoryFiles', 'foreign'] },
);

/** The same value with every object's keys in reverse order (a record's entries too: their order is the record's own). */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]));
  return value;
}

describe('the text of a language state', () => {
  it('is the schema-ordered JSON, whatever order the keys were set in', () => {
    fc.assert(
      fc.property(state, (data) => {
        for (const value of [data, reversed(data) as LanguageStateData]) expect(languageStateText(value)).toBe(`${JSON.stringify(languageStateSchema.parse(value))}\n`);
      }),
    );
  });

  it('reads back to the same text', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hansa-state-'));
    try {
      await fc.assert(
        fc.asyncProperty(state, async (data) => {
          await mkdir(path.join(dir, 'state', 'sv'), { recursive: true });
          await writeFile(path.join(dir, 'state', 'sv', 'articles.json'), languageStateText(data));
          expect(languageStateText(await readLanguageState(dir, 'sv', data.key))).toBe(languageStateText(data));
        }),
        { numRuns: 30 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
