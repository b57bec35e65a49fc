/**
 * Translation memory, exact matches by segment id. Fed with every accepted translation
 * of a real provider (never with `copy` or `pseudo` output), read by the `memory` provider.
 * One JSON Lines file per language pair under `.hansa/memory/`; the last entry for an id wins.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const entrySchema = z.object({ id: z.string(), source: z.string(), target: z.string(), origin: z.string() });

/** One remembered translation. */
export type MemoryEntry = z.infer<typeof entrySchema>;

/** Exact-match memory for one language pair. */
export class TranslationMemory {
  readonly #file: string;
  readonly #entries = new Map<string, MemoryEntry>();

  private constructor(file: string) {
    this.#file = file;
  }

  /** Open (or start) the memory of a language pair in `directory`. Lines that do not parse are skipped. */
  static async open(directory: string, sourceLanguage: string, targetLanguage: string): Promise<TranslationMemory> {
    const memory = new TranslationMemory(path.join(directory, `${sourceLanguage}-${targetLanguage}.jsonl`));
    let text = '';
    try {
      text = await readFile(memory.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed = entrySchema.safeParse(JSON.parse(line));
        if (parsed.success) memory.#entries.set(parsed.data.id, parsed.data);
      } catch {
        // A line cut by a crash: the entries before it still count.
      }
    }
    return memory;
  }

  /** The remembered translation of a segment id. */
  get(id: string): MemoryEntry | undefined {
    return this.#entries.get(id);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Remember translations; written before they are used. */
  async add(entries: readonly MemoryEntry[]): Promise<void> {
    const fresh = entries.filter((entry) => this.#entries.get(entry.id)?.target !== entry.target);
    if (fresh.length === 0) return;
    await mkdir(path.dirname(this.#file), { recursive: true });
    await appendFile(this.#file, fresh.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    for (const entry of fresh) this.#entries.set(entry.id, entry);
  }
}
