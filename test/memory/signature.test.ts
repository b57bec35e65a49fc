/**
 * A word signature is, by definition (`memory/signature.ts`, principle 1), the sorted distinct
 * hashes of the folded words `foldedWords` reads. Extraction computes it by a faster path
 * (ASCII words hashed in place): the two must never differ, or the search for segments a
 * memory entry may fill would pass over a document that holds one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldedWords, TaggedSourceError } from '../../src/memory/fuzzy.js';
import { wordHash, wordSignature } from '../../src/memory/signature.js';

/** The signature as principle 1 defines it. */
function definedSignature(sources: readonly string[], language: string): Uint32Array | undefined {
  const hashes = new Set<number>();
  try {
    for (const source of sources) for (const word of foldedWords(source, language)) hashes.add(wordHash(word));
  } catch (error) {
    if (error instanceof TaggedSourceError) return undefined;
    throw error;
  }
  return Uint32Array.from(hashes).sort();
}

/** Pieces of tagged text: ASCII and Polish words in every case, Turkish i's, entities, codes, punctuation, a letter outside the BMP, stray markup. */
const piece = fc.constantFrom(
  'Ala', 'ALA', 'ala', 'Kot', 'IBM', 'Iwona', 'ISO9001', 'x1', 'Źródło', 'źródło', 'ŁÓDŹ', 'łódź', 'Gdańsk', 'GDAŃSK', 'İstanbul', 'ılık', 'Straße',
  ' ', '  ', ', ', '. ', '!', '–', '„', '”', '&amp;', '&lt;', '&#261;', '&#x104;', '&quot;', '<ph id="1"/>', '<pc id="2">', '</pc>', '𝐀bc', 'é', 'e\u0301', '<b>', '&',
);
const tagged = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));

describe('wordSignature', () => {
  it('equals the sorted distinct hashes of the folded words, in every language, or is undefined exactly when a source cannot be tokenized', () => {
    fc.assert(
      fc.property(fc.array(tagged, { maxLength: 6 }), fc.constantFrom('pl', 'en', 'tr', 'az', 'lt', 'de'), (sources, language) => {
        expect(wordSignature(sources, language)).toEqual(definedSignature(sources, language));
      }),
      { numRuns: 2000 },
    );
  });

  it('folds case and diacritics: words that differ only in them share one hash', () => {
    expect(wordSignature(['Źródło ŹRÓDŁO zrodlo'], 'pl')).toEqual(Uint32Array.of(wordHash('zrodlo')));
    expect(wordSignature(['IBM ibm'], 'en')).toEqual(Uint32Array.of(wordHash('ibm')));
    // Turkish lower-cases I to dotless ı: another word than the one English reads.
    expect(wordSignature(['IBM'], 'tr')).toEqual(Uint32Array.of(wordHash('ıbm')));
  });
});
