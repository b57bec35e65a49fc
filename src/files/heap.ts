/**
 * Keeping a long run's memory bounded. V8 lets the heap grow far beyond what a batch run keeps
 * alive (on a machine with plenty of memory, to gigabytes of garbage) before it collects; a run
 * over thousands of documents, each parsed, merged and written and then let go, would hold
 * its garbage instead of its work. Between chunks of documents the run asks for a full
 * collection: the heap then stays at what is alive (the state, the memory, one chunk).
 *
 * 1. `collectGarbage` uses `globalThis.gc` when Node was started with `--expose-gc`, and else
 *    turns that flag on once (V8 creates `gc` in contexts made after the flag is set).
 * 2. It costs a full collection (tens of milliseconds over a small heap): call it between
 *    chunks of hundreds of documents, not per document.
 * 3. A big project (`boundHeapGrowth`) also has V8 grow the heap by less than its default
 *    factor after each collection: a language's state of thousands of articles is read,
 *    checked and let go per language, tens of megabytes of garbage that V8 would otherwise
 *    let pile up to twice what is alive. Measured at 5,000 articles × 9 languages: a run with
 *    nothing to do 294 → 213 MB peak RSS for 2.4 → 3.0 s; a small project keeps the speed.
 * 4. A forced collection costs more than its pause: V8 sizes the heap anew from it, and the
 *    work after it ran slower (extraction of the bench's 565 articles: 8.0–8.1 s with a
 *    collection before each big article, 7.0 s without one, the same scavenges taking 1.35
 *    against 1.1 s). A stretch that allocates much at once (`limitHeapGrowth`: the big
 *    articles of an extraction) is bounded by the growth factor instead, with no collection
 *    forced.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * V8's `gc`, called without options. Node 20's V8 takes options too (`{ type: 'major',
 * execution: 'sync' }`), but with them it left the garbage of an extracted 190 KB article
 * in the heap (42 MB used after the call against 13 MB after a plain `gc()`, 1–5 ms
 * against 12–19 ms): measured, not a full collection.
 */
type Collector = () => void;

let collect: Collector | undefined;

function collector(): Collector {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: Collector }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as Collector;
    }
  }
  return collect;
}

/** Run a full garbage collection now. */
export function collectGarbage(): void {
  collector()();
}

/** Pairs (articles × languages) from which a run trades some speed for a smaller heap. */
export const bigProjectPairs = 20_000;

/** Heap growth after a collection in a big project: 25 % (V8's default factor is larger). */
const bigProjectGrowthPercent = 25;

/** Have V8 grow the heap slowly when a run covers `pairs` (article, language) pairs or more. */
export function boundHeapGrowth(pairs: number): void {
  if (pairs >= bigProjectPairs) setHeapGrowth(bigProjectGrowthPercent);
}

/** The heap growth set now, in percent; 0 is V8's own factor, which it adapts as the run goes. */
let growthPercent = 0;

/**
 * Grow the heap by at most `percent` after each collection until `restore` is called, which
 * puts back what was set before; a bound already tighter stays.
 */
export function limitHeapGrowth(percent: number): { restore(): void } {
  const previous = growthPercent;
  if (previous === 0 || percent < previous) setHeapGrowth(percent);
  return { restore: () => setHeapGrowth(previous) };
}

function setHeapGrowth(percent: number): void {
  if (percent === growthPercent) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  growthPercent = percent;
}

/** The heap growth set now (`limitHeapGrowth`, `boundHeapGrowth`), in percent; 0: V8's own. */
export function heapGrowth(): number {
  return growthPercent;
}
