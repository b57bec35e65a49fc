import { mkdir, readFile, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { emptyProject, filesBelow, hansa, sampleProject } from './helpers/cli.js';

const article = 'aktualnosci/2021-11-10-europejski-lider.md';

function frontmatterOf(text: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  return match === null ? {} : (parseYaml(match[1] ?? '') as Record<string, unknown>);
}

describe('hansa translate', () => {
  it('translates the sample content into dist/en and dist/sv with pseudo', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'pseudo']);
    expect(result.stderr).toContain('en: ');
    expect(result.code).toBe(0);
    const files = await filesBelow(path.join(dir, 'dist'));
    expect(files).toContain(`en/${article}`);
    expect(files).toContain(`sv/${article}`);
    expect(files).toContain('en/index.json');
    expect(files.filter((file) => file.endsWith('.hansa-tmp'))).toEqual([]);

    const output = await readFile(path.join(dir, 'dist/en', article), 'utf8');
    const meta = frontmatterOf(output);
    expect(meta).toMatchObject({
      lang: 'en',
      translationOf: `content/pl/${article}`,
      translationStatus: 'machine',
      tags: ['News', 'Reports'],
      author: 'Monika Artowska-Janowska',
      date: '2021-11-10',
      alternates: { pl: `content/pl/${article}`, en: `en/${article}`, sv: `sv/${article}` },
    });
    expect(String(meta['title'])).toMatch(/^⟦/);
    expect(output).toContain('![⟦Šţáţüéţķá');
    expect(output).toContain('(/images/2021/statuetka-europejski-lider.jpg');

    const sv = frontmatterOf(await readFile(path.join(dir, 'dist/sv', article), 'utf8'));
    expect(sv['tags']).toEqual(['Nyheter', 'Reportage']);
  });

  it('writes a JSON Feed 1.1 per language listing every article', async () => {
    const dir = await sampleProject();
    await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en']);
    const feed = JSON.parse(await readFile(path.join(dir, 'dist/en/index.json'), 'utf8')) as {
      version: string;
      items: { id: string; content_text: string; date_published?: string; _hansa: { sourceHash: string; translationOf: string } }[];
    };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    const sources = await filesBelow(path.join(dir, 'content/pl'));
    expect(feed.items.map((item) => item.id).sort()).toEqual(sources.map((file) => `en/${file}`).sort());
    for (const item of feed.items) {
      expect(item.content_text.length).toBeGreaterThan(0);
      expect(item._hansa.sourceHash).toMatch(/^[0-9a-f]{64}$/);
      expect(item.date_published).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    const dates = feed.items.map((item) => item.date_published ?? '');
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('clears temporary files a killed run left in dist/', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'dist/en/aktualnosci'), { recursive: true });
    await writeFile(path.join(dir, 'dist/en/aktualnosci/x.md.0a1b2c3d4e5f.hansa-tmp'), 'half a fi');
    expect((await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en'])).code).toBe(0);
    expect((await filesBelow(path.join(dir, 'dist'))).filter((file) => file.endsWith('.hansa-tmp'))).toEqual([]);
  });

  it('gives the same bytes on a second run', async () => {
    const dir = await sampleProject();
    await hansa(dir, ['translate', '--provider', 'pseudo']);
    const first = await readFile(path.join(dir, 'dist/sv/index.json'), 'utf8');
    const firstArticle = await readFile(path.join(dir, 'dist/sv', article), 'utf8');
    await hansa(dir, ['translate', '--provider', 'pseudo']);
    expect(await readFile(path.join(dir, 'dist/sv/index.json'), 'utf8')).toBe(first);
    expect(await readFile(path.join(dir, 'dist/sv', article), 'utf8')).toBe(firstArticle);
  });

  it('with copy, every body equals its source', async () => {
    const dir = await sampleProject();
    expect((await hansa(dir, ['translate', '--provider', 'copy', '--to', 'de'])).code).toBe(0);
    for (const file of await filesBelow(path.join(dir, 'content/pl'))) {
      const source = await readFile(path.join(dir, 'content/pl', file), 'utf8');
      const output = await readFile(path.join(dir, 'dist/de', file), 'utf8');
      const body = (text: string): string => text.replace(/^---\n[\s\S]*?\n---\n/, '');
      expect(body(output)).toBe(body(source));
    }
  });

  it('prints a JSON summary on stdout with --json', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'fi', '--json']);
    const summary = JSON.parse(result.stdout) as { languages: { lang: string; untranslated: number; translated: number }[]; files: unknown[] };
    expect(summary.languages).toEqual([expect.objectContaining({ lang: 'fi', untranslated: 0 })]);
    expect(summary.files.length).toBeGreaterThanOrEqual(3);
  });

  it('--dry-run counts characters and writes nothing', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { dryRun: boolean; languages: { characters: number; requests: number }[] };
    expect(summary.dryRun).toBe(true);
    expect(summary.languages[0]?.characters).toBeGreaterThan(1000);
    expect((await filesBelow(dir)).filter((file) => file.startsWith('dist'))).toEqual([]);
  });

  it('leaves text in the source language with the default memory provider and says so', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--to', 'en']);
    expect(result.code).toBe(0);
    const meta = frontmatterOf(await readFile(path.join(dir, 'dist/en', article), 'utf8'));
    expect(meta['translationStatus']).toBe('partial');
    expect(meta['tags']).toEqual(['News', 'Reports']);
  });
});

