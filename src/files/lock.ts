/**
 * The project lock: one writer per project (DESIGN §8.9).
 *
 * 1. The lock is a file, `.hansa/lock`, created with O_EXCL: of two runs that start
 *    together exactly one creates it. It says who holds it (command, pid, host, start).
 * 2. A lock whose process is gone (killed, crashed, the machine rebooted) is stale and
 *    taken over. "Gone" is checked with signal 0 and, on Linux, the process's start time,
 *    so a new process that happens to reuse the pid does not keep a dead run's lock alive.
 *    A lock from another host (a shared folder) cannot be checked and is never taken over.
 * 3. Taking over is itself guarded by a second O_EXCL file, so two runs that find the
 *    same stale lock cannot both take it (one would delete the other's fresh lock).
 * 4. The second run either stops at once with `project_locked` (exit 2) naming the holder,
 *    or waits (`--wait`), polling, until the holder releases or dies.
 */
import { open, readFile, rm, stat, mkdir } from 'node:fs/promises';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { InputError, asIoError } from '../errors/index.js';

/** What the lock file says of its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Linux: the process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22). */
  readonly startTicks?: number;
  /** Linux: the boot the pid belongs to (`/proc/sys/kernel/random/boot_id`). */
  readonly bootId?: string;
  /** Linux: the pid namespace the pid belongs to (`/proc/self/ns/pid`). */
  readonly pidNamespace?: string;
}

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  command: z.string(),
  since: z.string(),
  startTicks: z.number().int().nonnegative().optional(),
  bootId: z.string().optional(),
  pidNamespace: z.string().optional(),
});

/** Options of `acquireProjectLock`. */
export interface LockOptions {
  /** What the holder is doing, for the message of a run that finds the lock (`hansa translate`). */
  readonly command: string;
  /** Wait for the lock instead of failing: milliseconds, or `Infinity`. Default 0 (fail at once). */
  readonly waitMs?: number;
  /** How often a waiting run looks again. Default 200 ms. */
  readonly pollMs?: number;
  /** Called once when a run starts waiting, with the holder. */
  readonly onWait?: (holder: LockHolder) => void;
  /** Called when a stale lock is taken over, with the dead holder (`undefined`: the lock file could not be read). */
  readonly onStale?: (holder: LockHolder | undefined) => void;
  readonly signal?: AbortSignal;
}

/** A lock held by this process; `release` is idempotent. */
export interface ProjectLock {
  readonly file: string;
  release(): Promise<void>;
}

/** The lock file of a project. */
export function lockPath(cacheDir: string): string {
  return path.join(cacheDir, 'lock');
}

/** Take the project lock, waiting or failing as `options` say. */
export async function acquireProjectLock(cacheDir: string, options: LockOptions): Promise<ProjectLock> {
  const file = lockPath(cacheDir);
  try {
    return await acquire(file, options);
  } catch (error) {
    // A lock the system will not let us write (read-only, full, a folder in its way) names itself.
    throw asIoError(error, file);
  }
}

async function acquire(file: string, options: LockOptions): Promise<ProjectLock> {
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = { pid: process.pid, host: hostname(), ...machineOf(), command: options.command, since: new Date().toISOString(), ...startTicksOf(process.pid) };
  const deadline = Date.now() + (options.waitMs ?? 0);
  let announced = false;
  let unseen = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await createExclusive(file, `${JSON.stringify(me)}\n`)) return heldLock(file, me);
    const holder = await readHolder(file);
    if (holder === undefined) {
      // Released just now, or being written by the run that created it: look again shortly.
      if (Date.now() >= deadline && ++unseen > 200) throw new InputError('project_locked', 'the project lock is being taken', { file, data: { command: '?', pid: '?', host: '?', since: '?' } });
      await delay(10, options.signal);
      continue;
    }
    unseen = 0;
    if (holder.value === 'unreadable' || !isAlive(holder.value)) {
      await takeOverStale(file, holder.text, options, holder.value === 'unreadable' ? undefined : holder.value);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new InputError('project_locked', `the project is locked by ${holder.value.command} (pid ${holder.value.pid})`, {
        file,
        data: { command: holder.value.command, pid: holder.value.pid, host: holder.value.host, since: holder.value.since },
      });
    }
    if (!announced) {
      announced = true;
      options.onWait?.(holder.value);
    }
    await delay(Math.min(options.pollMs ?? 200, Math.max(1, deadline - Date.now())), options.signal);
  }
}

