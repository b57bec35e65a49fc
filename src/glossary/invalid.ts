import { InputError } from '../errors/index.js';

/** A `glossary_invalid` error: the file, the line when known, and a one-line reason. */
export function invalid(file: string | undefined, line: number | undefined, reason: string): InputError {
  return new InputError('glossary_invalid', reason, { ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }), data: { reason } });
}
