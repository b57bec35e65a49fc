/**
 * What is wrong with a target's inline codes, code by code (issue 11, item 3): one case per
 * problem, the texts that name a code, and the property that ties the module to
 * `readTarget`: no problems exactly when the target is accepted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoreCode } from '../../src/formats/types.js';
import { readTarget, renderTagged, type Run } from '../../src/markdown/tagged.js';
import { codeProblemsOf, readableText, shortened } from '../../src/pipeline/code-problems.js';

/** A sentence of the sample project with a link. */
const linked = 'Pełną listę wystawców publikujemy na stronie <pc id="1">Gdańskich Targów Pracy</pc>.';
const linkCodes: StoreCode[] = [{ kind: 'link', disp: 'link https://example.org/targi-pracy-2022' }];

/** A sentence with a bold span, an image and an inline code. */
const mixed = 'Zobacz <pc id="1">logo</pc> <ph id="2"/> i wpisz <ph id="3"/>.';
const mixedCodes: StoreCode[] = [
  { kind: 'strong', disp: '**' },
  { kind: 'image', disp: 'image logo.png' },
  { kind: 'inlineCode', disp: '`npm ci`', equiv: 'npm ci' },
];

describe('codeProblemsOf', () => {
  it('finds nothing in a target with the source\'s codes, in any order', () => {
    expect(codeProblemsOf(linked, 'The full list is on the <pc id="1">Gdańsk Job Fair</pc> website.', linkCodes)).toEqual([]);
    expect(codeProblemsOf(mixed, 'Type <ph id="3"/>, see <ph id="2"/> and <pc id="1">the logo</pc>.', mixedCodes)).toEqual([]);
  });

  it('missing: a code of the source, named by the text it encloses', () => {
    expect(codeProblemsOf(linked, 'The full list is on the Gdańsk Job Fair website.', linkCodes)).toEqual([
      { problem: 'missing', id: 1, kind: 'link', text: 'Gdańskich Targów Pracy', paired: true },
    ]);
  });

  it('missing: a standalone code, named by its display text', () => {
    expect(codeProblemsOf(mixed, 'See <pc id="1">the logo</pc> and type <ph id="3"/>.', mixedCodes)).toEqual([
      { problem: 'missing', id: 2, kind: 'image', text: 'logo.png', paired: false },
    ]);
    expect(codeProblemsOf(mixed, 'See <pc id="1">the logo</pc> <ph id="2"/>.', mixedCodes)).toEqual([
      { problem: 'missing', id: 3, kind: 'inlineCode', text: 'npm ci', paired: false },
    ]);
  });

  it('added: a code the source does not have, as a pair or a single tag', () => {
    expect(codeProblemsOf(linked, 'The <pc id="2">full</pc> list is on the <pc id="1">Gdańsk Job Fair</pc> website.', linkCodes)).toEqual([
      { problem: 'added', id: 2, text: '', paired: true },
    ]);
    expect(codeProblemsOf(linked, 'The list is on the <pc id="1">Gdańsk Job Fair</pc> website.<ph id="7"/>', linkCodes)).toEqual([
      { problem: 'added', id: 7, text: '', paired: false },
    ]);
  });

  it('duplicated: a code of the source more than once', () => {
    expect(codeProblemsOf(mixed, 'See <pc id="1">the logo</pc> <ph id="2"/> <ph id="2"/>, type <ph id="3"/>.', mixedCodes)).toEqual([
      { problem: 'duplicated', id: 2, kind: 'image', text: 'logo.png', paired: false, count: 2 },
    ]);
  });

  it('changed: a pair where the source has a single tag, and the other way round (paired: as the target has it)', () => {
    expect(codeProblemsOf(mixed, 'See <pc id="1">the logo</pc> <pc id="2">here</pc>, type <ph id="3"/>.', mixedCodes)).toEqual([
      { problem: 'changed', id: 2, kind: 'image', text: 'logo.png', paired: true },
    ]);
    expect(codeProblemsOf(linked, 'The list is on the <ph id="1"/> website.', linkCodes)).toEqual([
      { problem: 'changed', id: 1, kind: 'link', text: 'Gdańskich Targów Pracy', paired: false },
    ]);
  });

  it('several problems of one target, in the order of the code ids', () => {
    expect(codeProblemsOf(mixed, 'See the logo <ph id="2"/><ph id="2"/>, type <ph id="3"/><ph id="4"/>.', mixedCodes).map((found) => [found.problem, 'id' in found ? found.id : undefined])).toEqual([
      ['missing', 1],
      ['duplicated', 2],
      ['added', 4],
    ]);
  });

  it('unbalanced: a code opened and never closed, named', () => {
    expect(codeProblemsOf(linked, 'The list is on the <pc id="1">Gdańsk Job Fair website.', linkCodes)).toEqual([{ problem: 'unbalanced', id: 1, kind: 'link', text: 'Gdańskich Targów Pracy' }]);
  });

  it('unbalanced: a closing tag that closes nothing, with the text before it', () => {
    expect(codeProblemsOf(linked, 'The list is on the Gdańsk Job Fair</pc> website.', linkCodes)).toEqual([{ problem: 'unbalanced', text: '', after: 'The list is on the Gdańsk Job Fair' }]);
  });

  it('unknown_markup: a tag tagged text does not have, as written', () => {
    expect(codeProblemsOf(linked, 'The list is on the <b>Gdańsk Job Fair</b> website.', linkCodes)).toEqual([{ problem: 'unknown_markup', markup: '<b>', after: 'The list is on the' }]);
  });

  it('names a code by its display text when it encloses no text, and by nothing when that is only a marker', () => {
    const codes: StoreCode[] = [
      { kind: 'link', disp: 'link https://example.org' },
      { kind: 'break', disp: 'line break' },
      { kind: 'strong', disp: '**' },
    ];
    expect(codeProblemsOf('<pc id="1"></pc> a<ph id="2"/>b <pc id="3"></pc>', 'a b', codes)).toEqual([
      { problem: 'missing', id: 1, kind: 'link', text: 'https://example.org', paired: true },
      { problem: 'missing', id: 2, kind: 'break', text: '', paired: false },
      { problem: 'missing', id: 3, kind: 'strong', text: '', paired: true },
    ]);
  });

  it('shortens long code texts', () => {
    const long = `<pc id="1">${'bardzo długi tekst linku '.repeat(5)}</pc>`;
    const [problem] = codeProblemsOf(long, 'x', linkCodes);
    expect(problem).toMatchObject({ problem: 'missing', text: 'bardzo długi tekst linku bardzo długi…' });
  });

  it('has no problems exactly when readTarget accepts the target (property)', () => {
    fc.assert(
      fc.property(
        source.chain((made) => fc.tuple(fc.constant(made), target(made))),
        ([made, tagged]) => {
          const accepted = 'runs' in readTarget(made.tagged, tagged);
          const problems = codeProblemsOf(made.tagged, tagged, made.codes);
          expect(problems.length === 0, `${made.tagged} → ${tagged}: ${JSON.stringify(problems)}`).toBe(accepted);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('shortened', () => {
  it('keeps a short text whole, on one line', () => {
    expect(shortened('Ala  ma\nkota.')).toBe('Ala ma kota.');
  });

  it('cuts a long one at a word boundary, with an ellipsis, within the limit', () => {
    const text = 'Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy, a zgłoszenia przyjmujemy do końca marca.';
    const short = shortened(text);
    expect(short).toBe('Pełną listę wystawców publikujemy na stronie Gdańskich Targów Pracy, a…');
    expect([...short].length).toBeLessThanOrEqual(80);
  });

  it('never splits a character made of two UTF-16 units', () => {
    expect(shortened('😀'.repeat(100), 10)).toBe(`${'😀'.repeat(9)}…`);
  });
});

describe('readableText', () => {
  it('shows what standalone codes stand for where the table says, a line break as a space', () => {
    const codes: StoreCode[] = [
      { kind: 'autolink', disp: 'https://example.org', equiv: 'https://example.org' },
      { kind: 'break', disp: 'line break' },
      { kind: 'strong', disp: '**' },
    ];
    expect(readableText('Na stronie <ph id="1"/>.<ph id="2"/>Tel. <pc id="3">58 000</pc>', codes)).toBe('Na stronie https://example.org. Tel. 58 000');
    expect(readableText('A &amp; <ph id="1"/>B')).toBe('A & B');
  });
});

// ---------------------------------------------------------------------------
// Random sources as the store holds them (codes numbered from 1 in order of appearance) and
// targets that keep, lose, repeat, swap or break their codes.

type Tree = readonly Node[];
type Node = { readonly text: string } | { readonly ph: true } | { readonly pc: Tree };

const words = fc.constantFrom('Ala', ' ma ', 'kota', '&', '<', '>', 'ą', ' ', '.', '😀');
const { tree } = fc.letrec<{ tree: Tree; node: Node }>((tie) => ({
  tree: fc.array(tie('node'), { maxLength: 4 }),
  node: fc.oneof({ depthSize: 'small' }, words.map((text) => ({ text })), fc.constant({ ph: true as const }), tie('tree').map((pc) => ({ pc }))),
}));

const kinds = { paired: ['strong', 'link', 'emphasis'], single: ['image', 'inlineCode', 'break', 'html'] } as const;

const source = tree.map((nodes) => {
  const runs: Run[] = [];
  const codes: StoreCode[] = [];
  const walk = (list: Tree): void => {
    for (const node of list) {
      if ('text' in node) runs.push({ type: 'text', value: node.text });
      else if ('ph' in node) {
        codes.push({ kind: kinds.single[codes.length % 4] ?? 'image', disp: 'image a.png' });
        runs.push({ type: 'ph', id: codes.length });
      } else {
        codes.push({ kind: kinds.paired[codes.length % 3] ?? 'strong', disp: '**' });
        const id = codes.length;
        runs.push({ type: 'open', id });
        walk(node.pc);
        runs.push({ type: 'close', id });
      }
    }
  };
  walk(nodes);
  return { tagged: renderTagged(runs), codes };
});

/** Tokens of tagged text a target is made of: the source's own, others, and broken markup. */
const token = (count: number): fc.Arbitrary<string> => {
  const id = fc.integer({ min: 1, max: count + 2 });
  return fc.oneof(
    words.map((word) => renderTagged([{ type: 'text', value: word }])),
    id.map((n) => `<pc id="${n}">`),
    fc.constant('</pc>'),
    id.map((n) => `<ph id="${n}"/>`),
    fc.constantFrom('<b>', '<pc>', '<ph id="x"/>', '<', '</pc '),
  );
};

/**
 * A target: the source itself; its single tags dropped, reordered, repeated or made pairs;
 * a pair made a single tag; a token put anywhere; or tokens at random.
 */
const target = (made: { tagged: string; codes: readonly StoreCode[] }): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(made.tagged),
    fc.constant(made.tagged.replace(/<ph id="(\d+)"\/>/, '<ph id="$1"/><ph id="$1"/>')),
    fc.constant(made.tagged.replace(/<ph id="(\d+)"\/>/, '<pc id="$1">x</pc>')),
    fc.constant(made.tagged.replace(/<pc id="(\d+)">([^<]*)<\/pc>/, '<ph id="$1"/>$2')),
    fc.shuffledSubarray(made.tagged.split(/(?=<ph)|(?<=\/>)/), { minLength: 0 }).map((parts) => parts.join('')),
    fc.array(token(made.codes.length), { maxLength: 8 }).map((parts) => parts.join('')),
    fc.tuple(fc.constant(made.tagged), token(made.codes.length), fc.nat()).map(([text, extra, at]) => {
      const cut = text.length === 0 ? 0 : at % text.length;
      return `${text.slice(0, cut)}${extra}${text.slice(cut)}`;
    }),
  );
