/**
 * `pseudo`: pseudo-localisation, to see what translation will do to a layout before
 * paying for it.
 *
 * 1. Latin letters get accents, so untranslated (hard-coded) text stands out.
 * 2. Text grows by about a third, as German or Finnish text often does.
 * 3. Each segment is bracketed ⟦…⟧, so truncation and concatenation show.
 * 4. Codes, entities, numbers, URLs-as-codes stay exactly as they were.
 */
import { localCapabilities, type Provider, type TranslationRequest, type TranslationResult } from './types.js';

const accents: Readonly<Record<string, string>> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'đ', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ĺ', m: 'ɱ',
  n: 'ñ', o: 'ö', p: 'þ', q: 'ʠ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ü', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Đ', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ĺ', M: 'Ṁ',
  N: 'Ñ', O: 'Ö', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ü', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

/** Options of the pseudo provider. */
export interface PseudoOptions {
  /** Share of extra length added, from 0. Default 0.3. */
  readonly expansion?: number;
}

/** Pseudo-localise one tagged text, keeping tags and entities. */
export function pseudoLocalize(tagged: string, options: PseudoOptions = {}): string {
  const expansion = options.expansion ?? 0.3;
  let letters = 0;
  const body = tagged.replace(/(<[^>]*>|&[#a-zA-Z0-9]+;)|([A-Za-z])/g, (whole, markup: string | undefined, letter: string | undefined) => {
    if (markup !== undefined) return markup;
    letters += 1;
    return accents[letter ?? ''] ?? whole;
  });
  const padding = '·'.repeat(Math.ceil(letters * expansion));
  return `⟦${body}${padding ? ` ${padding}` : ''}⟧`;
}

/** Create the pseudo-localisation provider. */
export function createPseudoProvider(options: PseudoOptions = {}): Provider {
  const expansion = options.expansion ?? 0.3;
  if (!(expansion >= 0)) throw new TypeError(`Expected \`expansion\` to be a number from 0 and up, got \`${expansion}\``);
  return {
    name: 'pseudo',
    capabilities: localCapabilities,
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      request.signal?.throwIfAborted();
      return request.segments.map((segment) => ({
        id: segment.id,
        target: pseudoLocalize(segment.source, { expansion }),
        origin: 'mt:pseudo',
      }));
    },
  };
}
