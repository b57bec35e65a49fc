/**
 * The `hansa` command line. Exit codes: 0 success, 1 validation findings,
 * 2 usage or input errors. Human text goes to stderr, `--json` to stdout.
 */
//
// Startup is kept small: only commander, i18next (the messages) and modules that import
// nothing heavy are loaded here. Each command loads its own modules (the pipeline, config
// and zod, Markdown, XML, providers, glossaries) with `await import()` when it runs, so
// `--help` and `--version` load none of them and a command loads only what it needs.
// Types come in through `import type`, which costs nothing at run time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { TFunction } from 'i18next';
import type { HansaConfig } from '../config/index.js';
import { HansaError, ImportRefusedError, InputError, asIoError, isErrnoError, type Finding, type ImportProblem } from '../errors/index.js';
import type { ExportFormat, ImportReport } from '../pipeline/exchange.js';
import { cacheRoot, contentRoot, displayPath, type Project } from '../pipeline/project.js';
import type { LanguageStatus } from '../pipeline/status.js';
import type { TranslateSummary } from '../pipeline/translate.js';
import type { ProviderName } from '../providers/index.js';
import { codeProblemText } from './code-problem-text.js';
import { loadMessages, pickUiLanguage } from './messages.js';
import { ProgressBar } from './progress.js';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

