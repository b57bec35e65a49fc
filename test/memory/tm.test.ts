import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { readTarget, renderTagged, type Run } from '../../src/markdown/tagged.js';
import { contextKey, fuzzyScore, MemoryIndex, retarget, type MemoryIndexEntry, type MemoryState } from '../../src/memory/tm.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'hansa-tm-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
let fileCount = 0;
const freshFile = (): string => path.join(directory, `tm-${++fileCount}`, 'pl-en.jsonl');

const pair = { sourceLanguage: 'pl', targetLanguage: 'en' } as const;
const entry = (source: string, target: string, more: Partial<MemoryIndexEntry> = {}): MemoryIndexEntry => ({ source, target, state: 'translated', origin: 'mt:deepl', ...more });

/** Ten words and a full stop. */
const sentence = 'Urząd Pracy w Gdańsku prowadzi bezpłatne szkolenia dla osób bezrobotnych.';
const translation = 'The Labour Office in Gdańsk runs free training for unemployed people.';

describe('exact and in-context matches', () => {
  it('finds the same tagged source, with score 100', () => {
    const memory = MemoryIndex.fromEntries([entry(sentence, translation)], pair);
    expect(memory.lookup({ source: sentence })).toEqual([
      { kind: 'exact', score: 100, source: sentence, target: translation, origin: 'mt:deepl', state: 'translated', codesMatch: true },
    ]);
  });

  it('prefers the entry of the same document and neighbours, whatever its state', () => {
    const memory = MemoryIndex.fromEntries(
      [
        entry('Opis.', 'Description.', { document: 'a.md', previous: 'Tytuł.', next: 'Treść.' }),
        entry('Opis.', 'Overview.', { state: 'final', origin: 'human', document: 'b.md', previous: 'Tytuł.', next: 'Treść.' }),
        entry('Opis.', 'Summary.', { state: 'final', origin: 'human' }),
      ],
      pair,
    );
    const inA = memory.lookup({ source: 'Opis.', document: 'a.md', previous: 'Tytuł.', next: 'Treść.' });
    expect(inA.map((match) => [match.kind, match.target])).toEqual([
      ['in-context', 'Description.'],
      ['exact', 'Summary.'],
      ['exact', 'Overview.'],
    ]);
    expect(inA[0]?.document).toBe('a.md');
    // Another neighbour, or no document: exact only, by preference (Summary is the more recent final).
    expect(memory.lookup({ source: 'Opis.', document: 'a.md', previous: 'Tytuł.', next: 'Inna treść.' }).map((match) => match.kind)).toEqual(['exact', 'exact', 'exact']);
    expect(memory.lookup({ source: 'Opis.' }, { limit: 1 }).map((match) => match.target)).toEqual(['Summary.']);
  });

  it('matches in context by the neighbours key, absent neighbours included', () => {
    const memory = MemoryIndex.fromEntries([entry('Opis.', 'Description.', { document: 'a.md' })], pair);
    expect(memory.lookup({ source: 'Opis.', document: 'a.md' })[0]?.kind).toBe('in-context');
    expect(memory.lookup({ source: 'Opis.', document: 'a.md', next: 'Treść.' })[0]?.kind).toBe('exact');
    expect([...memory.entries()][0]?.context).toBe(contextKey(undefined, undefined));
  });

  it('prefers a higher state, then a human origin, then the most recent add', () => {
    const states: [string, MemoryState, string][] = [
      ['T1', 'reviewed', 'human'],
      ['T2', 'final', 'mt:deepl'],
      ['T3', 'translated', 'human'],
      ['T4', 'final', 'human'],
      ['T5', 'reviewed', 'mt:deepl'],
      ['T6', 'reviewed', 'human'],
    ];
    const memory = MemoryIndex.fromEntries(states.map(([target, state, origin]) => entry('Zdanie.', target, { state, origin })), pair);
    expect(memory.lookup({ source: 'Zdanie.' }, { limit: Infinity }).map((match) => match.target)).toEqual(['T4', 'T2', 'T6', 'T1', 'T5', 'T3']);
  });

  it('reports each target once, and a re-added entry replaces the old one', () => {
    const memory = new MemoryIndex(pair);
    memory.add(entry('Zdanie.', 'Sentence.', { document: 'a.md' }));
    memory.add(entry('Zdanie.', 'Sentence.', { document: 'b.md', state: 'final', origin: 'human' }));
    memory.add(entry('Zdanie.', 'Clause.'));
    expect(memory.lookup({ source: 'Zdanie.' }).map((match) => [match.target, match.state])).toEqual([
      ['Sentence.', 'final'],
      ['Clause.', 'translated'],
    ]);
    memory.add(entry('Zdanie.', 'Clause.', { state: 'reviewed', origin: 'human' }));
    expect(memory.size).toBe(3);
    expect(memory.lookup({ source: 'Zdanie.' }).map((match) => [match.target, match.state])).toEqual([
      ['Sentence.', 'final'],
      ['Clause.', 'reviewed'],
    ]);
  });

  it('skips fuzzy matches when there is an exact one', () => {
    const memory = MemoryIndex.fromEntries([entry(sentence, translation), entry(sentence.replace('bezpłatne', 'płatne'), 'paid')], pair);
    expect(memory.lookup({ source: sentence }).map((match) => match.kind)).toEqual(['exact']);
  });

  it('refuses a translation in state initial and a source that is not tagged text', () => {
    const memory = new MemoryIndex(pair);
    expect(() => memory.add({ ...entry('A.', 'A.'), state: 'initial' as MemoryState })).toThrow(TypeError);
    expect(() => memory.add(entry('<b>A</b>', 'A'))).toThrow(/not tagged text/);
    expect(() => memory.add(entry('<pc id="1">A', 'A'))).toThrow(/not tagged text/);
    expect(memory.size).toBe(0);
  });
});

