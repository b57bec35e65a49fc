/**
 * The project state (`.hansa/state/<lang>/`) as a user meets it: `translate`, `build` and
 * `status` do the work of what changed since the last run, and what they leave on disk is what
 * a run from scratch leaves. Real `hansa` processes on real files, provider chain `memory`.
 *
 * "Rewritten" means a file's identity changed: a rename gives a new inode, any write a new
 * ctime (which no program can set back), so an unchanged identity proves the file was left
 * alone. The in-process property test (`incremental.property.test.ts`) compares random step
 * sequences with a twin; these tests pin the user-visible cases one at a time.
 */
import { cp, mkdir, readFile, rm, stat, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProject, hansa, sampleProject } from '../helpers/cli.js';
import { copyTree, readTree, statTree, treeDifference, type FileIdentity } from '../helpers/tree.js';

// ───────────────────────────── what the CLI prints ─────────────────────────────

/** `articles` of one language in `hansa translate --json`. */
interface ArticlesReport {
  readonly due: number;
  readonly skipped: number;
  readonly reasons: Readonly<Record<string, number>>;
}

interface TranslateJson {
  readonly languages: readonly { readonly lang: string; readonly articles: ArticlesReport; readonly byOrigin: Readonly<Record<string, number>> }[];
  readonly findings: readonly { readonly code: string; readonly severity: string; readonly file?: string }[];
  readonly errors: readonly unknown[];
}

interface StatusJson {
  readonly languages: readonly { readonly lang: string; readonly segments: number; readonly new: number; readonly translated: number; readonly reviewed: number; readonly final: number }[];
  readonly errors: readonly unknown[];
}

interface FeedJson {
  readonly items: readonly { readonly _hansa: { readonly path: string } }[];
}

// ───────────────────────────── projects ─────────────────────────────

/** The sentence articles A and B share: a translation of it in one serves the other. */
const sharedSentence = 'Zapraszamy wszystkich chętnych.';
const articleA = 'aktualnosci/a.md';
const articleB = 'aktualnosci/b.md';
const articleC = 'c.md';

/**
 * A project of three articles in en and sv: A and B share `sharedSentence`, C shares nothing
 * with them and holds the glossary's only term. The glossary's `rynek pracy` has no Swedish term.
 */
async function projectWithSharedSentence(): Promise<string> {
  const dir = await emptyProject();
  await mkdir(path.join(dir, 'content/pl/aktualnosci'), { recursive: true });
  await mkdir(path.join(dir, 'glossary'));
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify({ targetLanguages: ['en', 'sv'], providers: ['memory'], feed: { title: 'Test' } })}\n`);
  await writeFile(path.join(dir, 'content/pl', articleA), `---\ntitle: Targi pracy\n---\n\n# Targi pracy\n\nTargi odbyły się w maju. ${sharedSentence}\n`);
  await writeFile(path.join(dir, 'content/pl', articleB), `---\ntitle: Staże\n---\n\n# Staże dla młodzieży\n\nStaż trwa trzy miesiące. ${sharedSentence}\n`);
  await writeFile(path.join(dir, 'content/pl', articleC), '---\ntitle: Rynek\n---\n\n# Rynek pracy\n\nRynek pracy szybko się zmienia.\n');
  await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en,sv\nrynek pracy,labour market,\n');
  return dir;
}

/**
 * The bundled sample project whole: its articles (`sampleProject`) with the config (nine
 * languages), the glossary, the tag resources and the segment files holding a translator's work.
 */
async function wholeSample(): Promise<string> {
  const dir = await sampleProject();
  for (const item of ['hansa.config.json', 'glossary', 'locales', 'translations']) await cp(path.resolve(item), path.join(dir, item), { recursive: true });
  return dir;
}

/** A project's segment file of `article` in `lang`. */
function segmentFile(dir: string, lang: string, article: string): string {
  return path.join(dir, 'translations', lang, article.replace(/\.md$/, '.xlf'));
}

// ───────────────────────────── running ─────────────────────────────

