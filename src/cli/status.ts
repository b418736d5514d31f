import { InputError } from '../formats/errors.ts';
import { printErr } from './output.ts';

/**
 * The exit status of one CLI run: 0 all good, 1 a scheme is not exact (or not within tolerance),
 * 2 bad input. Bad input is reported as one line and the command goes on with the other files.
 */
export class Status {
  code = 0;
  fail(): void {
    if (this.code === 0) this.code = 1;
  }
  badInput(message: string): void {
    printErr(`error: ${message}`);
    this.code = 2;
  }
  /** Run `f`; turn an InputError into a reported bad-input line and return undefined. */
  guard<T>(f: () => T, file?: string): T | undefined {
    try {
      return f();
    } catch (err) {
      if (err instanceof InputError) this.badInput(err.message);
      else if (isUserError(err)) this.badInput(file ? `${file}: ${(err as Error).message}` : (err as Error).message);
      else throw err;
      return undefined;
    }
  }
}

/** Errors raised by the library on bad user-supplied values (fields, shapes, targets). */
function isUserError(err: unknown): boolean {
  return err instanceof Error && ['FieldError', 'SchemeError', 'TensorError'].includes(err.name);
}
