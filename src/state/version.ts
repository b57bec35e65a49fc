/**
 * Hansa's own version as the project state sees it: the package version and a fingerprint of
 * its code, so a state written by another build (a fix in the merge, new segmentation rules) is
 * never trusted, even when nobody bumped the version.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let fingerprint: string | undefined;

/** The package version and a hash of every module of Hansa (read once per process). */
export function hansaFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.join(here, '..');
  const extension = path.extname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    // The bundle is made from the other modules, so they already stand for it.
    .filter((file) => (file.endsWith(extension) || file.endsWith('.json')) && !file.startsWith(`bundle${path.sep}`))
    .sort();
  for (const file of files) hash.update(file).update('\0').update(readFileSync(path.join(root, file)));
  const pkg = path.join(root, '..', extension === '.ts' ? '' : '..', 'package.json');
  try {
    hash.update(readFileSync(pkg));
  } catch {
    // Run from somewhere without the package file: the code alone decides.
  }
  fingerprint = hash.digest('hex').slice(0, 32);
  return fingerprint;
}

/** A short key of any JSON value (stable: object keys sorted). */
export function keyOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted: the same value always gives the same text (state files compare by bytes). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
