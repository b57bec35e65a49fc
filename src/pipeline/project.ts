import path from 'node:path';
import type { HansaConfig } from '../config/index.js';

/** A Hansa project on disk: the config and where things live. */
export interface Project {
  readonly cwd: string;
  readonly config: HansaConfig;
}

/** Absolute folder of the source articles. */
export function contentRoot(project: Project): string {
  return path.resolve(project.cwd, project.config.contentDir.replaceAll('{lang}', project.config.sourceLanguage));
}

/** Absolute folder of caches. */
export function cacheRoot(project: Project): string {
  return path.join(project.cwd, '.hansa');
}

/** A path for messages and outputs: relative to the project, `/`-separated. */
export function displayPath(project: Project, absolute: string): string {
  return path.relative(project.cwd, absolute).split(path.sep).join('/');
}
