import { FieldError } from '../field/index.ts';
import { SchemeError } from '../scheme/index.ts';
import { TensorError } from '../tensor/index.ts';

/**
 * Bad input, phrased for the person who supplied it: which file, where in it, what was expected.
 * The CLI prints `message` alone (exit 2); nothing deeper should ever reach the user.
 */
export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly file: string, readonly where: string, readonly problem: string) {
    super(`${file}: ${where ? where + ': ' : ''}${problem}`);
  }
}

/**
 * A scheme file stlkit refuses on purpose: what it holds is not an exact bilinear scheme over a
 * field stlkit has (border-rank schemes with a symbolic ε, coefficients in Q(√3), CSE-eliminated
 * variants). The catalogue lists these apart from files it failed to read.
 */
export class UnsupportedError extends InputError {
  override name = 'UnsupportedError';
}

/** A file that holds no scheme at all (a table of ranks, a JSON schema, an edge list). */
export class NotSchemeError extends InputError {
  override name = 'NotSchemeError';
}

/** Re-throw library errors raised while reading `file` as InputErrors with a location. */
export function asInputError(file: string, where: string, err: unknown): never {
  if (err instanceof InputError) throw err;
  if (err instanceof FieldError || err instanceof SchemeError || err instanceof TensorError) {
    throw new InputError(file, where, err.message);
  }
  throw err;
}

/**
 * The one line that reports `err` as bad input (the CLI prints it after "error: ", exit 2), or
 * undefined when `err` is not about the input but a fault of the program. Library errors on
 * user-supplied values (fields, shapes, targets) are prefixed with the file they came from.
 */
export function badInputMessage(err: unknown, file?: string): string | undefined {
  if (err instanceof InputError) return err.message;
  if (err instanceof Error && ['FieldError', 'SchemeError', 'TensorError'].includes(err.name)) return file ? `${file}: ${err.message}` : err.message;
  return undefined;
}