interface GlobalOptions {
  config?: string;
  json?: boolean;
  uiLang?: string;
  workers?: string;
  wait?: boolean;
  waitTimeout?: string;
}

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Run the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const uiFlag = flagValue(argv, '--ui-lang');
  const uiLanguage = pickUiLanguage(uiFlag, io.env);
  const t = loadMessages(uiLanguage);
  const color = io.stderr.isTTY === true && io.env['NO_COLOR'] === undefined;
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  const fail = (error: unknown): number => {
    // A system error that escaped with no file of ours named names at least its own path.
    const described = isErrnoError(error) ? asIoError(error, error.path ?? 'hansa') : error;
    say(describeError(described, t, color, io.cwd));
    if (described instanceof HansaError && described.code === 'interrupted') return exitCodeOf(String(described.data['signal'] ?? 'SIGINT'));
    return described instanceof InputError || described instanceof CommanderError ? 2 : described instanceof HansaError ? 2 : 1;
  };

  let exitCode = 0;
  const program = new Command('hansa')
    .description(t('program.description'))
    .version(version, '-V, --version', t('program.version'))
    .helpOption('-h, --help', t('program.help'))
    .helpCommand(false)
    .option('--config <file>', t('program.config'))
    .option('--json', t('program.json'))
    .option('--ui-lang <lang>', t('program.uiLang'))
    .option('--workers <n>', t('program.workers'))
    .option('--wait', t('program.wait'))
    .option('--wait-timeout <seconds>', t('program.waitTimeout'))
    .exitOverride()
    // The help's own headings ("Usage:", "Options:" …) in the interface language too.
    .configureHelp({ styleTitle: (title: string) => t(`help.${helpTitles[title] ?? 'other'}`, { defaultValue: title }) })
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: () => undefined,
    });

  const project = async (): Promise<Project> => {
    const options = program.opts<GlobalOptions>();
    const { loadConfig } = await import('../config/index.js');
    const { config } = await loadConfig(io.cwd, options.config);
    return { cwd: io.cwd, config };
  };
  /**
   * Run a command that writes the project: under the project lock (DESIGN §8.9), with Ctrl-C
   * and SIGTERM turned into an abort that every phase honours, so the command stops between
   * two whole files, releases the lock and exits 130 (SIGINT) or 143 (SIGTERM).
   */
  const writing = async <T>(loaded: Project, command: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    await using session = await writingSession(loaded, command);
    return await run(session.signal);
  };
  const writingSession = async (loaded: Project, command: string): Promise<{ signal: AbortSignal; [Symbol.asyncDispose](): Promise<void> }> => {
    const interrupt = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      if (interrupt.signal.aborted) process.exit(exitCodeOf(signal)); // a second Ctrl-C: now
      interrupt.abort(new InputError('interrupted', 'interrupted', { data: { signal } }));
    };
    // SIGHUP (the terminal closed) ends the run like SIGTERM, tidily.
    const stopListening = (): void => {
      for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(name, onSignal);
    };
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, onSignal);
    try {
      const { acquireProjectLock } = await import('../files/lock.js');
      const lock = await acquireProjectLock(cacheRoot(loaded), {
        command: `hansa ${command}`,
        waitMs: waitMs(),
        signal: interrupt.signal,
        onWait: (holder) => say(t('lock.waiting', { ...holder })),
        onStale: (holder) => say(holder === undefined ? t('lock.staleUnreadable', { file: '.hansa/lock' }) : t('lock.stale', { ...holder })),
      });
      return {
        signal: interrupt.signal,
        async [Symbol.asyncDispose]() {
          try {
            await lock.release();
          } finally {
            stopListening();
          }
        },
      };
    } catch (error) {
      stopListening();
      throw error;
    }
  };
  const waitMs = (): number => {
    const { wait, waitTimeout } = program.opts<GlobalOptions>();
    if (waitTimeout !== undefined) {
      const seconds = Number(waitTimeout);
      if (waitTimeout.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
        throw new InputError('config_invalid', `--wait-timeout ${waitTimeout}`, { data: { key: '--wait-timeout', expected: 'a number of seconds from 0' } });
      }
      return seconds * 1000;
    }
    return wait === true ? Number.POSITIVE_INFINITY : 0;
  };
  const workers = (): number | undefined => {
    const value = program.opts<GlobalOptions>().workers;
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InputError('config_invalid', `--workers ${value}`, { data: { key: '--workers', expected: 'a whole number from 1' } });
    return n;
  };

  program
    .command('translate')
    .description(t('translate.description'))
    .argument('[files...]', t('translate.files'))
    .option('--to <langs>', t('translate.to'))
    .option('--provider <names>', t('translate.provider'))
    .option('--dry-run', t('translate.dryRun'))
    .action(async (files: string[], options: { to?: string; provider?: string; dryRun?: boolean }) => {
      const loaded = await project();
      const named = files.length > 0 ? relativeFiles(loaded, files) : undefined;
      const targets = options.to === undefined ? undefined : await parseLanguages(options.to);
      const providers = options.provider === undefined ? undefined : await parseProviders(options.provider);
      const { translateProject } = await import('../pipeline/translate.js');
      const bar = new ProgressBar(io.stderr, true);
      // Ctrl-C stops sending; every answer already received is in the journal, so the
      // next run picks up where this one stopped. A dry run writes nothing: it needs no lock.
      const run = (signal: AbortSignal): Promise<TranslateSummary> =>
        translateProject(loaded, {
          signal,
          ...(named === undefined ? {} : { files: named }),
          ...(targets === undefined ? {} : { targetLanguages: targets }),
          ...(providers === undefined ? {} : { providers }),
          ...(workers() === undefined ? {} : { workers: workers() }),
          dryRun: options.dryRun === true,
          env: io.env,
          onProgress: (progress) => bar.update(t(`progress.${progress.phase}`), progress.done, progress.total),
        }).finally(() => bar.clear());
      const summary = options.dryRun === true ? await run(new AbortController().signal) : await writing(loaded, 'translate', run);
      for (const error of summary.errors) say(describeFinding(error, t, color));
      for (const finding of summary.findings) say(describeFinding(finding, t, color));
      const chain = (providers ?? loaded.config.providers).filter((name) => name !== 'memory').join(', ') || 'memory';
      for (const report of summary.languages) {
        say(
          summary.dryRun
            ? t('translate.dryLanguage', { ...report, provider: chain, cost: report.estimatedCost.toFixed(2) })
            : t('translate.language', { ...report }),
        );
      }
      say(t('translate.files', { count: summary.files.length, parsed: summary.parsed }));
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      exitCode = summary.errors.length > 0 ? 2 : summary.findings.some((finding) => finding.severity === 'error') ? 1 : 0;
    });

  program
    .command('extract')
    .description(t('extract.description'))
    .argument('[files...]', t('extract.files'))
    .option('--to <langs>', t('extract.to'))
    .action(async (files: string[], options: { to?: string }) => {
      const loaded = await project();
      const named = files.length > 0 ? relativeFiles(loaded, files) : undefined;
      const [{ extractProject }, { translateProject }] = await Promise.all([import('../pipeline/extract.js'), import('../pipeline/translate.js')]);
      await using session = await writingSession(loaded, 'extract');
      const bar = new ProgressBar(io.stderr, true);
      const run = await extractProject(loaded, {
        signal: session.signal,
        ...(named === undefined ? {} : { files: named }),
        ...(workers() === undefined ? {} : { workers: workers() }),
        onProgress: (progress) => bar.update(t('progress.extract'), progress.done, progress.total),
      });
      bar.clear();
      const shown = (file: string): string => `${run.context.displayRoot}/${file}`;
      const report = run.outcomes.map((outcome) =>
        outcome.ok
          ? { file: shown(outcome.file), ok: true, segments: outcome.segments, words: outcome.words, parsed: outcome.parsed }
          : { file: shown(outcome.file), ok: false, error: outcome.error },
      );
      let segments = 0;
      let words = 0;
      for (const outcome of run.outcomes) {
        if (outcome.ok) {
          segments += outcome.segments;
          words += outcome.words;
          if (program.opts<GlobalOptions>().json !== true) say(t('extract.file', { file: shown(outcome.file), segments: outcome.segments, words: outcome.words }));
        } else {
          say(describeFinding({ code: outcome.error.code, severity: 'error', file: shown(outcome.file), ...(outcome.error.line === undefined ? {} : { line: outcome.error.line }), message: outcome.error.message, data: outcome.error.data }, t, color));
        }
      }
      // Warnings (links not followed, damaged caches rebuilt), each said once though both passes may meet it.
      const warnings: Finding[] = [];
      const warn = (finding: Finding): void => {
        if (warnings.some((known) => known.code === finding.code && known.file === finding.file)) return;
        warnings.push(finding);
        say(describeFinding(finding, t, color));
      };
      run.findings.forEach(warn);
      say(t('extract.total', { files: run.outcomes.length, segments, words, parsed: run.parsed }));
      // Then the segment files: memory leverage only, no provider, no dist/. The extraction
      // above is reused: a file that failed is not parsed (or reported) a second time.
      const synced = await translateProject(loaded, {
        mode: 'extract',
        extraction: run,
        signal: session.signal,
        ...(named === undefined ? {} : { files: named }),
        ...(options.to === undefined ? {} : { targetLanguages: await parseLanguages(options.to) }),
        ...(workers() === undefined ? {} : { workers: workers() }),
      });
      for (const error of synced.errors.filter((item) => item.lang !== undefined)) say(describeFinding(error, t, color));
      synced.findings.forEach(warn);
      for (const language of synced.languages) say(t('extract.language', { ...language }));
      if (program.opts<GlobalOptions>().json === true) {
        io.stdout.write(`${JSON.stringify({ files: report, totals: { files: run.outcomes.length, segments, words, parsed: run.parsed }, languages: synced.languages, errors: synced.errors, findings: warnings }, null, 2)}\n`);
      }
      exitCode = run.outcomes.some((outcome) => !outcome.ok) || synced.errors.length > 0 ? 2 : 0;
    });

  program
    .command('build')
    .description(t('build.description'))
    .option('--to <langs>', t('build.to'))
    .action(async (options: { to?: string }) => {
      const loaded = await project();
      const { buildProject } = await import('../pipeline/build.js');
      await using session = await writingSession(loaded, 'build');
      const summary = await buildProject(loaded, {
        signal: session.signal,
        ...(options.to === undefined ? {} : { targetLanguages: await parseLanguages(options.to) }),
        ...(workers() === undefined ? {} : { workers: workers() }),
      });
      for (const error of summary.errors) say(describeFinding(error, t, color));
      for (const finding of summary.findings) say(describeFinding(finding, t, color));
      for (const language of summary.languages) {
        const statuses = Object.entries(language.byStatus).map(([status, count]) => `${status} ${count}`).join(', ');
        say(t('build.language', { lang: language.lang, articles: language.articles, statuses }));
      }
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      exitCode = summary.errors.length > 0 ? 2 : summary.findings.some((finding) => finding.severity === 'error') ? 1 : 0;
    });

  program
    .command('status')
    .description(t('status.description'))
    .option('--to <langs>', t('status.to'))
    .action(async (options: { to?: string }) => {
      const loaded = await project();
      const languages = options.to === undefined ? loaded.config.targetLanguages : await parseLanguages(options.to);
      const { projectStatus } = await import('../pipeline/status.js');
      const report = await projectStatus(loaded, languages);
      for (const error of [...report.errors, ...report.warnings]) say(describeFinding(error, t, color));
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      // The table is human text, so stderr (DESIGN §3): stdout carries only --json.
      else io.stderr.write(statusTable(report.languages, t('status.header')));
      exitCode = report.errors.length > 0 ? 2 : 0;
    });

  program
    .command('qa')
    .description(t('qa.description'))
    .option('--to <langs>', t('qa.to'))
    .action(async (options: { to?: string }) => {
      const loaded = await project();
      const languages = options.to === undefined ? loaded.config.targetLanguages : await parseLanguages(options.to);
      const { projectQa } = await import('../pipeline/qa.js');
      const report = await projectQa(loaded, languages);
      for (const error of [...report.errors, ...report.warnings]) say(describeFinding(error, t, color));
      if (program.opts<GlobalOptions>().json !== true) for (const finding of report.findings) say(`${describeFinding(finding, t, color)} [${finding.lang ?? ''} ${finding.segment ?? ''}]`);
      const errors = report.findings.filter((finding) => finding.severity === 'error').length;
      say(t('qa.summary', { checked: report.checked, errors, warnings: report.findings.length - errors }));
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      exitCode = report.errors.length > 0 ? 2 : errors > 0 ? 1 : 0;
    });

  program
    .command('import')
    .description(t('import.description'))
    .argument('<files...>', t('import.files'))
    .option('--to <langs>', t('import.to'))
    .option('--reviewed', t('import.reviewed'))
    .action(async (files: string[], options: { to?: string; reviewed?: boolean }) => {
      const loaded = await project();
      const languages = options.to === undefined ? undefined : await parseLanguages(options.to);
      const { importFile } = await import('../pipeline/exchange.js');
      await using session = await writingSession(loaded, 'import');
      const reports: ImportReport[] = [];
      // `problems`: the file's bad segments (at most the importer's cap; `more` counts the rest).
      const failures: { file: string; error: string; code: string; line?: number; problems: (ImportProblem & { message: string })[]; more?: number }[] = [];
      // Each file goes in whole or not at all; one bad file does not stop the others.
      for (const file of files) {
        session.signal.throwIfAborted();
        try {
          const report = await importFile(loaded, file, { ...(languages === undefined ? {} : { languages }), reviewed: options.reviewed === true, signal: session.signal });
          reports.push(report);
          say(t('import.file', { ...report, into: report.into.join(', ') }));
          // A file with only some of the document's entries: the others were not touched.
          const { segmentsInFile: held, segmentsInDocument: total } = report;
          if (held !== undefined && total !== undefined && held < total) say(`  ${t('import.held', { held, total, count: total - held, document: report.document ?? '' })}`);
          // Where kept texts went, and how a reviewer takes them (DESIGN §8.7).
          const segmentFile = report.into[0] ?? '';
          if (report.proposals > 0) say(`  ${t('import.proposals', { count: report.proposals, segmentFile })}`);
          if (report.waiting > 0) say(`  ${t('import.waiting', { count: report.waiting, segmentFile })}`);
          if (report.sourceCopies > 0) say(`  ${t('import.sourceCopies', { count: report.sourceCopies })}`);
          // After --reviewed, importing again with it changes nothing: only the segment file itself can.
          if (report.proposals + report.waiting > 0) say(`  ${t(options.reviewed === true ? 'import.acceptInFile' : 'import.accept', { segmentFile, file: shellArgument(report.file) })}`);
        } catch (error) {
          if (!(error instanceof HansaError) || error.code === 'interrupted') throw error;
          const where = shownPath(error.file ?? file, io.cwd);
          const label = red(t('errors.prefix'), color);
          // Every bad segment of the file, each where it is, so that one import shows them all.
          const problems = error instanceof ImportRefusedError ? error.problems.map((problem) => ({ ...problem, message: importProblemText(problem, t) })) : [];
          const more = error instanceof ImportRefusedError ? error.more : 0;
          if (problems.length > 0) {
            for (const problem of problems) say(`${where}:${problem.line}: ${label}: ${problem.segment === undefined ? problem.message : t('import.problem.segment', { id: problem.segment, source: problem.source, problem: problem.message })}`);
            if (more > 0) say(`${where}: ${t('import.problem.more', { count: more })}`);
            say(`${where}: ${label}: ${t('import.problem.refused', { count: problems.length + more })}`);
          } else if (error.code === 'import_wrong_language' && error.data['found'] === '') {
            // A file that names no target language: which one is for the user to say.
            const given = String(error.data['given'] ?? '');
            const asked = { example: String(error.data['example'] ?? ''), given, file: shellArgument(file) };
            say(`${where}:${error.line ?? 1}: ${label}: ${t(given === '' ? 'import.noLanguage' : 'import.noLanguageSeveral', asked)}`);
          } else {
            // The import errors say so themselves; XML and encoding errors come from deeper down.
            const said = describeError(error, t, color, io.cwd);
            say(error.code.startsWith('import_') ? said : `${said} (${t('import.nothing')})`);
          }
          failures.push({ file, error: error.message, code: error.code, ...(error.line === undefined ? {} : { line: error.line }), problems, ...(more > 0 ? { more } : {}) });
        }
      }
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify({ imported: reports, failed: failures }, null, 2)}\n`);
      exitCode = failures.length > 0 ? 2 : 0;
    });

  program
    .command('export')
    .description(t('export.description'))
    .addOption(new Option('--format <format>', t('export.format')).choices(['xliff2', 'xliff12', 'po', 'tmx']).makeOptionMandatory())
    .option('--to <langs>', t('export.to'))
    .option('--out <dir>', t('export.out'), 'export')
    .action(async (options: { format: ExportFormat; to?: string; out: string }) => {
      const loaded = await project();
      const languages = options.to === undefined ? loaded.config.targetLanguages : await parseLanguages(options.to);
      const { exportProject } = await import('../pipeline/exchange.js');
      const { written, errors } = await exportProject(loaded, { format: options.format, languages, outDir: options.out });
      // A file that could not be read is named and left out; the others are exported all the same.
      for (const error of errors) say(describeFinding(error, t, color));
      say(t('export.wrote', { count: written.length, dir: options.out }));
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify({ files: written, errors }, null, 2)}\n`);
      exitCode = errors.length > 0 ? 2 : 0;
    });

  program
    .command('segment')
    .description(t('segment.description'))
    .addOption(new Option('--lang <lang>', t('segment.lang')))
    .action(async (options: { lang?: string }) => {
      const lang = options.lang ?? (await project()).config.sourceLanguage;
      await parseLanguages(lang);
      const { segmentText } = await import('../segment/index.js');
      const text = await readAll(io.stdin);
      io.stdout.write(`${JSON.stringify(segmentText(text, lang), null, 2)}\n`);
    });

  program
    .command('terms')
    .description(t('terms.description'))
    .addOption(new Option('--lang <lang>', t('terms.lang')))
    .option('--glossary <file>', t('terms.glossary'))
    .option('--ignore-diacritics', t('terms.ignoreDiacritics'))
    .action(async (options: { lang?: string; glossary?: string; ignoreDiacritics?: boolean }) => {
      const loaded = await project();
      const lang = options.lang ?? loaded.config.sourceLanguage;
      await parseLanguages(lang);
      const [{ createTermIndex, loadGlossaries }, { damagedCacheFinding }] = await Promise.all([import('../glossary/index.js'), import('../pipeline/extract.js')]);
      const glossary = await loadGlossaries(io.cwd, {
        globs: loaded.config.glossary.files,
        ...(options.glossary === undefined ? {} : { files: [options.glossary] }),
        sourceLanguage: loaded.config.sourceLanguage,
      });
      const index = await createTermIndex(glossary, lang, {
        ignoreDiacritics: options.ignoreDiacritics === true || loaded.config.glossary.ignoreDiacritics,
        cacheDir: path.join(cacheRoot(loaded), 'terms'),
        onCacheDamaged: (file, reason) => say(describeFinding(damagedCacheFinding(loaded, file, reason), t, color)),
      });
      const text = await readAll(io.stdin);
      const hits = index.match(text).map(({ term, text: found, start, end }) => ({ term, text: found, start, end }));
      io.stdout.write(`${JSON.stringify(hits, null, 2)}\n`);
    });

  program
    .command('glossary')
    .description(t('glossary.description'))
    .addOption(new Option('--format <format>', t('glossary.format')).choices(['csv', 'tbx']).default('tbx'))
    .option('--glossary <file>', t('terms.glossary'))
    .action(async (options: { format: 'csv' | 'tbx'; glossary?: string }) => {
      const loaded = await project();
      const [{ loadGlossaries }, { writeGlossary }] = await Promise.all([import('../glossary/index.js'), import('../glossary/formats.js')]);
      const glossary = await loadGlossaries(io.cwd, {
        globs: loaded.config.glossary.files,
        ...(options.glossary === undefined ? {} : { files: [options.glossary] }),
        sourceLanguage: loaded.config.sourceLanguage,
      });
      io.stdout.write(writeGlossary(glossary, options.format));
      say(t('glossary.summary', { entries: glossary.entries.length, languages: glossary.languages.join(', ') }));
    });

  program
    .command('review')
    .description(t('review.description'))
    .option('--port <n>', t('review.port'))
    .option('--to <langs>', t('review.to'))
    .option('--reviewer <name>', t('review.reviewer'))
    .action(async (options: { port?: string; to?: string; reviewer?: string }) => {
      const loaded = await project();
      const languages = options.to === undefined ? loaded.config.targetLanguages : await parseLanguages(options.to);
      const port = Number(options.port ?? '0');
      if (options.port?.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new InputError('config_invalid', `--port ${options.port ?? ''}`, { data: { key: '--port', expected: 'a port number from 0 (any free port) to 65535' } });
      }
      const reviewer = options.reviewer?.trim();
      // A name goes into every segment file it saves: one line of text, of a sensible length.
      if (reviewer !== undefined && (reviewer === '' || reviewer.length > 200 || /\p{Cc}/u.test(reviewer))) {
        throw new InputError('config_invalid', `--reviewer ${options.reviewer ?? ''}`, { data: { key: '--reviewer', expected: 'a name of 1 to 200 characters on one line' } });
      }
      const { startReviewServer } = await import('../review/server.js');
      let server;
      try {
        server = await startReviewServer({ project: loaded, languages, uiLanguage, t, port, ...(reviewer === undefined ? {} : { reviewer }), onError: (error) => say(describeError(error, t, color, io.cwd)) });
      } catch (error) {
        if (isErrnoError(error) && (error.code === 'EADDRINUSE' || error.code === 'EACCES')) {
          throw new InputError('config_invalid', `--port ${port}`, { data: { key: '--port', expected: `a port this user may listen on (${port}: ${error.code})` } });
        }
        throw error;
      }
      say(t('review.listening', { url: server.url }));
      if (program.opts<GlobalOptions>().json === true) io.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
      // It serves until Ctrl-C or SIGTERM (SIGHUP: the terminal closed), then closes cleanly.
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        const names = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
        const stop = (name: NodeJS.Signals): void => {
          for (const other of names) process.off(other, stop);
          resolve(name);
        };
        for (const name of names) process.on(name, stop);
      });
      await server.close();
      say(t('review.stopped'));
      exitCode = exitCodeOf(signal);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      say(`hansa: ${t('errors.prefix')}: ${error.message.replace(/^error: /, '')}`);
      return 2;
    }
    return fail(error);
  }
}