describe('fuzzy score', () => {
  it('scores one word changed in a 10-word sentence at 90', () => {
    expect(fuzzyScore(sentence, sentence.replace('bezpłatne', 'płatne'))).toBe(90);
    expect(fuzzyScore(sentence, sentence.replace('bezpłatne ', ''))).toBe(90);
  });

  it('charges less for punctuation, case and diacritics than for a word', () => {
    expect(fuzzyScore(sentence, sentence.replace('Pracy w', 'Pracy, w'))).toBe(97);
    expect(fuzzyScore(sentence, sentence.replace('.', '!'))).toBe(97);
    expect(fuzzyScore(sentence, sentence.replace('Urząd', 'urząd'))).toBe(98);
    expect(fuzzyScore(sentence, sentence.replace('Urząd', 'Urzad'))).toBe(95);
    expect(fuzzyScore(sentence, sentence.replace('Urząd', 'URZAD'))).toBe(95);
  });

  it('charges for codes that differ, not for their ids or for whitespace', () => {
    const bold = sentence.replace('bezpłatne', '<pc id="1">bezpłatne</pc>');
    expect(fuzzyScore(sentence, bold)).toBe(95);
    expect(fuzzyScore(bold, sentence.replace('bezpłatne szkolenia', '<pc id="1">bezpłatne szkolenia</pc>'))).toBe(95);
    expect(fuzzyScore(sentence, sentence.replace(' w ', ' <ph id="1"/> w '))).toBe(95);
    expect(fuzzyScore(bold, sentence.replace('bezpłatne', '<pc id="7">bezpłatne</pc>'))).toBe(99);
    expect(fuzzyScore(sentence, sentence.replace(' w ', '  w  '))).toBe(99);
  });

  it('is 100 only for the same text, symmetric, and low for unrelated sentences', () => {
    expect(fuzzyScore(sentence, sentence)).toBe(100);
    const other = 'Ala ma kota, a kot ma Alę.';
    expect(fuzzyScore(sentence, other)).toBe(fuzzyScore(other, sentence));
    expect(fuzzyScore(sentence, other)).toBeLessThan(20);
  });

  it('returns fuzzy matches at or above the threshold, best first, as suggestions', () => {
    const oneWord = sentence.replace('bezpłatne', 'płatne');
    const threeWords = sentence.replace('bezpłatne', 'płatne').replace('dla', 'wśród').replace('osób', 'ludzi');
    const memory = MemoryIndex.fromEntries(
      [entry(oneWord, 'one', { document: 'x.md' }), entry(threeWords, 'three'), entry(sentence.replace('Urząd', 'urząd'), 'case')],
      pair,
    );
    expect(fuzzyScore(sentence, threeWords)).toBe(70);
    expect(memory.lookup({ source: sentence }).map((match) => [match.kind, match.score, match.target])).toEqual([
      ['fuzzy', 98, 'case'],
      ['fuzzy', 90, 'one'],
    ]);
    expect(memory.lookup({ source: sentence }, { threshold: 70 }).map((match) => match.score)).toEqual([98, 90, 70]);
    expect(memory.lookup({ source: sentence }, { threshold: 95 }).map((match) => match.score)).toEqual([98]);
    expect(memory.lookup({ source: sentence }, { limit: 1 }).map((match) => match.score)).toEqual([98]);
    expect(memory.lookup({ source: sentence })[1]).toMatchObject({ document: 'x.md', codesMatch: true, state: 'translated' });
    expect(memory.lookup({ source: 'Ala ma kota.' })).toEqual([]);
  });
});

