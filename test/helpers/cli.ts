import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const bin = path.resolve('bin/hansa.js');

/** What a run of the real `hansa` executable printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built `hansa` in `cwd`, as a user would. */
export function hansa(cwd: string, args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh project folder with the bundled sample content. */
export async function sampleProject(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hansa-project-'));
  await cp(path.resolve('content'), path.join(dir, 'content'), { recursive: true });
  return dir;
}

/** An empty project folder. */
export function emptyProject(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'hansa-project-'));
}

/** Every file below `dir`, relative. */
export async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}