/** Create `file` with `text` unless it exists; true when this call created it. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

function heldLock(file: string, me: LockHolder): ProjectLock {
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      // Only our own lock is removed: if it was (wrongly) taken over, the new holder keeps it.
      // Releasing never throws: a lock left behind (the disk went read-only) is stale once this
      // process is gone, and the next run takes it over; the run's own outcome matters more.
      try {
        const holder = await readHolder(file);
        if (holder !== undefined && holder.value !== 'unreadable' && holder.value.pid === me.pid && holder.value.since === me.since && holder.value.host === me.host) {
          await rm(file, { force: true });
        }
      } catch {
        // see above
      }
    },
  };
}

/** The lock's holder, `'unreadable'` for a file that is not a lock, `undefined` when there is no file. */
async function readHolder(file: string): Promise<{ text: string; value: LockHolder | 'unreadable' } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { text, value: parsed.data };
  } catch {
    // not JSON: handled below
  }
  // A lock file is written whole before anyone can read it (O_EXCL, then one write), except in
  // the instant between create and write: an empty file younger than a second is still being born.
  if (text === '' && (await isYoung(file))) return undefined;
  return { text, value: 'unreadable' };
}

async function isYoung(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  // A modification time in the future (a clock set back) is not young: it would be forever.
  const age = info === undefined ? Number.NaN : Date.now() - info.mtimeMs;
  return age >= 0 && age < 1000;
}

/**
 * Whether the holder's process still runs. A lock from another host, another boot, or another
 * pid namespace (a container sharing the host name and the folder) cannot be checked here:
 * it counts as alive, and is never taken over.
 */
export function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  const here = machineOf();
  if ((holder.bootId ?? here.bootId) !== here.bootId || (holder.pidNamespace ?? here.pidNamespace) !== here.pidNamespace) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = startTicksOf(holder.pid).startTicks;
  return holder.startTicks === undefined || ticks === undefined || ticks === holder.startTicks;
}

/**
 * Remove a stale lock, guarded by `lock.takeover` so that only one of several runs that found
 * it stale removes it; the guard itself is stale after 10 s (its taker died in between).
 */
async function takeOverStale(file: string, staleText: string, options: LockOptions, holder: LockHolder | undefined): Promise<void> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, `${process.pid}\n`))) {
    const info = await stat(guard).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > 10_000) await rm(guard, { force: true });
    else await delay(20, options.signal);
    return;
  }
  try {
    // Still the same stale lock? Another taker may have replaced it with a live one.
    const now = await readFile(file, 'utf8').catch(() => undefined);
    if (now === staleText) {
      await rm(file, { force: true });
      options.onStale?.(holder);
    }
  } finally {
    await rm(guard, { force: true });
  }
}

/** Linux: which boot and which pid namespace this process lives in (nothing elsewhere); read once. */
function machineOf(): { bootId?: string; pidNamespace?: string } {
  return (machine ??= readMachine());
}

let machine: { bootId?: string; pidNamespace?: string } | undefined;

function readMachine(): { bootId?: string; pidNamespace?: string } {
  const read = (what: () => string): string | undefined => {
    try {
      return what().trim();
    } catch {
      return undefined;
    }
  };
  const bootId = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const pidNamespace = read(() => readlinkSync('/proc/self/ns/pid'));
  return { ...(bootId === undefined ? {} : { bootId }), ...(pidNamespace === undefined ? {} : { pidNamespace }) };
}

/** Linux: a process's start time, which stays the same for the process's life. */
function startTicksOf(pid: number): { startTicks?: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isSafeInteger(ticks) ? { startTicks: ticks } : {};
  } catch {
    return {};
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