describe('fuzzy targets with the query’s codes', () => {
  const stored = 'Kliknij <pc id="3">Zapisz</pc>, aby zachować <ph id="7"/> zmiany w pliku.';
  const storedTarget = 'Keep the changes <ph id="7"/> by clicking <pc id="3">Save</pc>.';

  it('maps code ids by order when the codes correspond', () => {
    const memory = MemoryIndex.fromEntries([entry(stored, storedTarget)], pair);
    const query = 'Kliknij <pc id="1">Zapisz</pc>, aby zachować <ph id="2"/> zmiany w dokumencie.';
    const [match] = memory.lookup({ source: query });
    expect(match).toMatchObject({ kind: 'fuzzy', codesMatch: true, target: 'Keep the changes <ph id="2"/> by clicking <pc id="1">Save</pc>.' });
    expect('runs' in readTarget(query, match?.target ?? '')).toBe(true);
  });

  it('keeps the target as stored, flagged, when they do not', () => {
    const memory = MemoryIndex.fromEntries([entry(stored, storedTarget)], pair);
    const swapped = 'Kliknij <ph id="1"/>, aby zachować <pc id="2">Zapisz</pc> zmiany w pliku.';
    expect(memory.lookup({ source: swapped }, { threshold: 50 })[0]).toMatchObject({ codesMatch: false, target: storedTarget });
    const fewer = 'Kliknij <pc id="1">Zapisz</pc>, aby zachować zmiany w pliku.';
    expect(memory.lookup({ source: fewer })[0]).toMatchObject({ codesMatch: false, target: storedTarget });
  });

  it('flags a target whose codes are not its source’s', () => {
    expect(retarget('A <ph id="1"/>', 'B <ph id="4"/>', 'C <ph id="5"/>')).toEqual({ target: 'C <ph id="5"/>', codesMatch: false });
    expect(retarget('A <ph id="1"/>', 'B <ph id="4"/>', 'C <ph id="4"/> &amp; D')).toEqual({ target: 'C <ph id="1"/> &amp; D', codesMatch: true });
    expect(retarget('A', 'B', 'C')).toEqual({ target: 'C', codesMatch: true });
  });
});

