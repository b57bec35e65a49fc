/**
 * What the review page's browser tests need around the browser: a project made by the real CLI
 * (the repository's sample, its glossary, a hostile article and a short one), `hansa review`
 * started as a user starts it, chromium found (or a clear failure), and small readers of the
 * segment files the page writes.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { emptyProject, hansa } from '../helpers/cli.js';

/** Debian's chromium (test/setup-system.sh installs it). */
export const chromiumPath = '/usr/bin/chromium';

/** The offline XLIFF validator, next to the repository. */
export const validatorPath = fileURLToPath(new URL('../../../shared/tools/validate-l10n', import.meta.url));

/** Fail (never skip) when the browser is not there. */
export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: the review page's browser tests need Debian's chromium (run \`bash test/setup-system.sh\` or \`apt-get install chromium\`)`);
  }
}

/** The sample article the editor tests work in. */
export const sampleFile = 'aktualnosci/2022-03-15-targi-pracy.md';

/** The hostile article: inline HTML with an event handler, a `javascript:` link, bold, a normal link and a glossary term. */
export const hostileFile = 'wrogi.md';
const hostileSource = `---
title: Wrogi artykuł
---

# Wrogi tekst

Zobacz <img src=x onerror=alert(1)> oraz [kliknij](javascript:alert(1)) albo **ważne** i [stronę](https://example.org/strona) o rynku pracy.
`;

/** A short article that the tests approve in full before the page opens (for the overview's filters). */
export const shortFile = 'krotki.md';
const shortSource = '# Krótka notka\n\nJeden akapit.\n';

/**
 * A project with the repository's sample content and glossary in sv and en, the hostile and the
 * short article, and segment files made by `hansa extract`.
 */
export async function browserProject(): Promise<string> {
  const dir = await emptyProject();
  await cp(path.resolve('content/pl'), path.join(dir, 'content/pl'), { recursive: true });
  await cp(path.resolve('glossary'), path.join(dir, 'glossary'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl', hostileFile), hostileSource);
  await writeFile(path.join(dir, 'content/pl', shortFile), shortSource);
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify({ sourceLanguage: 'pl', targetLanguages: ['sv', 'en'] }, null, 2)}\n`);
  const result = await hansa(dir, ['extract']);
  expect(result.code, result.stderr).toBe(0);
  return dir;
}

/** A running `hansa review`. */
export interface ReviewProcess {
  /** `http://127.0.0.1:PORT/?token=…` as printed. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, and wait until it has exited. */
  stop(): Promise<void>;
}

const urlPattern = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/;

/** Start `hansa review --to sv,en --reviewer "Anna Test"` in `dir` and read the URL it prints. */
export function startReview(dir: string): Promise<ReviewProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [path.resolve('bin/hansa.js'), 'review', '--to', 'sv,en', '--reviewer', 'Anna Test'], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8' },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`hansa review printed no URL within 20 s:\n${output}`));
    }, 20_000);
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = urlPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        const url = new URL(match[0]);
        resolve({ url: match[0], origin: url.origin, token: url.searchParams.get('token') ?? '', output: () => output, stop });
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hansa review exited (${String(code)}) before printing a URL:\n${output}`));
    });
  });
}

/** The project-relative segment file of an article in a language. */
export function segmentFile(dir: string, lang: string, file: string): string {
  return path.join(dir, 'translations', lang, file.replace(/\.md$/, '.xlf'));
}

/** The text of a segment file. */
export function readSegments(dir: string, lang: string, file: string): Promise<string> {
  return readFile(segmentFile(dir, lang, file), 'utf8');
}

/** The `<unit>` element that holds segment `id`, as text. */
export function unitXml(xliff: string, id: string): string {
  const units = xliff.match(/<unit\b[\s\S]*?<\/unit>/g) ?? [];
  const unit = units.find((text) => text.includes(`<segment id="${id}"`));
  if (unit === undefined) throw new Error(`no segment ${id} in the segment file`);
  return unit;
}

/** The `<segment>` element `id`, as text. */
export function segmentXml(xliff: string, id: string): string {
  const start = xliff.indexOf(`<segment id="${id}"`);
  if (start < 0) throw new Error(`no segment ${id} in the segment file`);
  const end = xliff.indexOf('</segment>', start);
  return xliff.slice(start, end + '</segment>'.length);
}

/** The segment's `<target>` as text (undefined when it has none). */
export function targetXml(xliff: string, id: string): string | undefined {
  return /<target\b[^>]*>([\s\S]*?)<\/target>/.exec(segmentXml(xliff, id))?.[1];
}

/** Run `validate-l10n` on a file: its exit code and what it printed. A missing tool fails the test. */
export function validate(file: string): { readonly code: number; readonly output: string } {
  if (!existsSync(validatorPath)) throw new Error(`${validatorPath} is missing: the XLIFF validator of the shared tools is needed`);
  const result = spawnSync(validatorPath, [file], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