describe('bad input', () => {
  async function projectWithBadFiles(): Promise<string> {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a-dobry.md'), '---\ntitle: Dobry\n---\n\nTo jest dobry tekst.\n');
    await writeFile(path.join(dir, 'content/pl/b-yaml.md'), '---\ntitle: Zły\ntags: [a, b\nauthor: x\n---\n\nTekst.\n');
    await writeFile(path.join(dir, 'content/pl/c-latin2.md'), Buffer.concat([Buffer.from('# Nagłówek\n\nZdanie w '), Buffer.from([0xb3, 0xf3, 0x64, 0x7a, 0x69]), Buffer.from('.\n')]));
    return dir;
  }

  it('reports invalid YAML and non-UTF-8 files with file:line, exits 2, and still writes the good file', async () => {
    const dir = await projectWithBadFiles();
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^content\/pl\/b-yaml\.md:\d+: error: invalid YAML frontmatter: .+$/m);
    expect(result.stderr).toMatch(/^content\/pl\/c-latin2\.md:3: error: the file is not UTF-8/m);
    const files = await filesBelow(path.join(dir, 'dist'));
    expect(files).toEqual(['en/a-dobry.md', 'en/index.json']);
  });

  it('names the line of the broken YAML', async () => {
    const dir = await projectWithBadFiles();
    const result = await hansa(dir, ['extract']);
    expect(result.code).toBe(2);
    const line = Number(/b-yaml\.md:(\d+):/.exec(result.stderr)?.[1]);
    expect(line).toBeGreaterThanOrEqual(3);
    expect(line).toBeLessThanOrEqual(5);
  });

  it('refuses an unknown target language with exit 2', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--to', 'en,xx']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"xx"');
    expect(await filesBelow(dir).then((files) => files.filter((file) => file.startsWith('dist')))).toEqual([]);
  });

  it('refuses a wrong config key, naming the file, line and key', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), '{\n  "sourceLanguage": "pl",\n  "targetLanguage": ["en"]\n}\n');
    const result = await hansa(dir, ['translate', '--provider', 'pseudo']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^hansa\.config\.json:3: error: configuration key targetLanguage: expected unknown key \(known keys: .*targetLanguages.*\)$/);
  });

  it('refuses an unknown language in the config', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), '{\n  "targetLanguages": ["en", "zz"]\n}\n');
    const result = await hansa(dir, ['extract']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hansa\.config\.json:2: error: configuration key targetLanguages\.1: expected a known language code/);
  });

  it('refuses broken tag resources, naming the file', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'locales/en'), { recursive: true });
    await writeFile(path.join(dir, 'locales/en/content.json'), '{ "tags": { "Aktualności": 1 } }');
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^locales\/en\/content\.json: error: cannot read the file: tags\.Aktualności: .+$/);
  });

  it('refuses an unknown provider', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'babelfish']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('babelfish');
  });

  it('refuses FILES that lead out of the content folder, writing nothing', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), 'Ala ma kota.\n');
    await writeFile(path.join(dir, 'hansa.config.json'), '{"sourceLanguage":"pl","targetLanguages":["en"]}');
    // `../../content/pl/a.md` once became dist/en/../../content/pl/a.md: the source itself, overwritten.
    for (const [command, file] of [['translate', '../../content/pl/a.md'], ['extract', '../../content/pl/a.md'], ['translate', '/etc/hostname'], ['translate', 'sub/../../a.md']] as const) {
      const result = await hansa(dir, [command, file, '--to', 'en']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`${file}: error: the file is outside the content folder content/pl; nothing was written`);
    }
    expect(await filesBelow(dir)).toEqual(['content/pl/a.md', 'hansa.config.json']);
    expect(await readFile(path.join(dir, 'content/pl/a.md'), 'utf8')).toBe('Ala ma kota.\n');
    // Paths that lead into the folder still work, and name the same article.
    const inside = await hansa(dir, ['translate', 'content/pl/../pl/a.md', './a.md', '--to', 'en', '--provider', 'copy']);
    expect(inside.code).toBe(0);
    expect(frontmatterOf(await readFile(path.join(dir, 'dist/en/a.md'), 'utf8'))['translationOf']).toBe('content/pl/a.md');
    expect((await filesBelow(dir)).filter((file) => !file.startsWith('.hansa/'))).toEqual(['content/pl/a.md', 'dist/en/a.md', 'dist/en/index.json', 'hansa.config.json', 'translations/en/a.xlf']);
  });

  it('speaks Polish with --ui-lang pl or LANG=pl_PL.UTF-8', async () => {
    const dir = await sampleProject();
    const flag = await hansa(dir, ['translate', '--to', 'xx', '--ui-lang', 'pl']);
    expect(flag.stderr).toContain('nieznany kod języka „xx”');
    const env = await hansa(dir, ['translate', '--to', 'xx'], { env: { LANG: 'pl_PL.UTF-8' } });
    expect(env.stderr).toContain('błąd');
  });
});