describe('save and load', () => {
  const state = fc.constantFrom<MemoryState>('translated', 'reviewed', 'final');
  const text = fc.string({ unit: fc.constantFrom('a', 'ą', 'Ż', ' ', '.', '&', '<', '"', '\\', '\n', 'ł', '😀'), maxLength: 12 });
  const tagged = fc
    .array(fc.oneof(text.map((value): Run[] => [{ type: 'text', value }]), fc.constant<Run[]>([{ type: 'ph', id: 0 }]), text.map((value): Run[] => [{ type: 'open', id: 0 }, { type: 'text', value }, { type: 'close', id: 0 }])), { maxLength: 4 })
    .map((parts) => {
      let id = 0;
      return renderTagged(parts.flat().map((run) => (run.type === 'text' ? run : run.type === 'close' ? { type: 'close', id: 0 } : { ...run, id: ++id })));
    });
  const anEntry = fc.record(
    {
      source: tagged,
      target: tagged,
      state,
      origin: fc.constantFrom('human', 'mt:deepl', 'tm:fuzzy:80'),
      document: fc.constantFrom('a.md', 'dir/b.md'),
      previous: tagged,
      next: tagged,
    },
    { requiredKeys: ['source', 'target', 'state', 'origin'] },
  );

  it('round-trips every entry, in order, and answers the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anEntry, { maxLength: 25 }), async (entries) => {
        const memory = MemoryIndex.fromEntries(entries, pair);
        const file = freshFile();
        await memory.save(file);
        const loaded = await MemoryIndex.load(file, pair);
        expect([...loaded.entries()]).toEqual([...memory.entries()]);
        expect(loaded.size).toBe(memory.size);
        for (const { source, document, previous, next } of entries.slice(0, 5)) {
          const query = { source, document, previous, next };
          expect(loaded.lookup(query, { threshold: 50 })).toEqual(memory.lookup(query, { threshold: 50 }));
        }
        // Saving what was loaded writes the same bytes.
        const again = freshFile();
        await loaded.save(again);
        expect(await readFile(again, 'utf8')).toBe(await readFile(file, 'utf8'));
      }),
      { numRuns: 60 },
    );
  });

  it('opens a missing file as an empty memory, and load refuses it', async () => {
    const file = freshFile();
    expect((await MemoryIndex.open(file, pair)).size).toBe(0);
    await expect(MemoryIndex.load(file)).rejects.toBeInstanceOf(InputError);
  });

  it('refuses another language pair', async () => {
    const file = freshFile();
    await MemoryIndex.fromEntries([entry('A.', 'A.')], pair).save(file);
    await expect(MemoryIndex.load(file, { targetLanguage: 'de' })).rejects.toMatchObject({ line: 1, message: expect.stringMatching(/pl→en, not pl→de/) as unknown });
    expect((await MemoryIndex.load(file)).targetLanguage).toBe('en');
  });

  const header = (entries: number): string => JSON.stringify({ hansa: 'translation-memory', version: 1, sourceLanguage: 'pl', targetLanguage: 'en', entries });
  const bad: [string, string, number, RegExp][] = [
    ['no header', '["A.","A.","final","human"]\n', 1, /header/],
    ['a line that is not JSON', `${header(2)}\n["A.","A.","final","human"]\n["B.","B.","final",\n`, 3, /not JSON/],
    ['a state without translation', `${header(2)}\n["A.","A.","final","human"]\n["B.","B.","initial","human"]\n`, 3, /2: Invalid option/],
    ['a source that is not tagged text', `${header(1)}\n["<b>A</b>","A","final","human"]\n`, 2, /not tagged text/],
    ['a line missing', `${header(3)}\n["A.","A.","final","human"]\n`, 2, /announces 3 entries/],
  ];
  it.each(bad)('names the file and line of %s', async (_name, content, line, reason) => {
    const file = path.join(directory, `bad-${++fileCount}.jsonl`);
    await writeFile(file, content);
    const error = await MemoryIndex.load(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ file, line, code: 'file_unreadable' });
    expect((error as InputError).message).toMatch(reason);
    expect((error as InputError).message).toContain(`${file}, line ${line}`);
  });

  it('refuses bytes that are not UTF-8, naming their line, instead of reading U+FFFD into a target', async () => {
    const file = path.join(directory, `bad-${++fileCount}.jsonl`);
    const line = (text: string): Buffer => Buffer.from(`${text}\n`);
    await writeFile(file, Buffer.concat([line(header(3)), line('["A.","A.","final","human"]'), Buffer.from('["B.","B\xe9.","final","human"]\n', 'latin1'), line('["C.","C.","final","human"]')]));
    const error = await MemoryIndex.load(file).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ file, line: 3, code: 'file_unreadable', message: expect.stringMatching(/not UTF-8/) as unknown });
  });
});

