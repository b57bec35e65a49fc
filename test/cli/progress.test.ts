import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress.js';

function stream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  let text = '';
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(writable, { isTTY });
  return { stream: writable, written: () => text };
}

describe('ProgressBar', () => {
  it('draws on a terminal and clears itself', () => {
    const { stream: s, written } = stream(true);
    const bar = new ProgressBar(s, true);
    bar.update('extracting', 5, 10);
    bar.clear();
    expect(written()).toContain('extracting [###############---------------] 5/10');
    expect(written().endsWith('\r\u001b[K')).toBe(true);
  });

  it('draws nothing when stderr is not a terminal, or for a single file', () => {
    const piped = stream(false);
    new ProgressBar(piped.stream, true).update('extracting', 1, 3);
    const single = stream(true);
    new ProgressBar(single.stream, true).update('extracting', 1, 1);
    expect(piped.written() + single.written()).toBe('');
  });
});