/** Commander's help headings, by the key of their text in the locale resources. */
const helpTitles: Readonly<Record<string, string>> = { 'Usage:': 'usage', 'Options:': 'options', 'Arguments:': 'arguments', 'Commands:': 'commands', 'Global Options:': 'globalOptions' };

/** The shell's exit code for a run ended by `signal`: 128 + its number. */
function exitCodeOf(signal: string): number {
  return signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 130;
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index < 0) return undefined;
  const arg = argv[index] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

/** Comma-separated language codes, each known. */
async function parseLanguages(value: string): Promise<string[]> {
  const { isKnownLanguage } = await import('../config/languages.js');
  const codes = value.split(',').map((code) => code.trim()).filter((code) => code !== '');
  for (const code of codes) {
    if (!isKnownLanguage(code)) throw new InputError('unknown_language', `unknown language ${code}`, { data: { lang: code } });
  }
  return codes;
}

async function parseProviders(value: string): Promise<ProviderName[]> {
  const { providerNames } = await import('../providers/index.js');
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (!(providerNames as readonly string[]).includes(name)) {
      throw new InputError('unknown_provider', `unknown provider ${name}`, { data: { provider: name, known: providerNames.join(', ') } });
    }
  }
  return names as ProviderName[];
}

/**
 * FILES arguments are paths from the project (`content/pl/a.md`, or any path that leads into
 * the content folder) or from the content folder (`a.md`). Either way the result is a plain
 * path below the content folder: outputs are named after it, so an argument that leads out
 * of the folder (`../../content/pl/a.md`) is refused here, before anything is written.
 */
