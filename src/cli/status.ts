import { badInputMessage } from '../formats/errors.ts';
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
      const message = badInputMessage(err, file);
      if (message === undefined) throw err;
      this.badInput(message);
      return undefined;
    }
  }
}
