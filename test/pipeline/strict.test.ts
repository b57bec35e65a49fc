import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagged, plainText, readTarget, renderTagged, type Run } from '../../src/markdown/index.js';
import { maskSource, unmaskTarget } from '../../src/pipeline/strict.js';

describe('stricter request', () => {
  it('masks glossary terms and plain numbers as extra codes and puts them back', () => {
    const source = 'W <pc id="1">2018</pc> r. Gdański Urząd Pracy przyjął 30 osób NEET.';
    const text = plainText(source);
    const start = text.indexOf('Gdański Urząd Pracy');
    const neet = text.indexOf('NEET');
    const masked = maskSource(source, [
      { start, end: start + 'Gdański Urząd Pracy'.length, replacement: 'Gdańsk Labour Office' },
      { start: neet, end: neet + 4, replacement: 'NEET' },
    ]);
    expect(masked.source).toBe('W <pc id="1"><ph id="2"/></pc> r. <ph id="3"/> przyjął <ph id="4"/> osób <ph id="5"/>.');
    const answer = 'In <pc id="1"><ph id="2"/></pc> the <ph id="3"/> took in <ph id="4"/> <ph id="5"/> people.';
    const target = unmaskTarget(answer, masked.masks);
    expect(target).toBe('In <pc id="1">2018</pc> the Gdańsk Labour Office took in 30 NEET people.');
    expect('problem' in readTarget(source, target)).toBe(false);
  });

  it('leaves decimals and grouped numbers alone: their form differs between languages', () => {
    expect(maskSource('Wzrost o 1,5 i 3.2 proc.', []).source).toBe('Wzrost o 1,5 i 3.2 proc.');
  });

  it('gives back the source when the provider copies the masked text', () => {
    const text = fc.stringMatching(/^[a-zA-Ząęółśżźćń0-9 .,&<>]{0,30}$/);
    const runs = fc.array(
      fc.oneof(
        text.map((value): Run[] => [{ type: 'text', value }]),
        text.map((value): Run[] => [{ type: 'open', id: 0 }, { type: 'text', value }, { type: 'close', id: 0 }]),
        fc.constant<Run[]>([{ type: 'ph', id: 0 }]),
      ),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(runs, fc.nat(), (pieces, seed) => {
        let id = 0;
        const numbered = pieces.flat().map((run): Run => (run.type === 'open' || run.type === 'ph' ? { ...run, id: ++id } : run.type === 'close' ? { ...run, id } : run));
        const source = renderTagged(numbered);
        const plain = plainText(source);
        const start = plain.length === 0 ? 0 : seed % plain.length;
        const end = Math.min(plain.length, start + 3);
        const span = { start, end, replacement: plain.slice(start, end) };
        const masked = maskSource(source, [span]);
        expect('runs' in parseTagged(masked.source)).toBe(true);
        expect(plainText(unmaskTarget(masked.source, masked.masks))).toBe(plain);
        expect('problem' in readTarget(source, unmaskTarget(masked.source, masked.masks))).toBe(false);
      }),
    );
  });
});
