/**
 * Preloaded into a CLI process by the project bench (`node --import <this> bin/hansa.js …`):
 * at exit, writes the process's peak resident set size and CPU time as JSON to the file
 * named by HANSA_BENCH_RSS_FILE.
 *
 * `process.resourceUsage()` is getrusage(RUSAGE_SELF): the whole process, so the extraction
 * worker threads' memory counts too (threads share one address space). The 'exit' event
 * fires both when bin/hansa.js sets process.exitCode and the event loop drains and on
 * process.exit(); only a signal that kills the process leaves no file. Workers inherit
 * `--import` with the rest of execArgv; only the main thread writes.
 */
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env['HANSA_BENCH_RSS_FILE'];
if (file && isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKB: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
  });
}