describe('the candidate filter against brute force', () => {
  // A small vocabulary, so that random sentences overlap a lot; case and diacritic variants
  // of one word; punctuation and codes.
  const words = ['urząd', 'Urząd', 'urzad', 'pracy', 'w', 'Gdańsku', 'szkolenia', 'dla', 'osób', 'i', 'się', 'nie', '2023', 'projekt'];
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...words).map((word): Run[] => [{ type: 'text', value: `${word} ` }]) },
    { weight: 2, arbitrary: fc.constantFrom(', ', '. ', '(', ') ', '& ').map((value): Run[] => [{ type: 'text', value }]) },
    { weight: 1, arbitrary: fc.constant<Run[]>([{ type: 'ph', id: 0 }]) },
    { weight: 1, arbitrary: fc.constantFrom(...words).map((word): Run[] => [{ type: 'open', id: 0 }, { type: 'text', value: word }, { type: 'close', id: 0 }, { type: 'text', value: ' ' }]) },
  );
  const render = (pieces: readonly Run[][]): string => {
    let id = 0;
    return renderTagged(pieces.flat().map((run) => (run.type === 'open' || run.type === 'ph' ? { ...run, id: ++id } : run))).trim();
  };
  const sentencePieces = fc.array(piece, { minLength: 1, maxLength: 12 });
  /** A query: an unrelated sentence, or a corpus sentence with up to 3 pieces replaced, inserted or deleted. */
  const scenario = fc
    .record({
      corpus: fc.array(sentencePieces, { minLength: 1, maxLength: 40 }),
      fresh: sentencePieces,
      pick: fc.nat(),
      edits: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('replace', 'insert', 'delete'), piece }), { maxLength: 3 }),
      derived: fc.boolean(),
      threshold: fc.integer({ min: 1, max: 99 }),
      split: fc.nat(),
    })
    .map(({ corpus, fresh, pick, edits, derived, threshold, split }) => {
      let query = fresh;
      if (derived) {
        query = [...(corpus[pick % corpus.length] ?? [])];
        for (const { at, op, piece: replacement } of edits) {
          const position = at % (query.length + 1);
          if (op === 'insert') query.splice(position, 0, replacement);
          else if (position < query.length) query.splice(position, 1, ...(op === 'replace' ? [replacement] : []));
        }
      }
      return { corpus: corpus.map(render), query: render(query), threshold, split: split % (corpus.length + 1) };
    });

  it('finds every source scoring at or above the threshold, with the same score', () => {
    fc.assert(
      fc.property(scenario, ({ corpus, query, threshold, split }) => {
        fc.pre(!corpus.includes(query));
        // Entries before `split` are in the posting lists `fromEntries` builds; those added
        // after are found by the scan of recent sources.
        const memory = MemoryIndex.fromEntries(corpus.slice(0, split).map((source) => entry(source, `T ${source}`)), pair);
        for (const source of corpus.slice(split)) memory.add(entry(source, `T ${source}`));
        const found = memory.lookup({ source: query }, { threshold, limit: Infinity }).map((match) => `${match.score} ${match.source}`);
        const expected = [...new Set(corpus)]
          .map((source) => ({ source, score: fuzzyScore(query, source) }))
          .filter((match) => match.score >= threshold)
          .sort((a, b) => b.score - a.score)
          .map((match) => `${match.score} ${match.source}`);
        expect(found.sort()).toEqual([...expected].sort());
        // Best first, and the limited answer is a prefix of the full one by score.
        const scores = found.map((line) => Number(line.split(' ')[0]));
        const limited = memory.lookup({ source: query }, { threshold, limit: 3 }).map((match) => match.score);
        expect(limited).toEqual(expected.slice(0, 3).map((line) => Number(line.split(' ')[0])));
        expect(scores.length).toBe(expected.length);
      }),
      { numRuns: 400 },
    );
  });

  it('builds the posting lists again after many adds, and still finds everything', () => {
    const words = ['dom', 'kot', 'pies', 'rzeka', 'góra', 'las', 'miasto', 'droga', 'szkoła', 'praca', 'rok', 'dzień'];
    let state = 7;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    const sentenceOf = (): string => `${Array.from({ length: 3 + next(6) }, () => words[next(words.length)]).join(' ')}.`;
    const memory = MemoryIndex.fromEntries([entry('Ala ma kota.', 'Ala has a cat.')], pair);
    const sources = new Set<string>(['Ala ma kota.']);
    for (let i = 0; i < 3000; i++) {
      const source = sentenceOf();
      sources.add(source);
      memory.add(entry(source, `T ${source}`));
    }
    let matched = 0;
    for (let round = 0; round < 5; round++) {
      const query = `${sentenceOf().slice(0, -1)} też.`;
      const found = memory.lookup({ source: query }, { threshold: 70, limit: Infinity }).map((match) => `${match.score} ${match.source}`);
      const expected = [...sources].map((source) => `${fuzzyScore(query, source)} ${source}`).filter((line) => Number(line.split(' ')[0]) >= 70);
      expect(found.sort()).toEqual(expected.sort());
      matched += found.length;
    }
    expect(matched).toBeGreaterThan(5);
  });
});

describe('options', () => {
  it('validates threshold and limit', () => {
    expect(() => new MemoryIndex({ ...pair, threshold: 101 })).toThrow(RangeError);
    expect(() => new MemoryIndex({ ...pair, limit: 0 })).toThrow(RangeError);
    expect(() => new MemoryIndex(pair).lookup({ source: 'A' }, { limit: 1.5 })).toThrow(RangeError);
    const memory = new MemoryIndex({ ...pair, threshold: 60, limit: 1 });
    memory.add(entry('Ala ma kota.', 'Ala has a cat.'));
    memory.add(entry('Ala ma psa.', 'Ala has a dog.'));
    expect(memory.lookup({ source: 'Ala ma kota!' }).map((match) => match.score)).toEqual([92]);
    expect(memory.lookup({ source: 'Ala ma kota!' }, { limit: 5 }).map((match) => match.score)).toEqual([92, 61]);
  });
});
