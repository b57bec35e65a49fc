/**
 * A reader that stops early (`hansa import … | head -1`) must not cut the work short: every
 * file is still imported, the exit code is the command's own, and the lock is released.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hansa, sampleProject } from '../helpers/cli.js';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { isOpen, updateSegments } from '../../src/pipeline/store.js';
import { segmentsOf } from '../../src/formats/types.js';

describe('output into a closed pipe', () => {
  it('hansa import … | head -1 imports every file and exits with its own code', async () => {
    const dir = await sampleProject();
    expect((await hansa(dir, ['export', '--format', 'xliff2', '--to', 'sv'])).code).toBe(0);
    const exported = (await readdir(path.join(dir, 'export/sv'), { recursive: true })).filter((name) => name.endsWith('.xlf')).sort();
    expect(exported.length).toBe(4);
    // Each file brings one translation of its first open segment.
    for (const name of exported) {
      const file = path.join(dir, 'export/sv', name);
      let done = false;
      const store = readXliff2(await readFile(file, 'utf8'), file);
      await writeFile(file, writeXliff2(updateSegments(store, (segment) => {
        if (done || !isOpen(segment) || /<(pc|ph) /.test(segment.source)) return segment;
        done = true;
        return { ...segment, target: `Översatt i ${name}`, state: 'translated' };
      })));
    }
    const bin = path.resolve('bin/hansa.js');
    const files = exported.map((name) => `export/sv/${name}`).join(' ');
    const piped = spawnSync('bash', ['-c', `node ${bin} import ${files} 2>&1 | head -1 >/dev/null; echo "exit \${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8' } });
    expect(piped.stdout.trim()).toBe('exit 0');
    for (const name of exported) {
      const segmentFile = path.join(dir, 'translations/sv', name);
      const targets = segmentsOf(readXliff2(await readFile(segmentFile, 'utf8'), segmentFile)).map((segment) => segment.target);
      expect(targets, name).toContain(`Översatt i ${name}`);
    }
    expect(existsSync(path.join(dir, '.hansa/lock'))).toBe(false);
  });
});
