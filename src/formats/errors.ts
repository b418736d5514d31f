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

/** Re-throw library errors raised while reading `file` as InputErrors with a location. */
export function asInputError(file: string, where: string, err: unknown): never {
  if (err instanceof InputError) throw err;
  if (err instanceof FieldError || err instanceof SchemeError || err instanceof TensorError) {
    throw new InputError(file, where, err.message);
  }
  throw err;
}