function relativeFiles(project: Project, files: readonly string[]): string[] {
  const root = contentRoot(project);
  const within = (absolute: string): string | undefined => {
    const relative = path.relative(root, absolute);
    return relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? undefined : relative.split(path.sep).join('/');
  };
  return files.map((file) => {
    const normal = file.replace(/\\/g, '/');
    const fromProject = within(path.resolve(project.cwd, normal));
    if (fromProject !== undefined) return fromProject;
    // From the content folder: only a path that never steps above it.
    const plain = path.posix.normalize(normal);
    if (!path.isAbsolute(plain) && plain !== '..' && !plain.startsWith('../')) {
      const fromContent = within(path.resolve(root, plain));
      if (fromContent !== undefined) return fromContent;
    }
    const shown = displayPath(project, root);
    throw new InputError('file_outside_content', `${file} is outside the content folder ${shown}`, { file, data: { file, root: shown } });
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The status table: one row per language, columns aligned. */
function statusTable(languages: readonly LanguageStatus[], header: string): string {
  const rows = [
    header.split(/\s{2,}/),
    ...languages.map((l) => [l.lang, l.segments, l.words, l.new, l.translated, l.reviewed, l.final, `${l.percentTranslated}%`, `${l.percentReviewed}%`].map(String)),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')).join('\n') + '\n';
}

function red(text: string, color: boolean): string {
  return color ? `\u001b[31m${text}\u001b[39m` : text;
}

/** Message data in the interface language: a system error's reason by its errno code. */
function localized(data: Readonly<Record<string, string | number>>, t: TFunction): Record<string, string | number> {
  const errno = data['errno'];
  return typeof errno === 'string' ? { ...data, reason: t(`io.${errno}`, { defaultValue: String(data['reason'] ?? errno) }) } : { ...data };
}

/** A path for messages: relative to the working folder when it lies below it. */
function shownPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined || !path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

/** `file:line: error: reason`, in the interface language. */
function describeFinding(finding: Finding, t: TFunction, color: boolean): string {
  const where = finding.file + (finding.line === undefined ? '' : `:${finding.line}`);
  const message = t([`errors.${finding.code}`, `finding.${finding.code}`], { ...localized(finding.data ?? {}, t), defaultValue: finding.message });
  const label = finding.severity === 'warning' ? t('finding.warning') : red(t('errors.prefix'), color);
  return `${where}: ${label}: ${message}`;
}

function describeError(error: unknown, t: TFunction, color: boolean, cwd?: string): string {
  if (error instanceof HansaError) {
    const message = t(`errors.${error.code}`, { ...localized(error.data, t), defaultValue: error.message });
    const file = error.file === undefined ? 'hansa' : shownPath(error.file, cwd);
    return `${file}${error.line === undefined ? '' : `:${error.line}`}: ${red(t('errors.prefix'), color)}: ${message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `hansa: ${red(t('errors.prefix'), color)}: ${t('errors.unexpected', { message })}`;
}

/** Text as one shell argument, quoted when it needs to be. */
function shellArgument(text: string): string {
  return /^[\w./@:+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** What is wrong with one segment of an imported file, in the interface language (without the segment's id and source, which the caller adds). */
function importProblemText(problem: ImportProblem, t: TFunction): string {
  switch (problem.code) {
    case 'unknown_segment':
      return problem.segment === undefined ? t('import.problem.noId', { source: problem.source, document: problem.document }) : t('import.problem.unknown', { document: problem.document });
    case 'stale_source':
      return t('import.problem.stale', { current: problem.current });
    case 'code_mismatch':
      return problem.codes.length === 0 ? t('import.problem.codes') : problem.codes.map((code) => codeProblemText(code, t)).join('; ');
  }
}

export type { HansaConfig };
