/**
 * Packing segments into requests.
 *
 * 1. Greedy and in order: segments keep their order, each lands in exactly one batch, and a
 *    batch is closed when the next segment would break any limit.
 * 2. All limits hold at once: segments per request, characters of source text per request
 *    (Unicode code points, as Google and Azure count them) and request bytes (UTF-8 bytes of
 *    the JSON array of source texts, plus a fixed overhead for the rest of the body).
 * 3. A segment that breaks a limit on its own goes alone in a batch flagged `isOversized`;
 *    the caller decides whether to send it anyway (the provider may answer 413).
 */

/** Limits of one request; every field is optional and defaults to no limit. */
export interface BatchLimits {
  /** Most segments in one request. Default: `Infinity`. Minimum: `1`. */
  readonly maxSegments?: number;
  /** Most code points of source text in one request. Default: `Infinity`. Minimum: `1`. */
  readonly maxCharacters?: number;
  /** Most bytes in one request: `requestOverheadBytes` + UTF-8 bytes of `JSON.stringify(sources)`. Default: `Infinity`. Minimum: `1`. */
  readonly maxBytes?: number;
  /** Bytes of the body besides the texts (parameters, keys, glossary id). Default: `0`. */
  readonly requestOverheadBytes?: number;
}

/** One request's worth of segments. */
export interface Batch<S> {
  readonly segments: readonly S[];
  /** Code points of source text. */
  readonly characters: number;
  /** Request bytes as counted for `maxBytes`, overhead included. */
  readonly bytes: number;
  /** True when the batch holds one segment that breaks a limit by itself. */
  readonly isOversized: boolean;
}

/** Code points in a string (what `[...text].length` gives, without the array). */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

/** UTF-8 bytes of a text once JSON-encoded as an array element (quotes and escapes included). */
export function countJsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function checkLimit(name: string, value: number | undefined, minimum: number): number {
  if (value === undefined) return minimum === 0 ? 0 : Number.POSITIVE_INFINITY;
  if (typeof value !== 'number' || Number.isNaN(value) || value < minimum) {
    throw new TypeError(`Expected \`${name}\` to be a number from ${minimum} and up, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

/**
 * Pack segments into batches under every limit at once (see the module principles).
 * Pure: the input is not changed, and the same input gives the same batches.
 */
export function packBatches<S extends { readonly source: string }>(segments: readonly S[], limits: BatchLimits = {}): Batch<S>[] {
  const maxSegments = checkLimit('maxSegments', limits.maxSegments, 1);
  const maxCharacters = checkLimit('maxCharacters', limits.maxCharacters, 1);
  const maxBytes = checkLimit('maxBytes', limits.maxBytes, 1);
  const overhead = checkLimit('requestOverheadBytes', limits.requestOverheadBytes, 0);

  const batches: Batch<S>[] = [];
  let current: S[] = [];
  let characters = 0;
  // Bytes of `JSON.stringify(current)`: `[`, `]`, the texts and the commas between them.
  let bytes = overhead + 2;

  const close = (): void => {
    if (current.length === 0) return;
    batches.push({ segments: current, characters, bytes, isOversized: false });
    current = [];
    characters = 0;
    bytes = overhead + 2;
  };

  for (const segment of segments) {
    const segmentCharacters = countCodePoints(segment.source);
    const segmentBytes = countJsonBytes(segment.source);
    const aloneBytes = overhead + 2 + segmentBytes;
    if (segmentCharacters > maxCharacters || aloneBytes > maxBytes) {
      close();
      batches.push({ segments: [segment], characters: segmentCharacters, bytes: aloneBytes, isOversized: true });
      continue;
    }
    const separator = current.length === 0 ? 0 : 1;
    if (
      current.length + 1 > maxSegments ||
      characters + segmentCharacters > maxCharacters ||
      bytes + separator + segmentBytes > maxBytes
    ) {
      close();
    }
    bytes += (current.length === 0 ? 0 : 1) + segmentBytes;
    characters += segmentCharacters;
    current.push(segment);
  }
  close();
  return batches;
}