/** `hansa translate --json`, which must succeed; what it printed on stdout. */
async function translate(dir: string): Promise<TranslateJson> {
  const run = await hansa(dir, ['translate', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as TranslateJson;
}

/** `articles` of `translate --json` by language. */
function articlesByLanguage(summary: TranslateJson): Record<string, ArticlesReport> {
  return Object.fromEntries(summary.languages.map((language) => [language.lang, language.articles]));
}

/** `hansa build`, which must succeed. */
async function build(dir: string): Promise<void> {
  const run = await hansa(dir, ['build', '--json']);
  expect(run.code, run.stderr).toBe(0);
}

/** `hansa status --json`, which must succeed: its per-language counts. */
async function statusCounts(dir: string): Promise<StatusJson['languages']> {
  const run = await hansa(dir, ['status', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as StatusJson;
  expect(report.errors).toEqual([]);
  return report.languages;
}

// ───────────────────────────── files ─────────────────────────────

/** What a run writes for the user: compared byte for byte with another run's. */
const outputDirs = ['translations', 'dist'] as const;
/** What a run writes at all: outputs and the project state. */
const writtenDirs = [...outputDirs, '.hansa/state'] as const;

/** Files whose identity differs between two `statTree`s (rewritten, created or removed), in path order. */
function rewrittenFiles(before: ReadonlyMap<string, FileIdentity>, after: ReadonlyMap<string, FileIdentity>): string[] {
  const files = [...new Set([...before.keys(), ...after.keys()])].sort();
  return files.filter((file) => {
    const a = before.get(file);
    const b = after.get(file);
    return a === undefined || b === undefined || a.ino !== b.ino || a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.ctimeNs !== b.ctimeNs;
  });
}

/** Expect the trees equal, byte for byte, with the differences in the message. */
function expectSameBytes(expected: Map<string, Buffer>, actual: Map<string, Buffer>, what: string): void {
  expect(treeDifference(expected, actual, { expected: 'before', actual: 'after' }), what).toBeUndefined();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Fill an open segment of a segment file as a translator does in a text editor: the segment
 * whose source is `source` gets `state="translated"` and a `<target>`, laid out as Hansa lays
 * out a translated segment (so Hansa, reading it, has no reason to write the file again).
 */
async function fillTarget(file: string, source: string, target: string): Promise<void> {
  const xml = await readFile(file, 'utf8');
  const open = new RegExp(`(<segment id="[^"]+") state="initial">(\\s*)<source>${escapeRegExp(source)}</source>`);
  expect(open.test(xml), `${file} has an open segment "${source}"`).toBe(true);
  await writeFile(file, xml.replace(open, `$1 state="translated">$2<source>${source}</source>$2<target>${target}</target>`));
}

/** The segment of `source` in a segment file, as text (`undefined`: none). */
async function segmentOf(file: string, source: string): Promise<string | undefined> {
  const xml = await readFile(file, 'utf8');
  return new RegExp(`<segment [^>]*>\\s*<source>${escapeRegExp(source)}</source>[\\s\\S]*?</segment>`).exec(xml)?.[0];
}

/** The paths of the items of `dist/<lang>/index.json`. */
async function feedPaths(dir: string, lang: string): Promise<string[]> {
  const feed = JSON.parse(await readFile(path.join(dir, 'dist', lang, 'index.json'), 'utf8')) as FeedJson;
  return feed.items.map((item) => item._hansa.path).sort();
}

/** A whole second, in the past: times a test can set back exactly (no sub-millisecond rounding). */
const roundTime = new Date('2026-01-01T00:00:00Z');

// ───────────────────────────── tests ─────────────────────────────

describe('the sample project', () => {
  it('a second translate right away: every article of every language skipped, no file written again', { timeout: 120_000 }, async () => {
    const dir = await wholeSample();
    const first = await translate(dir);
    expect(first.errors).toEqual([]);
    const languages = first.languages.map((language) => language.lang);
    expect(languages).toHaveLength(9);
    const before = await statTree(dir, writtenDirs);
    const bytes = await readTree(dir, outputDirs);

    const second = await translate(dir);

    // Four articles in each of the nine languages, none of them due.
    expect(articlesByLanguage(second)).toEqual(Object.fromEntries(languages.map((lang) => [lang, { due: 0, skipped: 4, reasons: {} }])));
    expectSameBytes(bytes, await readTree(dir, outputDirs), 'translations/ and dist/');
    const after = await statTree(dir, writtenDirs);
    const rewritten = rewrittenFiles(before, after);
    expect(rewritten.filter((file) => !file.startsWith('.hansa/')), 'translations/ and dist/').toEqual([]);
    // The state too: a run with nothing to do has nothing new to remember.
    expect(rewritten, 'state included').toEqual([]);
    expect([...after.keys()].filter((file) => file.startsWith('.hansa/state/'))).toHaveLength(2 * 9);
  });

  it('a deleted .hansa/state, then a deleted .hansa: the same bytes everywhere, files left alone, and the state back', { timeout: 180_000 }, async () => {
    const dir = await wholeSample();
    await translate(dir);
    const bytes = await readTree(dir, outputDirs);
    for (const gone of ['.hansa/state', '.hansa']) {
      await rm(path.join(dir, gone), { recursive: true, force: true });
      const before = await statTree(dir, outputDirs);

      const rebuilt = await translate(dir);

      // Without a state, every pair is due…
      for (const language of rebuilt.languages) expect(language.articles, `${gone}: ${language.lang}`).toEqual({ due: 4, skipped: 0, reasons: { new: 4 } });
      // …and what it writes is what was there: same bytes, no file written again.
      expectSameBytes(bytes, await readTree(dir, outputDirs), `after rm -rf ${gone}`);
      expect(rewrittenFiles(before, await statTree(dir, outputDirs)), `after rm -rf ${gone}`).toEqual([]);
      // The state is back (two files a language), and the next run has nothing to do.
      expect((await statTree(dir, ['.hansa/state'])).size, `after rm -rf ${gone}`).toBe(2 * rebuilt.languages.length);
      const next = await translate(dir);
      for (const language of next.languages) expect(language.articles, `after rm -rf ${gone}, then a run: ${language.lang}`).toEqual({ due: 0, skipped: 4, reasons: {} });
    }
  });
});

describe('a translator edits a segment file', () => {
  it('a filled segment fills the same sentence in another article in the same run; only those two are due', async () => {
    const dir = await projectWithSharedSentence();
    await translate(dir);
    await fillTarget(segmentFile(dir, 'en', articleA), sharedSentence, 'Everyone interested is welcome.');

    const run = await translate(dir);

    // A for its segment file, B for what the memory now holds for its open segment; C and all of sv untouched.
    expect(articlesByLanguage(run)).toEqual({
      en: { due: 2, skipped: 1, reasons: { 'segment-file': 1, memory: 1 } },
      sv: { due: 0, skipped: 3, reasons: {} },
    });
    expect(run.languages.find((language) => language.lang === 'en')?.byOrigin).toEqual({ 'tm:exact': 1 });
    const inB = await segmentOf(segmentFile(dir, 'en', articleB), sharedSentence);
    expect(inB).toMatch(/state="translated" subState="hansa:tm:exact"/);
    expect(inB).toContain('<target>Everyone interested is welcome.</target>');
    expect(await readFile(path.join(dir, 'dist/en', articleB), 'utf8')).toContain('Staż trwa trzy miesiące. Everyone interested is welcome.');
    expect(await readFile(path.join(dir, 'dist/sv', articleB), 'utf8')).not.toContain('Everyone');
  });

  it('an edit that keeps the size and modification time of the segment file is published by build and by translate', async () => {
    const dir = await projectWithSharedSentence();
    await translate(dir);
    const file = segmentFile(dir, 'en', articleA);
    await fillTarget(file, sharedSentence, 'Everyone interested is welcome.');
    await utimes(file, roundTime, roundTime);
    await translate(dir);
    // The premise: the state remembers the file with the round time, and trusts its stat (not
    // racy), so only the change time can tell the edits below from the file it remembers.
    const state = JSON.parse(await readFile(path.join(dir, '.hansa/state/en/articles.json'), 'utf8')) as { articles: Record<string, { segments?: { mtimeMs: number; size: number; racy?: boolean } }> };
    const remembered = state.articles[articleA]?.segments;
    expect(remembered?.mtimeMs).toBe(roundTime.getTime());
    expect(remembered?.racy).toBeUndefined();

    /** Replace `from` by `to` (as long) in the target, then put the times back. */
    const editKeepingStat = async (from: string, to: string): Promise<void> => {
      expect(Buffer.byteLength(to)).toBe(Buffer.byteLength(from));
      const xml = await readFile(file, 'utf8');
      expect(xml).toContain(`<target>Everyone interested is ${from}</target>`);
      await writeFile(file, xml.replace(`<target>Everyone interested is ${from}</target>`, `<target>Everyone interested is ${to}</target>`));
      await utimes(file, roundTime, roundTime);
      const now = await stat(file);
      expect([now.size, now.mtimeMs]).toEqual([remembered?.size, roundTime.getTime()]);
    };

    await editKeepingStat('welcome.', 'WELCOME.');
    await build(dir);
    expect(await readFile(path.join(dir, 'dist/en', articleA), 'utf8')).toContain('Targi odbyły się w maju. Everyone interested is WELCOME.');

    await editKeepingStat('WELCOME.', 'invited.');
    const run = await translate(dir);
    expect(articlesByLanguage(run)['en']?.reasons['segment-file']).toBe(1);
    expect(await readFile(path.join(dir, 'dist/en', articleA), 'utf8')).toContain('Targi odbyły się w maju. Everyone interested is invited.');
  });
});

describe('a damaged state is an empty one', () => {
  for (const damage of [
    {
      name: 'articles.json cut short',
      lang: 'en',
      welcome: 'Everyone interested is welcome.',
      file: '.hansa/state/en/articles.json',
      spoil: async (file: string) => truncate(file, Math.floor((await stat(file)).size / 2)),
    },
    {
      name: 'memory.json garbage',
      lang: 'sv',
      welcome: 'Alla intresserade är välkomna.',
      file: '.hansa/state/sv/memory.json',
      spoil: (file: string) => writeFile(file, 'garbage\n'),
    },
  ]) {
    it(`${damage.name}: a warning names it, every article of ${damage.lang} is due, the outputs are the same`, async () => {
      const dir = await projectWithSharedSentence();
      await translate(dir);
      // A translator's work, which the memory gives B: what a rebuilt memory must give it again.
      await fillTarget(segmentFile(dir, damage.lang, articleA), sharedSentence, damage.welcome);
      await translate(dir);
      const bytes = await readTree(dir, outputDirs);
      await damage.spoil(path.join(dir, damage.file));

      const said = await hansa(dir, ['translate', '--json']);

      expect(said.code, said.stderr).toBe(0);
      expect(said.stderr).toContain(`${damage.file}: warning: damaged cache file (`);
      const run = JSON.parse(said.stdout) as TranslateJson;
      expect(run.findings.filter((finding) => finding.code === 'cache_damaged')).toEqual([expect.objectContaining({ severity: 'warning', file: damage.file })]);
      const other = damage.lang === 'en' ? 'sv' : 'en';
      expect(articlesByLanguage(run)).toEqual({ [damage.lang]: { due: 3, skipped: 0, reasons: { new: 3 } }, [other]: { due: 0, skipped: 3, reasons: {} } });
      expectSameBytes(bytes, await readTree(dir, outputDirs), `after ${damage.name}`);
      // Rebuilt: the next run says nothing and has nothing to do.
      const next = await translate(dir);
      expect(next.findings).toEqual([]);
      expect(articlesByLanguage(next)).toEqual({ en: { due: 0, skipped: 3, reasons: {} }, sv: { due: 0, skipped: 3, reasons: {} } });
    });
  }
});

describe('status', () => {
  it('counts from the state what it counts from the files, and sees a translator edit at once', async () => {
    const dir = await projectWithSharedSentence();
    await translate(dir);
    /** The counts of a twin of the project without `.hansa/state`: counted from the segment files alone. */
    const fromScratch = async (name: string): Promise<StatusJson['languages']> => {
      const twin = path.join(dir, '..', `${path.basename(dir)}-${name}`);
      await copyTree(dir, twin, ['.hansa/state']);
      return statusCounts(twin);
    };

    const counted = await statusCounts(dir);
    expect(counted).toEqual(await fromScratch('twin-1'));
    const en = counted.find((language) => language.lang === 'en');
    expect(en).toMatchObject({ segments: 11, new: 11, translated: 0 });

    await fillTarget(segmentFile(dir, 'en', articleC), 'Rynek pracy szybko się zmienia.', 'The labour market is changing fast.');
    const edited = await statusCounts(dir);

    expect(edited.find((language) => language.lang === 'en')).toMatchObject({ segments: 11, new: 10, translated: 1 });
    expect(edited.find((language) => language.lang === 'sv')).toEqual(counted.find((language) => language.lang === 'sv'));
    expect(edited).toEqual(await fromScratch('twin-2'));
  });
});

describe('build', () => {
  it('writes nothing when nothing changed, exactly a deleted article when one is gone; translate takes a deleted source out of dist/ and the feed', async () => {
    const dir = await projectWithSharedSentence();
    await translate(dir);
    const bytes = await readTree(dir, outputDirs);

    let before = await statTree(dir, writtenDirs);
    await build(dir);
    const unchanged = rewrittenFiles(before, await statTree(dir, writtenDirs));
    expect(unchanged.filter((file) => !file.startsWith('.hansa/')), 'build with nothing changed').toEqual([]);
    // Soft: the state's own files are a separate finding; the rest of the test still runs.
    expect.soft(unchanged, 'build with nothing changed, state included').toEqual([]);

    await unlink(path.join(dir, 'dist/en', articleB));
    before = await statTree(dir, outputDirs);
    await build(dir);
    // The deleted article is back (the same bytes), and it is the only file written: the feed,
    // whose item of it did not change, is not written again.
    expect(rewrittenFiles(before, await statTree(dir, outputDirs))).toEqual([`dist/en/${articleB}`]);
    expectSameBytes(bytes, await readTree(dir, outputDirs), 'after build');

    await unlink(path.join(dir, 'content/pl', articleC));
    before = await statTree(dir, outputDirs);
    await translate(dir);
    for (const lang of ['en', 'sv']) {
      expect(await feedPaths(dir, lang)).toEqual([`${lang}/${articleA}`, `${lang}/${articleB}`]);
    }
    // Only the two articles of C gone and the two feeds rewritten; the segment files of C stay (memory).
    expect(rewrittenFiles(before, await statTree(dir, outputDirs))).toEqual([`dist/en/${articleC}`, 'dist/en/index.json', `dist/sv/${articleC}`, 'dist/sv/index.json']);
  });
});

describe('what is due', () => {
  it('an article with one sentence changed: only it, in each language', async () => {
    const dir = await projectWithSharedSentence();
    await translate(dir);
    const source = path.join(dir, 'content/pl', articleC);
    await writeFile(source, (await readFile(source, 'utf8')).replace('szybko się zmienia', 'powoli się zmienia'));

    const run = await translate(dir);

    expect(articlesByLanguage(run)).toEqual({
      en: { due: 1, skipped: 2, reasons: { source: 1 } },
      sv: { due: 1, skipped: 2, reasons: { source: 1 } },
    });
    expect(await readFile(path.join(dir, 'dist/sv', articleC), 'utf8')).toContain('Rynek pracy powoli się zmienia.');
  });

  it('a glossary term added for Swedish only: every Swedish article is due, no English one', async () => {
    const dir = await projectWithSharedSentence();
    await translate(dir);
    await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en,sv\nrynek pracy,labour market,arbetsmarknad\n');

    const run = await translate(dir);

    expect(articlesByLanguage(run)).toEqual({
      en: { due: 0, skipped: 3, reasons: {} },
      sv: { due: 3, skipped: 0, reasons: { inputs: 3 } },
    });
  });
});
