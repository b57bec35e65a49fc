import { isMap, parseDocument, type Document } from 'yaml';
import { InputError } from '../errors/index.js';

/** Options of `readFrontmatter`. */
export interface FrontmatterOptions {
  /** File named in errors. */
  readonly file?: string | undefined;
  /** Line of the file on which the YAML text starts (1-based). Default 1. */
  readonly firstLine?: number;
}

/**
 * Parse YAML frontmatter into data. Invalid YAML, or YAML that is not a mapping,
 * throws an `InputError` naming the file line.
 */
export function readFrontmatter(yamlText: string, options: FrontmatterOptions = {}): { data: Record<string, unknown>; document: Document } {
  const document = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  const firstLine = options.firstLine ?? 1;
  const error = document.errors[0];
  if (error !== undefined) {
    const line = firstLine + lineAt(yamlText, error.pos[0]) - 1;
    throw new InputError('frontmatter_invalid', `invalid YAML frontmatter: ${firstSentence(error.message)}`, {
      file: options.file,
      line,
      data: { reason: firstSentence(error.message) },
    });
  }
  if (yamlText.trim() === '') return { data: {}, document };
  if (!isMap(document.contents)) {
    throw new InputError('frontmatter_invalid', 'frontmatter must be a mapping of keys to values', {
      file: options.file,
      line: firstLine,
      data: { reason: 'frontmatter must be a mapping of keys to values' },
    });
  }
  const data: unknown = document.toJS();
  return { data: (data ?? {}) as Record<string, unknown>, document };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

function firstSentence(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/**
 * Replace values of a frontmatter document and add keys, keeping the author's
 * formatting of everything else.
 */
export function rewriteFrontmatter(
  yamlText: string,
  replacements: readonly { readonly path: readonly (string | number)[]; readonly value: string }[],
  additions: Readonly<Record<string, unknown>>,
): string {
  const document = parseDocument(yamlText);
  for (const { path, value } of replacements) document.setIn(path, value);
  for (const [key, value] of Object.entries(additions)) document.set(key, value);
  return document.toString({ lineWidth: 0 });
}
