/**
 * `memoryAffected`: the articles where a changed memory entry may fill an open segment. The
 * word signatures let it pass over articles unread; what it answers must be exactly what
 * checking every segment of every article against every changed source answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/markdown/tagged.js';
import { renderTagged } from '../../src/markdown/tagged.js';
import { foldWord, fuzzyScore } from '../../src/memory/fuzzy.js';
import { wordHash, wordSignature } from '../../src/memory/signature.js';
import { memoryAffected } from '../../src/pipeline/plan.js';

/** Polish words with case and diacritic variants, numbers, and words that fold alike. */
const words = ['urząd', 'Urząd', 'urzad', 'URZĄD', 'pracy', 'Pracy', 'w', 'W', 'Gdańsku', 'gdansku', 'szkolenia', 'dla', 'osób', 'osob', 'i', 'się', 'sie', 'nie', '2023', 'projekt', 'Łódź', 'lodz', 'źródło', 'zrodlo', 'ma', 'kota'];

const piece = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...words).map((word): Run[] => [{ type: 'text', value: `${word} ` }]) },
  { weight: 2, arbitrary: fc.constantFrom(', ', '. ', '(', ') ', '& ', '„', '” ', '? ').map((value): Run[] => [{ type: 'text', value }]) },
  { weight: 1, arbitrary: fc.constant<Run[]>([{ type: 'ph', id: 0 }]) },
  { weight: 1, arbitrary: fc.constantFrom(...words).map((word): Run[] => [{ type: 'open', id: 0 }, { type: 'text', value: word }, { type: 'close', id: 0 }, { type: 'text', value: ' ' }]) },
);

/** Tagged text of pieces, code ids numbered in order as the extraction numbers them. */
function render(pieces: readonly Run[][]): string {
  let id = 0;
  return renderTagged(pieces.flat().map((run) => (run.type === 'open' || run.type === 'ph' ? { ...run, id: ++id } : run))).trim();
}

const sentence = fc.array(piece, { minLength: 1, maxLength: 10 });

/**
 * Articles of sentences, and changed sources: fresh ones, or sentences of an article with a
 * few pieces replaced, inserted or deleted (so that scores near the threshold are common).
 */
const scenario = fc
  .record({
    articles: fc.array(fc.array(sentence, { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
    changes: fc.array(
      fc.record({
        fresh: sentence,
        derived: fc.boolean(),
        article: fc.nat(),
        sentence: fc.nat(),
        edits: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('replace', 'insert', 'delete'), piece }), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    threshold: fc.integer({ min: 50, max: 100 }),
  })
  .map(({ articles, changes, threshold }) => {
    const changed = changes.map((change) => {
      const article = articles[change.article % articles.length] ?? [];
      if (!change.derived || article.length === 0) return change.fresh;
      const pieces = [...(article[change.sentence % article.length] ?? [])];
      for (const { at, op, piece: replacement } of change.edits) {
        const position = at % (pieces.length + 1);
        if (op === 'insert') pieces.splice(position, 0, replacement);
        else if (position < pieces.length) pieces.splice(position, 1, ...(op === 'replace' ? [replacement] : []));
      }
      return pieces.length === 0 ? change.fresh : pieces;
    });
    const documents = new Map(articles.map((sentences, at) => [`a${at}.md`, sentences.map((pieces) => render(pieces))]));
    return { documents, changed: [...new Set(changed.map(render))], threshold };
  });

/** What checking every source of every article against every changed source finds. */
function bruteForce(documents: ReadonlyMap<string, readonly string[]>, changed: readonly string[], threshold: number): string[] {
  return [...documents].filter(([, sources]) => sources.some((source) => changed.some((other) => source === other || fuzzyScore(source, other) >= threshold))).map(([file]) => file);
}

describe('memoryAffected', () => {
  it('finds with signatures exactly what brute force finds, and what it found without them', async () => {
    let loads = 0;
    let candidates = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ documents, changed, threshold }) => {
        const files = [...documents.keys()];
        const load = async (file: string): Promise<readonly string[]> => {
          loads++;
          return documents.get(file) ?? [];
        };
        const signature = async (file: string): Promise<Uint32Array | undefined> => wordSignature(documents.get(file) ?? [], 'pl');
        candidates += files.length;
        const pruned = await memoryAffected(files, load, changed, { threshold, language: 'pl', signature });
        const unpruned = await memoryAffected(files, async (file) => documents.get(file) ?? [], changed, { threshold, language: 'pl' });
        const expected = bruteForce(documents, changed, threshold);
        expect([...pruned]).toEqual(expected);
        expect([...unpruned]).toEqual(expected);
      }),
      { numRuns: 500 },
    );
    // Not a vacuous filter: many articles were never read.
    expect(loads).toBeLessThan(candidates * 0.8);
  });

  it('stays exact when hash collisions make signatures claim more words', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(fc.constantFrom(...words), { maxLength: 8 }), async ({ documents, changed, threshold }, extra) => {
        const files = [...documents.keys()];
        // A signature holding words its article does not (what a collision looks like).
        const signature = async (file: string): Promise<Uint32Array | undefined> => {
          const own = wordSignature(documents.get(file) ?? [], 'pl') ?? new Uint32Array();
          return Uint32Array.from(new Set([...own, ...extra.map((word) => wordHash(foldWord(word, 'pl')))])).sort();
        };
        const found = await memoryAffected(files, async (file) => documents.get(file) ?? [], changed, { threshold, language: 'pl', signature });
        expect([...found]).toEqual(bruteForce(documents, changed, threshold));
      }),
      { numRuns: 200 },
    );
  });

  it('reads no signature when no memory entry changed, and loads an article without one', async () => {
    const asked: string[] = [];
    const signature = async (file: string): Promise<Uint32Array | undefined> => {
      asked.push(file);
      return undefined;
    };
    const documents = new Map([['a.md', ['Urząd pracy w Gdańsku zaprasza na szkolenia.']]]);
    const load = async (file: string): Promise<readonly string[]> => documents.get(file) ?? [];
    expect(await memoryAffected(['a.md'], load, [], { threshold: 75, language: 'pl', signature })).toEqual(new Set());
    expect(asked).toEqual([]);
    const found = await memoryAffected(['a.md'], load, ['Urzad pracy w Gdansku zaprasza na szkolenia.'], { threshold: 75, language: 'pl', signature });
    expect(found).toEqual(new Set(['a.md']));
    expect(asked).toEqual(['a.md']);
  });

  it('passes over an article whose signature shares too few words, and loads every article for a source of codes alone', async () => {
    const documents = new Map([
      ['a.md', ['Urząd pracy w Gdańsku zaprasza na szkolenia.']],
      ['b.md', ['Ala ma kota, a kot ma Alę.']],
    ]);
    const loaded: string[] = [];
    const load = async (file: string): Promise<readonly string[]> => {
      loaded.push(file);
      return documents.get(file) ?? [];
    };
    const signature = async (file: string): Promise<Uint32Array | undefined> => wordSignature(documents.get(file) ?? [], 'pl');
    const found = await memoryAffected(['a.md', 'b.md'], load, ['Urząd pracy w Gdyni zaprasza na szkolenia.'], { threshold: 75, language: 'pl', signature });
    expect(found).toEqual(new Set(['a.md']));
    expect(loaded).toEqual(['a.md']);
    loaded.length = 0;
    // α ≤ 0: a similar source needs no word in common, so no signature can rule an article out.
    await memoryAffected(['a.md', 'b.md'], load, ['<ph id="1"/>'], { threshold: 75, language: 'pl', signature });
    expect(loaded.sort()).toEqual(['a.md', 'b.md']);
  });
});