describe('hansa extract', () => {
  it('reports segments and words per file, then serves a rerun from the cache', async () => {
    const dir = await sampleProject();
    const cold = JSON.parse((await hansa(dir, ['extract', '--json'])).stdout) as { files: { file: string; segments: number; words: number }[]; totals: { parsed: number } };
    expect(cold.totals.parsed).toBe(cold.files.length);
    const sample = cold.files.find((file) => file.file === `content/pl/${article}`);
    expect(sample?.segments).toBeGreaterThan(20);
    expect(sample?.words).toBeGreaterThan(400);

    const warm = JSON.parse((await hansa(dir, ['extract', '--json'])).stdout) as typeof cold;
    expect(warm.totals.parsed).toBe(0);
    expect(warm.files).toEqual(cold.files.map((file) => ({ ...file, parsed: false })));

    await appendFile(path.join(dir, 'content/pl', article), '\nNowe zdanie na końcu.\n');
    const edited = JSON.parse((await hansa(dir, ['extract', '--json'])).stdout) as typeof cold;
    expect(edited.totals.parsed).toBe(1);
  });

  it('gives the same result on worker threads as on the main thread', async () => {
    const dir = await emptyProject();
    const text = await readFile(path.resolve('content/pl', article), 'utf8');
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    for (let i = 0; i < 80; i++) await writeFile(path.join(dir, `content/pl/a${i}.md`), `${text}\nAkapit numer ${i}.\n`);
    const threads = JSON.parse((await hansa(dir, ['extract', '--json', '--workers', '2'])).stdout) as { files: unknown[] };
    const single = JSON.parse((await hansa(path.join(dir), ['extract', '--json', '--workers', '1'])).stdout) as { files: { parsed: boolean }[] };
    expect(single.files.every((file) => !file.parsed)).toBe(true);
    const other = await emptyProject();
    await mkdir(path.join(other, 'content'), { recursive: true });
    const { cp } = await import('node:fs/promises');
    await cp(path.join(dir, 'content'), path.join(other, 'content'), { recursive: true });
    const main = JSON.parse((await hansa(other, ['extract', '--json', '--workers', '1'])).stdout) as { files: unknown[] };
    expect(threads.files).toEqual(main.files);
  });
});

describe('hansa segment', () => {
  it('prints the sentences of stdin as a JSON array', async () => {
    const dir = await emptyProject();
    const result = await hansa(dir, ['segment', '--lang', 'pl'], {
      input: 'Współpraca rozpoczęła się w listopadzie 2018 r. Wówczas Centrum gościło m.in. grupę z ul. Długiej. To np. ważne.',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      'Współpraca rozpoczęła się w listopadzie 2018 r.',
      'Wówczas Centrum gościło m.in. grupę z ul. Długiej.',
      'To np. ważne.',
    ]);
  });

  it('refuses an unknown language', async () => {
    const dir = await emptyProject();
    const result = await hansa(dir, ['segment', '--lang', 'qq'], { input: 'Tekst.' });
    expect(result.code).toBe(2);
  });
});

describe('hansa --help', () => {
  it('lists the commands it has', async () => {
    const dir = await emptyProject();
    const result = await hansa(dir, ['--help']);
    expect(result.code).toBe(0);
    for (const command of ['translate', 'extract', 'segment']) expect(result.stdout).toContain(command);
  });

  it('is in Polish, headings included, with --ui-lang pl', async () => {
    const dir = await emptyProject();
    const result = await hansa(dir, ['--ui-lang', 'pl', 'import', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Użycie: hansa import/m);
    expect(result.stdout).toMatch(/^Argumenty:$/m);
    expect(result.stdout).toMatch(/^Opcje:$/m);
    expect(result.stdout).not.toMatch(/^(Usage|Options|Arguments):/m);
    expect((await hansa(dir, ['--ui-lang', 'pl', '--help'])).stdout).toMatch(/^Polecenia:$/m);
  });
});
