/** A one-line progress bar on stderr, drawn only on a terminal. */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #enabled: boolean;
  #last = '';

  constructor(stream: NodeJS.WriteStream, enabled: boolean) {
    this.#stream = stream;
    this.#enabled = enabled && stream.isTTY === true;
  }

  /** Draw `label [#####-----] done/total`. */
  update(label: string, done: number, total: number): void {
    if (!this.#enabled || total <= 1) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
    if (line === this.#last) return;
    this.#last = line;
    this.#stream.write(`\r${line}\u001b[K`);
  }

  /** Remove the bar. */
  clear(): void {
    if (this.#enabled && this.#last !== '') this.#stream.write('\r\u001b[K');
    this.#last = '';
  }
}
